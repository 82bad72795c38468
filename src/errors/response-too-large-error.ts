import { BackupModelsError, isNamedError } from './backup-models-error.js';

/**
 * What a provider sent passed the bound of what is held of it in memory: a whole answer (`body`), or one line or
 * event of a stream (`event`). The request was ended there and its socket closed. The cause of the `server_error`
 * ProviderError its attempt fails with (a broken proxy, a base URL pointing at a file server, a provider's bug): it
 * names the setting and its bound, never a byte of what was sent.
 */
export class ResponseTooLargeError extends BackupModelsError {
  /** The option that set the bound: `maxProviderResponseBytes` or `maxProviderEmbeddingResponseBytes`. */
  readonly setting: string;
  readonly limitBytes: number;
  readonly part: 'body' | 'event';

  constructor(options: { readonly setting: string; readonly limitBytes: number; readonly part: 'body' | 'event' }) {
    const what = options.part === 'body' ? 'the response body' : 'one line or event of the stream';
    super(`${what} passed ${options.limitBytes} bytes (${options.setting}); the request was ended`);
    this.name = 'ResponseTooLargeError';
    this.setting = options.setting;
    this.limitBytes = options.limitBytes;
    this.part = options.part;
  }

  static override isInstance(value: unknown): value is ResponseTooLargeError {
    return isNamedError(value, 'ResponseTooLargeError');
  }
}

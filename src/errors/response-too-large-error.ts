import { BackupModelsError, isNamedError } from './backup-models-error.js';

interface ResponseTooLargeErrorOptions {
  readonly setting: string;
  readonly limitBytes: number;
  readonly part: 'body' | 'event';
  readonly announcedBytes?: number;
}

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
  /**
   * The length the body's `content-length` announced, when that was past the bound: the request was then ended at
   * its headers, before any of the body was read. Absent when the bound was found by reading.
   */
  readonly announcedBytes?: number;

  constructor(options: ResponseTooLargeErrorOptions) {
    super(messageOf(options));
    this.name = 'ResponseTooLargeError';
    this.setting = options.setting;
    this.limitBytes = options.limitBytes;
    this.part = options.part;
    if (options.announcedBytes !== undefined) this.announcedBytes = options.announcedBytes;
  }

  static override isInstance(value: unknown): value is ResponseTooLargeError {
    return isNamedError(value, 'ResponseTooLargeError');
  }
}

function messageOf(options: ResponseTooLargeErrorOptions): string {
  const bound = `${options.limitBytes} bytes (${options.setting})`;
  if (options.announcedBytes !== undefined) return `the response body announced ${options.announcedBytes} bytes, past ${bound}; the request was ended unread`;
  const what = options.part === 'body' ? 'the response body' : 'one line or event of the stream';
  return `${what} passed ${bound}; the request was ended`;
}

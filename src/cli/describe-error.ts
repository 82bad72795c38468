/** Any error as one line for a terminal: its message, redacted, never a stack trace. */
import { AllProvidersFailedError, BackupModelsError, redactSecrets } from '../errors.js';

/** The most of one provider's reason a line gives: a provider's own error message can be long. */
const maximumReasonCharacters = 200;

export function describeError(error: unknown): string {
  if (AllProvidersFailedError.isInstance(error) && error.errors.length > 0) return redactSecrets(everyProvidersReason(error));
  if (error instanceof Error) {
    const firstLine = firstLineOf(error.message);
    const ours = BackupModelsError.isInstance(error) || error.name === 'CliUsageError' || error.name === 'CliConfigurationError';
    const prefix = ours ? '' : `${error.name}: `;
    return redactSecrets(`${prefix}${firstLine}`);
  }
  return redactSecrets(String(error));
}

/**
 * `All providers failed: groq (network: the TLS handshake failed), openai (configuration: ...)`: what each provider
 * said, not only why in a word, since that is what the user acts on (a proxy's 407, an untrusted certificate).
 */
function everyProvidersReason(error: AllProvidersFailedError): string {
  const reasons = error.errors.map((failure) => {
    const said = firstLineOf(failure.message);
    // A ProviderError's message begins with its provider's id, which the line gives already.
    const own = said.startsWith(`${failure.provider}: `) ? said.slice(failure.provider.length + 2) : said;
    const shown = own.length > maximumReasonCharacters ? `${own.slice(0, maximumReasonCharacters - 3)}...` : own;
    return `${failure.provider} (${failure.reason}: ${shown})`;
  });
  return `All providers failed: ${reasons.join(', ')}`;
}

function firstLineOf(text: string): string {
  return text.split('\n')[0] ?? '';
}

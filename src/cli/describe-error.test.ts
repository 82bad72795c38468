import { describe, expect, it } from 'vitest';
import { AllProvidersFailedError, ProviderError } from '../errors.js';
import { describeError } from './describe-error.js';

describe('describeError', () => {
  it("gives each provider's reason and what it said, on one line, a long message cut", () => {
    const error = new AllProvidersFailedError({
      attempts: [],
      errors: [
        new ProviderError({ provider: 'groq', reason: 'configuration', message: 'the outbound proxy asked for credentials (407): check them' }),
        new ProviderError({ provider: 'openai', reason: 'server_error', message: `${'x'.repeat(300)}\nsecond line` }),
      ],
    });
    const line = describeError(error);
    expect(line).toBe(
      `All providers failed: groq (configuration: the outbound proxy asked for credentials (407): check them), openai (server_error: ${'x'.repeat(197)}...)`,
    );
  });

  it('keeps the short form for a call whose attempts all were skipped, and redacts a key a message carries', () => {
    expect(describeError(new AllProvidersFailedError({ attempts: [], errors: [] }))).toBe('All providers failed: no attempt completed');
    const keyed = new AllProvidersFailedError({
      attempts: [],
      errors: [new ProviderError({ provider: 'openai', reason: 'authentication', message: 'Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz0123456789' })],
    });
    expect(describeError(keyed)).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
  });
});

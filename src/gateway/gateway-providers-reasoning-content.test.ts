import { describe, expect, it } from 'vitest';
import { gatewayProvidersOf } from './gateway-providers-config.js';

const kimi = { protocol: 'openai-compatible', baseUrl: 'https://kimi.internal/v1', models: ['kimi-k2.5'] };

describe('toolCallsNeedReasoningContent on a provider of the configuration', () => {
  it('marks its definition, and is left out when not set', () => {
    expect(gatewayProvidersOf({ kimi: { ...kimi, toolCallsNeedReasoningContent: true } }).kimi?.definition?.toolCallsNeedReasoningContent).toBe(true);
    expect(gatewayProvidersOf({ kimi }).kimi?.definition).not.toHaveProperty('toolCallsNeedReasoningContent');
  });

  it('is refused when not a boolean, or on a protocol other than openai-compatible', () => {
    expect(() => gatewayProvidersOf({ kimi: { ...kimi, toolCallsNeedReasoningContent: 'yes' } })).toThrow('providers.kimi.toolCallsNeedReasoningContent must be true or false.');
    expect(() => gatewayProvidersOf({ claude: { protocol: 'anthropic', baseUrl: 'https://claude.internal', models: ['c'], toolCallsNeedReasoningContent: true } })).toThrow(
      'providers.claude.toolCallsNeedReasoningContent applies to the openai-compatible protocol only.',
    );
  });
});

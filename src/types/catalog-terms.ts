/**
 * The catalog's words that every layer uses: a model's tier and a provider's wire protocol. Types only.
 */

/** Quality and speed tier: 1 fast and cheap, 2 balanced, 3 best quality. */
export type Tier = 1 | 2 | 3;

/** Wire protocols we speak, one folder under `src/providers/` each; `custom` is a provider that is not HTTP (an AI SDK model). */
export type WireProtocolId = 'openai-compatible' | 'anthropic' | 'gemini' | 'custom';

/**
 * `storedResponses` in the gateway's configuration: whether, and for how long, the gateway keeps the Responses API items
 * it answered and the turns of the conversations they are part of, so that a later request of the same key may name them (`item_reference`,
 * as the AI SDK's OpenAI provider does by default, and `previous_response_id`). In this process's memory, bounded by `maxMemoryBytes`; on Redis instead with shared state.
 */
import { defaultResponseStoreMaxBytes } from '../response-store/memory-response-store.js';
import { fail, objectAt, positiveInteger } from './config-fields.js';

export interface StoredResponsesConfig {
  /** Default true. False keeps nothing, and a request naming an item is refused with a 400 that says to send it instead. */
  readonly enabled: boolean;
  /** How long an answer's items are kept. Default 3,600 (one hour; OpenAI keeps its own 30 days). */
  readonly ttlSeconds: number;
  /** In memory (no shared state), the most kept at once: past it, the oldest go. Default 64 MiB. */
  readonly maxMemoryBytes: number;
  /**
   * An output item, or a response's own turn (the input its request sent and its output), whose JSON is larger is not
   * kept (in memory or on Redis). Default 4 MiB.
   */
  readonly maxEntryBytes: number;
  /**
   * The most responses a conversation named by `previous_response_id` may have, the one named included: past it the
   * request is a 400 `conversation_too_long`. A conversation is rebuilt from its turns, 32 read at once. Default 1,000.
   */
  readonly maxChainLength: number;
}

export const defaultStoredResponsesConfig: StoredResponsesConfig = {
  enabled: true,
  ttlSeconds: 3_600,
  maxMemoryBytes: defaultResponseStoreMaxBytes,
  maxEntryBytes: 4 * 1024 * 1024,
  maxChainLength: 1_000,
};

export const storedResponsesConfigFields: readonly string[] = ['enabled', 'ttlSeconds', 'maxMemoryBytes', 'maxEntryBytes', 'maxChainLength'];

export function storedResponsesConfigOf(value: unknown): StoredResponsesConfig {
  if (value === undefined || value === null) return defaultStoredResponsesConfig;
  const section = objectAt(value, 'storedResponses', storedResponsesConfigFields);
  if (section.enabled !== undefined && typeof section.enabled !== 'boolean') fail('storedResponses.enabled', 'must be true or false.');
  const defaults = defaultStoredResponsesConfig;
  return {
    enabled: (section.enabled as boolean | undefined) ?? defaults.enabled,
    ttlSeconds: section.ttlSeconds !== undefined ? positiveInteger(section.ttlSeconds, 'storedResponses.ttlSeconds') : defaults.ttlSeconds,
    maxMemoryBytes: section.maxMemoryBytes !== undefined ? positiveInteger(section.maxMemoryBytes, 'storedResponses.maxMemoryBytes') : defaults.maxMemoryBytes,
    maxEntryBytes: section.maxEntryBytes !== undefined ? positiveInteger(section.maxEntryBytes, 'storedResponses.maxEntryBytes') : defaults.maxEntryBytes,
    maxChainLength: section.maxChainLength !== undefined ? positiveInteger(section.maxChainLength, 'storedResponses.maxChainLength') : defaults.maxChainLength,
  };
}

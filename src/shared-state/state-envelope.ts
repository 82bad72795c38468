/**
 * What travels on the state channel and sits in each provider's state key: the update, who made it and
 * when, with a version. `{"v":1,"instanceId":"…","publishedAtMs":…,"update":{…}}`. Anything else (another
 * version, a malformed value) decodes to undefined and is ignored.
 */

import { isBreakerState } from '../resilience/circuit-breaker.js';
import type { SharedProviderUpdate } from '../routing/provider-state-sync.js';
import { isRecord } from '../json-value.js';

export const stateEnvelopeVersion = 1;

export interface StateEnvelope {
  readonly v: typeof stateEnvelopeVersion;
  /** The instance that made the change: an instance ignores its own. */
  readonly instanceId: string;
  /** The publisher's clock, to drop a breaker state older than one already applied. */
  readonly publishedAtMs: number;
  readonly update: SharedProviderUpdate;
}

export function encodeStateEnvelope(envelope: Omit<StateEnvelope, 'v'>): string {
  return JSON.stringify({
    v: stateEnvelopeVersion,
    instanceId: envelope.instanceId,
    publishedAtMs: envelope.publishedAtMs,
    update: envelope.update,
  });
}

export function decodeStateEnvelope(text: string): StateEnvelope | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || parsed.v !== stateEnvelopeVersion) return undefined;
  const { instanceId, publishedAtMs, update } = parsed;
  if (typeof instanceId !== 'string' || typeof publishedAtMs !== 'number' || !Number.isFinite(publishedAtMs)) {
    return undefined;
  }
  if (!isUpdate(update)) return undefined;
  return { v: stateEnvelopeVersion, instanceId, publishedAtMs, update };
}

function isUpdate(value: unknown): value is SharedProviderUpdate {
  if (!isRecord(value) || typeof value.providerId !== 'string' || value.providerId.length === 0) return false;
  if (value.kind === 'breaker') return isBreakerState(value.state);
  if (value.kind === 'health') return isHealthFigures(value.figures);
  if (value.kind !== 'cooldown' || !isRecord(value.cooldown)) return false;
  const { untilMs, reason } = value.cooldown;
  return typeof untilMs === 'number' && Number.isFinite(untilMs) && typeof reason === 'string';
}

function isHealthFigures(value: unknown): boolean {
  if (!isRecord(value) || typeof value.instanceId !== 'string') return false;
  const { successRate, latencyP50Ms, sampleCount } = value;
  return (
    typeof successRate === 'number' &&
    successRate >= 0 &&
    successRate <= 1 &&
    typeof sampleCount === 'number' &&
    Number.isFinite(sampleCount) &&
    sampleCount >= 0 &&
    (latencyP50Ms === undefined || (typeof latencyP50Ms === 'number' && Number.isFinite(latencyP50Ms)))
  );
}


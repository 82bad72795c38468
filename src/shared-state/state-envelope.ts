/**
 * What travels on the state channel and sits in each provider's state key: the update, who made it and
 * when, with a version. The publisher writes `{"v":2,"instanceId":"…","publishedAtMs":…,"update":{…}}`,
 * every time in it on its own clock; the write script (`write-unless-newer-script.ts`) puts a
 * `"redisClock":{"writtenAtMs":…,"offsetMs":…}` in front, which places those times on Redis's clock (see
 * `redis-clock.ts`). A circuit state or a cooldown without it is not read: its times mean nothing to another
 * instance. Health figures go by message only, without one. Anything else (another version, a malformed
 * value) decodes to undefined and is ignored.
 */

import { isBreakerState } from '../resilience/circuit-breaker.js';
import type { SharedModelUpdate, SharedProviderUpdate, StoredProviderUpdate } from '../routing/provider-state-sync.js';
import { isRecord } from '../json-value.js';

/** 2: times placed on Redis's clock by the write script (1 compared the publishers' clocks). */
export const stateEnvelopeVersion = 2;

/** Where an envelope's times sit on Redis's clock, as the write script measured it. */
export interface RedisClockStamp {
  /** Redis's clock (epoch ms) when the script ran: when the state was written, or refused. */
  readonly writtenAtMs: number;
  /** Redis's clock minus the publisher's when the write arrived: add it to a time of the envelope to read it on Redis's clock. */
  readonly offsetMs: number;
}

/** What the state channel and keys carry: models missing or found travel on their own (`redis-missing-models.ts`). */
export type EnvelopeUpdate = Exclude<SharedProviderUpdate, SharedModelUpdate>;

export interface StateEnvelope {
  readonly v: typeof stateEnvelopeVersion;
  /** The instance that made the change: an instance ignores its own. */
  readonly instanceId: string;
  /** When the change happened, on the publisher's clock. */
  readonly publishedAtMs: number;
  /** On the publisher's clock. */
  readonly update: EnvelopeUpdate;
  /** Present on every circuit state and cooldown read back (the write script adds it); absent on health figures. */
  readonly redisClock?: RedisClockStamp;
}

/** A circuit state or cooldown as written by the script: its times can be read on any clock. */
export type StampedStateEnvelope = StateEnvelope & { readonly update: StoredProviderUpdate; readonly redisClock: RedisClockStamp };

/** The envelope as its publisher writes it; `redisClock` only where a test plays the write script's part. */
export function encodeStateEnvelope(envelope: Omit<StateEnvelope, 'v'>): string {
  const fields = {
    v: stateEnvelopeVersion,
    instanceId: envelope.instanceId,
    publishedAtMs: envelope.publishedAtMs,
    update: envelope.update,
  };
  return JSON.stringify(envelope.redisClock === undefined ? fields : { redisClock: envelope.redisClock, ...fields });
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
  if (typeof instanceId !== 'string' || !isFiniteNumber(publishedAtMs)) return undefined;
  if (!isSharedProviderUpdate(update)) return undefined;
  if (update.kind === 'health') return { v: stateEnvelopeVersion, instanceId, publishedAtMs, update };
  const redisClock = parsed.redisClock;
  if (!isRecord(redisClock) || !isFiniteNumber(redisClock.writtenAtMs) || !isFiniteNumber(redisClock.offsetMs)) return undefined;
  const stamp: RedisClockStamp = { writtenAtMs: redisClock.writtenAtMs, offsetMs: redisClock.offsetMs };
  return { v: stateEnvelopeVersion, instanceId, publishedAtMs, update, redisClock: stamp };
}

export function isStamped(envelope: StateEnvelope): envelope is StampedStateEnvelope {
  return envelope.update.kind !== 'health' && envelope.redisClock !== undefined;
}

/** Runtime check of an update, from the wire or from a caller. */
export function isSharedProviderUpdate(value: unknown): value is EnvelopeUpdate {
  if (!isRecord(value) || typeof value.providerId !== 'string' || value.providerId.length === 0) return false;
  if (value.kind === 'breaker') return isBreakerState(value.state);
  if (value.kind === 'health') return isHealthFigures(value.figures);
  if (value.kind !== 'cooldown' || !isRecord(value.cooldown)) return false;
  const { untilMs, reason } = value.cooldown;
  return isFiniteNumber(untilMs) && typeof reason === 'string';
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

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

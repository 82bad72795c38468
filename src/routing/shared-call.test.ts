import { describe, expect, it } from 'vitest';
import type { Attempt } from '../errors.js';
import type { AttemptLog } from './router-options.js';
import { SharedCall } from './shared-call.js';

const earlier: Attempt = { provider: 'groq', model: 'llama', outcome: 'failure', reason: 'overloaded', startedAtMs: 0, durationMs: 5 };

/** A call with one attempt in flight: the race logs it, priced, as it ends. */
function callInFlight(): { call: SharedCall; attempts: Attempt[]; endRace: () => void } {
  const attempts: Attempt[] = [];
  const call = new SharedCall(attempts);
  const endRace = (): void => {
    attempts.push({ provider: 'openai', model: 'gpt', outcome: 'aborted', startedAtMs: 0, durationMs: 10, estimatedCostUsd: 0.25 });
    call.end();
  };
  return { call, attempts, endRace };
}

async function isSettled(promise: Promise<void> | undefined): Promise<boolean> {
  let settled = false;
  void promise?.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('SharedCall', () => {
  it('gives the estimates to the first caller that left when nobody took the call over, once it ended and nobody waits', async () => {
    const { call, endRace } = callInFlight();
    call.join();
    const log: AttemptLog = { attempts: undefined };
    call.leave(log, [earlier]);
    expect(log.attempts).toEqual([earlier]);
    endRace();
    // A caller still waits: it may take the call over.
    expect(await isSettled(log.pricedLater)).toBe(false);
    call.stopWaiting();
    expect(await isSettled(log.pricedLater)).toBe(true);
    expect(log.attempts?.map((attempt) => attempt.estimatedCostUsd)).toEqual([undefined, 0.25]);
  });

  it('gives them to the first joiner that takes the call over, and none to the caller that left', async () => {
    const { call, endRace } = callInFlight();
    call.join();
    call.join();
    const log: AttemptLog = { attempts: undefined };
    call.leave(log, []);
    endRace();
    expect(call.takeOver()).toBe(true);
    expect(call.takeOver()).toBe(false);
    call.stopWaiting();
    call.stopWaiting();
    expect(await isSettled(log.pricedLater)).toBe(true);
    expect(log.attempts).toEqual([]);
  });

  it('gives them to the caller that left when every joiner left before the call ended', async () => {
    const { call, endRace } = callInFlight();
    call.join();
    const log: AttemptLog = { attempts: undefined };
    call.leave(log, []);
    call.stopWaiting();
    expect(await isSettled(log.pricedLater)).toBe(false);
    endRace();
    expect(await isSettled(log.pricedLater)).toBe(true);
    expect(log.attempts?.[0]?.estimatedCostUsd).toBe(0.25);
    // Settled: nobody takes the call over afterwards.
    expect(call.takeOver()).toBe(false);
  });

  it('is taken over by nobody while its first caller is there: that caller pays', () => {
    const { call, endRace } = callInFlight();
    call.join();
    endRace();
    expect(call.takeOver()).toBe(false);
  });

  it('sets the attempts of a sealed log, which cannot take the promise', () => {
    const { call, endRace } = callInFlight();
    const log = Object.seal<AttemptLog>({ attempts: undefined });
    call.leave(log, []);
    endRace();
    expect(log.attempts?.[0]?.estimatedCostUsd).toBe(0.25);
    expect(log.pricedLater).toBeUndefined();
  });
});

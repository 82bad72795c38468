/**
 * `close()` with work in flight: calls and streams are cancelled with RouterClosedError, no provider is
 * charged, nothing is asked upstream afterwards, and close resolves once the work has settled. Real HTTP to
 * the provider test server, whose providers stall on demand.
 */
import { describe, expect, it } from 'vitest';
import { BackupModelRouter, Provider, RouterClosedError, type RouterEvent } from '../src/index.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({});
const { makeRouter } = harness;

function stallEveryProvider(): void {
  for (const provider of Object.values(Provider)) harness.server.setBehavior(provider, { kind: 'stall-before-headers' });
}

/** A provider's figures that a charged failure would change. */
function charges(router: BackupModelRouter, provider: string) {
  const { circuitState, consecutiveFailures, totalFailures, lastFailureReason } = router.getHealthStatus()[provider]!;
  return { circuitState, consecutiveFailures, totalFailures, lastFailureReason };
}
const uncharged = { circuitState: 'closed', consecutiveFailures: 0, totalFailures: 0, lastFailureReason: null };

async function afterEverythingPending(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('close() with calls in flight', () => {
  it('cancels a call, charges no provider and asks no other one', async () => {
    harness.server.setBehavior('groq', { kind: 'stall-before-headers' });
    const router = makeRouter({ cacheEnabled: false, parallelAttempts: 1 });
    const events: RouterEvent[] = [];
    router.onEvent((event) => events.push(event));
    const call = router.complete('hi', { preferredProvider: 'groq' });
    call.catch(() => undefined);
    await harness.server.waitForRequests(1);

    await router.close();
    await expect(call).rejects.toThrow(RouterClosedError);
    await afterEverythingPending();
    expect(harness.server.requests.map((request) => request.provider)).toEqual(['groq']);
    expect(charges(router, 'groq')).toEqual(uncharged);
    expect(events).toContainEqual(expect.objectContaining({ type: 'call-end', outcome: 'aborted', errorName: 'RouterClosedError' }));
    expect(events.filter((event) => event.type === 'circuit-change' || event.type === 'cooldown')).toEqual([]);
  });

  it('cancels calls through the cache and streams, and resolves once their upstream requests ended', async () => {
    stallEveryProvider();
    const router = makeRouter({ parallelAttempts: 3 });
    const calls = [router.complete('hi'), router.complete('hi'), router.complete('hi', { cache: false })];
    const stream = router.stream('hi');
    const read = (async () => {
      for await (const chunk of stream) void chunk;
    })();
    const all = [...calls, read];
    const settled = all.map(() => false);
    all.forEach((each, index) => each.catch(() => undefined).finally(() => (settled[index] = true)));
    await harness.server.waitForRequests(9);

    await router.close();
    expect(settled).toEqual([true, true, true, true]);
    for (const each of all) await expect(each).rejects.toThrow(RouterClosedError);
    await harness.server.waitFor((requests) => requests.every((request) => request.endedAtMs !== undefined));
    await afterEverythingPending();
    expect(harness.server.requests).toHaveLength(9);
    for (const provider of Object.values(Provider)) expect(charges(router, provider)).toEqual(uncharged);
  });

  it('cancels a stream its reader holds between two chunks, without waiting for the reader', async () => {
    harness.server.setBehavior('groq', { kind: 'success', text: 'one two three four', textPieces: 4, chunkDelayMs: 200 });
    const router = makeRouter({ cacheEnabled: false, parallelAttempts: 1 });
    const iterator = router.stream('hi', { preferredProvider: 'groq' })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);

    await router.close();
    await expect(iterator.next()).rejects.toThrow(RouterClosedError);
    expect(charges(router, 'groq')).toEqual(uncharged);
    expect(harness.server.requests).toHaveLength(1);
  });
});

describe('a closed router', () => {
  it('refuses every call at once with RouterClosedError, asking nobody', async () => {
    const router = makeRouter();
    const madeBefore = router.stream('made before close');
    await router.close();
    await expect(router.complete('hi')).rejects.toThrow(RouterClosedError);
    expect(() => router.stream('hi')).toThrow(RouterClosedError);
    await expect(router.healthCheck()).rejects.toThrow(RouterClosedError);
    await expect(madeBefore.result).rejects.toThrow(RouterClosedError);
    expect(harness.server.requests).toHaveLength(0);
    // Closing again is the same close.
    await router.close();
  });
});

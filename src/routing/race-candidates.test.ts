/**
 * The race on its own: candidates are plain objects and `run` is the injected attempt, so these tests pin
 * the algorithm (slots, hedge timing, failure actions) with a manual clock. The HTTP side is covered end to
 * end in test/router*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { CancelScope, type Cancellation, cancellationOf } from '../cancellation.js';
import { defaultCatalog } from '../catalog.js';
import { AllProvidersFailedError, type Attempt, InvalidArgumentError, ProviderError } from '../errors.js';
import type { ModelProvider } from '../providers/model-provider.js';
import { ManualClock } from '../resilience/manual-clock.js';
import { classifyFailure } from './call-request.js';
import { raceCandidates } from './race-candidates.js';
import type { Candidate } from './select-candidates.js';

function candidate(id: string, contextWindowTokens?: number): Candidate {
  const definition = { ...defaultCatalog[0]!, id, displayName: id };
  const provider = { id, definition } as Pick<ModelProvider, 'id' | 'definition'> as ModelProvider;
  return { provider, model: `${id}-model`, contextWindowTokens };
}

/** An attempt that settles when the test says so, and records its abort. */
function controllable() {
  const started: string[] = [];
  const aborted: string[] = [];
  const settle = new Map<string, { resolve: (value: string) => void; reject: (error: unknown) => void }>();
  const run = (entry: Candidate, cancellation: Cancellation): Promise<string> => {
    started.push(entry.provider.id);
    cancellation.onAbort(() => aborted.push(entry.provider.id));
    return new Promise<string>((resolve, reject) => settle.set(entry.provider.id, { resolve, reject }));
  };
  return { started, aborted, settle, run };
}

const failure = (provider: string, reason: ProviderError['reason']) =>
  new ProviderError({ provider, reason, message: reason });

describe('raceCandidates', () => {
  it('keeps parallelAttempts in flight and replaces a failed racer at once', async () => {
    const clock = new ManualClock(0);
    const attempt = controllable();
    const attempts: Attempt[] = [];
    const race = raceCandidates({
      candidates: ['a', 'b', 'c', 'd'].map((id) => candidate(id)),
      parallelAttempts: 2,
      clock,
      cancellation: new CancelScope(),
      run: attempt.run,
      classify: classifyFailure,
      attempts,
    });
    expect(attempt.started).toEqual(['a', 'b']);
    attempt.settle.get('a')!.reject(failure('a', 'server_error'));
    await Promise.resolve();
    await Promise.resolve();
    expect(attempt.started).toEqual(['a', 'b', 'c']);
    attempt.settle.get('c')!.resolve('from c');
    const winner = await race;
    expect(winner.value).toBe('from c');
    expect(attempt.aborted).toEqual(['b']);
    expect(attempts.map((entry) => [entry.provider, entry.outcome])).toEqual([
      ['a', 'failure'],
      ['c', 'success'],
      ['b', 'aborted'],
    ]);
  });

  it('hedges: starts the next candidate only after the delay, and never more than parallelAttempts', async () => {
    const clock = new ManualClock(0);
    const attempt = controllable();
    const race = raceCandidates({
      candidates: ['a', 'b', 'c', 'd'].map((id) => candidate(id)),
      parallelAttempts: 3,
      hedgeDelayMs: () => 100,
      clock,
      cancellation: new CancelScope(),
      run: attempt.run,
      classify: classifyFailure,
      attempts: [],
    });
    expect(attempt.started).toEqual(['a']);
    clock.advance(99);
    expect(attempt.started).toEqual(['a']);
    clock.advance(1);
    expect(attempt.started).toEqual(['a', 'b']);
    clock.advance(100);
    expect(attempt.started).toEqual(['a', 'b', 'c']);
    clock.advance(1_000);
    expect(attempt.started).toEqual(['a', 'b', 'c']);
    attempt.settle.get('b')!.resolve('b won');
    expect((await race).value).toBe('b won');
    expect(attempt.aborted.sort()).toEqual(['a', 'c']);
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('fails over from an invalid request, and stops with the first once a second candidate refused it, aborting the others', async () => {
    const attempt = controllable();
    const attempts: Attempt[] = [];
    const race = raceCandidates({
      candidates: ['a', 'b', 'c', 'd'].map((id) => candidate(id)),
      parallelAttempts: 2,
      clock: new ManualClock(0),
      cancellation: new CancelScope(),
      run: attempt.run,
      classify: classifyFailure,
      attempts,
    });
    const first = failure('a', 'invalid_request');
    attempt.settle.get('a')!.reject(first);
    await new Promise((resolve) => setImmediate(resolve));
    expect(attempt.started).toEqual(['a', 'b', 'c']);
    attempt.settle.get('c')!.reject(failure('c', 'invalid_request'));
    await expect(race).rejects.toBe(first);
    expect(attempt.started).toEqual(['a', 'b', 'c']);
    expect(attempt.aborted).toEqual(['b']);
    expect(attempts.map((entry) => [entry.provider, entry.outcome, entry.reason])).toEqual([
      ['a', 'failure', 'invalid_request'],
      ['c', 'failure', 'invalid_request'],
      ['b', 'aborted', undefined],
    ]);
  });

  it.each([1, 2])('stops at once on an invalid request with stopAfterInvalidRequests 1 (parallelAttempts %i)', async (parallelAttempts) => {
    const attempt = controllable();
    const race = raceCandidates({
      candidates: ['a', 'b', 'c'].map((id) => candidate(id)),
      parallelAttempts,
      clock: new ManualClock(0),
      cancellation: new CancelScope(),
      run: attempt.run,
      classify: classifyFailure,
      stopAfterInvalidRequests: 1,
      attempts: [],
    });
    const invalid = failure('a', 'invalid_request');
    attempt.settle.get('a')!.reject(invalid);
    await expect(race).rejects.toBe(invalid);
    expect(attempt.started).toEqual(['a', 'b'].slice(0, parallelAttempts));
    expect(attempt.aborted).toEqual(['b'].slice(0, parallelAttempts - 1));
  });

  it('counts a candidate that refused twice (its fallback asked again) once', async () => {
    const attempt = controllable();
    const race = raceCandidates({
      candidates: [candidate('a')],
      fallbackCandidates: [candidate('a'), candidate('c')],
      parallelAttempts: 1,
      clock: new ManualClock(0),
      cancellation: new CancelScope(),
      run: attempt.run,
      classify: classifyFailure,
      attempts: [],
    });
    attempt.settle.get('a')!.reject(failure('a', 'invalid_request'));
    await new Promise((resolve) => setImmediate(resolve));
    attempt.settle.get('a')!.reject(failure('a', 'invalid_request'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(attempt.started).toEqual(['a', 'a', 'c']);
    attempt.settle.get('c')!.resolve('from c');
    expect((await race).value).toBe('from c');
  });

  it('ends with the first refusal when every candidate refused the request or was refused it by us before sending', async () => {
    const ours = new ProviderError({
      provider: 'b',
      reason: 'generation_failed',
      message: 'too many stop sequences',
      cause: new InvalidArgumentError({ argument: 'stop', message: 'too many stop sequences' }),
    });
    const attempt = controllable();
    const race = raceCandidates({
      candidates: [candidate('a'), candidate('b'), candidate('c')],
      parallelAttempts: 3,
      clock: new ManualClock(0),
      cancellation: new CancelScope(),
      run: attempt.run,
      classify: classifyFailure,
      stopAfterInvalidRequests: 3,
      attempts: [],
    });
    const first = failure('a', 'invalid_request');
    attempt.settle.get('a')!.reject(first);
    attempt.settle.get('b')!.reject(ours);
    attempt.settle.get('c')!.reject(failure('c', 'invalid_request'));
    await expect(race).rejects.toBe(first);
    expect(attempt.aborted).toEqual([]);
  });

  it('ends with every failure when one candidate refused the request and another failed otherwise', async () => {
    const attempt = controllable();
    const race = raceCandidates({
      candidates: [candidate('a'), candidate('b')],
      parallelAttempts: 1,
      clock: new ManualClock(0),
      cancellation: new CancelScope(),
      run: attempt.run,
      classify: classifyFailure,
      attempts: [],
    });
    attempt.settle.get('a')!.reject(failure('a', 'invalid_request'));
    await new Promise((resolve) => setImmediate(resolve));
    attempt.settle.get('b')!.reject(failure('b', 'overloaded'));
    const error = await race.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    expect((error as AllProvidersFailedError).errors.map((each) => each.reason)).toEqual(['invalid_request', 'overloaded']);
  });

  it('after a context that is too long, tries only candidates with a larger window', async () => {
    const attempt = controllable();
    const attempts: Attempt[] = [];
    const race = raceCandidates({
      candidates: [candidate('small', 8_000), candidate('same', 8_000), candidate('large', 200_000)],
      parallelAttempts: 1,
      clock: new ManualClock(0),
      cancellation: new CancelScope(),
      run: attempt.run,
      classify: classifyFailure,
      attempts,
    });
    attempt.settle.get('small')!.reject(failure('small', 'context_too_long'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(attempt.started).toEqual(['small', 'large']);
    attempt.settle.get('large')!.resolve('fits');
    expect((await race).value).toBe('fits');
    expect(attempts.find((entry) => entry.provider === 'same')).toMatchObject({ outcome: 'skipped', detail: 'context window too small' });
  });

  it('returns a context that is too long when no larger window is left', async () => {
    const attempt = controllable();
    const race = raceCandidates({
      candidates: [candidate('large', 200_000), candidate('small', 8_000)],
      parallelAttempts: 1,
      clock: new ManualClock(0),
      cancellation: new CancelScope(),
      run: attempt.run,
      classify: classifyFailure,
      attempts: [],
    });
    attempt.settle.get('large')!.reject(failure('large', 'context_too_long'));
    const error = await race.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    expect((error as AllProvidersFailedError).errors.map((entry) => entry.reason)).toEqual(['context_too_long']);
  });

  it('rethrows the caller abort reason as is and aborts every attempt', async () => {
    const attempt = controllable();
    const controller = new AbortController();
    const race = raceCandidates({
      candidates: ['a', 'b'].map((id) => candidate(id)),
      parallelAttempts: 2,
      clock: new ManualClock(0),
      cancellation: cancellationOf(controller.signal),
      run: attempt.run,
      classify: classifyFailure,
      attempts: [],
    });
    const reason = new Error('caller left');
    controller.abort(reason);
    await expect(race).rejects.toBe(reason);
    expect(attempt.aborted.sort()).toEqual(['a', 'b']);
  });

  it('one at a time: ends at the caller abort even when the provider ignores it, its attempt logged as aborted', async () => {
    const clock = new ManualClock(5);
    const attempts: Attempt[] = [];
    const scope = new CancelScope();
    const race = raceCandidates({
      candidates: [candidate('deaf')],
      parallelAttempts: 1,
      clock,
      cancellation: scope,
      // Never settles, whatever happens: a custom provider that does not listen.
      run: () => new Promise<string>(() => undefined),
      classify: classifyFailure,
      attempts,
    });
    clock.advance(20);
    const reason = new Error('deadline');
    scope.abort(reason);
    await expect(race).rejects.toBe(reason);
    expect(attempts).toEqual([{ provider: 'deaf', model: 'deaf-model', outcome: 'aborted', detail: 'call ended', startedAtMs: 5, durationMs: 20 }]);
  });

  it("one at a time: awaits the complete of a provider that settles on abort, and takes no answer after the call ended", async () => {
    const settles = candidate('http');
    (settles.provider as { settlesOnAbort?: boolean }).settlesOnAbort = true;
    const scope = new CancelScope();
    const attempts: Attempt[] = [];
    let fail!: (error: unknown) => void;
    let ended = false;
    const race = raceCandidates({
      candidates: [settles],
      parallelAttempts: 1,
      clock: new ManualClock(0),
      cancellation: scope,
      run: () => new Promise<string>((_resolve, reject) => (fail = reject)),
      classify: classifyFailure,
      attempts,
      runSettlesWithProvider: true,
    }).finally(() => (ended = true));
    const reason = new Error('caller left');
    scope.abort(reason);
    await new Promise((resolve) => setImmediate(resolve));
    // Awaited, not raced: the call ends when the provider's call does, as it promises to at once.
    expect(ended).toBe(false);
    fail(reason);
    await expect(race).rejects.toBe(reason);
    expect(attempts).toMatchObject([{ provider: 'http', outcome: 'aborted', detail: 'call ended' }]);

    const late = new CancelScope();
    const lateAttempts: Attempt[] = [];
    let answer!: (value: string) => void;
    const lateRace = raceCandidates({
      candidates: [settles],
      parallelAttempts: 1,
      clock: new ManualClock(0),
      cancellation: late,
      run: () => new Promise<string>((resolve) => (answer = resolve)),
      classify: classifyFailure,
      attempts: lateAttempts,
      runSettlesWithProvider: true,
    });
    late.abort(reason);
    answer('too late');
    await expect(lateRace).rejects.toBe(reason);
    expect(lateAttempts).toMatchObject([{ outcome: 'aborted' }]);
  });

  it('one at a time: a call aborted before its attempt is awaited ends at once, even with a provider that ignores the abort', async () => {
    const scope = new CancelScope();
    const reason = new Error('enough');
    const race = raceCandidates({
      candidates: [candidate('deaf')],
      parallelAttempts: 1,
      clock: new ManualClock(0),
      cancellation: scope,
      // The abort comes as the attempt starts (a listener of the call's events), before it is awaited.
      onAttemptStart: () => scope.abort(reason),
      run: () => new Promise<string>(() => undefined),
      classify: classifyFailure,
      attempts: [],
    });
    await expect(race).rejects.toBe(reason);
  });

  it('one at a time: an attempt that honours an abort made as it started leaves no unhandled rejection behind', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const scope = new CancelScope();
      const reason = new Error('enough');
      const race = raceCandidates({
        candidates: [candidate('polite')],
        parallelAttempts: 1,
        clock: new ManualClock(0),
        cancellation: scope,
        onAttemptStart: () => scope.abort(reason),
        // Rejects with the abort's reason a moment later, as a stream's opening does.
        run: (_entry, cancellation) => new Promise<string>((_resolve, reject) => setImmediate(() => reject(cancellation.reason))),
        classify: classifyFailure,
        attempts: [],
      });
      await expect(race).rejects.toBe(reason);
      for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('one at a time: a retry round waits on the clock, and a caller abort during the wait ends the call', async () => {
    const clock = new ManualClock(0);
    const attempt = controllable();
    const scope = new CancelScope();
    const a = candidate('a');
    const race = raceCandidates({
      candidates: [a],
      parallelAttempts: 1,
      clock,
      cancellation: scope,
      run: attempt.run,
      classify: classifyFailure,
      attempts: [],
      nextRound: (failures, round) => (round === 2 ? { delayMs: 500, candidates: () => failures.map((entry) => entry.candidate) } : undefined),
    });
    attempt.settle.get('a')!.reject(failure('a', 'server_error'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.pendingTimerCount).toBe(1);
    const reason = new Error('caller left');
    scope.abort(reason);
    await expect(race).rejects.toBe(reason);
    expect(clock.pendingTimerCount).toBe(0);
    expect(attempt.started).toEqual(['a']);
  });

  it('asks the fallback only once every candidate failed, racing it as the candidates are raced', async () => {
    for (const parallelAttempts of [1, 2]) {
      const attempt = controllable();
      const attempts: Attempt[] = [];
      const race = raceCandidates({
        candidates: [candidate('vision')],
        fallbackCandidates: [candidate('text-a'), candidate('text-b')],
        parallelAttempts,
        clock: new ManualClock(0),
        cancellation: new CancelScope(),
        run: attempt.run,
        classify: classifyFailure,
        attempts,
      });
      expect(attempt.started).toEqual(['vision']);
      attempt.settle.get('vision')!.reject(failure('vision', 'server_error'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(attempt.started).toEqual(parallelAttempts === 1 ? ['vision', 'text-a'] : ['vision', 'text-a', 'text-b']);
      attempt.settle.get('text-a')!.resolve('from text-a');
      expect((await race).value).toBe('from text-a');
      expect(attempts.map((entry) => `${entry.provider}:${entry.outcome}`).slice(0, 2)).toEqual(['vision:failure', 'text-a:success']);
    }
  });

  it('waits for an admission that answers later, and skips the candidate when it says so', async () => {
    const attempt = controllable();
    const attempts: Attempt[] = [];
    let grant!: (detail: string | undefined) => void;
    const race = raceCandidates({
      candidates: ['probe', 'next'].map((id) => candidate(id)),
      parallelAttempts: 1,
      clock: new ManualClock(0),
      cancellation: new CancelScope(),
      run: attempt.run,
      classify: classifyFailure,
      admit: (entry) =>
        entry.provider.id === 'probe' ? new Promise<string | undefined>((resolve) => (grant = resolve)) : undefined,
      attempts,
    });
    expect(attempt.started).toEqual([]);
    grant('another instance probes');
    await new Promise((resolve) => setImmediate(resolve));
    expect(attempt.started).toEqual(['next']);
    attempt.settle.get('next')!.resolve('ok');
    await race;
    expect(attempts[0]).toMatchObject({ provider: 'probe', outcome: 'skipped', detail: 'another instance probes' });
  });

  for (const parallelAttempts of [1, 2]) {
    it(`hands each attempt the probe its admission granted, sooner or later (parallelAttempts ${parallelAttempts})`, async () => {
      const attempt = controllable();
      const probes: [string, number | undefined][] = [];
      let grant!: (admission: string | number | undefined) => void;
      const race = raceCandidates({
        candidates: ['closed', 'probe', 'shared-probe'].map((id) => candidate(id)),
        parallelAttempts,
        clock: new ManualClock(0),
        cancellation: new CancelScope(),
        run: (entry, cancellation, _startedAtMs, probe) => {
          probes.push([entry.provider.id, probe]);
          return attempt.run(entry, cancellation);
        },
        classify: classifyFailure,
        admit: (entry) =>
          entry.provider.id === 'closed' ? undefined : entry.provider.id === 'probe' ? 7 : new Promise((resolve) => (grant = resolve)),
        attempts: [],
      });
      const flush = () => new Promise((resolve) => setImmediate(resolve));
      attempt.settle.get('closed')!.reject(failure('closed', 'server_error'));
      await flush();
      if (parallelAttempts === 1) {
        attempt.settle.get('probe')!.reject(failure('probe', 'server_error'));
        await flush();
      }
      grant(9);
      await flush();
      expect(probes).toEqual([
        ['closed', undefined],
        ['probe', 7],
        ['shared-probe', 9],
      ]);
      attempt.settle.get('shared-probe')!.resolve('ok');
      await race;
    });
  }

  it('hands a value that came once the race was over to discard, so what it holds is given back', async () => {
    const attempt = controllable();
    const discarded: string[] = [];
    const race = raceCandidates({
      candidates: ['a', 'b'].map((id) => candidate(id)),
      parallelAttempts: 2,
      clock: new ManualClock(0),
      cancellation: new CancelScope(),
      run: attempt.run,
      classify: classifyFailure,
      attempts: [],
      discard: (value, entry) => discarded.push(`${entry.provider.id}:${value}`),
    });
    // Both answer in the same moment: a wins, b's answer is nobody's.
    attempt.settle.get('a')!.resolve('from a');
    attempt.settle.get('b')!.resolve('from b');
    expect((await race).value).toBe('from a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(discarded).toEqual(['b:from b']);

    // One attempt at a time: the call ends, then the attempt answers.
    const call = new CancelScope();
    const alone = raceCandidates({
      candidates: [candidate('c')],
      parallelAttempts: 1,
      clock: new ManualClock(0),
      cancellation: call,
      run: attempt.run,
      classify: classifyFailure,
      attempts: [],
      discard: (value, entry) => discarded.push(`${entry.provider.id}:${value}`),
    });
    const reason = new Error('the caller left');
    call.abort(reason);
    await expect(alone).rejects.toBe(reason);
    attempt.settle.get('c')!.resolve('from c');
    await new Promise((resolve) => setImmediate(resolve));
    expect(discarded).toEqual(['b:from b', 'c:from c']);
  });

  it('runs a retry round after its wait, over the candidates it names, each round hedged from its own start', async () => {
    const clock = new ManualClock(0);
    const attempt = controllable();
    const rounds: number[] = [];
    const [a, b] = [candidate('a'), candidate('b')];
    const race = raceCandidates({
      candidates: [a, b],
      parallelAttempts: 2,
      hedgeDelayMs: () => 1_000,
      clock,
      cancellation: new CancelScope(),
      run: (entry, cancellation) => {
        attempt.settle.delete(entry.provider.id);
        return attempt.run(entry, cancellation);
      },
      classify: classifyFailure,
      attempts: [],
      nextRound: (failures, round) => {
        rounds.push(round);
        expect(failures.map((failure) => failure.candidate.provider.id)).toEqual(['a', 'b']);
        return round === 2 ? { delayMs: 500, candidates: () => [a, b] } : undefined;
      },
    });
    const flush = async () => {
      for (let index = 0; index < 5; index += 1) await Promise.resolve();
    };
    await clock.advanceAsync(100);
    attempt.settle.get('a')!.reject(failure('a', 'server_error'));
    await flush();
    expect(attempt.started).toEqual(['a', 'b']);
    await clock.advanceAsync(100);
    attempt.settle.get('b')!.reject(failure('b', 'server_error'));
    await flush();
    // Round 2 starts at 700 ms with one attempt; the first round's hedge (due at 1,000 ms) must not start b.
    await clock.advanceAsync(500);
    expect(attempt.started).toEqual(['a', 'b', 'a']);
    await clock.advanceAsync(999);
    expect(attempt.started).toEqual(['a', 'b', 'a']);
    await clock.advanceAsync(1);
    expect(attempt.started).toEqual(['a', 'b', 'a', 'b']);
    attempt.settle.get('a')!.reject(failure('a', 'server_error'));
    attempt.settle.get('b')!.reject(failure('b', 'server_error'));
    await expect(race).rejects.toBeInstanceOf(AllProvidersFailedError);
    expect(rounds).toEqual([2, 3]);
    expect(clock.pendingTimerCount).toBe(0);
  });
});

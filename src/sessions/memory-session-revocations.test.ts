import { expect, it } from 'vitest';
import { ManualClock } from '../resilience/manual-clock.js';
import { MemorySessionRevocations } from './memory-session-revocations.js';
import { describeSessionRevocations } from './session-revocations.case.js';

describeSessionRevocations('memory', (clock) => new MemorySessionRevocations({ clock }), () => new ManualClock(1_000_000));

it('forgets a revocation once its session has expired, and the oldest past its size', async () => {
  const clock = new ManualClock(1_000_000);
  const revocations = new MemorySessionRevocations({ clock, maxEntries: 2 });
  await revocations.revoke('short', clock.now() + 1_000);
  await revocations.revoke('long', clock.now() + 60_000);
  clock.advance(1_000);
  expect(await revocations.isRevoked('short')).toBe(false);
  await revocations.revoke('third', clock.now() + 60_000);
  await revocations.revoke('fourth', clock.now() + 60_000);
  expect([await revocations.isRevoked('long'), await revocations.isRevoked('third'), await revocations.isRevoked('fourth')]).toEqual([false, true, true]);
});

/** What every SessionRevocations does, run against each (memory, Redis). */
import { describe, expect, it } from 'vitest';
import type { ManualClock } from '../resilience/manual-clock.js';
import type { SessionRevocations } from './session-revocations.js';

export function describeSessionRevocations(name: string, create: (clock: ManualClock) => SessionRevocations, newClock: () => ManualClock): void {
  describe(`SessionRevocations: ${name}`, () => {
    it('refuses a revoked session, and only that one', async () => {
      const clock = newClock();
      const revocations = create(clock);
      expect(await revocations.isRevoked('session-a')).toBe(false);
      await revocations.revoke('session-a', clock.now() + 60_000);
      expect(await revocations.isRevoked('session-a')).toBe(true);
      expect(await revocations.isRevoked('session-b')).toBe(false);
    });

    it('keeps nothing for a session already expired', async () => {
      const clock = newClock();
      const revocations = create(clock);
      await revocations.revoke('session-c', clock.now());
      expect(await revocations.isRevoked('session-c')).toBe(false);
    });
  });
}

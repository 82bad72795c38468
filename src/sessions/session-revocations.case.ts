/** What every SessionRevocations does, run against each (memory, Redis). */
import { describe, expect, it } from 'vitest';
import type { ManualClock } from '../resilience/manual-clock.js';
import type { SessionRevocation, SessionRevocations } from './session-revocations.js';

export function describeSessionRevocations(
  name: string,
  create: (clock: ManualClock) => SessionRevocations | Promise<SessionRevocations>,
  newClock: () => ManualClock,
): void {
  describe(`SessionRevocations: ${name}`, () => {
    it('refuses a revoked session, and only that one', async () => {
      const clock = newClock();
      const revocations = await create(clock);
      expect(await revocations.isRevoked('session-a')).toBe(false);
      await revocations.revoke('session-a', clock.now() + 60_000);
      expect(await revocations.isRevoked('session-a')).toBe(true);
      expect(await revocations.isRevoked('session-b')).toBe(false);
    });

    it('keeps nothing for a session already expired', async () => {
      const clock = newClock();
      const revocations = await create(clock);
      await revocations.revoke('session-c', clock.now());
      expect(await revocations.isRevoked('session-c')).toBe(false);
    });

    it('tells its listeners of each revocation, until they unsubscribe', async () => {
      const clock = newClock();
      const revocations = await create(clock);
      const heardBy = (heard: string[]) => (revocation: SessionRevocation) => {
        if ('sessionId' in revocation) heard.push(revocation.sessionId);
      };
      const first: string[] = [];
      const second: string[] = [];
      const stopFirst = revocations.onRevoked(heardBy(first));
      revocations.onRevoked(heardBy(second));
      await revocations.revoke('session-d', clock.now() + 60_000);
      await expect.poll(() => first).toEqual(['session-d']);
      stopFirst();
      await revocations.revoke('session-e', clock.now() + 60_000);
      // The second listener hears both; the first, gone, not the second one.
      await expect.poll(() => second).toEqual(['session-d', 'session-e']);
      expect(first).toEqual(['session-d']);
    });
  });
}

import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { CooldownTracker, type CooldownChange, type CooldownSnapshot } from './cooldown.js';
import { ManualClock } from './manual-clock.js';

describe('CooldownTracker', () => {
  it('keeps a key out until its end, then forgets it', () => {
    const clock = new ManualClock(10_000);
    const cooldowns = new CooldownTracker({ clock });
    expect(cooldowns.isCoolingDown('groq')).toBe(false);
    cooldowns.coolDown('groq', { untilMs: 12_000, reason: 'rate_limit' });
    expect(cooldowns.isCoolingDown('groq')).toBe(true);
    expect(cooldowns.cooldownOf('groq')).toEqual({ untilMs: 12_000, reason: 'rate_limit' });
    expect(cooldowns.isCoolingDown('openai')).toBe(false);
    clock.advance(1_999);
    expect(cooldowns.isCoolingDown('groq')).toBe(true);
    clock.advance(1);
    expect(cooldowns.isCoolingDown('groq')).toBe(false);
    expect(cooldowns.cooldownOf('groq')).toBeUndefined();
    expect(cooldowns.toJSON()).toEqual({});
  });

  it('never shortens a cooldown in force: the later end wins', () => {
    const clock = new ManualClock();
    const cooldowns = new CooldownTracker({ clock });
    cooldowns.coolDown('openai', { untilMs: 3_600_000, reason: 'quota_exhausted' });
    cooldowns.coolDown('openai', { untilMs: 1_000, reason: 'rate_limit' });
    expect(cooldowns.cooldownOf('openai')).toEqual({ untilMs: 3_600_000, reason: 'quota_exhausted' });
    cooldowns.coolDown('groq', { untilMs: 1_000, reason: 'rate_limit' });
    cooldowns.coolDown('groq', { untilMs: 5_000, reason: 'rate_limit' });
    expect(cooldowns.cooldownOf('groq')?.untilMs).toBe(5_000);
  });

  it('ignores a cooldown that already ended and rejects a non-finite end', () => {
    const clock = new ManualClock(5_000);
    const cooldowns = new CooldownTracker({ clock });
    cooldowns.coolDown('groq', { untilMs: 5_000, reason: 'rate_limit' });
    expect(cooldowns.isCoolingDown('groq')).toBe(false);
    expect(() => cooldowns.coolDown('groq', { untilMs: Number.NaN, reason: 'rate_limit' })).toThrow(InvalidArgumentError);
  });

  it('clear ends a cooldown early', () => {
    const clock = new ManualClock();
    const cooldowns = new CooldownTracker({ clock });
    cooldowns.coolDown('groq', { untilMs: 5_000, reason: 'rate_limit' });
    cooldowns.clear('groq');
    expect(cooldowns.isCoolingDown('groq')).toBe(false);
  });

  it('emits set, extend and clear; not no-ops or expiry; the disposer unsubscribes', () => {
    const clock = new ManualClock();
    const cooldowns = new CooldownTracker({ clock });
    const changes: CooldownChange[] = [];
    const dispose = cooldowns.onChange((change) => changes.push(change));
    cooldowns.coolDown('groq', { untilMs: 1_000, reason: 'rate_limit' });
    cooldowns.coolDown('groq', { untilMs: 500, reason: 'rate_limit' }); // shorter: no change
    cooldowns.coolDown('groq', { untilMs: 2_000, reason: 'rate_limit' });
    cooldowns.clear('groq');
    cooldowns.clear('groq'); // nothing to clear
    cooldowns.coolDown('openai', { untilMs: 1_000, reason: 'rate_limit' });
    clock.advance(1_000);
    expect(cooldowns.isCoolingDown('openai')).toBe(false);
    dispose();
    cooldowns.coolDown('groq', { untilMs: 9_000, reason: 'overloaded' });
    expect(changes).toEqual([
      { key: 'groq', cooldown: { untilMs: 1_000, reason: 'rate_limit' } },
      { key: 'groq', cooldown: { untilMs: 2_000, reason: 'rate_limit' } },
      { key: 'groq', cooldown: undefined },
      { key: 'openai', cooldown: { untilMs: 1_000, reason: 'rate_limit' } },
    ]);
  });

  it('round-trips live cooldowns through JSON, dropping expired ones', () => {
    const clock = new ManualClock();
    const cooldowns = new CooldownTracker({ clock });
    cooldowns.coolDown('groq', { untilMs: 1_000, reason: 'rate_limit' });
    cooldowns.coolDown('openai/gpt-4o', { untilMs: 60_000, reason: 'quota_exhausted' });
    clock.advance(1_000);
    const json = JSON.stringify(cooldowns);
    expect(JSON.parse(json)).toEqual({ 'openai/gpt-4o': { untilMs: 60_000, reason: 'quota_exhausted' } });

    const other = new CooldownTracker({ clock });
    other.coolDown('together', { untilMs: 99_000, reason: 'rate_limit' });
    other.restore(JSON.parse(json) as CooldownSnapshot);
    expect(other.isCoolingDown('together')).toBe(false); // restore replaces
    expect(other.cooldownOf('openai/gpt-4o')).toEqual({ untilMs: 60_000, reason: 'quota_exhausted' });
    other.restore({ anthropic: { untilMs: 500, reason: 'rate_limit' } });
    expect(other.toJSON()).toEqual({});
  });

  it('restore rejects malformed snapshots and keeps the old entries', () => {
    const clock = new ManualClock();
    const cooldowns = new CooldownTracker({ clock });
    cooldowns.coolDown('groq', { untilMs: 1_000, reason: 'rate_limit' });
    for (const bad of [null, { groq: null }, { groq: { untilMs: '5', reason: 'rate_limit' } }, { groq: { untilMs: 5 } }]) {
      expect(() => cooldowns.restore(bad as unknown as CooldownSnapshot)).toThrow(InvalidArgumentError);
    }
    expect(cooldowns.isCoolingDown('groq')).toBe(true);
  });
});

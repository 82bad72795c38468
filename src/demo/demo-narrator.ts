/**
 * What the demo says in the terminal as it runs: the script's turns (an outage begins, a rate limit ends),
 * the router's circuit changes and cooldowns, and a short tally now and then. Never a prompt or a key.
 */
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import type { RouterEvent } from '../routing/router-events.js';
import { scriptedFaultsAt, type DemoTimeline, type ScriptedFaults } from './demo-timeline.js';

export interface DemoNarratorOptions {
  readonly timeline: DemoTimeline;
  readonly startedAtMs: number;
  readonly nameOf: (providerId: string) => string;
  readonly onEvent: (listener: (event: RouterEvent) => void) => () => void;
  readonly write: (line: string) => void;
  /** The tally line; undefined skips it. */
  readonly tally?: () => string;
  /** Default 15 s. */
  readonly tallyIntervalMs?: number;
  readonly clock?: Clock;
}

/** `m:ss` since the start. */
export function elapsedLabel(elapsedMs: number): string {
  const seconds = Math.max(0, Math.floor(elapsedMs / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

const circuitWords = { closed: 'closed', half_open: 'half-open', open: 'open' } as const;

/** Start narrating; returns the function that stops it. */
export function startDemoNarrator(options: DemoNarratorOptions): () => void {
  const { timeline, nameOf, write } = options;
  const clock = options.clock ?? systemClock;
  const say = (text: string): void => write(`[${elapsedLabel(clock.now() - options.startedAtMs)}] ${text}`);
  let faults: ScriptedFaults = { outage: false, rateLimit: false };
  let lastTallyMs = clock.now();
  const tallyIntervalMs = options.tallyIntervalMs ?? 15_000;
  let timer: TimerHandle | undefined;

  const tick = (): void => {
    const now = scriptedFaultsAt(timeline, clock.now() - options.startedAtMs);
    if (now.outage !== faults.outage) {
      say(`${nameOf(timeline.outageProvider)}: outage ${now.outage ? 'begins (503s and reset connections)' : 'ends'}`);
    }
    if (now.rateLimit !== faults.rateLimit) {
      say(`${nameOf(timeline.rateLimitProvider)}: ${now.rateLimit ? `rate limit begins (429, Retry-After: ${timeline.retryAfterSeconds})` : 'rate limit ends'}`);
    }
    faults = now;
    if (options.tally && clock.now() - lastTallyMs >= tallyIntervalMs) {
      lastTallyMs = clock.now();
      say(options.tally());
    }
    timer = clock.setTimeout(tick, 200);
  };
  tick();

  const unsubscribe = options.onEvent((event) => {
    if (event.type === 'circuit-change') {
      say(`${nameOf(event.provider)}: circuit ${circuitWords[event.from]} -> ${circuitWords[event.to]}`);
    } else if (event.type === 'cooldown') {
      const seconds = Math.max(0, (event.untilMs - clock.now()) / 1000).toFixed(1);
      say(`${nameOf(event.provider)}: cooling down for ${seconds} s after ${event.reason}`);
    }
  });

  return () => {
    unsubscribe();
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  };
}

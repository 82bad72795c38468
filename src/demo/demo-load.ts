/**
 * A steady load through the gateway, as an application would send it: a request every `intervalMs` over
 * HTTP, on the demo's named routes and a tier alias, a share of them repeating earlier prompts so the cache
 * answers. The prompts are harmless fixed sentences; the dashboard never shows them anyway.
 */
import { systemClock, type Clock, type TimerHandle } from '../clock.js';

export interface DemoLoadOptions {
  /** The gateway, `http://127.0.0.1:8787`. */
  readonly gatewayUrl: string;
  /** Sent as `Authorization: Bearer` when the gateway has keys. */
  readonly gatewayKey?: string;
  /** Default 350 (about three requests a second). */
  readonly intervalMs?: number;
  /** Requests beyond this many in flight are not sent. Default 16. */
  readonly maxInFlight?: number;
  /** Share of requests that repeat one of a few prompts. Default 0.35. */
  readonly repeatShare?: number;
  /** `model` values and their weights. Default: the demo's routes `fast`, `smart` and `long`, and `tier-2`. */
  readonly models?: readonly { readonly model: string; readonly weight: number }[];
  readonly clock?: Clock;
  readonly random?: () => number;
}

export interface DemoLoadStats {
  readonly sent: number;
  readonly succeeded: number;
  readonly failed: number;
}

export interface DemoLoad {
  stats(): DemoLoadStats;
  /** Stop sending and abort what is in flight. */
  stop(): Promise<void>;
}

const repeatedPrompts = [
  'Summarise the plot of Hamlet in one sentence.',
  'What is the capital of Australia?',
  'Give me three names for a grey cat.',
  'Translate "good morning" into French.',
  'What is 17 times 23?',
  'Suggest a title for a blog post about circuit breakers.',
] as const;

const defaultModels = [
  { model: 'fast', weight: 0.4 },
  { model: 'smart', weight: 0.35 },
  { model: 'long', weight: 0.1 },
  { model: 'tier-2', weight: 0.15 },
] as const;

function pick<T extends { readonly weight: number }>(choices: readonly T[], random: () => number): T {
  const total = choices.reduce((sum, choice) => sum + choice.weight, 0);
  let point = random() * total;
  for (const choice of choices) {
    point -= choice.weight;
    if (point < 0) return choice;
  }
  return choices[choices.length - 1]!;
}

export function startDemoLoad(options: DemoLoadOptions): DemoLoad {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const intervalMs = options.intervalMs ?? 350;
  const maxInFlight = options.maxInFlight ?? 16;
  const repeatShare = options.repeatShare ?? 0.35;
  const models = options.models ?? defaultModels;
  const endpoint = `${options.gatewayUrl}/v1/chat/completions`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.gatewayKey) headers.authorization = `Bearer ${options.gatewayKey}`;
  const inFlight = new Map<AbortController, Promise<void>>();
  let sent = 0;
  let succeeded = 0;
  let failed = 0;
  let timer: TimerHandle | undefined;
  let stopped = false;

  const sendOne = (): void => {
    sent += 1;
    const prompt =
      random() < repeatShare
        ? repeatedPrompts[Math.floor(random() * repeatedPrompts.length)]!
        : `Request ${sent}: write one short sentence about resilient systems.`;
    const body = JSON.stringify({ model: pick(models, random).model, messages: [{ role: 'user', content: prompt }], max_tokens: 64 });
    const controller = new AbortController();
    const request = fetch(endpoint, { method: 'POST', headers, body, signal: controller.signal })
      .then(async (response) => {
        await response.arrayBuffer();
        if (response.ok) succeeded += 1;
        else failed += 1;
      })
      .catch(() => {
        if (!controller.signal.aborted) failed += 1;
      })
      .finally(() => inFlight.delete(controller));
    inFlight.set(controller, request);
  };

  const schedule = (): void => {
    timer = clock.setTimeout(() => {
      if (stopped) return;
      if (inFlight.size < maxInFlight) sendOne();
      schedule();
    }, intervalMs);
  };
  schedule();

  return {
    stats: () => ({ sent, succeeded, failed }),
    stop: async () => {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      const pending = [...inFlight.values()];
      for (const controller of inFlight.keys()) controller.abort();
      await Promise.allSettled(pending);
    },
  };
}

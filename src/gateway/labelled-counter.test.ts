import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LabelledCounter } from './labelled-counter.js';

/** The same increments to prom-client's own counter and to a LabelledCounter, in registries of their own. */
function twins<Name extends string>(labelNames: readonly Name[]) {
  const options = { name: 'backup_models_example_total', help: 'An example.', labelNames };
  const ownRegistry = new Registry();
  const own = new Counter<Name>({ ...options, registers: [ownRegistry] });
  const labelledRegistry = new Registry();
  const labelled = new LabelledCounter<Name>({ ...options, registers: [labelledRegistry] });
  return {
    inc: (...values: string[]) => {
      own.inc(Object.fromEntries(labelNames.map((name, index) => [name, values[index]])) as Partial<Record<Name, string>>);
      labelled.inc(values[0]!, values[1], values[2]);
    },
    expositions: async () => [await labelledRegistry.metrics(), await ownRegistry.metrics()],
  };
}

describe('LabelledCounter', () => {
  it("exposes what prom-client's counter exposes, label sets in the order first met, and keeps counting across scrapes", async () => {
    const counter = twins(['route', 'status']);
    const [before, ownBefore] = await counter.expositions();
    expect(before).toBe(ownBefore);
    for (const [route, status] of [['chat', '200'], ['messages', '200'], ['chat', '404'], ['chat', '200'], ['messages', 'client_closed']] as const) {
      counter.inc(route, status);
    }
    const [first, ownFirst] = await counter.expositions();
    expect(first).toBe(ownFirst);
    expect(first).toContain('backup_models_example_total{route="chat",status="200"} 2');
    counter.inc('chat', '200');
    counter.inc('embeddings', '503');
    const [second, ownSecond] = await counter.expositions();
    expect(second).toBe(ownSecond);
    // A scrape with nothing new changes nothing.
    expect((await counter.expositions())[0]).toBe(second);
  });

  it('takes one or three labels alike, and escapes values as prom-client does', async () => {
    const one = twins(['provider']);
    const three = twins(['provider', 'outcome', 'reason']);
    for (const provider of ['openai', 'groq', 'openai', 'a "quoted"\\provider\n']) {
      one.inc(provider);
      three.inc(provider, 'failure', 'rate_limit');
      three.inc(provider, 'failure', 'server');
      three.inc(provider, 'success', 'none');
    }
    for (const counter of [one, three]) {
      const [labelled, own] = await counter.expositions();
      expect(labelled).toBe(own);
    }
  });
});

import { AggregatorRegistry, Histogram, type OpenMetricsContentType, Registry, type RegistryContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LabelledHistogram } from './labelled-histogram.js';

/** The gateway's latency buckets (gateway-metrics.ts). */
const bucketsUpperBounds = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64];

/** The same observations to prom-client's own histogram and to a LabelledHistogram, in registries of their own. */
function twins<Name extends string>(labelNames: readonly Name[], format: 'prometheus' | 'openmetrics' = 'prometheus') {
  const options = { name: 'backup_models_example_seconds', help: 'An example.', labelNames };
  const ownRegistry = registry(format);
  const own = new Histogram<Name>({ ...options, buckets: bucketsUpperBounds, registers: [ownRegistry] });
  const labelledRegistry = registry(format);
  const labelled = new LabelledHistogram<Name>({ ...options, bucketsUpperBounds, registers: [labelledRegistry] });
  return {
    ownRegistry,
    labelledRegistry,
    observe: (value: number, ...values: string[]) => {
      own.observe(Object.fromEntries(labelNames.map((name, index) => [name, values[index]])) as Partial<Record<Name, string>>, value);
      labelled.observe(value, values[0]!, values[1], values[2]);
    },
    expositions: async () => [await labelledRegistry.metrics(), await ownRegistry.metrics()],
    json: async () => [await labelledRegistry.getMetricsAsJSON(), await ownRegistry.getMetricsAsJSON()],
  };
}

function registry(format: 'prometheus' | 'openmetrics'): Registry<RegistryContentType> {
  if (format === 'prometheus') return new Registry();
  const openMetrics = new Registry<OpenMetricsContentType>();
  openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return openMetrics;
}

/** getMetricsAsJSON alike, to keys present but undefined (toStrictEqual) and the order of keys (JSON text). */
async function expectSameJson(histogram: { json: () => Promise<unknown[]> }): Promise<void> {
  const [json, ownJson] = await histogram.json();
  expect(json).toStrictEqual(ownJson);
  expect(JSON.stringify(json)).toBe(JSON.stringify(ownJson));
}

/** On every bound, either side of some, 0, negative, fractional, and past the last bound. */
const values = [0, 0.05, 0.050000001, 0.1, 0.0999, 0.25, 0.3, 0.5, 1, 1.5, 2, 4, 7.99, 8, 16, 32, 64, 64.000001, 1e9, -0.2, 0.1 + 0.2, 1 / 3];

describe('LabelledHistogram', () => {
  it("exposes what prom-client's histogram exposes: cumulative buckets, +Inf, sum and count, sets in the order first met", async () => {
    const histogram = twins(['provider', 'outcome', 'streaming']);
    const [before, ownBefore] = await histogram.expositions();
    expect(before).toBe(ownBefore);
    const sets = [['groq', 'success', 'false'], ['openai', 'failure', 'true'], ['groq', 'failure', 'false'], ['groq', 'success', 'true']] as const;
    values.forEach((value, index) => histogram.observe(value, ...sets[index % sets.length]!));
    const [first, ownFirst] = await histogram.expositions();
    expect(first).toBe(ownFirst);
    // Cumulative: groq/success/false was given every fourth value, 0, 0.0999, 1, 7.99, 64 and 0.1 + 0.2, four of them at or under 1.
    expect(first).toContain('backup_models_example_seconds_bucket{le="1",provider="groq",outcome="success",streaming="false"} 4');
    expect(first).toContain('backup_models_example_seconds_bucket{le="+Inf",provider="groq",outcome="success",streaming="false"} 6');
    for (const value of values) histogram.observe(value, 'anthropic', 'success', 'false');
    histogram.observe(0.05, 'groq', 'success', 'false');
    const [second, ownSecond] = await histogram.expositions();
    expect(second).toBe(ownSecond);
    // A scrape with nothing new changes nothing.
    expect((await histogram.expositions())[0]).toBe(second);
    await expectSameJson(histogram);
  });

  it('counts a value on a bound in that bound\'s bucket, as prom-client does', async () => {
    const histogram = twins(['provider']);
    for (const value of bucketsUpperBounds) histogram.observe(value, 'groq');
    const [exposition, own] = await histogram.expositions();
    expect(exposition).toBe(own);
    expect(exposition).toContain('backup_models_example_seconds_bucket{le="0.05",provider="groq"} 1');
    expect(exposition).toContain('backup_models_example_seconds_bucket{le="64",provider="groq"} 11');
  });

  it("takes one or two labels alike, escapes values, and keeps prom-client's label order with a registry's default labels", async () => {
    const one = twins(['provider']);
    const two = twins(['outcome', 'streaming']);
    for (const histogram of [one, two]) {
      histogram.ownRegistry.setDefaultLabels({ instance: 'a' });
      histogram.labelledRegistry.setDefaultLabels({ instance: 'a' });
    }
    for (const [index, value] of values.entries()) {
      one.observe(value, ['openai', 'groq', 'a "quoted"\\provider\n'][index % 3]!);
      two.observe(value, index % 2 === 0 ? 'success' : 'failure', index % 5 === 0 ? 'true' : 'false');
    }
    for (const histogram of [one, two]) {
      const [exposition, own] = await histogram.expositions();
      expect(exposition).toBe(own);
      await expectSameJson(histogram);
    }
  });

  it('aggregates across cluster workers, writes OpenMetrics, and resets, as prom-client does', async () => {
    const openMetrics = twins(['provider'], 'openmetrics');
    const workers = [twins(['provider']), twins(['provider'])];
    for (const value of values) {
      openMetrics.observe(value, 'groq');
      workers[0]!.observe(value, 'groq');
      workers[1]!.observe(value * 2, value > 1 ? 'openai' : 'groq');
    }
    const [exposition, own] = await openMetrics.expositions();
    expect(exposition).toBe(own);
    const labelledJson = await Promise.all(workers.map(async (worker) => (await worker.json())[0]!));
    const ownJson = await Promise.all(workers.map(async (worker) => (await worker.json())[1]!));
    expect(await AggregatorRegistry.aggregate(labelledJson).metrics()).toBe(await AggregatorRegistry.aggregate(ownJson).metrics());
    openMetrics.ownRegistry.resetMetrics();
    openMetrics.labelledRegistry.resetMetrics();
    openMetrics.observe(3, 'openai');
    const [afterReset, ownAfterReset] = await openMetrics.expositions();
    expect(afterReset).toBe(ownAfterReset);
  });

  it('refuses a value that is not a finite number, as prom-client does', () => {
    const labelled = new LabelledHistogram({ name: 'example_seconds', help: 'An example.', labelNames: ['provider'], bucketsUpperBounds, registers: [] });
    expect(() => labelled.observe(Number.NaN, 'groq')).toThrow(TypeError);
    expect(() => labelled.observe(Number.POSITIVE_INFINITY, 'groq')).toThrow(TypeError);
  });
});

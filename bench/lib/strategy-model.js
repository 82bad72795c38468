/**
 * The strategies on paper: a discrete-event model of sequential fallback, a race and hedging over
 * providers with the benchmark's latency distribution, with no CPU, network or timer delay at all. It
 * says what each strategy can achieve at best, so the measured rows can be read against it (a shared,
 * loaded machine adds its own tail).
 *
 * The rules are the router's (src/routing/race-candidates.ts): at most `parallelAttempts` in flight; a
 * failure starts the next candidate at once; with hedging, one attempt at first and one more each time
 * `delayMs` passes after the newest start without an answer.
 */
import { lognormal, quantile, seededRandom, summarize } from './stats.js';

function drawAttempt(random, spec) {
  let latencyMs = lognormal(random, spec);
  if (random() < spec.stragglerRate) latencyMs *= spec.stragglerFactor;
  return { latencyMs, failed: random() < spec.errorRate };
}

/** The p95 of successful latencies, as the router's `auto` hedge delay estimates it. */
export function successQuantileMs(spec, q, { samples = 200_000, seed = 7 } = {}) {
  const random = seededRandom(seed);
  const values = [];
  while (values.length < samples) {
    const attempt = drawAttempt(random, spec);
    if (!attempt.failed) values.push(attempt.latencyMs);
  }
  return quantile(values, q);
}

/** One call: when it ends and how many requests it sent. */
function modelCall({ random, spec, candidates, parallelAttempts, hedgeDelayMs }) {
  const inFlight = []; // { endsAtMs, failed }
  let allowed = hedgeDelayMs === undefined ? parallelAttempts : 1;
  let launched = 0;
  let nextHedgeAtMs = Number.POSITIVE_INFINITY;
  let nowMs = 0;
  const launch = () => {
    if (launched >= candidates) return false;
    launched += 1;
    const attempt = drawAttempt(random, spec);
    inFlight.push({ endsAtMs: nowMs + attempt.latencyMs, failed: attempt.failed });
    return true;
  };
  const fill = () => {
    while (inFlight.length < allowed && launch()) {
      // launched one more
    }
    if (hedgeDelayMs !== undefined && nextHedgeAtMs === Number.POSITIVE_INFINITY && allowed < parallelAttempts && launched < candidates && inFlight.length > 0) {
      nextHedgeAtMs = nowMs + hedgeDelayMs;
    }
  };
  fill();
  while (inFlight.length > 0) {
    inFlight.sort((a, b) => a.endsAtMs - b.endsAtMs);
    const next = inFlight[0];
    if (nextHedgeAtMs < next.endsAtMs) {
      nowMs = nextHedgeAtMs;
      nextHedgeAtMs = Number.POSITIVE_INFINITY;
      allowed += 1;
      fill();
      continue;
    }
    nowMs = next.endsAtMs;
    inFlight.shift();
    if (!next.failed) return { latencyMs: nowMs, requests: launched, failed: false };
    fill();
  }
  return { latencyMs: nowMs, requests: launched, failed: true };
}

/** The model's p50, p99, p99.9 and requests per call for one strategy. */
export function modelStrategy({ spec, calls = 200_000, candidates = 6, parallelAttempts, hedgeDelayMs, seed = 11 }) {
  const random = seededRandom(seed);
  const latencies = [];
  let requests = 0;
  let failures = 0;
  for (let index = 0; index < calls; index += 1) {
    const call = modelCall({ random, spec, candidates, parallelAttempts, hedgeDelayMs });
    requests += call.requests;
    if (call.failed) failures += 1;
    else latencies.push(call.latencyMs);
  }
  const latency = summarize(latencies);
  return { p50Ms: latency.p50, p99Ms: latency.p99, p999Ms: latency.p999, requestsPerCall: requests / calls, failures };
}

/**
 * Whether any hedge delay meets both hedging targets on the model: for each delay (a quantile of successful
 * latencies), hedged requests per call over sequential's and hedged p99 over the race's. Answers "is the
 * target out of reach for this implementation, or for hedging itself on this distribution?".
 */
export function hedgeDelaySweep({ spec, quantiles = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95], calls = 100_000, candidates = 6, parallelAttempts = 3 }) {
  const sequential = modelStrategy({ spec, calls, candidates, parallelAttempts: 1 });
  const race = modelStrategy({ spec, calls, candidates, parallelAttempts });
  return quantiles.map((quantile) => {
    const hedgeDelayMs = successQuantileMs(spec, quantile);
    const hedged = modelStrategy({ spec, calls, candidates, parallelAttempts, hedgeDelayMs });
    return {
      quantile,
      hedgeDelayMs,
      requestsOverSequential: hedged.requestsPerCall / sequential.requestsPerCall,
      p99OverRace: hedged.p99Ms / race.p99Ms,
    };
  });
}

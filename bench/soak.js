#!/usr/bin/env node
/**
 * `npm run soak` (issue 8): over 100,000 calls through the router and 20,000 through the gateway, with a third
 * of upstream responses faulty across three providers (503/529, connection resets, 429, black holes), at about
 * 100 calls in flight. It checks and prints:
 * - every call ends: none hangs (a watchdog reports calls still outstanding);
 * - every call ends in a success while one provider was healthy for it, else in a typed error: faults are a
 *   pure function of (phase, call, provider), so for each failed call we know whether a provider would have
 *   answered, and a failure is legitimate only if each such provider was skipped (circuit open, cooling down);
 * - sockets, timers and heap (after a full GC) return to their baseline once routers and gateway are closed;
 * - with one provider failing every request, upstream requests per call stay within 1.2 (sequential, hedged);
 *   racing sends N by design, and its ratio is printed too.
 * Phases: warm-up (not counted), the router (every strategy, plain and streamed), the same weather with the
 * router's default breaker (finding F5: it refuses nearly every call), the gateway, and amplification.
 * SOAK_ROUTER_CALLS, SOAK_GATEWAY_CALLS, SOAK_DEFAULT_BREAKER_CALLS, SOAK_AMPLIFICATION_CALLS, SOAK_CONCURRENCY
 * and SOAK_BREAKER (JSON) change the sizes and the main phases' breaker; `--smoke` runs a tenth of the calls.
 * The upstream is a lean fault-injecting server in a child process (the provider test server keeps a log of
 * every request, which would be the bottleneck and the memory growth here), serving the recorded bodies of
 * OpenAI, Groq and Anthropic from three ports, so each provider has its own origin as in production.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const thisFile = fileURLToPath(import.meta.url);
const providers = ['openai', 'groq', 'anthropic'];
// `--smoke`: a tenth of the calls (about 20 s), which `npm test` runs after the test suite, so a change that breaks
// what the soak checks (as OpenAI's move to the Responses API did, unseen for a day) fails the tests. Amplification
// keeps 2,000 calls: the 100 in flight that reach the failing provider before its circuit opens must stay within
// the 1.2 requests a call it checks.
const smoke = process.argv.includes('--smoke');
const routerCalls = Number(process.env.SOAK_ROUTER_CALLS ?? (smoke ? 10_000 : 100_000));
const gatewayCalls = Number(process.env.SOAK_GATEWAY_CALLS ?? (smoke ? 2_000 : 20_000));
const amplificationCalls = Number(process.env.SOAK_AMPLIFICATION_CALLS ?? (smoke ? 2_000 : 3_000));
const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 100);
const defaultBreakerCalls = Number(process.env.SOAK_DEFAULT_BREAKER_CALLS ?? (smoke ? 2_000 : 10_000));
// Sub-second limits round up to about 1 s on undici's timers for plain calls (finding F7): 750 ms, and a
// deadline that fits two black holes and an answer.
// A whole answer has its own limit since session 9 (`responseTimeoutMs`, 30 s by default): without it here, a
// black-holed plain call held its attempt to the 3 s deadline and the next provider was never tried.
const limits = { timeoutMs: 3_000, firstTokenTimeoutMs: 750, responseTimeoutMs: 750, idleTimeoutMs: 750 };
/**
 * The breaker of the main phases: one for this weather (a third of responses faulty is the normal state of
 * the soak's providers, not an outage), so calls reach the upstream and every path is exercised. It still
 * opens on a provider that fails every request (the amplification phases). SOAK_BREAKER='{...}' replaces
 * it; a separate phase runs the router's default breaker and reports what it costs (finding F5).
 */
const breaker = process.env.SOAK_BREAKER ? JSON.parse(process.env.SOAK_BREAKER) : { consecutiveFailures: 20, failureRateThreshold: 0.6, minimumCalls: 20 };

/** FNV-1a of the text, as a number in [0, 1). */
function unitHash(text) {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return (hash >>> 0) / 2 ** 32;
}

/** What the upstream does with this call's request to this provider. A third of responses are faulty. */
function faultOf(phase, callId, provider, stream) {
  if (phase === 'clean') return 'none';
  if (phase.startsWith('amp')) return provider === 'groq' ? 'overloaded' : 'none';
  const draw = unitHash(`${phase}:${callId}:${provider}`);
  if (draw >= 1 / 3) return 'none';
  const kinds = stream ? ['overloaded', 'reset', 'rate-limit', 'stall', 'reset-after-token'] : ['overloaded', 'reset', 'rate-limit', 'stall'];
  return kinds[Math.floor(draw * 3 * kinds.length)];
}

if (process.argv[2] === '--upstream') await runUpstream();
else if (typeof globalThis.gc !== 'function') {
  const child = fork(thisFile, process.argv.slice(2), { execArgv: ['--expose-gc', ...process.execArgv], stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await runSoak();
}

// ---------------------------------------------------------------- the upstream (child process)

async function runUpstream() {
  const { resolveFixturesDirectory } = await import('../dist/testing/index.js');
  const fixtures = loadFixtures(resolveFixturesDirectory());
  const stats = new Map();
  let open = 0;
  const count = (phase, provider, outcome) => {
    const key = `${phase}|${provider}|${outcome}`;
    stats.set(key, (stats.get(key) ?? 0) + 1);
  };
  const servers = providers.map((provider) => {
    const server = createServer((request, response) => {
      // OpenAI's default models are asked on its Responses API, the rest of its catalog on chat completions.
      const recorded = provider === 'openai' && request.url.endsWith('/responses') ? fixtures.openaiResponses : fixtures[provider];
      open += 1;
      response.once('close', () => (open -= 1));
      const chunks = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const marker = /#([a-z-]+)-(\d+)#/.exec(body);
        const phase = marker?.[1] ?? 'none';
        const stream = /"stream":\s*true/.test(body);
        const fault = marker ? faultOf(phase, Number(marker[2]), provider, stream) : 'none';
        count(phase, provider, fault);
        const json = (status, bytes, headers = {}) => {
          response.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length, ...headers });
          response.end(bytes);
        };
        switch (fault) {
          case 'none':
            if (!stream) return json(200, recorded.body);
            response.writeHead(200, { 'content-type': 'text/event-stream' });
            return void response.end(recorded.stream);
          case 'overloaded':
            return json(recorded.overloadedStatus, recorded.overloaded);
          case 'rate-limit':
            return json(429, recorded.rateLimit, { 'retry-after-ms': '1' });
          case 'reset':
            return void request.socket.resetAndDestroy();
          case 'reset-after-token':
            response.writeHead(200, { 'content-type': 'text/event-stream' });
            response.write(recorded.stream.subarray(0, recorded.firstTokenEnd));
            return void setImmediate(() => request.socket.resetAndDestroy());
          case 'stall':
            // A plain call gets a black hole; a stream gets its headers, then silence.
            if (stream) response.writeHead(200, { 'content-type': 'text/event-stream' }).flushHeaders();
            return;
        }
      });
    });
    server.keepAliveTimeout = 30_000;
    return server;
  });
  Promise.all(servers.map((server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port))))).then((ports) =>
    process.send({ type: 'ready', ports }),
  );
  process.on('message', (message) => {
    if (message.type === 'stats') process.send({ type: 'stats', stats: Object.fromEntries(stats), open });
    if (message.type === 'exit') process.exit(0);
  });
}

/**
 * The recorded bodies the upstream serves, from the fixtures shipped in dist, and OpenAI's Responses API recordings
 * (dist/testing/recordings), framed as the provider test server frames them (an `event:` line naming each type).
 */
function loadFixtures(directory) {
  const recordings = fileURLToPath(new URL('../dist/testing/recordings/', import.meta.url));
  const read = (path) => readFileSync(path.startsWith('/') ? path : join(directory, path));
  const firstTokenEnd = (bytes, pattern) => {
    const text = bytes.toString('latin1');
    const at = text.search(pattern);
    return text.indexOf('\n\n', at) + 2;
  };
  // Chunk lists recorded as JSON lines are framed as the SSE they came in, as the provider test server does.
  const jsonLines = (path) => read(path).toString('utf8').split('\n').filter((line) => line.trim() !== '');
  const readStream = (path) => {
    if (path.endsWith('.jsonl')) return Buffer.from(jsonLines(path).map((line) => `data: ${line}\n\n`).join('') + 'data: [DONE]\n\n');
    if (path.endsWith('.chunks.txt')) return Buffer.from(jsonLines(path).map((line) => `event: ${JSON.parse(line).type}\ndata: ${line}\n\n`).join(''));
    return read(path);
  };
  const of = (folder, files) => {
    // A file of the fixtures' provider folder, or a path of its own (the Responses recordings).
    const at = (name) => (name.startsWith('/') ? name : `${folder}/${name}`);
    return {
      body: read(at(files.body)),
      stream: readStream(at(files.stream)),
      overloaded: files.overloaded ? read(at(files.overloaded)) : Buffer.alloc(0),
      overloadedStatus: files.overloadedStatus,
      rateLimit: read(at(files.rateLimit)),
      firstTokenEnd: firstTokenEnd(readStream(at(files.stream)), files.firstToken),
    };
  };
  return {
    openai: of('openai', { body: 'chat-completion.json', stream: 'chat-stream-include-usage.sse', overloaded: 'error-503-model-overloaded.json', overloadedStatus: 503, rateLimit: 'error-429-rate-limit-rpm.json', firstToken: /"content":"[^"]/ }),
    // OpenAI's errors have one shape on both of its APIs.
    openaiResponses: of('openai', {
      body: join(recordings, 'openai-responses/responses.json'),
      stream: join(recordings, 'openai-responses/responses-stream.chunks.txt'),
      overloaded: 'error-503-model-overloaded.json',
      overloadedStatus: 503,
      rateLimit: 'error-429-rate-limit-rpm.json',
      firstToken: /"type":"response\.output_text\.delta"/,
    }),
    // Groq has no recorded 5xx body: an empty 503, as a load balancer in front of it sends. Its recorded text
    // stream is a reasoning model's 990 events (278 kB); its tool-call stream keeps the soak about routing.
    groq: of('groq', { body: 'chat-completion.vercel.json', stream: 'chat-stream-tool-call.vercel.chunks.jsonl', overloadedStatus: 503, rateLimit: 'error-429-rate-limit-tpm.json', firstToken: /"tool_calls"/ }),
    anthropic: of('anthropic', { body: 'message.json', stream: 'messages-stream.sse', overloaded: 'error-529-overloaded.json', overloadedStatus: 529, rateLimit: 'error-429-rate-limit.json', firstToken: /"text_delta"/ }),
  };
}

// ---------------------------------------------------------------- the soak (parent process)

async function runSoak() {
  const { BackupModelRouter, BackupModelsError } = await import('../dist/index.js');
  const { createGateway } = await import('../dist/gateway/create-gateway.js');
  const { parseGatewayConfig, routerOptionsFromConfig } = await import('../dist/gateway/gateway-config.js');
  const { createGatewayLogger } = await import('../dist/gateway/gateway-logger.js');

  const upstream = await startUpstream();
  const env = {
    OPENAI_API_KEY: 'soak-openai-key',
    OPENAI_BASE_URL: `http://127.0.0.1:${upstream.ports[0]}/v1`,
    GROQ_API_KEY: 'soak-groq-key',
    GROQ_BASE_URL: `http://127.0.0.1:${upstream.ports[1]}/openai/v1`,
    ANTHROPIC_API_KEY: 'soak-anthropic-key',
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${upstream.ports[2]}`,
  };
  const failures = [];
  const check = (ok, what) => {
    if (!ok) failures.push(what);
    return ok ? 'ok' : 'FAILED';
  };
  const strategies = [
    ['race', { parallelAttempts: 3 }],
    ['hedged', { parallelAttempts: 3, hedge: { delayMs: 25 } }],
    ['sequential', { parallelAttempts: 1 }],
  ];

  /** One router call with the fault-plan check; returns what to tally. */
  const routerCall = async (router, phase, callId, options) => {
    const stream = options.stream;
    const prompt = `#${phase}-${callId}# soak`;
    const callOptions = { ...options.strategy, ...(options.route ? { route: options.route } : {}) };
    const startedAtMs = performance.now();
    const answerable = providers.some((provider) => faultOf(phase, callId, provider, stream) === 'none');
    const result = await routerCallOutcome(router, prompt, callOptions, { phase, callId, stream, startedAtMs });
    return { ...result, answerable };
  };

  const routerCallOutcome = async (router, prompt, callOptions, { phase, callId, stream, startedAtMs }) => {
    try {
      if (stream) {
        const routerStream = router.stream(prompt, callOptions);
        for await (const chunk of routerStream) void chunk;
        await routerStream.result;
      } else {
        await router.complete(prompt, callOptions);
      }
      return { outcome: 'success', latencyMs: performance.now() - startedAtMs };
    } catch (error) {
      const latencyMs = performance.now() - startedAtMs;
      if (!BackupModelsError.isInstance(error)) return { outcome: 'untyped', name: String(error?.name ?? error), latencyMs };
      return { outcome: classify(error, phase, callId, stream), name: error.name, latencyMs };
    }
  };

  /**
   * How a typed failure stands against the fault plan: `typed` when no provider would have answered, when the
   * stream's winner broke after its first token (the rules forbid a second answer), or when every provider
   * that would have answered had asked to be left alone (a 429's wait); `lost: ...` when one would have
   * answered but the router did not ask it (its circuit was open, or the deadline passed first);
   * `illegitimate` when one would have answered, was asked, and the call still failed.
   */
  const classify = (error, phase, callId, stream) => {
    if (error.name === 'StreamInterruptedError') return faultOf(phase, callId, error.provider, stream) === 'reset-after-token' ? 'typed' : 'illegitimate';
    const healthy = providers.filter((provider) => faultOf(phase, callId, provider, stream) === 'none');
    if (healthy.length === 0) return 'typed';
    const attempts = error.attempts ?? [];
    if (healthy.some((provider) => attempts.some((attempt) => attempt.provider === provider && attempt.outcome !== 'skipped'))) return 'illegitimate';
    const skipOf = (provider) =>
      attempts.find((attempt) => attempt.provider === provider)?.detail ?? new RegExp(`${provider} \\(([^)]+)\\)`).exec(error.message)?.[1] ?? 'not tried';
    const skips = healthy.map(skipOf);
    if (skips.every((detail) => detail.startsWith('cooling down after rate_limit'))) return 'typed';
    if (skips.some((detail) => detail.startsWith('circuit'))) return 'lost: circuit open';
    return `lost: ${error.name === 'DeadlineExceededError' ? 'deadline passed before it was tried' : skips.join(', ')}`;
  };

  const makeRouter = (extra = {}) => new BackupModelRouter({ env, cacheEnabled: false, ...limits, breaker, ...extra });

  // Warm up (JIT, pools, module state), close it all, then take the baseline.
  {
    const router = makeRouter();
    await runPhase('warm', 1_500, (callId) =>
      routerCall(router, 'warm', callId, { stream: callId % 2 === 0, strategy: strategies[callId % 3][1] }),
    );
    await router.close();
    const warmGateway = await startGateway('warm');
    await runPhase('warm', 500, (callId) => gatewayCall(warmGateway, 'warm', callId + 10_000_000));
    await warmGateway.close();
  }
  const baseline = await settle();

  const report = [];
  // 1. The router under a third of faulty responses, every strategy, plain and streamed; then the same weather
  //    with the router's default breaker.
  for (const [name, phase, calls, extra] of [
    ['router', 'mix', routerCalls, {}],
    ['router, default breaker', 'dflt', defaultBreakerCalls, { breaker: undefined }],
  ]) {
    const router = makeRouter(extra);
    const started = performance.now();
    const tally = await runPhase(phase, calls, (callId) =>
      routerCall(router, phase, callId, { stream: Math.floor(callId / 3) % 2 === 1, strategy: strategies[callId % 3][1] }),
    );
    await router.close();
    const stats = await upstream.stats();
    report.push(summary(name, tally, performance.now() - started, upstreamOf(stats, phase)));
  }
  // 2. The gateway, same faults, plain and streamed, through node:http clients.
  {
    const gateway = await startGateway('gw');
    const started = performance.now();
    const tally = await runPhase('gw', gatewayCalls, (callId) => gatewayCall(gateway, 'gw', callId));
    await gateway.close();
    const stats = await upstream.stats();
    report.push(summary('gateway', tally, performance.now() - started, upstreamOf(stats, 'gw')));
    report.at(-1).logLines = gateway.logLines();
  }
  // 3. Amplification: groq fails every request and is first in the route.
  const amplification = [];
  // Hedging waits about the p95 latency of the attempt in flight here, as a deployment would.
  for (const [name, strategy] of strategies.map(([name, strategy]) => [name, strategy.hedge ? { ...strategy, hedge: { delayMs: 'auto' } } : strategy])) {
    const phase = `amp-${name}`;
    const router = makeRouter();
    const route = [
      { provider: 'groq', model: 'llama-3.1-8b-instant' },
      { provider: 'openai', model: 'gpt-4o-mini' },
      { provider: 'anthropic', model: 'claude-haiku-4-5-20251001' },
    ];
    const tally = await runPhase(phase, amplificationCalls, (callId) => routerCall(router, phase, callId, { stream: false, strategy, route }));
    await router.close();
    const up = upstreamOf(await upstream.stats(), phase);
    amplification.push({ name, calls: amplificationCalls, successes: tally.outcomes.success ?? 0, upstream: up.total, toFailing: up.byProvider.groq ?? 0 });
  }

  const end = await settle();
  const finalStats = await upstream.stats();
  upstream.exit();

  // ------------------------------------------------------------ figures
  const line = (text) => process.stdout.write(`${text}\n`);
  line(`\nsoak: ${routerCalls} router calls, ${gatewayCalls} gateway calls, ${concurrency} in flight, limits ${JSON.stringify(limits)}, breaker ${JSON.stringify(breaker)}`);
  for (const row of report) {
    line(`\n${row.name}: ${row.calls} calls in ${(row.durationMs / 1000).toFixed(1)} s (${Math.round(row.calls / (row.durationMs / 1000))}/s), p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, max ${row.max.toFixed(0)} ms`);
    line(`  outcomes: ${JSON.stringify(row.outcomes)}`);
    line(`  typed errors: ${JSON.stringify(row.errorNames)}`);
    line(`  upstream: ${row.upstream.total} requests (${(row.upstream.total / row.calls).toFixed(2)} per call), faulty ${(100 * row.upstream.faulty / row.upstream.total).toFixed(1)}%: ${JSON.stringify(row.upstream.byFault)}`);
    if (row.logLines !== undefined) line(`  gateway log lines: ${row.logLines}`);
    const lost = Object.entries(row.outcomes).filter(([outcome]) => outcome.startsWith('lost')).reduce((sum, [, value]) => sum + value, 0);
    line(`  calls a provider could answer: ${row.answerable}; of them succeeded: ${row.answeredWhenAnswerable} (${(100 * row.answeredWhenAnswerable / row.answerable).toFixed(1)}%)`);
    line(`  every call ended (outstanding at the end: ${row.hung}): ${check(row.hung === 0, `${row.name}: ${row.hung} calls hung`)}`);
    line(`  no untyped or malformed ending: ${check(!row.outcomes.untyped && !row.outcomes.malformed, `${row.name}: untyped or malformed endings`)}`);
    line(`  failed although a provider that would have answered was asked: ${row.outcomes.illegitimate ?? 0}: ${check(!row.outcomes.illegitimate, `${row.name}: ${row.outcomes.illegitimate} calls failed although a provider that would have answered was asked ${JSON.stringify(row.illegitimateNames)}`)}`);
    if (row.illegitimateNames && Object.keys(row.illegitimateNames).length) line(`    by strategy/kind: ${JSON.stringify(row.illegitimateNames)}`);
    if (row.name.startsWith('router')) line(`  lost (a provider would have answered, but the router skipped it): ${lost}: ${check(lost <= row.calls / 100, `${row.name}: ${lost} calls lost to skipped providers (more than 1%)`)}`);
  }
  line('\namplification with groq failing every request (first in the route):');
  for (const row of amplification) {
    const ratio = row.upstream / row.calls;
    const bounded = row.name === 'race' ? 'N by design' : check(ratio <= 1.2, `${row.name}: ${ratio.toFixed(3)} upstream requests per call`);
    line(`  ${row.name.padEnd(10)} ${row.calls} calls, ${row.successes} successes, ${row.upstream} upstream requests (${ratio.toFixed(3)} per call), ${row.toFailing} to the failing provider: ${bounded}`);
  }
  line('\nresources (after closing every router, gateway and client; heap after a full GC):');
  line(`  heap: baseline ${(baseline.heapUsed / 1e6).toFixed(1)} MB, end ${(end.heapUsed / 1e6).toFixed(1)} MB, growth ${((end.heapUsed - baseline.heapUsed) / 1e6).toFixed(2)} MB: ${check(end.heapUsed - baseline.heapUsed < 8e6, 'heap grew by 8 MB or more')}`);
  line(`  active resources: baseline ${JSON.stringify(baseline.resources)}, end ${JSON.stringify(end.resources)}: ${check(Object.entries(end.resources).every(([type, count]) => count <= (baseline.resources[type] ?? 0)), 'resources above their baseline')}`);
  line(`  upstream requests still open: ${finalStats.open}: ${check(finalStats.open === 0, 'upstream requests left open')}`);
  line(failures.length === 0 ? '\nsoak: PASS' : `\nsoak: FAIL\n  - ${failures.join('\n  - ')}`);
  process.exitCode = failures.length === 0 ? 0 : 1;

  // ---------------------------------------------------------- helpers that close over the imports
  async function startGateway(phase) {
    let logLines = 0;
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        for (const byte of chunk) if (byte === 10) logLines += 1;
        callback();
      },
    });
    const routes = strategies.map(([name, strategy]) => `  ${name}: { targets: [groq/llama-3.1-8b-instant, openai/gpt-4o-mini, anthropic/claude-haiku-4-5-20251001], parallelAttempts: ${strategy.parallelAttempts}${strategy.hedge ? `, hedge: { delayMs: ${strategy.hedge.delayMs} }` : ''} }`);
    const config = parseGatewayConfig({
      yamlText: [`router: { timeoutMs: ${limits.timeoutMs}, firstTokenTimeoutMs: ${limits.firstTokenTimeoutMs}, responseTimeoutMs: ${limits.responseTimeoutMs}, idleTimeoutMs: ${limits.idleTimeoutMs} }`, `limits: { maxStreamDurationMs: ${limits.timeoutMs} }`, 'cache: { enabled: false }', 'routes:', ...routes].join('\n'),
      env: { BACKUP_MODELS_GATEWAY_KEYS: 'soak-gateway-key' },
    });
    const router = new BackupModelRouter({ ...routerOptionsFromConfig(config, { env }), env, breaker });
    const gateway = createGateway({ router, config, logger: createGatewayLogger({ destination }) });
    const { port } = await gateway.listen({ host: '127.0.0.1', port: 0 });
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    return {
      phase,
      port,
      agent,
      logLines: () => logLines,
      close: async () => {
        await gateway.close();
        await router.close();
        agent.destroy();
      },
    };
  }
}

/** One chat completion through the gateway; the outcome as the client sees it. */
function gatewayCall(gateway, phase, callId) {
  const stream = Math.floor(callId / 3) % 2 === 1;
  const route = ['race', 'hedged', 'sequential'][callId % 3];
  const body = JSON.stringify({ model: route, stream, messages: [{ role: 'user', content: `#${phase}-${callId}# soak` }] });
  const startedAtMs = performance.now();
  const answerable = providers.some((provider) => faultOf(phase, callId, provider, stream) === 'none');
  return new Promise((settle) => {
    const resolve = (result) => settle({ ...result, answerable });
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port: gateway.port,
        path: '/v1/chat/completions',
        method: 'POST',
        agent: gateway.agent,
        headers: { authorization: 'Bearer soak-gateway-key', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => {
          const latencyMs = performance.now() - startedAtMs;
          if (response.statusCode === 200 && !stream) return resolve({ outcome: text.includes('"choices"') ? 'success' : 'malformed', latencyMs });
          if (response.statusCode === 200) {
            if (text.includes('data: {"error"')) return resolve({ outcome: 'typed', name: 'stream error event', latencyMs });
            return resolve({ outcome: text.trimEnd().endsWith('data: [DONE]') ? 'success' : 'malformed', latencyMs });
          }
          let shaped = false;
          try {
            shaped = typeof JSON.parse(text).error?.type === 'string';
          } catch {
            shaped = false;
          }
          resolve({ outcome: shaped ? 'typed' : 'malformed', name: `HTTP ${response.statusCode}`, latencyMs });
        });
        response.on('error', () => resolve({ outcome: 'malformed', name: 'response error', latencyMs: performance.now() - startedAtMs }));
      },
    );
    request.on('error', (error) => resolve({ outcome: 'malformed', name: error.code ?? 'request error', latencyMs: performance.now() - startedAtMs }));
    request.end(body);
  });
}

/** Run `count` calls, `concurrency` at a time; a watchdog fails the soak if calls stop ending. */
async function runPhase(phase, count, call) {
  const tally = { calls: count, outcomes: {}, errorNames: {}, illegitimateNames: {}, latencies: [], hung: 0, answerable: 0, answeredWhenAnswerable: 0 };
  let next = 0;
  let ended = 0;
  let lastEnded = -1;
  const watchdog = setInterval(() => {
    if (ended === lastEnded) {
      process.stdout.write(`soak: ${phase}: no call ended for 20 s; ${next - ended} calls outstanding\n`);
      tally.hung = next - ended;
      process.exit(1);
    }
    lastEnded = ended;
  }, 20_000);
  const worker = async () => {
    while (next < count) {
      const callId = next++;
      const result = await call(callId);
      ended += 1;
      // A call refused at once settles in a microtask: yield, or a hundred workers starve the sockets.
      await new Promise((resolve) => setImmediate(resolve));
      tally.outcomes[result.outcome] = (tally.outcomes[result.outcome] ?? 0) + 1;
      if (result.answerable) {
        tally.answerable += 1;
        if (result.outcome === 'success') tally.answeredWhenAnswerable += 1;
      }
      if (result.name) tally.errorNames[result.name] = (tally.errorNames[result.name] ?? 0) + 1;
      if (result.outcome === 'illegitimate') {
        const key = `${['race', 'hedged', 'sequential'][callId % 3]}/${Math.floor(callId / 3) % 2 === 1 ? 'stream' : 'complete'}/${result.name}`;
        tally.illegitimateNames[key] = (tally.illegitimateNames[key] ?? 0) + 1;
      }
      tally.latencies.push(result.latencyMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  clearInterval(watchdog);
  tally.hung = next - ended;
  return tally;
}

function summary(name, tally, durationMs, upstream) {
  const sorted = Float64Array.from(tally.latencies).sort();
  const at = (quantile) => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))];
  const { latencies: _latencies, ...rest } = tally;
  return { name, ...rest, durationMs, upstream, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

function upstreamOf(stats, phase) {
  const result = { total: 0, faulty: 0, byFault: {}, byProvider: {} };
  for (const [key, value] of Object.entries(stats.stats)) {
    const [keyPhase, provider, fault] = key.split('|');
    if (keyPhase !== phase) continue;
    result.total += value;
    if (fault !== 'none') result.faulty += value;
    result.byFault[fault] = (result.byFault[fault] ?? 0) + value;
    result.byProvider[provider] = (result.byProvider[provider] ?? 0) + value;
  }
  return result;
}

/** Let closing sockets and timers finish, collect garbage, and read the heap and the live handles. */
async function settle() {
  for (let round = 0; round < 5; round++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    globalThis.gc();
  }
  const resources = {};
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
  return { heapUsed: process.memoryUsage().heapUsed, resources };
}

function startUpstream() {
  const child = fork(thisFile, ['--upstream'], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (message) => {
      if (message.type !== 'ready') return reject(new Error('the upstream did not start'));
      resolve({
        ports: message.ports,
        stats: () =>
          new Promise((done) => {
            child.once('message', (reply) => done(reply));
            child.send({ type: 'stats' });
          }),
        exit: () => child.send({ type: 'exit' }),
      });
    });
  });
}

import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type CallLogFields, callLogKeys } from './call-log.js';
import { createGatewayLogger, createLineWriter } from './gateway-logger.js';

/** A logger writing into an array of lines, as the gateway's tests read its log. */
function capturingLogger(level = 'info', fields?: Readonly<Record<string, string | number>>): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line.length > 0));
      done();
    },
  });
  return { logger: createGatewayLogger({ destination, level, ...(fields ? { fields } : {}) }), lines };
}

/** A line as read back, without its time (the two writers read the clock a moment apart). */
function parsed(line: string | undefined): Record<string, unknown> {
  const { time, ...rest } = JSON.parse(line ?? 'null') as Record<string, unknown>;
  expect(typeof time).toBe('number');
  return rest;
}

const everyField: CallLogFields = {
  id: 'chatcmpl-"quoted" \\ back\nline',
  clientAddress: '2001:db8::1',
  key: 'team-é-😀',
  requestedModel: 'openai/gpt-4o-mini',
  stream: true,
  provider: 'openai',
  model: 'gpt-4o-mini\u0000\u001f',
  attempts: 'groq:failure(rate_limit),openai:success',
  cached: false,
  latencyMs: 12,
  timeToFirstTokenMs: 3.25,
  inputTokens: 0,
  outputTokens: 7,
  costUsd: 0.0000032,
  costEstimated: true,
  outcome: 'cut_off',
  cutOffReason: 'max_stream_duration',
  maxStreamDurationMs: 600_000,
  status: 200,
  errorCode: null,
  prompt: [{ role: 'user', content: 'say "hi"\n\u2028' }],
};

describe('createLineWriter', () => {
  it("writes the very line pino writes for the same fields, every field of a call's line included", () => {
    const { logger, lines } = capturingLogger();
    const write = createLineWriter<CallLogFields>(logger, callLogKeys);
    write('info', everyField, 'chat.completions');
    logger.info(everyField, 'chat.completions');
    expect(lines).toHaveLength(2);
    expect(parsed(lines[0])).toEqual(parsed(lines[1]));
    expect(parsed(lines[0])).toMatchObject({ level: 30, service: 'backup-models-gateway', msg: 'chat.completions', ...everyField });
  });

  it('leaves out undefined fields and writes a number that is not finite as null, as pino does', () => {
    const { logger, lines } = capturingLogger();
    const write = createLineWriter<CallLogFields>(logger, callLogKeys);
    const fields: CallLogFields = { id: 'a', clientAddress: undefined, latencyMs: Number.NaN, costUsd: Number.POSITIVE_INFINITY };
    write('warn', fields, 'm');
    logger.warn(fields, 'm');
    expect(parsed(lines[0])).toEqual(parsed(lines[1]));
    expect(parsed(lines[0])).toEqual({ level: 40, service: 'backup-models-gateway', id: 'a', latencyMs: null, costUsd: null, msg: 'm' });
  });

  it("gives a worker's every line its fields, the call's lines as pino's own", () => {
    const { logger, lines } = capturingLogger('info', { worker: 3 });
    createLineWriter<CallLogFields>(logger, callLogKeys)('info', { id: 'a', status: 200 }, 'm');
    logger.info({ id: 'a', status: 200 }, 'm');
    logger.warn('redis error');
    expect(parsed(lines[0])).toEqual(parsed(lines[1]));
    expect(parsed(lines[0])).toEqual({ level: 30, service: 'backup-models-gateway', worker: 3, id: 'a', status: 200, msg: 'm' });
    expect(parsed(lines[2])).toEqual({ level: 40, service: 'backup-models-gateway', worker: 3, msg: 'redis error' });
  });

  it("keeps to the logger's level, also when it changes while the gateway runs", () => {
    const { logger, lines } = capturingLogger('warn');
    const write = createLineWriter<CallLogFields>(logger, callLogKeys);
    write('info', { id: 'quiet' }, 'm');
    write('warn', { id: 'loud' }, 'm');
    logger.level = 'info';
    write('info', { id: 'heard' }, 'm');
    expect(lines.map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(['loud', 'heard']);
  });

  it("calls a logger it did not make as usual, so that logger's own formatters apply", () => {
    const lines: string[] = [];
    const logger = pino(
      { formatters: { level: (label) => ({ severity: label }) }, base: undefined },
      { write: (line: string) => lines.push(line) },
    );
    createLineWriter<CallLogFields>(logger, callLogKeys)('info', { id: 'x' }, 'm');
    expect(JSON.parse(lines[0] ?? 'null')).toMatchObject({ severity: 'info', id: 'x', msg: 'm' });
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createGatheringLogDestination } from './log-destination.js';

function temporaryLogFile(): { path: string; fileDescriptor: number } {
  const path = join(mkdtempSync(join(tmpdir(), 'backup-models-log-')), 'gateway.log');
  return { path, fileDescriptor: openSync(path, 'w') };
}

describe('createGatheringLogDestination', () => {
  it("writes every line whole and in order, pino's own lines and the call lines alike, with multibyte text", async () => {
    const { path, fileDescriptor } = temporaryLogFile();
    const destination = createGatheringLogDestination(fileDescriptor);
    const logger = pino({ base: undefined, timestamp: false }, destination);
    const expected: string[] = [];
    for (let index = 0; index < 3_000; index += 1) {
      if (index % 7 === 0) {
        logger.warn({ index, note: 'é😀\u2028' }, 'from pino');
        expected.push(JSON.stringify({ level: 40, index, note: 'é😀\u2028', msg: 'from pino' }));
      } else {
        const line = JSON.stringify({ index, key: `team-${'ü'.repeat(index % 50)}` });
        destination.write(`${line}\n`);
        expected.push(line);
      }
      // Now and then the loop yields, so writes are in flight while lines keep coming.
      if (index % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise<void>((resolve, reject) => destination.flush((error) => (error ? reject(error) : resolve())));
    // Ended, not closed under it: sonic-boom then stops its 250 ms flush timer and closes the descriptor itself.
    // Closed under it, the timer's next flush writes to a closed descriptor, an uncaught EBADF in this worker.
    destination.end();
    const written = readFileSync(path, 'utf8').split('\n');
    expect(written.pop()).toBe('');
    expect(written).toEqual(expected);
  });

  it('writes what it gathered when the process exits', async () => {
    const logger = fileURLToPath(new URL('../../dist/gateway/gateway-logger.js', import.meta.url));
    const script = `
      import { createGatewayLogger, createLineWriter } from ${JSON.stringify(logger)};
      const logger = createGatewayLogger();
      const write = createLineWriter(logger, ['id']);
      logger.info('gateway listening');
      for (let index = 0; index < 25; index += 1) write('info', { id: 'call-' + index }, 'call');
      process.exit(0);
    `;
    const stderr = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 }, (error, _stdout, output) =>
        error ? reject(error) : resolve(output),
      );
    });
    const lines = stderr.trim().split('\n').map((line) => JSON.parse(line) as { msg: string; id?: string });
    expect(lines.map((line) => line.id ?? line.msg)).toEqual(['gateway listening', ...Array.from({ length: 25 }, (_, index) => `call-${index}`)]);
  });
});

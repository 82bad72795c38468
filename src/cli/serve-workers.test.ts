import { describe, expect, it } from 'vitest';
import { restartDelayMs } from './serve-workers.js';

describe('restartDelayMs', () => {
  it('restarts at once after a worker that served a while, then waits 100 ms doubling with each quick exit in a row, up to 10 s', () => {
    expect([0, 1, 2, 3, 4, 7, 8, 30].map(restartDelayMs)).toEqual([0, 100, 200, 400, 800, 6_400, 10_000, 10_000]);
  });
});

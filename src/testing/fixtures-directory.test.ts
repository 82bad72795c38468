import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { findSharedFixturesDirectory, fixturesDirectoryEnv, moduleDirectory, resolveFixturesDirectory } from './fixtures-directory.js';

const root = mkdtempSync(join(tmpdir(), 'backup-models-fixtures-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fixturesLayout(directory: string): string {
  mkdirSync(join(directory, 'openai'), { recursive: true });
  mkdirSync(join(directory, 'anthropic'), { recursive: true });
  return directory;
}

describe('resolveFixturesDirectory', () => {
  it('takes the option first, then the environment variable', () => {
    const fromOption = fixturesLayout(join(root, 'option'));
    const fromEnvironment = fixturesLayout(join(root, 'environment'));
    const environment = { [fixturesDirectoryEnv]: fromEnvironment };
    expect(resolveFixturesDirectory({ fixturesDirectory: fromOption, environment })).toBe(fromOption);
    expect(resolveFixturesDirectory({ environment })).toBe(fromEnvironment);
  });

  it('defaults to the copy shipped beside the module', () => {
    expect(resolveFixturesDirectory({ environment: {} })).toBe(join(moduleDirectory(), 'fixtures'));
  });

  it('refuses a folder without the provider folders with a typed error', () => {
    const empty = join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    expect(() => resolveFixturesDirectory({ fixturesDirectory: empty })).toThrow(InvalidArgumentError);
  });
});

describe('findSharedFixturesDirectory', () => {
  it('finds <ancestor>/shared/fixtures and <ancestor>/../shared/fixtures walking up', () => {
    const shared = fixturesLayout(join(root, 'work', 'shared', 'fixtures'));
    const inside = join(root, 'work', 'main', 'dist', 'testing');
    mkdirSync(inside, { recursive: true });
    expect(findSharedFixturesDirectory(inside)).toBe(shared);
    const clone = join(root, 'work', 'clone');
    mkdirSync(clone, { recursive: true });
    expect(findSharedFixturesDirectory(clone)).toBe(shared);
  });

  it('returns undefined when there is none up to the root', () => {
    const lonely = mkdtempSync(join(tmpdir(), 'backup-models-none-'));
    try {
      expect(findSharedFixturesDirectory(lonely)).toBeUndefined();
    } finally {
      rmSync(lonely, { recursive: true, force: true });
    }
  });
});

/**
 * The fixtures shipped with the package must be the recorded ones. Runs where `shared/fixtures` is found above
 * this module (development and CI); a package installed from npm has only the vendored copy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSharedFixturesDirectory, moduleDirectory } from './fixtures-directory.js';

const shared = findSharedFixturesDirectory();
const vendored = join(moduleDirectory(), 'fixtures');
const listFiles = (directory: string): string[] =>
  readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1))
    .sort();

describe.runIf(shared !== undefined)('vendored fixtures', () => {
  const sharedDirectory = shared ?? '';
  const responseFiles = listFiles(sharedDirectory).filter((name) => !/\.request(-headers)?\.(json|txt)$/.test(name));

  it('include every recorded response, header file and SOURCES.md', () => {
    const vendoredFiles = new Set(listFiles(vendored));
    expect(responseFiles.filter((name) => !vendoredFiles.has(name))).toEqual([]);
    expect(vendoredFiles.has('SOURCES.md')).toBe(true);
  });

  it.each(responseFiles)('%s is byte for byte the recorded file', (name) => {
    expect(readFileSync(join(vendored, name)).equals(readFileSync(join(sharedDirectory, name)))).toBe(true);
  });
});

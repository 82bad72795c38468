/**
 * Where the recorded provider traffic is read from. In order: the caller's option, the environment variable
 * BACKUP_MODELS_FIXTURES_DIR, the copy shipped with the package (`fixtures/` beside this module, in `src/testing/`
 * and, once the build copies it, `dist/testing/`), and last a `shared/fixtures` folder found by walking up from
 * this module (the development layout: `<ancestor>/shared/fixtures` or `<ancestor>/../shared/fixtures`).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '../errors.js';

export const fixturesDirectoryEnv = 'BACKUP_MODELS_FIXTURES_DIR';

/** A folder that looks like the fixtures root: it has the provider folders. */
function isFixturesDirectory(directory: string): boolean {
  try {
    return statSync(join(directory, 'openai')).isDirectory() && statSync(join(directory, 'anthropic')).isDirectory();
  } catch {
    return false;
  }
}

export function moduleDirectory(): string {
  return dirname(fileURLToPath(import.meta.url));
}

/** `shared/fixtures` next to this module or one of its ancestors, or next to an ancestor's parent. */
export function findSharedFixturesDirectory(startDirectory: string = moduleDirectory()): string | undefined {
  let current = resolve(startDirectory);
  for (;;) {
    for (const candidate of [join(current, 'shared', 'fixtures'), join(current, '..', 'shared', 'fixtures')]) {
      if (isFixturesDirectory(candidate)) return resolve(candidate);
    }
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

export interface ResolveFixturesDirectoryOptions {
  readonly fixturesDirectory?: string;
  /** Defaults to `process.env`. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

export function resolveFixturesDirectory(options: ResolveFixturesDirectoryOptions = {}): string {
  const explicit = options.fixturesDirectory ?? (options.environment ?? process.env)[fixturesDirectoryEnv];
  if (explicit !== undefined && explicit !== '') {
    const directory = resolve(explicit);
    if (!isFixturesDirectory(directory)) {
      throw new InvalidArgumentError({
        argument: 'fixturesDirectory',
        message: `${directory} is not a fixtures directory (it needs the provider folders openai/, anthropic/, ...)`,
      });
    }
    return directory;
  }
  const vendored = join(moduleDirectory(), 'fixtures');
  if (existsSync(vendored) && isFixturesDirectory(vendored)) return vendored;
  const shared = findSharedFixturesDirectory();
  if (shared) return shared;
  throw new InvalidArgumentError({
    argument: 'fixturesDirectory',
    message: `no fixtures found: pass fixturesDirectory, set ${fixturesDirectoryEnv}, or rebuild so dist/testing/fixtures exists`,
  });
}

/**
 * Test support: the folder of recorded provider traffic that tests read, request files included (only the
 * responses are vendored into src/testing/fixtures). In development it is ../shared/fixtures beside the
 * repository; CI lays a copy of shared/ beside its clone the same way. BACKUP_MODELS_FIXTURES_DIR overrides.
 */
import { findSharedFixturesDirectory, fixturesDirectoryEnv } from './fixtures-directory.js';

export function sharedFixturesDirectory(): string {
  const directory = process.env[fixturesDirectoryEnv] ?? findSharedFixturesDirectory();
  if (!directory) {
    throw new Error(`No shared/fixtures folder beside the repository; set ${fixturesDirectoryEnv} to the recorded fixtures.`);
  }
  return directory;
}

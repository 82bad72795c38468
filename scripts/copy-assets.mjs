#!/usr/bin/env node
/**
 * Copies what the TypeScript build does not: the recorded provider responses the provider test server
 * (`backup-models/testing`) replays, from src/testing/fixtures and src/testing/recordings to <outDir>/testing/.
 * Usage: node scripts/copy-assets.mjs [outDir]   (outDir defaults to dist, relative to the repository root)
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? 'dist');
// The vendored copy of the shared recordings, and the recordings kept in this repository (OpenAI's Responses API).
for (const folder of ['fixtures', 'recordings']) {
  const source = join(root, 'src', 'testing', folder);
  const target = join(outDir, 'testing', folder);
  if (!existsSync(source)) {
    console.error(`copy-assets: ${source} is missing`);
    process.exit(1);
  }
  rmSync(target, { recursive: true, force: true });
  cpSync(source, target, { recursive: true });
  console.log(`copy-assets: ${source} -> ${target}`);
}

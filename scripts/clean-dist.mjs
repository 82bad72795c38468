#!/usr/bin/env node
/**
 * Empties the build's output folder before `tsc` writes it, so what is packed is built from today's sources only:
 * a module renamed or deleted in src/ would otherwise stay in dist/ and ship with the package.
 * Usage: node scripts/clean-dist.mjs [outDir]   (outDir defaults to dist, relative to the repository root)
 */
import { rmSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? 'dist');
const inside = relative(root, outDir);
if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
  console.error(`clean-dist: ${outDir} is not a folder inside ${root}`);
  process.exit(1);
}
rmSync(outDir, { recursive: true, force: true });

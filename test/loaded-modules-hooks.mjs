// Loaded with `node --import` into a child process by test/gateway-tracing.test.ts: writes to the file
// LOADED_MODULES_FILE names every @opentelemetry module the process loaded, through import (the resolve hook
// below, run by module.register) or require (require.cache, read at exit).
import { appendFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.LOADED_MODULES_FILE;
if (file && !process.env.LOADED_MODULES_HOOK_THREAD) {
  writeFileSync(file, '');
  register(import.meta.url, { parentURL: import.meta.url, data: { file } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    const paths = Object.keys(require.cache).filter((path) => path.includes('/@opentelemetry/'));
    if (paths.length > 0) appendFileSync(file, `${paths.join('\n')}\n`);
  });
}

let hookFile;
export function initialize(data) {
  hookFile = data.file;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (hookFile && resolved.url.includes('/@opentelemetry/')) appendFileSync(hookFile, `${resolved.url}\n`);
  return resolved;
}

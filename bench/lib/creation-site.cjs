'use strict';
/**
 * Where something was made, as `stackFrames` frames of the stack joined by ` < `, paths shortened to
 * `node_modules/...` or `dist/...`, leaving out async_hooks' own frames and those matching `ownFrames` (the counting
 * tool's). `Promise.all`'s `(index N)` frames read `(index n)`, so that one site counts once. Shared by the gateway's
 * per-request hooks (a CommonJS preload) and the library's in-process counts (an ES module).
 */
function creationSite(stackFrames, ownFrames) {
  const holder = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = stackFrames + 6;
  Error.captureStackTrace(holder, creationSite);
  Error.stackTraceLimit = limit;
  return holder.stack
    .split('\n')
    .slice(1)
    .filter((line) => !/internal\/async_hooks|emitInitNative/.test(line) && !ownFrames.test(line))
    .slice(0, stackFrames)
    .map((line) => line.trim().replace(/^at /, '').replace(/\(?(file:\/\/)?\/[^()]*\/(node_modules\/|dist\/)/, '($2'))
    .join(' < ')
    .replace(/\(index \d+\)/g, '(index n)');
}

module.exports = { creationSite };

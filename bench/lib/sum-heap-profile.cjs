'use strict';
/**
 * A V8 sampling heap profile summed: the bytes it sampled in all, and by function and by script (paths shortened to
 * `node_modules/<package>/`, `dist/` or `bench/`), as Maps. Shared by the gateway's per-request hooks (a CommonJS
 * preload) and the library's in-process counts (an ES module).
 */
function sumHeapProfile(profile) {
  const byFunction = new Map();
  const byScript = new Map();
  let totalBytes = 0;
  const visit = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    if (node.selfSize > 0) {
      totalBytes += node.selfSize;
      const script = url.replace(/^.*\/(node_modules\/[^/]+|dist|bench)\//, '$1/').replace(/^file:\/\//, '');
      const name = `${functionName || '(anonymous)'} ${script}:${lineNumber + 1}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
      byScript.set(script || '(native)', (byScript.get(script || '(native)') ?? 0) + node.selfSize);
    }
    for (const child of node.children) visit(child);
  };
  visit(profile.head);
  return { totalBytes, byFunction, byScript };
}

module.exports = { sumHeapProfile };

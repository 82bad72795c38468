/**
 * Preloaded (`node --import`) into a third-party server that cannot be told where to bind: every
 * `listen()` that names no host, or a wildcard host, binds 127.0.0.1 instead. Benchmark traffic stays on loopback.
 */
import net from 'node:net';

const wildcardHosts = new Set([undefined, null, '', '0.0.0.0', '::']);
const originalListen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (typeof first === 'object' && first !== null && !Array.isArray(first) && first.path === undefined) {
    if (wildcardHosts.has(first.host)) args[0] = { ...first, host: '127.0.0.1' };
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const second = args[1];
    if (typeof second !== 'string' || wildcardHosts.has(second)) {
      const callback = args.find((value) => typeof value === 'function');
      const backlog = typeof args[2] === 'number' ? args[2] : undefined;
      return originalListen.call(this, { port: Number(first), host: '127.0.0.1', ...(backlog ? { backlog } : {}) }, callback);
    }
  }
  return originalListen.apply(this, args);
};

/**
 * What a request's `Cache-Control` asks of the gateway's response cache, as HTTP means it: `no-store`, neither
 * read nor store; `no-cache` (or `max-age=0`), ask a provider anyway and store the new answer in place of the
 * old (a client's "regenerate"). Undefined when it asks nothing of the cache.
 */
export function requestedCacheUse(header: string | undefined): false | 'refresh' | undefined {
  if (header === undefined) return undefined;
  let refresh = false;
  for (const part of header.split(',')) {
    const directive = part.trim().toLowerCase();
    if (directive === 'no-store') return false;
    if (directive === 'no-cache' || directive === 'max-age=0') refresh = true;
  }
  return refresh ? 'refresh' : undefined;
}

/** The `x-backup-models-cache` value of an answer: where it came from, and what the request asked. */
export function cacheStatusOf(cached: boolean, requested: boolean | 'refresh' | undefined): 'hit' | 'miss' | 'refresh' | 'bypass' {
  if (cached) return 'hit';
  if (requested === 'refresh') return 'refresh';
  return requested === false ? 'bypass' : 'miss';
}

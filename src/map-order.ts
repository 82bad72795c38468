/**
 * A Map keeps its keys in the order they were set: the first is the oldest. For the small bounded tables that
 * forget their oldest entry to make room for a new one.
 */

/** Delete the oldest key of `map`, if it has any. */
export function deleteOldestKey<K, V>(map: Map<K, V>): void {
  for (const key of map.keys()) {
    map.delete(key);
    return;
  }
}

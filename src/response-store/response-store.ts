/**
 * Where the gateway keeps what it answered on the Responses API, for the requests that name it later: each output item
 * (for `item_reference`) and each response's own turn (for `previous_response_id`). Entries are JSON texts, named
 * under a caller's scope (a gateway key's, so that no key reads another's), each with a time to live. In this process's
 * memory for one gateway (MemoryResponseStore); on Redis for many (`RedisResponseStore` in shared-state).
 */

/** One text to keep, by its name within a scope (`item:<id>`, `response:<id>`). */
export interface ResponseStoreEntry {
  readonly name: string;
  readonly text: string;
}

export interface ResponseStore {
  /**
   * Keep each entry under `scope` for `ttlSeconds` (> 0), replacing one of the same name. Never rejects: a store that
   * cannot keep them (Redis away) keeps none, and the requests naming them are told they were not found.
   */
  set(scope: string, entries: readonly ResponseStoreEntry[], ttlSeconds: number): Promise<void>;
  /**
   * The texts kept under `scope` for `names`, in their order: undefined for each never kept there, expired or evicted.
   * Undefined as a whole when the store could not be read (Redis away or too slow). Never rejects.
   */
  get(scope: string, names: readonly string[]): Promise<readonly (string | undefined)[] | undefined>;
  /**
   * Forget the entries kept under `scope` for `names` (those never kept there are no matter): true once done, undefined
   * when the store could not be reached (Redis away or too slow), which may have forgotten some. Never rejects.
   */
  delete(scope: string, names: readonly string[]): Promise<true | undefined>;
  /**
   * Keep the entries already kept under `scope` for `names` another `ttlSeconds` (> 0) from now, so that a conversation
   * still going keeps its start: those not kept (expired, evicted, deleted) stay so. Never rejects: a store that cannot
   * reach them (Redis away) leaves them to their own time to live.
   */
  touch(scope: string, names: readonly string[], ttlSeconds: number): Promise<void>;
}

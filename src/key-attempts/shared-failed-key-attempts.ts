/**
 * Failed gateway key attempts counted once for every gateway instance that shares a store: on Redis,
 * `RedisFailedKeyAttempts` in shared-state. Behind a load balancer each instance counting alone would give a
 * guesser its allowance once per instance.
 *
 * The gateway's own count (gateway/failed-key-attempts.ts) stays in front of it: the store is told of failures
 * only, never asked about a request, and it tells every instance which addresses reached the limit, which each
 * then refuses from its own memory. An address is its counting block (an IPv4 address, an IPv6 /64: see
 * gateway/client-address.ts), never a key or anything else a client sent.
 */
export interface SharedFailedKeyAttempts {
  /**
   * Count one failed attempt of `address` in its shared window, which began at the address's first failure at
   * any instance and lasts `windowMs`. From the `maxFailures`-th failure on, every instance hears of the
   * refusal (`onRefusal`), this one too. Resolves with the count, or undefined when the store did not answer
   * in time (then the gateway counts alone). Never rejects.
   */
  recordFailure(address: string, options: { readonly maxFailures: number; readonly windowMs: number }): Promise<SharedFailureCount | undefined>;
  /**
   * Addresses that reached the limit, at any instance: as they reach it, and (a store that can miss some, as
   * Redis's subscriber cut off) those refused still, read back when it can. Told again of one it knows is harmless.
   * Returns the disposer.
   */
  onRefusal(listener: (refusal: SharedKeyAttemptRefusal) => void): () => void;
}

export interface SharedFailureCount {
  /** Failures of the address in its window, at every instance. */
  readonly failures: number;
  /** How long the window still runs. */
  readonly windowRemainingMs: number;
}

export interface SharedKeyAttemptRefusal {
  /** The counting block. */
  readonly address: string;
  /** How long the address's key attempts are refused: what remains of its window. */
  readonly retryAfterMs: number;
}

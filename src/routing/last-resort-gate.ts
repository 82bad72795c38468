/** The one last-resort attempt a provider with an open circuit takes at a time (panic mode). */
export class LastResortGate {
  readonly #inFlight = new Set<string>();

  /** True when the provider may take its last-resort attempt now, which it then holds until `release`. */
  acquire(providerId: string): boolean {
    if (this.#inFlight.has(providerId)) return false;
    this.#inFlight.add(providerId);
    return true;
  }

  release(providerId: string): void {
    this.#inFlight.delete(providerId);
  }
}

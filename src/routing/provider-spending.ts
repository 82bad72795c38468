/** What this instance spent on each provider: the calls answered, and an estimate of the attempts left unanswered. */
export class ProviderSpending {
  readonly #spendUsd = new Map<string, number>();
  readonly #unansweredSpendUsd = new Map<string, number>();

  /** Add what a call cost, in US dollars, to the provider's total. */
  recordSpend(providerId: string, costUsd: number | undefined): void {
    if (costUsd === undefined || costUsd <= 0) return;
    this.#spendUsd.set(providerId, (this.#spendUsd.get(providerId) ?? 0) + costUsd);
  }

  /** US dollars spent on the provider by this instance since it started. */
  spendOf(providerId: string): number {
    return this.#spendUsd.get(providerId) ?? 0;
  }

  /**
   * Add the estimated price of an attempt sent to the provider that gave no answer the call took (it lost a race,
   * its call ended, our own timer ended it, or a later batch of an embedding attempt failed), in US dollars, to the provider's estimated total.
   */
  recordUnansweredSpend(providerId: string, costUsd: number): void {
    this.#unansweredSpendUsd.set(providerId, (this.#unansweredSpendUsd.get(providerId) ?? 0) + costUsd);
  }

  /** The estimated US dollars of the provider's unanswered attempts by this instance since it started. */
  unansweredSpendOf(providerId: string): number {
    return this.#unansweredSpendUsd.get(providerId) ?? 0;
  }
}

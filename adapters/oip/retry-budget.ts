/**
 * A retry budget (as in Envoy and Finagle): every call deposits `ratio` of a token, every retry
 * spends one, and the balance is capped. Retries thus add at most `ratio` extra calls over time,
 * while a short burst of failures can still be retried from the reserve.
 */
export class RetryBudget {
  private tokens: number;

  constructor(
    private readonly ratio: number,
    private readonly reserve = 10,
  ) {
    this.tokens = reserve;
  }

  /** Called once per original call. */
  deposit(): void {
    this.tokens = Math.min(this.reserve, this.tokens + this.ratio);
  }

  /** Spends one token if there is one; false means: do not retry. */
  tryWithdraw(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

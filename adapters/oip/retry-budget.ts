/** Tokens are counted in thousandths, so 10 deposits of 0.1 make exactly one retry. */
const SCALE = 1000;

/**
 * A retry budget (as in Envoy and Finagle): every call deposits `ratio` of a token, every retry
 * spends one, and the balance is capped at `reserve`. Retries thus add at most `ratio` extra calls
 * over time, while a short burst of failures can still be retried from the reserve.
 */
export class RetryBudget {
  private readonly perCall: number;
  private readonly cap: number;
  private tokens: number;

  constructor(ratio: number, reserve = 10) {
    this.perCall = Math.round(ratio * SCALE);
    this.cap = reserve * SCALE;
    this.tokens = this.cap;
  }

  /** Called once per original call. */
  deposit(): void {
    this.tokens = Math.min(this.cap, this.tokens + this.perCall);
  }

  /** Spends one token if there is one; false means: do not retry. */
  tryWithdraw(): boolean {
    if (this.tokens < SCALE) return false;
    this.tokens -= SCALE;
    return true;
  }
}

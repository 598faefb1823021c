import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * How long one slice of a batch may hold the event loop. The WAF's inline `POST /` calls wait
 * behind it: the plugin's default timeout is 300 ms, and issue 12's bar for a stall is 50 ms.
 */
export const SLICE_BUDGET_MS = 5;
/** A batch this small is scored at once, with no turn given away: the `oip` adapter's one-row calls. */
export const FIRST_SLICE_ROWS = 32;
/** No slice grows past this many rows, however cheap the model. */
export const MAX_SLICE_ROWS = 1024;

/** How {@link scoreInSlices} gives a turn away and reads the time (tests pass their own). */
export interface SliceClock {
  readonly yieldTurn?: () => Promise<unknown>;
  /** Milliseconds. */
  readonly now?: () => number;
}

/**
 * Scores rows `0..count` through `score(start, end)` a slice at a time, giving the event loop a turn
 * before each slice of a bigger batch, so a 4096-row OIP batch does not hold every other client's
 * answer until it is done (with the bundled models it held them 150-200 ms). Each slice is sized
 * from the time per row of the one before, to about {@link SLICE_BUDGET_MS}. Adapters score each
 * row on its own (POST / scores the same rows one at a time), so the decisions are those one call
 * with every row would give, in order.
 */
export async function scoreInSlices<D>(
  count: number,
  score: (start: number, end: number) => Promise<readonly D[]>,
  { yieldTurn = nextTurn, now = () => performance.now() }: SliceClock = {},
): Promise<D[]> {
  if (count <= FIRST_SLICE_ROWS) return [...(await score(0, count))];
  const decided: D[] = [];
  let size = FIRST_SLICE_ROWS;
  for (let start = 0; start < count; ) {
    await yieldTurn();
    const end = Math.min(count, start + size);
    const began = now();
    decided.push(...(await score(start, end)));
    const perRow = (now() - began) / (end - start);
    start = end;
    size = Math.max(1, Math.min(MAX_SLICE_ROWS, Math.floor(SLICE_BUDGET_MS / Math.max(perRow, 1e-6))));
  }
  return decided;
}

import { MicroBatcher } from '../../../adapters/oip/micro-batcher';
import { RetryBudget } from '../../../adapters/oip/retry-budget';

describe('MicroBatcher', () => {
  const doubler = () => {
    const calls: number[][] = [];
    const batcher = (maxSize: number, maxWaitMs: number) =>
      new MicroBatcher<number, number>(async (items) => (calls.push(items), items.map((x) => x * 2)), maxSize, maxWaitMs);
    return { calls, batcher };
  };

  it('groups submits of the same tick into one run, and gives each caller its own results', async () => {
    const { calls, batcher } = doubler();
    const b = batcher(16, 0);
    const results = await Promise.all([b.submit([1]), b.submit([2, 3]), b.submit([4])]);
    expect(results).toEqual([[2], [4, 6], [8]]);
    expect(calls).toEqual([[1, 2, 3, 4]]);
  });

  it('never exceeds maxSize: a full batch goes at once, the rest waits for the next', async () => {
    const { calls, batcher } = doubler();
    const b = batcher(3, 50);
    const results = await Promise.all([1, 2, 3, 4, 5].map((x) => b.submit([x])));
    expect(results.flat()).toEqual([2, 4, 6, 8, 10]);
    expect(calls).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('runs at once when batching is off (maxSize 1)', async () => {
    const { calls, batcher } = doubler();
    const b = batcher(1, 10);
    await Promise.all([b.submit([1]), b.submit([2])]);
    expect(calls).toEqual([[1], [2]]);
  });

  it('rejects every caller of a failed batch with its error', async () => {
    const b = new MicroBatcher<number, number>(async () => Promise.reject(new Error('remote down')), 8, 0);
    const results = await Promise.allSettled([b.submit([1]), b.submit([2])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe('remote down');
  });
});

describe('RetryBudget', () => {
  it('allows the reserve at once, then one retry per 1/ratio calls', () => {
    const budget = new RetryBudget(0.1, 2);
    expect([budget.tryWithdraw(), budget.tryWithdraw(), budget.tryWithdraw()]).toEqual([true, true, false]);
    for (let i = 0; i < 9; i++) budget.deposit();
    expect(budget.tryWithdraw()).toBe(false);
    budget.deposit();
    expect(budget.tryWithdraw()).toBe(true);
  });
});

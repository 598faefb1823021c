import { FIRST_SLICE_ROWS, MAX_SLICE_ROWS, SLICE_BUDGET_MS, scoreInSlices } from '../../../src/server/oip/score-in-slices';

/** A model whose rows cost `msPerRow` on a fake clock; it records the slices it was given. */
function fakeModel(msPerRow: number) {
  let clock = 0;
  const slices: Array<[number, number]> = [];
  const events: string[] = [];
  return {
    slices,
    events,
    score: async (start: number, end: number) => {
      slices.push([start, end]);
      events.push(`score ${start}-${end}`);
      clock += (end - start) * msPerRow;
      return Array.from({ length: end - start }, (_, i) => (start + i) * 10);
    },
    clock: { yieldTurn: async () => void events.push('turn'), now: () => clock },
  };
}

describe('scoreInSlices', () => {
  it('scores a small batch in one call, without giving a turn away (the oip adapter sends one row)', async () => {
    const model = fakeModel(1);
    expect(await scoreInSlices(FIRST_SLICE_ROWS, model.score, model.clock)).toEqual(Array.from({ length: FIRST_SLICE_ROWS }, (_, i) => i * 10));
    expect(model.events).toEqual([`score 0-${FIRST_SLICE_ROWS}`]);
  });

  it('covers a big batch in order, each row once, giving the event loop a turn before every slice', async () => {
    const model = fakeModel(0.01);
    const decided = await scoreInSlices(4096, model.score, model.clock);
    expect(decided).toEqual(Array.from({ length: 4096 }, (_, i) => i * 10));
    expect(model.slices[0]).toEqual([0, FIRST_SLICE_ROWS]);
    model.slices.forEach(([start], i) => expect(start).toBe(i === 0 ? 0 : model.slices[i - 1][1]));
    expect(model.slices.at(-1)![1]).toBe(4096);
    expect(model.events.filter((e) => e === 'turn')).toHaveLength(model.slices.length);
    model.events.forEach((event, i) => expect(event).toMatch(i % 2 === 0 ? /^turn$/ : /^score /));
  });

  it('sizes each slice to the budget from the time per row of the one before', async () => {
    const slow = fakeModel(1); // 1 ms a row: slices of SLICE_BUDGET_MS rows after the first
    await scoreInSlices(200, slow.score, slow.clock);
    expect(slow.slices.slice(1, -1).every(([s, e]) => e - s === SLICE_BUDGET_MS)).toBe(true);

    const cheap = fakeModel(0.0001); // far under budget: capped
    await scoreInSlices(4096, cheap.score, cheap.clock);
    expect(cheap.slices.slice(1).every(([s, e]) => e - s <= MAX_SLICE_ROWS)).toBe(true);
    expect(cheap.slices[1][1] - cheap.slices[1][0]).toBe(MAX_SLICE_ROWS);

    const verySlow = fakeModel(50); // one row over budget: a row at a time, never zero
    await scoreInSlices(40, verySlow.score, verySlow.clock);
    expect(verySlow.slices.slice(1).every(([s, e]) => e - s === 1)).toBe(true);
  });

  it('rejects as the model does, and scores nothing after the slice that failed', async () => {
    const model = fakeModel(0.01);
    const failing = async (start: number, end: number) => {
      if (start >= 64) throw new Error('model failed');
      return model.score(start, end);
    };
    await expect(scoreInSlices(4096, failing, model.clock)).rejects.toThrow('model failed');
    expect(model.slices.every(([start]) => start < 64)).toBe(true);
  });
});

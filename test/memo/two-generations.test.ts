import { TwoGenerations } from '../../src/memo/two-generations';

describe('TwoGenerations', () => {
  it('drops the older generation when the young one fills twice', () => {
    const memo = new TwoGenerations<number>(2);
    for (const [key, value] of [['a', 1], ['b', 2], ['c', 3], ['d', 4], ['e', 5]] as const) memo.set(key, value);
    // young {a, b} -> old; young {c, d} -> old (a, b dropped); young {e}
    expect(['a', 'b', 'c', 'd', 'e'].map((key) => memo.get(key))).toEqual([undefined, undefined, 3, 4, 5]);
  });

  it('copies a hit in the old generation back into the young one, so a key in use survives the turnover', () => {
    const memo = new TwoGenerations<number>(2);
    memo.set('a', 1);
    memo.set('b', 2);
    memo.set('c', 3); // old {a, b}, young {c}
    memo.get('a'); // young {c, a}
    memo.set('d', 4); // old {c, a}, young {d}
    expect([memo.get('a'), memo.get('b')]).toEqual([1, undefined]);
  });
});

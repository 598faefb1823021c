import { checkGraphLimits } from '../../src/pickle/graph-limits';
import { resolveLimits } from '../../src/pickle/limits';
import { loadPickle, PyObject, type PyValue } from '../../src/pickle';

const limits = resolveLimits({ maxExpandedItems: 1000, maxNestingDepth: 20 });

describe('checkGraphLimits', () => {
  it('counts shared references as if copied', () => {
    let level: PyValue[] = [1];
    for (let i = 0; i < 2; i++) level = Array.from({ length: 10 }, () => level);
    expect(() => checkGraphLimits(level, limits, 't')).not.toThrow(); // 111 items + 100 leaves
    level = Array.from({ length: 10 }, () => level);
    expect(() => checkGraphLimits(level, limits, 't')).toThrow(expect.objectContaining({ code: 'PICKLE_EXPANSION_LIMIT', limit: 'maxExpandedItems' }));
  });

  it('measures nesting through lists, dicts, sets and object state', () => {
    let value: PyValue = 0;
    for (let i = 0; i < 21; i++) {
      const obj = new PyObject('sklearn.x.Y');
      obj.state = new Map([['k', new Set([[value]])]]);
      value = obj;
    }
    expect(() => checkGraphLimits(value, resolveLimits({ maxNestingDepth: 60 }), 't')).toThrow(expect.objectContaining({ limit: 'maxNestingDepth' }));
    expect(() => checkGraphLimits(value, resolveLimits({ maxNestingDepth: 100 }), 't')).not.toThrow();
  });

  it('a list that contains itself (legal in Python) loads', () => {
    // EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, STOP
    const loaded = loadPickle(Buffer.from([0x80, 2, 0x5d, 0x71, 0, 0x68, 0, 0x61, 0x2e])) as unknown[];
    expect(loaded[0]).toBe(loaded);
  });
});

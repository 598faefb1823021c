import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MlRequest } from '../../src/contract/ml-request';
import { parseRequestLine } from '../../src/features/request-line';
import { RowMemo, requestKey } from '../../src/features/row-memo';
import { extractWafV1, wafV1 } from '../../src/features/waf-v1';

const CORPUS: MlRequest[] = readFileSync(path.resolve(__dirname, '../fixtures/features/corpus.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .slice(0, 600)
  .map(parseRequestLine);
const base: MlRequest = { method: 'GET', path: '/a', args: [['ARGS:q', 'x']], files: [], sizes: [], hour: 7, day: 29 };

describe('requestKey', () => {
  it('differs whenever a field waf-v1 reads differs, however the texts are cut', () => {
    const variants: MlRequest[] = [
      base,
      { ...base, method: 'POST' },
      { ...base, path: '/a1' },
      { ...base, path: '/a', args: [['ARGS:q1', '']] },
      { ...base, args: [['ARGS:q', 'x'], ['ARGS:q', 'x']] },
      { ...base, args: [['ARGS:', 'qx']] },
      { ...base, args: [] },
      { ...base, hour: 17 },
      { ...base, day: 9 },
      { ...base, hour: 72, day: 9 },
      { ...base, body: '' },
      { ...base, body: 'x' },
      { ...base, files: [['FILES:f', 'a.php']] },
      { ...base, files: [['FILES:f', 'a.php']], sizes: [['FILES_SIZES:f', 12]] },
      { ...base, files: [['FILES:f', 'a.php']], sizes: [['FILES_SIZES:f', 1]] },
      { ...base, method: '3:GET' },
    ];
    const keys = variants.map(requestKey);
    expect(keys.every((k) => k !== undefined)).toBe(true);
    expect(new Set(keys).size).toBe(variants.length);
    // Fields waf-v1 does not read do not matter.
    expect(requestKey({ ...base, version: 2, headers: [['REQUEST_HEADERS:Host', 'x']], crs: [['a', 1]] })).toBe(requestKey(base));
  });

  it('declines requests too large to remember and numbers String() would not tell apart', () => {
    expect(requestKey({ ...base, body: 'x'.repeat(2000) })).toBeUndefined();
    expect(requestKey({ ...base, args: Array.from({ length: 200 }, () => ['ARGS:a', ''] as [string, string]) })).toBeUndefined();
    expect(requestKey({ ...base, hour: -0 })).toBeUndefined();
    expect(requestKey({ ...base, day: 1.5 })).toBeUndefined();
    expect(requestKey({ ...base, files: [['FILES:f', 'a']], sizes: [['FILES_SIZES:f', Number.NaN]] })).toBeUndefined();
  });
});

describe('RowMemo', () => {
  it('gives the rows extraction gives, the second time from memory, each a copy', () => {
    for (let pass = 0; pass < 2; pass++) {
      for (const request of CORPUS) expect(wafV1.extract(request)).toEqual(extractWafV1(request));
    }
    const row = wafV1.extract(base);
    row[0] = 99;
    expect(wafV1.extract(base)).toEqual(extractWafV1(base));
  });

  it('remembers a request from its second time, and is bounded by two generations', () => {
    const memo = new RowMemo(2);
    const seen: string[] = [];
    const extract = (r: MlRequest) => (seen.push(r.path), [r.path.length]);
    const at = (p: string): MlRequest => ({ ...base, path: p });
    for (const p of ['/a', '/a', '/b', '/b', '/a', '/c', '/c', '/a', '/d', '/d', '/b']) memo.row(requestKey(at(p)), at(p), extract);
    // Kept the second time: {a}, {a, b}; /a hits; /c kept: old {a, b}, young {c}; /a from old -> young {c, a};
    // /d kept: old {c, a}, young {d}; /b was in the dropped generation.
    expect(seen).toEqual(['/a', '/a', '/b', '/b', '/c', '/c', '/d', '/d', '/b']);
    memo.row(undefined, at('/a'), extract);
    expect(seen).toHaveLength(10); // no key: always extracted
  });

  it('does not keep a request seen once (a new argument every time costs the key, not memory)', () => {
    const memo = new RowMemo(4);
    const seen: string[] = [];
    const extract = (r: MlRequest) => (seen.push(r.path), [1]);
    for (let i = 0; i < 100; i++) memo.row(requestKey({ ...base, path: `/${i}` }), { ...base, path: `/${i}` }, extract);
    memo.row(requestKey({ ...base, path: '/0' }), { ...base, path: '/0' }, extract); // second time: extracted and kept
    memo.row(requestKey({ ...base, path: '/0' }), { ...base, path: '/0' }, extract);
    expect(seen).toHaveLength(101);
  });
});

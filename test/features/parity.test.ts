import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseRequestLine } from '../../src/features/request-line';
import { WAF_V1_FEATURE_NAMES, extractWafV1 } from '../../src/features/waf-v1';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'features');
const TWIN = path.join(ROOT, 'examples', 'python', 'crs_ml_features.py');
const CORPUS = path.join(FIXTURES, 'corpus.jsonl');

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
const corpus = lines(CORPUS);
const ours = corpus.map((line) => extractWafV1(parseRequestLine(line)));

/** Every cell must be the same float64 (Object.is: -0 differs from 0, NaN equals NaN). */
function mismatches(expectedRows: number[][]): string[] {
  const problems: string[] = [];
  expect(expectedRows).toHaveLength(ours.length);
  ours.forEach((row, i) => {
    expect(row).toHaveLength(WAF_V1_FEATURE_NAMES.length);
    row.forEach((value, j) => {
      if (!Object.is(value, expectedRows[i][j]) && problems.length < 20) {
        problems.push(`line ${i + 1} ${WAF_V1_FEATURE_NAMES[j]}: ts ${value} python ${expectedRows[i][j]}`);
      }
    });
  });
  return problems;
}

describe('waf-v1 parity with the Python twin', () => {
  it('covers at least 2,000 varied requests', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(2000);
    const methods = new Set(ours.map((row) => row.slice(0, 8).indexOf(1)));
    expect(methods.size).toBe(8); // every method column is hit
    expect(corpus.some((line) => /\\ud[89ab][0-9a-f]{2}\\ud[c-f]/.test(line))).toBe(true); // astral code points
    expect(corpus.some((line) => /\\udc[89a-f][0-9a-f]/.test(line))).toBe(true); // surrogateescape bytes
    expect(corpus.some((line) => line.includes('\\u0000'))).toBe(true);
    expect(corpus.some((line) => line.includes('$#$'))).toBe(true);
  });

  it('equals the committed output of the twin (expected.jsonl), float64 for float64', () => {
    const expected = lines(path.join(FIXTURES, 'expected.jsonl')).map((line) => JSON.parse(line) as number[]);
    expect(mismatches(expected)).toEqual([]);
  });

  // Every Python 3 found: the one on PATH (pyenv here) and Debian's, which trains the shipped models.
  const versionOf = (exe: string) => {
    const run = spawnSync(exe, ['--version'], { encoding: 'utf8' });
    return run.status === 0 ? `${exe}: ${run.stdout.trim()}` : undefined;
  };
  const pythons = ['python3', '/usr/bin/python3'].filter((exe) => versionOf(exe) !== undefined);
  const python = pythons[0];
  // Skipped when no Python 3 is installed: the committed expected.jsonl is then the only reference.
  (pythons.length > 0 ? it.each(pythons) : it.skip.each(['no python3 on this machine']))('equals the twin run live now by %s', (exe) => {
    const run = spawnSync(exe, [TWIN, '--input', CORPUS], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const live = run.stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as number[]);
    expect(mismatches(live)).toEqual([]);
  }, 120_000);

  (python ? it : it.skip)('makes the twin name the line of a bad request, as the features command does', () => {
    const run = spawnSync(python!, [TWIN, '--input', '-'], {
      encoding: 'utf8',
      input: `${corpus[0]}\n{"method":"GET","path":"/","args":{},"hour":24,"day":1}\n`,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^- line 2: field "hour"/);
  });

  it('has the same feature names, in the same order, as the twin', () => {
    const source = readFileSync(TWIN, 'utf8');
    const tuple = /FEATURE_NAMES = \(([^)]*)\)/.exec(source)![1];
    expect([...tuple.matchAll(/'([a-z_]+)'/g)].map((m) => m[1])).toEqual(WAF_V1_FEATURE_NAMES);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { evalCommand } from '../../src/cli/commands/eval';

// `eval` rows with missing values: JSON has no NaN, so null, "NaN" and Python's bare NaN all mean NaN,
// and the estimator then follows its own scikit-learn version's rule (HistGradientBoosting 1.9 routes
// NaN, categorical columns included). Tolerance: 1e-9 relative or 1e-12 absolute; labels exact.
const HGB = path.resolve(__dirname, '../fixtures/sklearn/1.9/hgb');
const c = (JSON.parse(readFileSync(path.join(HGB, 'cases.json'), 'utf8')) as Array<{ name: string; model: string; input: Array<Array<number | null>>; outputs: Record<string, number[][]> }>).find(
  (x) => x.name === 'hgb-clf-binary-cat',
)!;

function rowsFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'crs-eval-nan-')), 'rows.json');
  writeFileSync(file, text);
  return file;
}

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((row, r) => row.forEach((e, k) => expect(Math.abs(actual[r][k] - e)).toBeLessThanOrEqual(Math.max(1e-12, 1e-9 * Math.abs(e)))));
}

describe('crs-ml-server eval: missing values in rows', () => {
  const written = {
    null: JSON.stringify(c.input),
    '"NaN"': JSON.stringify(c.input.map((row) => row.map((v) => (v === null ? 'NaN' : v)))),
    'bare NaN (Python json.dumps)': `[${c.input.map((row) => `[${row.map((v) => (v === null ? 'NaN' : String(v))).join(', ')}]`).join(', ')}]`,
  };

  it('the fixture has NaN rows to route', () => {
    expect(c.input.filter((row) => row.includes(null)).length).toBeGreaterThan(3);
  });

  it.each(Object.entries(written))('NaN written as %s reaches the trees as NaN', (_how, text) => {
    const printed = JSON.parse(evalCommand(path.join(HGB, c.model), { method: 'predict_proba', input: rowsFile(text) })) as number[][];
    expectClose(printed, c.outputs.predict_proba);
  });

  it('NaN rows follow the version: a 1.9 forest fitted with NaN routes them, a 1.2 IsolationForest refuses them as sklearn 1.2 does', () => {
    const TREES = path.resolve(__dirname, '../fixtures/sklearn');
    const forest = (JSON.parse(readFileSync(path.join(TREES, '1.9/trees/missing.json'), 'utf8')) as Array<{ name: string; model: string; input: unknown[][]; outputs: Record<string, number[][]> }>).find(
      (x) => x.name === 'rfc-str-fit-nan',
    )!;
    const rows = forest.input.map((row) => row.map((v) => (typeof v === 'number' ? v : 'NaN')));
    expect(rows.flat()).toContain('NaN');
    const printed = JSON.parse(evalCommand(path.join(TREES, '1.9/trees', forest.model), { method: 'predict_proba', input: rowsFile(JSON.stringify(rows)) })) as number[][];
    expectClose(printed, forest.outputs.predict_proba);
    expect(() => evalCommand(path.join(TREES, 'trees/iforest/iforest-auto.pkl'), { method: 'decision_function', input: rowsFile('[[1, "NaN", 3, 4]]') })).toThrow(
      expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID', message: expect.stringContaining('NaN') }),
    );
  });

  it('a string that is not a missing value or an infinity is a usage error naming the row', () => {
    const text = JSON.stringify([c.input[0], [0, 'x', 0, 0]]);
    expect(() => evalCommand(path.join(HGB, c.model), { method: 'predict', input: rowsFile(text) })).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('row 1 is not an array of 4 numbers') }),
    );
  });

  it('a quoted "NaN" inside a text row stays text', () => {
    expect(() => evalCommand(path.join(HGB, c.model), { method: 'predict', input: rowsFile('["NaN", "Infinity"]') })).toThrow(
      expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID' }),
    );
  });
});

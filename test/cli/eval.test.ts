import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { evalCommand } from '../../src/cli/commands/eval';
import { main } from '../../src/cli/main';

const TREES = path.resolve(__dirname, '../fixtures/sklearn/trees');
const cases = (group: string) => JSON.parse(readFileSync(path.join(TREES, `${group}.json`), 'utf8')) as Array<{
  name: string;
  model: string;
  key: string | null;
  input: unknown[];
  outputs: Record<string, unknown>;
}>;

function rowsFile(rows: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'crs-eval-')), 'rows.json');
  writeFileSync(file, typeof rows === 'string' ? rows : JSON.stringify(rows));
  return file;
}

/** NaN/inf are written as strings in fixtures and as null by JSON.stringify. */
const jsonInput = (input: unknown[]) => (input as unknown[][]).map((row) => row.map((v) => (typeof v === 'number' ? v : null)));

// Tolerance: 1e-9 relative or 1e-12 absolute for floats (as every sklearn fixture); labels exact.
function expectClose(actual: unknown, expected: unknown): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual) && actual.length).toBe(expected.length);
    expected.forEach((e, i) => expectClose((actual as unknown[])[i], e));
  } else if (typeof expected === 'number' && typeof actual === 'number') {
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(1e-12, 1e-9 * Math.abs(expected)));
  } else {
    expect(actual).toEqual(expected);
  }
}

describe('crs-ml-server eval', () => {
  it.each([
    ['iforest', 'iforest-auto', 'decision_function'],
    ['iforest', 'iforest-auto', 'predict'],
    ['forest', 'rfc-str', 'predict'],
    ['forest', 'rfc-str', 'predict_proba'],
    ['gradient-boosting', 'gbc-multinomial-int3', 'decision_function'],
    ['hist-gradient-boosting', 'hgbc-binary-str-nan', 'predict_proba'],
  ])('%s %s --method %s prints sklearn\'s output in its shape', (group, name, method) => {
    const c = cases(group).find((x) => x.name === name)!;
    const printed = JSON.parse(evalCommand(path.join(TREES, c.model), { method, input: rowsFile(jsonInput(c.input)) }));
    const expected = JSON.parse(JSON.stringify(c.outputs[method]).replace(/"(NaN|Infinity|-Infinity)"/g, 'null'));
    expectClose(printed, expected);
  });

  it('selects the estimator inside a dict with --key, and refuses --key "" on a dict', () => {
    const c = cases('iforest').find((x) => x.name === 'iforest-dict-key')!;
    const input = rowsFile(jsonInput(c.input));
    const model = path.join(TREES, c.model);
    expectClose(JSON.parse(evalCommand(model, { method: 'score_samples', input, key: 'model' })), c.outputs.score_samples);
    expectClose(JSON.parse(evalCommand(model, { method: 'score_samples', input })), c.outputs.score_samples);
    expect(() => evalCommand(model, { method: 'score_samples', input, key: '' })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_ESTIMATOR' }));
  });

  it('takes strings for text pipelines', () => {
    const c = cases('composed').find((x) => x.name === 'tfidf-forest')!;
    const printed = JSON.parse(evalCommand(path.join(TREES, c.model), { method: 'predict', input: rowsFile(c.input) }));
    expect(printed).toEqual(c.outputs.predict);
  });

  it('reports errors on stderr with a non-zero exit code', async () => {
    const model = path.join(TREES, 'iforest/iforest-auto.pkl');
    const errors: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((text) => (errors.push(String(text)), true));
    try {
      expect(await main(['eval', model, '--method', 'predict_proba', '--input', rowsFile([[1, 2, 3, 4]])])).toBe(1);
      expect(await main(['eval', model, '--method', 'decision_function', '--input', rowsFile([[1, 2, 3]])])).toBe(1);
      expect(await main(['eval', model, '--method', 'decision_function', '--input', rowsFile('{"not": "rows"}')])).toBe(1);
      expect(await main(['eval', model, '--method', 'decision_function', '--input', rowsFile([[1, 2, 3, 4], [1, 'x', 3, 4]])])).toBe(1);
      expect(await main(['eval', model, '--method', 'decision_function', '--input', rowsFile([[1, null, 3, 4]])])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('')).toMatch(/IsolationForest has no method "predict_proba"/);
    expect(errors.join('')).toMatch(/X has 3 features, but IsolationForest was fitted with 4/);
    expect(errors.join('')).toMatch(/must hold a non-empty JSON array of rows/);
    expect(errors.join('')).toMatch(/row 1 is not an array of 4 numbers/);
    expect(errors.join('')).toMatch(/X\[0, 1\] is NaN/);
  });

  it('prints through main() on stdout', async () => {
    const c = cases('tree').find((x) => x.name === 'dtc-ties')!;
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((text) => (out.push(String(text)), true));
    try {
      expect(await main(['eval', path.join(TREES, c.model), '--method', 'predict', '--input', rowsFile(c.input)])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(JSON.parse(out.join(''))).toEqual(c.outputs.predict);
  });
});

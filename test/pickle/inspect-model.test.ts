import { readdirSync } from 'node:fs';
import { formatInspectReport, inspectModelFile } from '../../src/pickle/inspect-model';
import { fixture, readJson } from './expected-values';

const loadable = ['models', 'arrays', 'values'].flatMap((dir) =>
  readdirSync(fixture(dir)).filter((f) => !f.endsWith('.json')).map((f) => [dir, f] as const),
);
const hostile = readJson<Record<string, { code: string }>>('hostile', 'hostile.json');

describe('inspectModelFile', () => {
  it.each(loadable)('%s/%s is loadable and every global it names is allowed', (dir, file) => {
    const report = inspectModelFile(fixture(dir, file));
    expect(report.error).toBeUndefined();
    expect(report.loadable).toBe(true);
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.globals.every((g) => g.allowed)).toBe(true);
    expect(formatInspectReport(report)).toContain('verdict:     loadable');
  });

  it.each(Object.entries(hostile))('%s is refused with %s', (file, { code }) => {
    const report = inspectModelFile(fixture('hostile', file));
    expect(report.loadable).toBe(false);
    expect(report.error?.code).toBe(code);
    expect(formatInspectReport(report)).toContain(`REFUSED [${code}]`);
  });

  it('reports format, protocol, compression, class and sklearn version', () => {
    const report = inspectModelFile(fixture('models', 'iforest-100.joblib.gz'));
    expect(report).toMatchObject({
      format: 'joblib',
      compression: 'gzip',
      rootClass: 'sklearn.ensemble._iforest.IsolationForest',
      sklearnVersion: '1.2.1',
    });
    expect(report.protocol).toBeGreaterThanOrEqual(2);
    const text = formatInspectReport(report);
    expect(text).toContain('estimators_: list[100]');
    expect(text).toContain('... 95 more');
    expect(text).toMatch(/nodes: ndarray \[\('left_child', '<i8'\).*\] \[\d+\]/);
  });

  it('lists every global of a refused file with its verdict, past the first refusal', () => {
    const report = inspectModelFile(fixture('hostile', 'import-getattr.pkl'));
    expect(report.globals.map((g) => [g.name, g.allowed])).toEqual([
      ['builtins.getattr', false],
      ['builtins.__import__', false],
    ]);
    const payload = inspectModelFile(fixture('hostile', 'model-with-payload.pkl'));
    const refused = payload.globals.filter((g) => !g.allowed).map((g) => g.name);
    expect(refused).toEqual(['os.system']);
    expect(payload.globals.find((g) => g.name === 'sklearn.tree._tree.Tree')?.allowed).toBe(true);
  });
});

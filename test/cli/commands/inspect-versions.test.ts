import path from 'node:path';
import { inspectCommand, type InspectOptions } from '../../../src/cli/commands/inspect';
import { inferNumpyVersion, inferPythonVersion } from '../../../src/pickle/writer-versions';
import { VERIFIED_SKLEARN_VERSIONS } from '../../../src/sklearn/build-estimator';
import { compareVersions, versionStatus } from '../../../src/sklearn/model-report';

const SKLEARN = path.resolve(__dirname, '../../fixtures/sklearn');

function run(file: string, options: InspectOptions = {}): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = inspectCommand(path.join(SKLEARN, file), options, (t) => (out += t), (t) => (err += t));
  return { code, out, err };
}

describe('crs-ml-server inspect: versions and estimators', () => {
  it('a scikit-learn 1.9.0 / numpy 2.4 / Python 3.14 file: versions (numpy and Python inferred, saying how) and every estimator', () => {
    const { code, out } = run('1.9/hgb/hgb-clf-multi-cat.pkl', { json: true });
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.numpy).toEqual({ range: '>= 2.0', how: expect.stringContaining('numpy._core') });
    expect(report.python).toEqual({ range: '>= 3.9', how: expect.stringContaining('numpy >= 2.0') });
    expect(report.sklearn).toMatchObject({ version: '1.9.0', versionsInFile: ['1.9.0'], verified: VERIFIED_SKLEARN_VERSIONS.includes('1.9'), evaluable: true });
    expect(report.sklearn.methods).toEqual(['predict', 'predict_proba', 'decision_function']);
    const [root] = report.sklearn.estimators;
    expect(root.class).toMatch(/HistGradientBoostingClassifier$/);
    const pre = root.children.find((n: { at: string }) => n.at === '_preprocessor');
    expect(pre.class).toMatch(/ColumnTransformer$/);
    expect(pre.children.map((n: { at: string; class: string }) => `${n.at} ${n.class.split('.').pop()}`)).toContain('transformers_[0][1] OrdinalEncoder');
  });

  it('a scikit-learn 1.2.1 / numpy 1.24 / Python 3.11 file: numpy < 2 from numpy.core paths, Python from protocol 4', () => {
    const report = JSON.parse(run('1.2/hgb/hgb-reg-cat.pkl', { json: true }).out);
    expect(report.numpy.range).toBe('< 2.0');
    expect(report.python).toEqual({ range: '>= 3.4', how: expect.stringContaining('protocol 4') });
    expect(report.sklearn).toMatchObject({ version: '1.2.1', verified: true, status: 'verified' });
  });

  it('prints versions, the verdict on the version and the estimator tree for humans, forests folded', () => {
    const { out } = run('trees/iforest/iforest-100.joblib');
    expect(out).toMatch(/^sklearn: +1\.2\.1 - verified \(verified: /m);
    expect(out).toMatch(/^numpy: +.*\(inferred: /m);
    expect(out).toMatch(/^python: +.*\(inferred: pickle protocol/m);
    expect(out).toMatch(/^evaluable: +yes: .*score_samples/m);
    expect(out).toMatch(/^ {4}estimators_\[0\.\.99\]: sklearn\.tree\._classes\.ExtraTreeRegressor x100$/m);
  });

  it('--key picks the estimator of a dict file; without it the report says why it cannot be evaluated', () => {
    const withoutKey = JSON.parse(run('trees/iforest/iforest-dict-of-two-key-b.pkl', { json: true }).out);
    expect(withoutKey.loadable).toBe(true);
    expect(withoutKey.sklearn).toMatchObject({ evaluable: false, error: { code: 'MODEL_KEY_INVALID' } });
    expect(withoutKey.sklearn.estimators.length).toBe(2);
    const withKey = JSON.parse(run('trees/iforest/iforest-dict-of-two-key-b.pkl', { json: true, key: 'b' }).out);
    expect(withKey.sklearn.evaluable).toBe(true);
  });
});

describe('inferred writer versions (src/pickle/writer-versions.ts)', () => {
  it.each([
    [5, [], '>= 3.8'],
    [4, ['numpy.core.multiarray._reconstruct'], '>= 3.4'],
    [3, [], '3.x'],
    [2, ['__builtin__.set', 'copy_reg._reconstructor'], '2.x (or 3.x writing protocol <= 2)'],
    [2, ['sklearn.svm.classes.SVC'], 'unknown'],
    [4, ['numpy._core.multiarray._reconstruct'], '>= 3.9'],
  ])('protocol %s with %j: Python %s', (protocol, globals, range) => {
    expect(inferPythonVersion(protocol, globals).range).toBe(range);
  });

  it.each([
    [['numpy._core.numeric._frombuffer'], '>= 2.0'],
    [['numpy.core.multiarray.scalar', 'numpy.random._pickle.__randomstate_ctor'], '>= 1.17, < 2.0'],
    [['numpy.core.multiarray._reconstruct'], '< 2.0'],
    [['numpy.dtype', 'numpy.ndarray'], 'unknown'],
    [[], 'unknown'],
  ])('%j: numpy %s', (globals, range) => {
    expect(inferNumpyVersion(globals).range).toBe(range);
  });
});

describe('version status against VERIFIED_SKLEARN_VERSIONS', () => {
  const newest = [...VERIFIED_SKLEARN_VERSIONS].sort(compareVersions).at(-1)!;
  it('a version newer than the newest verified one names both', () => {
    const [major, minor] = newest.split('.').map(Number);
    const newer = `${major}.${minor + 1}.0`;
    expect(versionStatus(newer)).toEqual({ verified: false, status: `newer than the newest verified version (${newest})` });
    expect(versionStatus(`${newest}.3`)).toEqual({ verified: true, status: 'verified' });
    expect(versionStatus(undefined).verified).toBe(false);
  });

  it('compares versions numerically', () => {
    expect(compareVersions('1.10', '1.9')).toBeGreaterThan(0);
    expect(compareVersions('0.22.2.post1', '1.2')).toBeLessThan(0);
  });
});

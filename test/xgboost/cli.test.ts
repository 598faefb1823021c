import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { evalCommand } from '../../src/cli/commands/eval';
import { inspectCommand } from '../../src/cli/commands/inspect';
import { XGBOOST_FIXTURES, readCases } from './xgboost-cases';

function inspect(file: string, json = false): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = inspectCommand(file, { json }, (t) => (out += t), (t) => (err += t));
  return { code, out, err };
}

describe('inspect shows the booster summary', () => {
  it('of a pickled XGBClassifier: objective, trees, features, classes, base_score, the XGBoost version', () => {
    const { code, out } = inspect(path.join(XGBOOST_FIXTURES, '3.x', 'multi_softprob.pkl'));
    expect(code).toBe(0);
    expect(out).toMatch(/xgboost booster \(_Booster\):/);
    expect(out).toMatch(/objective: multi:softprob/);
    expect(out).toMatch(/trees: 24/);
    expect(out).toMatch(/features: 5/);
    expect(out).toMatch(/classes: 3/);
    expect(out).toMatch(/base_score: -?\d.*, .*, /);
    expect(out).toMatch(/xgboost_version: 3\.3\.0/);
  });

  it('of a Booster inside a Pipeline, as JSON', () => {
    const { code, out } = inspect(path.join(XGBOOST_FIXTURES, '1.7', 'pipeline.joblib'), true);
    expect(code).toBe(0);
    const report = JSON.parse(out) as { models: Array<{ title: string; fields: Record<string, unknown> }> };
    expect(report.models).toHaveLength(1);
    expect(report.models[0].title).toMatch(/steps\[1\]\[1\]\._Booster/);
    expect(report.models[0].fields).toMatchObject({ objective: 'binary:logistic', xgboost_version: '1.7.4', best_iteration: 7 });
  });

  it.each(['json', 'ubj'])('of an XGBoost .%s file', (ext) => {
    const { code, out } = inspect(path.join(XGBOOST_FIXTURES, '1.7', `reg_logistic.${ext}`));
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`format: +xgboost-${ext}`));
    expect(out).toMatch(/objective: reg:logistic/);
    expect(out).toMatch(/base_score: 0\.5\n/);
  });

  it('of a refused .json file: exit 2 and the reason', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xgb-inspect-'));
    const doc = JSON.parse(readFileSync(path.join(XGBOOST_FIXTURES, '1.7', 'binary_logistic.json'), 'utf8'));
    doc.learner.objective.name = 'rank:ndcg';
    writeFileSync(path.join(dir, 'ranker.json'), JSON.stringify(doc));
    const { code, out, err } = inspect(path.join(dir, 'ranker.json'));
    expect(code).toBe(2);
    expect(out).toMatch(/REFUSED \[XGBOOST_UNSUPPORTED\] .*rank:ndcg/);
    expect(err).toMatch(/rank:ndcg/);
  });
});

describe('eval', () => {
  it.each(['ubj', 'pkl'])('evaluates a .%s file like XGBoost', (ext) => {
    const cases = readCases('3.x').models.multi_softprob;
    const dir = mkdtempSync(path.join(tmpdir(), 'xgb-eval-'));
    writeFileSync(path.join(dir, 'rows.json'), JSON.stringify(cases.rows));
    const out = JSON.parse(evalCommand(path.join(XGBOOST_FIXTURES, '3.x', `multi_softprob.${ext}`), { method: 'decision_function', input: path.join(dir, 'rows.json') }));
    expect(out).toEqual(ext === 'ubj' ? cases.booster_margin : cases.margin);
  });
});

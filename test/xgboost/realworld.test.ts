import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadEstimator } from '../../src/sklearn/build-estimator';
import { XGBOOST_FIXTURES, maxRelativeError, run } from './xgboost-cases';

/**
 * The two XGBClassifier pickles of the real-world corpus (../shared/realworld-models, published by
 * people who never heard of this project) against XGBoost's own outputs: the corpus ships no
 * reference for them, so test/fixtures/xgboost/realworld/reference.py computed one (XGBoost 1.7.4
 * for the file saved by 1.3.3, 3.3.0 for the one saved by 2.1.0). The model files are never copied.
 */
const CORPUS = path.join(__dirname, '..', '..', '..', 'shared', 'realworld-models');
const REFERENCE = path.join(XGBOOST_FIXTURES, 'realworld');
const CASES = ['phish_naresh_xgb', 'waf_akshanth_xgb'];

interface Expected {
  xgboost_runtime: string;
  methods: { predict: unknown[]; predict_proba: number[][]; decision_function: number[] };
}

const present = existsSync(CORPUS);
const describeCorpus = present ? describe : describe.skip;
if (!present) it.skip(`real-world XGBoost files (skipped: ${CORPUS} is absent, as on a user's clone; CI has it)`, () => undefined);

describeCorpus('real-world XGBClassifier pickles', () => {
  it.each(CASES)('%s loads and matches XGBoost', (id) => {
    const expected = JSON.parse(readFileSync(path.join(REFERENCE, `${id}.expected.json`), 'utf8')) as Expected;
    const rows = JSON.parse(readFileSync(path.join(REFERENCE, `${id}.input.json`), 'utf8')) as Array<Array<number | null>>;
    const model = loadEstimator(path.join(CORPUS, `${id}.pkl`));
    expect(run(model, 'predict', rows)).toEqual(expected.methods.predict);
    // bit-exact today; the promise is 1e-6 relative
    expect(maxRelativeError(run(model, 'predict_proba', rows), expected.methods.predict_proba)).toBe(0);
    expect(maxRelativeError(run(model, 'decision_function', rows), expected.methods.decision_function)).toBe(0);
  });
});

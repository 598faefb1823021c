import path from 'node:path';
import { availableMethods, loadEstimator, runMethod } from '../../src/sklearn/build-estimator';
import { fromRows } from '../../src/sklearn/matrix';
import { FIXTURES_ROOT } from './run-estimator-cases';

const file = (name: string) => path.join(FIXTURES_ROOT, 'trees', name);

describe('loadEstimator / buildEstimator', () => {
  it('refuses an unknown class naming it and the scikit-learn version it was saved with', () => {
    expect(() => loadEstimator(file('iforest/kmeans-unsupported.pkl'))).toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_ESTIMATOR',
        message: expect.stringMatching(/"sklearn\.cluster\._kmeans\.KMeans" \(saved with scikit-learn 1\.2\.1\)/),
      }),
    );
  });

  it('lists the dict keys when a dict holds several estimators and no key is given', () => {
    expect(() => loadEstimator(file('iforest/dict-of-two-no-key.pkl'))).toThrow(
      expect.objectContaining({ code: 'MODEL_KEY_INVALID', message: expect.stringMatching(/keys: "a", "b"\) with 2 estimators/) }),
    );
    expect(loadEstimator(file('iforest/dict-of-two-no-key.pkl'), { key: 'b' }).pythonClass).toBe('sklearn.ensemble._iforest.IsolationForest');
  });

  it('indexes tuples by a numeric key and says which indexes exist', () => {
    expect(loadEstimator(file('iforest/iforest-tuple-index.pkl'), { key: '1' }).nFeaturesIn).toBe(4);
    expect(() => loadEstimator(file('iforest/iforest-tuple-index.pkl'), { key: '3' })).toThrow(
      expect.objectContaining({ code: 'MODEL_KEY_INVALID', message: expect.stringMatching(/use 0\.\.2/) }),
    );
  });
});

describe('runMethod', () => {
  const iforest = loadEstimator(file('iforest/iforest-auto.pkl'));

  it('lists the methods an estimator has', () => {
    expect(availableMethods(iforest)).toEqual(['predict', 'decision_function', 'score_samples']);
  });

  it('checks the input width against n_features_in_ with a message saying what to give', () => {
    expect(() => runMethod(iforest, 'score_samples', fromRows([[1, 2, 3, 4, 5]]))).toThrow(
      expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID', message: expect.stringMatching(/X has 5 features, but IsolationForest was fitted with 4/) }),
    );
  });

  it('refuses unknown and missing methods with the list of available ones', () => {
    expect(() => runMethod(iforest, 'predict_log_proba', fromRows([[1, 2, 3, 4]]))).toThrow(
      expect.objectContaining({ code: 'ESTIMATOR_METHOD_UNSUPPORTED', message: expect.stringMatching(/it has: predict, decision_function, score_samples/) }),
    );
  });

  it('refuses NaN, infinity and float32 overflow for trees, as sklearn does', () => {
    for (const bad of [NaN, Infinity, 1e39]) {
      expect(() => runMethod(iforest, 'score_samples', fromRows([[0, bad, 0, 0]]))).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID' }));
    }
    expect(() => runMethod(iforest, 'score_samples', ['text'])).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID' }));
  });
});

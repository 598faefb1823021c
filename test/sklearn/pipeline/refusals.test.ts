import path from 'node:path';
import { loadEstimator, runMethod } from '../../../src/sklearn/build-estimator';
import { type DenseMatrix, fromRows } from '../../../src/sklearn/matrix';

// Inputs or methods sklearn itself refuses must fail with a specific code, never with a wrong number.
const models = path.resolve(__dirname, '../../fixtures/sklearn/models');
const load = (file: string) => loadEstimator(path.join(models, file));

describe('refusals at evaluation time', () => {
  it('text given to a numeric model -> ESTIMATOR_INPUT_INVALID', () => {
    expect(() => runMethod(load('linear/logreg_binary_int.pkl'), 'predict', ['GET /'])).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID' }));
  });

  it('numbers given to a text pipeline -> ESTIMATOR_INPUT_INVALID', () => {
    expect(() => runMethod(load('text/waf_tfidf_char_logreg.pkl'), 'predict', fromRows([[1, 2]]))).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID' }));
  });

  it('a wrong number of columns -> ESTIMATOR_INPUT_INVALID', () => {
    expect(() => runMethod(load('pipeline/pipe_scaler_logreg.pkl'), 'predict', fromRows([[1, 2, 3]]))).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID' }));
  });

  it('an unknown category with handle_unknown="error" -> ESTIMATOR_INPUT_INVALID', () => {
    expect(() => runMethod(load('preprocessing/onehot_dense.pkl'), 'transform', fromRows([[9, 1]]))).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID' }));
  });

  it('LocalOutlierFactor(novelty=False) has no scores for new rows -> ESTIMATOR_METHOD_UNSUPPORTED', () => {
    expect(() => runMethod(load('neighbors/lof_not_novelty.pkl'), 'score_samples', fromRows([[0, 0, 0, 0, 0]]))).toThrow(expect.objectContaining({ code: 'ESTIMATOR_METHOD_UNSUPPORTED' }));
  });

  it('predict_proba of an SVC fitted without probability -> ESTIMATOR_METHOD_UNSUPPORTED', () => {
    expect(() => runMethod(load('svm/svc_rbf_binary.pkl'), 'predict_proba', fromRows([[0, 0, 0, 0, 0]]))).toThrow(expect.objectContaining({ code: 'ESTIMATOR_METHOD_UNSUPPORTED' }));
  });

  it('predict_proba of a hinge SGDClassifier does not exist -> ESTIMATOR_METHOD_UNSUPPORTED', () => {
    expect(() => runMethod(load('linear/sgd_hinge_multi.pkl'), 'predict_proba', fromRows([[0, 0, 0, 0, 0]]))).toThrow(expect.objectContaining({ code: 'ESTIMATOR_METHOD_UNSUPPORTED' }));
  });

  it('NaN into a model that sklearn validates with force_all_finite=True -> ESTIMATOR_INPUT_INVALID', () => {
    for (const file of ['linear/logreg_binary_int.pkl', 'svm/oneclasssvm_rbf.pkl', 'neighbors/lof_novelty.pkl', 'naive-bayes/gaussiannb_str.pkl', 'neural/mlp_relu_multi.pkl']) {
      const method = file.includes('oneclass') || file.includes('lof') ? 'decision_function' : 'predict';
      expect(() => runMethod(load(file), method, fromRows([[0, null, 0, 0, 0]]))).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID' }));
    }
  });

  it('scalers let NaN through (force_all_finite="allow-nan") but refuse infinity', () => {
    const scaler = load('preprocessing/standardscaler.pkl');
    const out = runMethod(scaler, 'transform', fromRows([[0, null, 0, 0, 0]])) as DenseMatrix;
    expect(out.kind).toBe('dense');
    expect(Number.isNaN(out.data[1])).toBe(true);
    expect(() => runMethod(scaler, 'transform', fromRows([[0, Infinity, 0, 0, 0]]))).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID' }));
  });

  it('a pipeline has exactly the methods of its final step', () => {
    const pipe = load('pipeline/pipe_imputer_scaler_ocsvm.pkl');
    expect(typeof pipe.scoreSamples).toBe('function');
    expect(pipe.predictProba).toBeUndefined();
    expect(() => runMethod(pipe, 'predict_proba', fromRows([[0, 0, 0, 0, 0]]))).toThrow(expect.objectContaining({ code: 'ESTIMATOR_METHOD_UNSUPPORTED' }));
  });
});

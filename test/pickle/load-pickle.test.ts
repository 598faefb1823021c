import { readFileSync } from 'node:fs';
import { loadModelFile, loadPickle, NdArray, PyGlobal, PyObject } from '../../src/pickle';
import { fhex, fixture, readJson } from './expected-values';

interface TreeFacts {
  node_count: number;
  max_depth: number;
  threshold: string[];
  left_child: string[];
  value_shape: number[];
  value: string[];
}

const facts = readJson<Record<string, Record<string, unknown>>>('models', 'models.json');

function state(value: unknown): Map<unknown, unknown> {
  expect(value).toBeInstanceOf(PyObject);
  return (value as PyObject).dict();
}

function expectTree(tree: unknown, expected: TreeFacts): void {
  expect(tree).toBeInstanceOf(PyObject);
  const t = tree as PyObject;
  expect(t.className).toBe('sklearn.tree._tree.Tree');
  // Cython Tree: REDUCE (n_features, n_classes, n_outputs) then BUILD with a dict
  expect(t.args).toHaveLength(3);
  expect(t.args[1]).toBeInstanceOf(NdArray);
  const s = t.dict();
  expect(s.get('node_count')).toBe(expected.node_count);
  expect(s.get('max_depth')).toBe(expected.max_depth);
  const nodes = s.get('nodes') as NdArray;
  expect(nodes.shape).toEqual([expected.node_count]);
  expect(Array.from(nodes.field('threshold').toFloat64(), fhex)).toEqual(expected.threshold);
  expect(nodes.field('left_child').toArray().map(String)).toEqual(expected.left_child);
  const values = s.get('values') as NdArray;
  expect(values.shape).toEqual(expected.value_shape);
  expect(Array.from(values.toFloat64(), fhex)).toEqual(expected.value);
}

describe('loadModelFile on real scikit-learn 1.2.1 models', () => {
  it.each(['iforest-10.pkl', 'iforest-10.joblib'])('IsolationForest (%s): 10 trees, offset_, tree 0 bit for bit', (file) => {
    const expected = facts['iforest-10'];
    const model = loadModelFile(fixture('models', file)) as PyObject;
    expect(model.className).toBe(expected.class);
    const s = state(model);
    expect(s.get('_sklearn_version')).toBe('1.2.1');
    expect(fhex(s.get('offset_') as number)).toBe(expected.offset_);
    const estimators = s.get('estimators_') as PyObject[];
    expect(estimators).toHaveLength(10);
    expect(estimators[0].className).toBe('sklearn.tree._classes.ExtraTreeRegressor');
    expectTree(estimators[0].dict().get('tree_'), expected.tree0 as TreeFacts);
  });

  it.each([0, 1, 2])('DecisionTreeClassifier in protocol %i (copyreg._reconstructor, _codecs.encode bytes)', (protocol) => {
    const expected = facts['decision-tree'];
    const s = state(loadModelFile(fixture('models', `decision-tree-p${protocol}.pkl`)));
    expectTree(s.get('tree_'), expected.tree as TreeFacts);
    expect((s.get('classes_') as NdArray).toArray().map(String)).toEqual(expected.classes_);
    const rs = s.get('random_state') as PyObject;
    expect(rs.className).toBe('numpy.random.mtrand.RandomState');
    expect((rs.dict().get('state') as Map<string, unknown>).get('key')).toBeInstanceOf(NdArray);
  });

  it('knows numpy 2 (numpy._core) and old sklearn (sklearn.ensemble.iforest) module paths', () => {
    const model = loadModelFile(fixture('models', 'iforest-10-renamed-p2.pkl')) as PyObject;
    expect(model.className).toBe('sklearn.ensemble.iforest.IsolationForest');
    const estimators = model.dict().get('estimators_') as PyObject[];
    expectTree(estimators[0].dict().get('tree_'), facts['iforest-10'].tree0 as TreeFacts);
  });

  it('OneHotEncoder: dtype=np.float64 stays a PyGlobal value, categories are object arrays', () => {
    const expected = facts.onehot;
    const s = state(loadModelFile(fixture('models', 'onehot.pkl')));
    expect(s.get('dtype')).toBeInstanceOf(PyGlobal);
    expect((s.get('dtype') as PyGlobal).path).toBe(expected.dtype_param);
    const categories = s.get('categories_') as NdArray[];
    expect(categories.map((c) => c.toArray())).toEqual(expected.categories);
  });

  it('Pipeline(StandardScaler, LogisticRegression) from joblib', () => {
    const expected = facts.pipeline;
    const s = state(loadModelFile(fixture('models', 'pipeline.joblib')));
    const steps = s.get('steps') as unknown[][];
    expect(steps.map(([name, est]) => [name, (est as PyObject).className])).toEqual(expected.steps);
    const scaler = state(steps[0][1]);
    expect(Array.from((scaler.get('mean_') as NdArray).toFloat64(), fhex)).toEqual(expected.mean_);
    const logreg = state(steps[1][1]);
    const coef = logreg.get('coef_') as NdArray;
    expect(coef.shape).toEqual(expected.coef_shape);
    expect(Array.from(coef.toFloat64(), fhex)).toEqual(expected.coef_);
    expect(Array.from((logreg.get('intercept_') as NdArray).toFloat64(), fhex)).toEqual(expected.intercept_);
  });

  it('TfidfVectorizer (protocol 5) with its scipy csr idf matrix', () => {
    const expected = facts.tfidf;
    const s = state(loadModelFile(fixture('models', 'tfidf.pkl')));
    const vocabulary = s.get('vocabulary_') as Map<string, unknown>;
    expect(Object.fromEntries([...vocabulary].map(([k, v]) => [k, String(v)]))).toEqual(expected.vocabulary);
    const idf = state(s.get('_tfidf')).get('_idf_diag') as PyObject;
    expect(idf.className).toBe(expected.idf_class);
    const m = idf.dict();
    expect(Array.from((m.get('data') as NdArray).toFloat64(), fhex)).toEqual(expected.idf_data);
    expect((m.get('indices') as NdArray).toArray().map(String)).toEqual(expected.idf_indices);
    expect((m.get('indptr') as NdArray).toArray().map(String)).toEqual(expected.idf_indptr);
    expect(m.get('_shape')).toEqual(expected.idf_shape);
  });

  it('HistGradientBoostingClassifier: Cython loss (__pyx_unpickle_*) and predictor node arrays', () => {
    const expected = facts.hgb;
    const s = state(loadModelFile(fixture('models', 'hgb.pkl')));
    const closs = state(s.get('_loss')).get('closs') as PyObject;
    expect(closs.className).toBe(expected.loss_class);
    const predictors = s.get('_predictors') as PyObject[][];
    expect(predictors).toHaveLength(expected.n_predictors as number);
    const nodes = predictors[0][0].dict().get('nodes') as NdArray;
    expect(Array.from(nodes.field('value').toFloat64(), fhex)).toEqual(expected.nodes_value);
    expect(Array.from((s.get('_baseline_prediction') as NdArray).toFloat64(), fhex)).toEqual(expected.baseline);
  });

  it.each([0, 4])("VotingClassifier (protocol %i): named_estimators_ (sklearn's Bunch, a dict subclass) is a Map", (protocol) => {
    const s = state(loadModelFile(fixture('models', `voting-p${protocol}.pkl`)));
    const named = s.get('named_estimators_') as Map<string, PyObject>;
    expect(named).toBeInstanceOf(Map);
    expect([...named].map(([k, e]) => [k, e.className])).toEqual(facts.voting.named_estimators);
  });

  it('GridSearchCV: cv_results_ masked arrays (numpy.ma) keep data and mask', () => {
    const expected = facts['grid-search'];
    const s = state(loadModelFile(fixture('models', 'grid-search.pkl')));
    const results = s.get('cv_results_') as Map<string, unknown>;
    const paramC = results.get('param_C') as PyObject;
    expect(paramC.className).toBe('numpy.ma.core.MaskedArray');
    const data = paramC.dict().get('data') as NdArray;
    expect(data.toArray().map((v) => ({ f: fhex(v as number) }))).toEqual(expected.param_C);
    expect((paramC.dict().get('mask') as NdArray).toArray()).toEqual(expected.mask);
    expect(Array.from((results.get('mean_test_score') as NdArray).toFloat64(), fhex)).toEqual(expected.mean_test_score);
    expect((s.get('best_estimator_') as PyObject).className).toBe('sklearn.linear_model._logistic.LogisticRegression');
  });

  it('KDTree and BallTree keep their state as data (newObj + BUILD tuple)', () => {
    const kd = loadModelFile(fixture('models', 'kdtree.pkl')) as PyObject;
    expect(kd.className).toBe(facts.kdtree.class);
    const kdState = kd.state as unknown[];
    expect(Array.isArray(kdState)).toBe(true);
    expect(Array.from((kdState[0] as NdArray).toFloat64(), fhex)).toEqual(facts.kdtree.data);
    expect((kdState[1] as NdArray).toArray().map(String)).toEqual(facts.kdtree.idx_array);
    const bt = loadModelFile(fixture('models', 'balltree.pkl')) as PyObject;
    expect(bt.className).toBe(facts.balltree.class);
    expect(((bt.state as unknown[])[0] as NdArray).shape).toEqual(facts.balltree.data_shape);
  });

  it('IsolationForest of 100 trees from gzip joblib', () => {
    const expected = facts['iforest-100'];
    const s = state(loadModelFile(fixture('models', 'iforest-100.joblib.gz')));
    const estimators = s.get('estimators_') as PyObject[];
    expect(estimators.map((e) => e.dict().get('tree_')).map((t) => (t as PyObject).dict().get('node_count'))).toEqual(expected.node_counts);
  });

  it('loadPickle reads bytes with the same result as the file', () => {
    const bytes = readFileSync(fixture('models', 'iforest-10.pkl'));
    const model = loadPickle(bytes, { source: 'iforest-10.pkl' }) as PyObject;
    expect(model.className).toBe('sklearn.ensemble._iforest.IsolationForest');
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PyObject } from '../../src/pickle/python-value';
import { buildEstimator, runMethod } from '../../src/sklearn/build-estimator';
import { fromRows } from '../../src/sklearn/matrix';
import { Booster, decodeUbjson, loadXGBoostModelFile } from '../../src/xgboost';
import { XGBOOST_FIXTURES } from './xgboost-cases';

const fixture = (version: string, file: string): Buffer => readFileSync(path.join(XGBOOST_FIXTURES, version, file));
const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
/** A 1.7 JSON model as an object, to break one field at a time. */
const model = (): any => JSON.parse(fixture('1.7', 'binary_logistic.json').toString('utf8'));
const fromJson = (doc: unknown): Booster => Booster.fromBytes(Buffer.from(JSON.stringify(doc)), 'model.json');
const code = (c: string, message?: RegExp) => expect.objectContaining({ code: c, ...(message ? { message: expect.stringMatching(message) } : {}) });

describe('UBJSON', () => {
  it('reads generic documents: unsized containers, no-ops, typed and counted arrays', () => {
    const doc = bytes('{', [0x69, 1], 'aS', [0x69, 2], 'hiN', [0x69, 1], 'b[$d#', [0x69, 2], [0x3f, 0x80, 0, 0, 0x40, 0, 0, 0], [0x69, 1], 'c[TFZ', [0x69, 5], ']}');
    const value = decodeUbjson(doc, 'doc.ubj') as Record<string, unknown>;
    expect(value.a).toBe('hi');
    expect(Array.from(value.b as Float32Array)).toEqual([1, 2]);
    expect(value.c).toEqual([true, false, null, 5]);
  });

  it('a key named __proto__ is an ordinary key', () => {
    const value = decodeUbjson(bytes('{', [0x69, 9], '__proto__', 'T}'), 'doc.ubj') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(value.__proto__).toBe(true);
  });

  it.each([
    ['a truncated model', () => fixture('1.7', 'binary_logistic.ubj').subarray(0, 3000), /needs .* more bytes/],
    ['a typed array claiming 2^40 floats', () => bytes('[$d#L', [0, 0, 1, 0, 0, 0, 0, 0]), /needs 4398046511104 more bytes/],
    ['a negative length', () => bytes('S', [0x69, 0xff]), /negative/],
    ['nesting 1000 deep', () => bytes('['.repeat(1000)), /nesting deeper/],
    ['an unknown marker', () => bytes('{', [0x69, 1], 'a', [0x07], '}'), /expected a number type/],
    ['bytes after the document', () => bytes('T', 'T'), /after the end/],
  ])('refuses %s with XGBOOST_MODEL_INVALID and the byte offset', (_name, make, message) => {
    expect(() => decodeUbjson(make(), 'model.ubj')).toThrow(code('XGBOOST_MODEL_INVALID', message));
  });
});

describe('model documents', () => {
  it('reads the same booster from JSON and UBJSON', () => {
    const json = Booster.fromBytes(fixture('3.x', 'multi_softprob.json'), 'm.json').summary;
    const ubj = Booster.fromBytes(fixture('3.x', 'multi_softprob.ubj'), 'm.ubj').summary;
    expect(json).toEqual(ubj);
    expect(json).toMatchObject({ objective: 'multi:softprob', classes: 3, features: 5, trees: 24, xgboostVersion: '3.3.0' });
    expect(json.baseScore).toHaveLength(3); // 3.x keeps one base_score per class
  });

  it.each([
    ['rank:pairwise', /objective "rank:pairwise" is not supported; supported: binary:logistic/],
    ['survival:cox', /objective "survival:cox" is not supported/],
  ])('refuses objective %s by name', (objective, message) => {
    const doc = model();
    doc.learner.objective.name = objective;
    expect(() => fromJson(doc)).toThrow(code('XGBOOST_UNSUPPORTED', message));
  });

  it.each(['gblinear', 'dart'])('refuses the %s booster', (name) => {
    const doc = model();
    doc.learner.gradient_booster.name = name;
    expect(() => fromJson(doc)).toThrow(code('XGBOOST_UNSUPPORTED', new RegExp(`booster "${name}" is not supported`)));
  });

  it('refuses vector leaves, saying what to do', () => {
    const vector = model();
    vector.learner.gradient_booster.model.trees[0].tree_param.size_leaf_vector = '3';
    expect(() => fromJson(vector)).toThrow(code('XGBOOST_UNSUPPORTED', /vector leaves .*one_output_per_tree/));
  });

  it('refuses categorical splits whose category lists do not add up', () => {
    const noList = model();
    noList.learner.gradient_booster.model.trees[2].split_type[0] = 1;
    expect(() => fromJson(noList)).toThrow(code('XGBOOST_MODEL_INVALID', /categories_nodes misses the categorical node 0/));
    const outside = JSON.parse(fixture('1.7', 'categorical.json').toString('utf8').replace(/\bNaN\b/g, 'null'));
    const tree = outside.learner.gradient_booster.model.trees[0];
    tree.categories_sizes[0] = tree.categories.length + 1;
    expect(() => fromJson(outside)).toThrow(code('XGBOOST_MODEL_INVALID', /leaves the \d+ categories/));
    const negative = JSON.parse(fixture('1.7', 'categorical.json').toString('utf8').replace(/\bNaN\b/g, 'null'));
    negative.learner.gradient_booster.model.trees[0].categories[0] = -1;
    expect(() => fromJson(negative)).toThrow(code('XGBOOST_MODEL_INVALID', /holds -1, not a category code/));
  });

  it('sends category codes outside a node\'s set left: unseen, negative and huge codes score alike', () => {
    const booster = loadXGBoostModelFile(path.join(XGBOOST_FIXTURES, '1.7', 'categorical.ubj'));
    const scores = Array.from(booster.decisionFunction(fromRows([[2, 0, 0, 40, 0], [2, 0, 0, -3, 0], [2, 0, 0, 1e9, 0]])) as Float64Array);
    expect(new Set(scores).size).toBe(1);
  });

  it.each([
    ['a child pointing back to the root', (d: any) => { d.learner.gradient_booster.model.trees[0].left_children[1] = 0; }, /children 0 and/],
    ['a node reached twice', (d: any) => { const t = d.learner.gradient_booster.model.trees[0]; t.left_children[2] = t.left_children[1]; t.right_children[2] = t.right_children[1]; }, /twice|outside/],
    ['a split on a feature the model does not have', (d: any) => { d.learner.gradient_booster.model.trees[0].split_indices[0] = 5; }, /feature 5, but the model has 5 features/],
    ['arrays shorter than num_nodes', (d: any) => { d.learner.gradient_booster.model.trees[0].split_conditions.pop(); }, /split_conditions has 14 entries for num_nodes=15/],
    ['a tree_info group beyond the classes', (d: any) => { d.learner.gradient_booster.model.tree_info[0] = 1; }, /outside the 1 output groups/],
    ['a base_score that is not a number', (d: any) => { d.learner.learner_model_param.base_score = 'half'; }, /base_score is "half"/],
    ['no learner', (d: any) => { delete d.learner; }, /learner is missing/],
  ])('refuses %s with XGBOOST_MODEL_INVALID', (_name, breakIt, message) => {
    const doc = model();
    breakIt(doc);
    expect(() => fromJson(doc)).toThrow(code('XGBOOST_MODEL_INVALID', message));
  });

  it.each([
    ['the pre-1.0 binary format', bytes('binf', [0, 0, 0, 63])],
    ['a 1.0-1.2 snapshot', bytes('CONFIG-offset:', [0, 0, 0, 0, 0, 0, 0, 0])],
  ])('refuses %s, saying to re-save with save_model', (_name, data) => {
    expect(() => Booster.fromBytes(data, 'old.bin')).toThrow(code('XGBOOST_UNSUPPORTED', /XGBoost < 1.3.*save_model\("model.json"\)/));
  });

  it('refuses broken JSON, empty and missing files', () => {
    expect(() => Booster.fromBytes(Buffer.from('{"learner": '), 'm.json')).toThrow(code('XGBOOST_MODEL_INVALID', /not valid JSON/));
    expect(() => loadXGBoostModelFile(path.join(XGBOOST_FIXTURES, 'no-such-model.json'))).toThrow(code('XGBOOST_MODEL_INVALID', /cannot read/));
  });
});

describe('inputs and wrapper state', () => {
  const booster = loadXGBoostModelFile(path.join(XGBOOST_FIXTURES, '1.7', 'binary_logistic.ubj'));

  it('refuses rows of the wrong width and text, naming num_feature', () => {
    expect(() => runMethod(booster, 'predict', fromRows([[1, 2, 3]]))).toThrow(code('ESTIMATOR_INPUT_INVALID', /5/));
    expect(() => booster.predict(['a text'])).toThrow(code('ESTIMATOR_INPUT_INVALID', /not text/));
  });

  it('routes missing values by default_left: a NaN row scores like XGBoost, not like a zero row', () => {
    const [nan, zero] = Array.from(booster.predict(fromRows([[null, null, null, null, null], [0, 0, 0, 0, 0]])) as Float64Array);
    expect(nan).not.toBe(zero);
  });

  it('refuses a pickled wrapper whose Booster holds no model bytes, and one never fitted', () => {
    const wrapper = (state: Map<string, unknown>): PyObject => Object.assign(new PyObject('xgboost.sklearn.XGBClassifier'), { state });
    const booster0 = Object.assign(new PyObject('xgboost.core.Booster'), { state: new Map([['handle', null]]) });
    expect(() => buildEstimator(wrapper(new Map<string, unknown>([['_Booster', booster0]]) as never))).toThrow(code('ESTIMATOR_STATE_INVALID', /handle: expected the model bytes/));
    expect(() => buildEstimator(wrapper(new Map([['n_estimators', 3]]) as never))).toThrow(code('ESTIMATOR_STATE_INVALID', /before fit/));
  });

  it('reads missing=None as NaN and refuses a missing marker that is not a number', () => {
    const handle = new Uint8Array(fixture('1.7', 'binary_logistic.ubj'));
    const make = (missing: unknown) =>
      Object.assign(new PyObject('xgboost.sklearn.XGBClassifier'), {
        state: new Map<unknown, unknown>([['_Booster', Object.assign(new PyObject('xgboost.core.Booster'), { state: new Map([['handle', handle]]) })], ['n_classes_', 2], ['missing', missing]]),
      });
    const rows = fromRows([[null, null, null, null, null]]);
    const withNone = buildEstimator(make(null) as never).predictProba!(rows);
    const withNaN = buildEstimator(make(NaN) as never).predictProba!(rows);
    expect(Array.from(withNone.data)).toEqual(Array.from(withNaN.data));
    expect(() => buildEstimator(make('n/a') as never)).toThrow(code('ESTIMATOR_STATE_INVALID', /missing: expected a number or None/));
  });

  it('refuses a classifier pickle holding a regression booster', () => {
    const handle = new Uint8Array(fixture('1.7', 'reg_squarederror.ubj'));
    const state = new Map<unknown, unknown>([['_Booster', Object.assign(new PyObject('xgboost.core.Booster'), { state: new Map([['handle', handle]]) })], ['n_classes_', 2]]);
    const wrapper = Object.assign(new PyObject('xgboost.sklearn.XGBClassifier'), { state });
    expect(() => buildEstimator(wrapper as never)).toThrow(code('ESTIMATOR_STATE_INVALID', /regression objective/));
  });
});

import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator, Label } from '../base';
import { EstimatorMethodError, EstimatorStateError, UnsupportedEstimatorError } from '../errors';
import { denseMatrix, rowsOf, type DenseMatrix, type EstimatorInput } from '../matrix';
import { StateReader, toNumber } from '../state-reader';
import { argmax, numpySum } from '../tree/numpy-math';

/** The pickled `__dict__` attributes read here (scikit-learn 1.2.1 names). */
export interface VotingState {
  estimators: PyValue; // the (name, estimator | 'drop') pairs, for which weights apply
  estimators_: PyValue[]; // the fitted members, 'drop' excluded
  weights: PyValue;
  voting?: string;
  classes_?: PyValue;
}

/** `_weights_not_none`: the weights of the members that are not 'drop', or undefined. */
function readWeights(reader: StateReader, members: number): Float64Array | undefined {
  if (!reader.has('weights') || reader.value('weights') === null) return undefined;
  const weights = reader.list('weights');
  const pairs = reader.list('estimators');
  const kept = weights.filter((_, i) => {
    const pair = pairs[i];
    return !(Array.isArray(pair) && pair[1] === 'drop');
  });
  const out = Float64Array.from(kept, (w) => toNumber(w) ?? NaN);
  if (out.length !== members || out.some(Number.isNaN)) throw reader.error('weights', `do not give one number per fitted estimator (${members})`);
  return out;
}

/**
 * `VotingClassifier` (1.2.1 `sklearn/ensemble/_voting.py`). Soft: `predict_proba` is `np.average`
 * of the members' probabilities over the members (sequential sums, divided by the member count or
 * the weight total); `predict` its argmax. Hard: each row's member predictions (encoded class
 * indices) vote with `np.bincount(weights)`, argmax first. Labels come back as `classes_`.
 */
export class VotingClassifier implements Estimator {
  static readonly pythonNames = ['sklearn.ensemble._voting.VotingClassifier', 'sklearn.ensemble.voting.VotingClassifier'];

  get readsText(): boolean {
    return this.members.some((m) => m.readsText === true);
  }
  readonly nFeaturesIn: number | undefined;

  private constructor(
    readonly pythonClass: string,
    readonly classes: readonly Label[],
    private readonly soft: boolean,
    private readonly members: readonly Estimator[],
    private readonly weights: Float64Array | undefined,
    nFeaturesIn: number | undefined,
  ) {
    this.nFeaturesIn = nFeaturesIn;
    if (!soft) this.predictProba = undefined;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): VotingClassifier {
    const reader = new StateReader(state, pythonClass);
    const voting = reader.string('voting');
    if (voting !== 'soft' && voting !== 'hard') throw new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, `voting "${voting}"`);
    const members = reader.list('estimators_').map((value) => context.build(value));
    if (members.length === 0) throw reader.error('estimators_', 'is empty: the file holds an unfitted estimator');
    return new VotingClassifier(pythonClass, reader.labels('classes_'), voting === 'soft', members, readWeights(reader, members.length), reader.optionalNumber('n_features_in_'));
  }

  predictProba?: (X: EstimatorInput) => DenseMatrix = (X) => {
    const n = rowsOf(X);
    const K = this.classes.length;
    const avg = denseMatrix(n, K);
    this.members.forEach((member, m) => {
      if (member.predictProba === undefined) throw new EstimatorMethodError(`VotingClassifier(voting="soft") member ${member.pythonClass} has no predict_proba`);
      const proba = member.predictProba(X);
      if (proba.cols !== K) throw new EstimatorStateError(`VotingClassifier member ${member.pythonClass} gives ${proba.cols} probabilities for ${K} classes`);
      const w = this.weights?.[m] ?? 1;
      for (let i = 0; i < avg.data.length; i++) avg.data[i] += this.weights === undefined ? proba.data[i] : proba.data[i] * w;
    });
    let scale = this.members.length;
    if (this.weights !== undefined) {
      scale = 0;
      for (const w of this.weights) scale += w;
    }
    for (let i = 0; i < avg.data.length; i++) avg.data[i] /= scale;
    return avg;
  };

  predict(X: EstimatorInput): Label[] {
    const K = this.classes.length;
    if (this.soft) {
      const proba = (this.predictProba as (X: EstimatorInput) => DenseMatrix)(X);
      return Array.from({ length: proba.rows }, (_, r) => this.classes[argmax(proba.data, r * K, K)]);
    }
    const votes = this.members.map((member) => {
      if (member.predict === undefined) throw new EstimatorMethodError(`VotingClassifier member ${member.pythonClass} has no predict`);
      return member.predict(X) as ArrayLike<Label>;
    });
    const counts = new Float64Array(K);
    return Array.from({ length: rowsOf(X) }, (_, r) => {
      counts.fill(0);
      votes.forEach((v, m) => (counts[Number(v[r])] += this.weights?.[m] ?? 1));
      return this.classes[argmax(counts, 0, K)];
    });
  }
}

/** `VotingRegressor`: `np.average` of the members' predictions per row (numpy's pairwise row sums). */
export class VotingRegressor implements Estimator {
  static readonly pythonNames = ['sklearn.ensemble._voting.VotingRegressor', 'sklearn.ensemble.voting.VotingRegressor'];

  get readsText(): boolean {
    return this.members.some((m) => m.readsText === true);
  }

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number | undefined,
    private readonly members: readonly Estimator[],
    private readonly weights: Float64Array | undefined,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): VotingRegressor {
    const reader = new StateReader(state, pythonClass);
    const members = reader.list('estimators_').map((value) => context.build(value));
    if (members.length === 0) throw reader.error('estimators_', 'is empty: the file holds an unfitted estimator');
    return new VotingRegressor(pythonClass, reader.optionalNumber('n_features_in_'), members, readWeights(reader, members.length));
  }

  predict(X: EstimatorInput): Float64Array {
    const E = this.members.length;
    const predictions = this.members.map((member) => {
      if (member.predict === undefined) throw new EstimatorMethodError(`VotingRegressor member ${member.pythonClass} has no predict`);
      return member.predict(X) as ArrayLike<number>;
    });
    const row = new Float64Array(E);
    const scale = this.weights === undefined ? E : numpySum(this.weights, 0, E);
    return Float64Array.from({ length: rowsOf(X) }, (_, r) => {
      for (let m = 0; m < E; m++) row[m] = this.weights === undefined ? Number(predictions[m][r]) : Number(predictions[m][r]) * this.weights[m];
      return numpySum(row, 0, E) / scale;
    });
  }
}

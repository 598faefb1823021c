import type { Label } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { affine, numericInput } from '../linear/numeric-input';
import { pairwiseSum } from '../linear/activations';
import { NaiveBayes } from './naive-bayes';
import { type DiscreteNBState, readDiscreteNB } from './multinomial-nb';

/**
 * `sklearn.naive_bayes.BernoulliNB`: X binarized at `binarize` (x > t -> 1, else 0; None keeps X),
 * `jll = X @ (flp - log(1 - exp(flp))).T`, then `jll += class_log_prior_ + sum(log(1 - exp(flp)))`.
 */
export class BernoulliNB extends NaiveBayes {
  static readonly pythonNames: readonly string[] = ['sklearn.naive_bayes.BernoulliNB'];
  readonly nFeaturesIn: number;
  readonly classes: Label[];
  private readonly delta: Float64Array;
  private readonly bias: Float64Array;

  constructor(
    readonly pythonClass: string,
    state: DiscreteNBState,
    private readonly binarize: number | null,
  ) {
    super();
    this.classes = state.classes_;
    const k = state.classes_.length;
    const d = state.feature_log_prob_.length / k;
    this.nFeaturesIn = d;
    const negProb = state.feature_log_prob_.map((v) => Math.log(1 - Math.exp(v)));
    this.delta = state.feature_log_prob_.map((v, i) => v - negProb[i]);
    this.bias = new Float64Array(k);
    for (let i = 0; i < k; i++) this.bias[i] = state.class_log_prior_[i] + pairwiseSum(negProb, i * d, d);
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): BernoulliNB {
    const s = readDiscreteNB(state, pythonClass);
    return new BernoulliNB(pythonClass, s, s.reader.optionalNumber('binarize') ?? null);
  }

  protected jointLogLikelihood(X: EstimatorInput): DenseMatrix {
    const input = numericInput(X, 'BernoulliNB');
    const t = this.binarize;
    const binary = t === null ? input : { ...input, data: input.data.map((v) => (v > t ? 1 : 0)) };
    // dot first, then += bias (numpy's two rounded steps)
    const jll = affine(binary, this.delta, this.classes.length, 0);
    const k = this.classes.length;
    for (let i = 0; i < jll.data.length; i++) jll.data[i] += this.bias[i % k];
    return jll;
  }
}

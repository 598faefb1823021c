import type { Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { denseMatrix } from '../matrix';
import { numericInput, toDense } from '../linear/numeric-input';
import { StateReader } from '../state-reader';

/** The pickled `__dict__` fields PolynomialFeatures uses (sklearn 1.2.1 names). */
export interface PolynomialFeaturesState {
  _min_degree: number;
  _max_degree: number;
  interaction_only: boolean;
  include_bias: boolean;
  n_features_in_: number;
  n_output_features_: number;
  _n_out_full: number;
}

/**
 * `sklearn.preprocessing.PolynomialFeatures.transform` for dense rows (preprocessing/_polynomial.py,
 * 1.2.1): the bias column, the features, then each degree's columns built as the previous degree's
 * block times one feature — the same products in the same order, so every value rounds as in numpy;
 * with `min_degree > 1` the lower degrees are cut away afterwards. CSR input is densified first.
 */
export class PolynomialFeatures implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.preprocessing._polynomial.PolynomialFeatures', 'sklearn.preprocessing.data.PolynomialFeatures'];
  readonly nFeaturesIn: number;

  constructor(
    readonly pythonClass: string,
    private readonly state: PolynomialFeaturesState,
  ) {
    this.nFeaturesIn = state.n_features_in_;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): PolynomialFeatures {
    const r = new StateReader(state, pythonClass);
    const degree = r.value('degree');
    const [minDegree, maxDegree] = Array.isArray(degree) ? degree.map(Number) : [0, r.number('degree')];
    return new PolynomialFeatures(pythonClass, {
      _min_degree: r.optionalNumber('_min_degree') ?? minDegree,
      _max_degree: r.optionalNumber('_max_degree') ?? maxDegree,
      interaction_only: r.value('interaction_only') === true,
      include_bias: r.value('include_bias') === true,
      n_features_in_: r.number('n_features_in_'),
      n_output_features_: r.number('n_output_features_'),
      _n_out_full: r.optionalNumber('_n_out_full') ?? r.number('n_output_features_'),
    });
  }

  transform(X: EstimatorInput): DenseMatrix {
    const input = toDense(numericInput(X, 'PolynomialFeatures'));
    const { _min_degree, _max_degree, interaction_only, include_bias, n_output_features_, _n_out_full } = this.state;
    const d = input.cols;
    const full = denseMatrix(input.rows, _n_out_full);
    const w = _n_out_full;
    for (let r = 0; r < input.rows; r++) {
      const row = r * w;
      let current = 0;
      if (include_bias) full.data[row + current++] = 1;
      if (_max_degree === 0) continue;
      for (let c = 0; c < d; c++) full.data[row + current + c] = input.data[r * d + c];
      let index = Array.from({ length: d }, (_, c) => current + c);
      current += d;
      index.push(current);
      for (let degree = 2; degree <= _max_degree; degree++) {
        const next: number[] = [];
        const end = index[index.length - 1];
        for (let f = 0; f < d; f++) {
          let start = index[f];
          next.push(current);
          if (interaction_only) start += index[f + 1] - index[f];
          const nextCol = current + end - start;
          if (nextCol <= current) break;
          const x = input.data[r * d + f];
          for (let k = 0; k < end - start; k++) full.data[row + current + k] = full.data[row + start + k] * x;
          current = nextCol;
        }
        next.push(current);
        index = next;
      }
    }
    if (_min_degree <= 1) return full;
    // keep the bias (if any) and the last n_output_features_ (- bias) columns, as sklearn slices them
    const out = denseMatrix(input.rows, n_output_features_);
    const keepFrom = _n_out_full - n_output_features_ + (include_bias ? 1 : 0);
    for (let r = 0; r < input.rows; r++) {
      let o = 0;
      if (include_bias) out.data[r * n_output_features_ + o++] = 1;
      for (let c = keepFrom; c < _n_out_full; c++) out.data[r * n_output_features_ + o++] = full.data[r * w + c];
    }
    return out;
  }
}

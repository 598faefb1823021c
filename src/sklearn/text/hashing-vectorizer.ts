import type { BuildContext, Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { EstimatorInput, SparseMatrix } from '../matrix';
import { normalizeCsrRows, type RowNorm } from '../preprocessing/row-norms';
import { StateReader } from '../state-reader';
import { type Analyzer, type AnalyzerState, buildAnalyzer, readAnalyzerState } from './analyzer';
import { textInput } from './count-vectorizer';
import { murmurhash3Signed } from './murmurhash3';
import { csrFromRowMaps } from './sparse-rows';

/** The pickled `__dict__` fields HashingVectorizer uses (it is stateless beyond its parameters). */
export interface HashingVectorizerState extends AnalyzerState {
  n_features: number;
  alternate_sign: boolean;
  binary: boolean;
  norm: RowNorm | null;
}

/**
 * `sklearn.feature_extraction.text.HashingVectorizer.transform` (1.2.1): each analyzed feature goes
 * to column `abs(h) % n_features` with `h` the signed murmurhash3_32 (seed 0) of its UTF-8 bytes, and
 * sign `h >= 0 ? +1 : -1` when `alternate_sign` (sklearn/feature_extraction/_hashing_fast.pyx).
 * Duplicates are summed (a zero sum stays stored, as in scipy), then `binary`, then `norm`.
 */
export class HashingVectorizer implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.feature_extraction.text.HashingVectorizer'];
  private readonly analyze: Analyzer;
  readonly readsText = true;

  constructor(
    readonly pythonClass: string,
    private readonly state: HashingVectorizerState,
  ) {
    this.analyze = buildAnalyzer(state);
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context?: BuildContext): HashingVectorizer {
    const reader = new StateReader(state, pythonClass);
    const norm = reader.value('norm');
    if (norm !== null && norm !== 'l1' && norm !== 'l2' && norm !== 'max') throw reader.error('norm', `unknown norm ${String(norm)}`);
    return new HashingVectorizer(pythonClass, {
      ...readAnalyzerState(reader, context?.sklearnVersion),
      n_features: reader.number('n_features'),
      alternate_sign: reader.value('alternate_sign') === true,
      binary: reader.value('binary') === true,
      norm,
    });
  }

  transform(X: EstimatorInput): SparseMatrix {
    const { n_features: n, alternate_sign, binary, norm } = this.state;
    const rows = textInput(X, 'HashingVectorizer').map((doc) => {
      const sums = new Map<number, number>();
      for (const feature of this.analyze(doc)) {
        const h = murmurhash3Signed(feature);
        // abs(-2**31) overflows int32 in C; sklearn defines that case explicitly.
        const column = h === -2147483648 ? (2147483647 - (n - 1)) % n : Math.abs(h) % n;
        const value = alternate_sign && h < 0 ? -1 : 1;
        sums.set(column, (sums.get(column) ?? 0) + value);
      }
      if (binary) for (const c of sums.keys()) sums.set(c, 1);
      return sums;
    });
    const X2 = csrFromRowMaps(rows, n);
    return norm === null ? X2 : normalizeCsrRows(X2, norm);
  }
}

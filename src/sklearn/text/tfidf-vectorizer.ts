import type { BuildContext } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { EstimatorInput, SparseMatrix } from '../matrix';
import { StateReader } from '../state-reader';
import { CountVectorizer, type CountVectorizerState } from './count-vectorizer';
import { TfidfTransformer, type TfidfTransformerState } from './tfidf-transformer';

/**
 * `sklearn.feature_extraction.text.TfidfVectorizer`: CountVectorizer's counts through the fitted
 * TfidfTransformer kept in `_tfidf`.
 */
export class TfidfVectorizer extends CountVectorizer {
  static override readonly pythonNames: readonly string[] = ['sklearn.feature_extraction.text.TfidfVectorizer'];

  constructor(
    pythonClass: string,
    state: CountVectorizerState,
    private readonly tfidf: TfidfTransformer,
  ) {
    super(pythonClass, state);
  }

  static override fromState(state: Map<string, PyValue>, pythonClass: string, context?: BuildContext): TfidfVectorizer {
    const reader = new StateReader(state, pythonClass);
    const inner = StateReader.of(reader.value('_tfidf'), 'TfidfVectorizer._tfidf');
    const tfidf = new TfidfTransformer(inner.pythonClass, TfidfTransformer.readState(inner));
    return new TfidfVectorizer(pythonClass, CountVectorizer.readState(reader, context), tfidf);
  }

  override get tfidfSettings(): TfidfTransformerState {
    return this.tfidf.settings;
  }

  override transform(X: EstimatorInput): SparseMatrix {
    return this.tfidf.transformCsr(super.transform(X));
  }
}

import type { BuildContext, Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { EstimatorInputError } from '../errors';
import type { EstimatorInput, SparseMatrix } from '../matrix';
import { StateReader, toNumber } from '../state-reader';
import { type Analyzer, type AnalyzerState, buildAnalyzer, readAnalyzerState } from './analyzer';
import { csrFromRowMaps } from './sparse-rows';
import type { TfidfTransformerState } from './tfidf-transformer';

/** The pickled `__dict__` fields CountVectorizer uses (sklearn 1.2.1), beyond the analyzer's. */
export interface CountVectorizerState extends AnalyzerState {
  /** term -> column */
  vocabulary_: ReadonlyMap<string, number>;
  binary: boolean;
}

/**
 * `sklearn.feature_extraction.text.CountVectorizer.transform`: counts each analyzed feature found in
 * `vocabulary_` (others are ignored), as a CSR matrix with sorted columns; `binary` makes counts 1.
 * Input is one string per row.
 */
export class CountVectorizer implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.feature_extraction.text.CountVectorizer'];
  protected readonly analyze: Analyzer;
  readonly readsText = true;

  constructor(
    readonly pythonClass: string,
    protected readonly state: CountVectorizerState,
  ) {
    this.analyze = buildAnalyzer(state);
  }

  static readState(reader: StateReader, context: BuildContext | undefined): CountVectorizerState {
    const vocabulary = new Map<string, number>();
    const raw = reader.value('vocabulary_');
    if (!(raw instanceof Map)) throw reader.error('vocabulary_', 'expected a dict of term -> column');
    for (const [term, column] of raw) {
      const c = toNumber(column);
      if (typeof term !== 'string' || c === undefined) throw reader.error('vocabulary_', 'expected str keys and int values');
      vocabulary.set(term, c);
    }
    const seen = new Set<number>();
    for (const c of vocabulary.values()) {
      if (!Number.isInteger(c) || c < 0 || c >= vocabulary.size || seen.has(c)) throw reader.error('vocabulary_', `column ${c} is not a unique index below ${vocabulary.size}`);
      seen.add(c);
    }
    return { ...readAnalyzerState(reader, context?.sklearnVersion), vocabulary_: vocabulary, binary: reader.value('binary') === true };
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context?: BuildContext): CountVectorizer {
    return new CountVectorizer(pythonClass, CountVectorizer.readState(new StateReader(state, pythonClass), context));
  }

  /** The fitted analyzer settings and vocabulary (read-only), for the fused text scorer. */
  get settings(): CountVectorizerState {
    return this.state;
  }

  /** The TF-IDF weighting applied after counting; undefined for plain counts. */
  get tfidfSettings(): TfidfTransformerState | undefined {
    return undefined;
  }

  /** Number of output columns (the vocabulary's size). */
  get nFeaturesOut(): number {
    return this.state.vocabulary_.size;
  }

  transform(X: EstimatorInput): SparseMatrix {
    const docs = textInput(X, this.constructor.name);
    const rows = docs.map((doc) => {
      const counts = new Map<number, number>();
      for (const feature of this.analyze(doc)) {
        const c = this.state.vocabulary_.get(feature);
        if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
      }
      if (this.state.binary) for (const c of counts.keys()) counts.set(c, 1);
      return counts;
    });
    return csrFromRowMaps(rows, this.nFeaturesOut);
  }
}

/** Narrows input to documents. @throws EstimatorInputError for numeric rows */
export function textInput(X: EstimatorInput, who: string): readonly string[] {
  if (!Array.isArray(X)) throw new EstimatorInputError(`${who} takes one string per row (text), not rows of numbers.`);
  return X as readonly string[];
}

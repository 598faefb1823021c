import type { BuildContext, Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { rowsOf, type DenseMatrix, type EstimatorInput, type SparseMatrix } from '../matrix';
import type { NumericInput } from '../linear/numeric-input';
import { StateReader, toNumber } from '../state-reader';
import { hstack } from './hstack';

/** One part of a FeatureUnion: its name, its transformer, its `transformer_weights` entry. */
export interface UnionPart {
  readonly name: string;
  /** null for "passthrough" */
  readonly transformer: Estimator | null;
  readonly weight: number | undefined;
}

/**
 * `sklearn.pipeline.FeatureUnion.transform` (sklearn/pipeline.py, 1.2.1): every transformer sees the
 * whole input (text included — e.g. word and char TF-IDF side by side), outputs are multiplied by
 * their `transformer_weights` entry, and stacked (CSR if any part is sparse). "drop" parts are skipped.
 */
export class FeatureUnion implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.pipeline.FeatureUnion'];
  readonly nFeaturesIn: number | undefined;
  readonly readsText: boolean;

  constructor(
    readonly pythonClass: string,
    private readonly parts: readonly UnionPart[],
  ) {
    this.nFeaturesIn = parts.find((p) => p.transformer?.nFeaturesIn !== undefined)?.transformer?.nFeaturesIn;
    this.readsText = parts.some((p) => p.transformer?.readsText === true);
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): FeatureUnion {
    const r = new StateReader(state, pythonClass);
    const weights = r.has('transformer_weights') ? r.value('transformer_weights') : null;
    if (weights !== null && !(weights instanceof Map)) throw r.error('transformer_weights', 'expected a dict of name -> weight');
    const parts: UnionPart[] = [];
    for (const entry of r.list('transformer_list')) {
      if (!Array.isArray(entry) || entry.length !== 2) throw r.error('transformer_list', 'expected (name, transformer) pairs');
      const [name, transformer] = entry as readonly PyValue[];
      if (transformer === 'drop' || transformer === null) continue;
      const weight = weights instanceof Map && weights.has(name) ? toNumber(weights.get(name) as PyValue) : undefined;
      const built = transformer === 'passthrough' ? null : context.build(transformer);
      if (built !== null && typeof built.transform !== 'function') throw r.error('transformer_list', `part "${String(name)}" (${built.pythonClass}) has no transform`);
      parts.push({ name: String(name), transformer: built, weight });
    }
    return new FeatureUnion(pythonClass, parts);
  }

  /** The parts, in output column order ("drop" parts left out). */
  get members(): readonly UnionPart[] {
    return this.parts;
  }

  transform(X: EstimatorInput): DenseMatrix | SparseMatrix {
    const outputs = this.parts.map((part) => {
      let out = (part.transformer === null ? X : (part.transformer.transform as (x: EstimatorInput) => NumericInput).call(part.transformer, X)) as NumericInput;
      if (part.weight !== undefined) out = { ...out, data: out.data.map((v) => v * (part.weight as number)) } as NumericInput;
      return out;
    });
    const rows = rowsOf(X);
    return hstack(outputs, rows, outputs.some((o) => o.kind === 'csr'));
  }
}

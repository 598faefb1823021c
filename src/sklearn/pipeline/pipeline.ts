import type { BuildContext, Estimator, Label } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput, SparseMatrix } from '../matrix';
import { StateReader } from '../state-reader';
import { fuseTextLinear } from './fused-text-linear';

type Method = 'predict' | 'predictProba' | 'decisionFunction' | 'scoreSamples' | 'transform';
const FINAL_METHODS: readonly Method[] = ['predict', 'predictProba', 'decisionFunction', 'scoreSamples'];

/**
 * `sklearn.pipeline.Pipeline` (sklearn/pipeline.py, 1.2.1): every step but the last transforms, the
 * last answers the method; "passthrough" and None steps are skipped. The pipeline has exactly the
 * methods of its final step (plus `transform` when the final step is a transformer or passthrough).
 */
export class Pipeline implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.pipeline.Pipeline'];
  readonly nFeaturesIn: number | undefined;
  readonly readsText: boolean;
  predict?: (X: EstimatorInput) => Float64Array | DenseMatrix | Label[];
  predictProba?: (X: EstimatorInput) => DenseMatrix;
  decisionFunction?: (X: EstimatorInput) => Float64Array | DenseMatrix;
  scoreSamples?: (X: EstimatorInput) => Float64Array;
  transform?: (X: EstimatorInput) => DenseMatrix | SparseMatrix;

  constructor(
    readonly pythonClass: string,
    /** the transforming steps, in order */
    readonly transformers: readonly Estimator[],
    /** the final step, or null for "passthrough" */
    readonly final: Estimator | null,
  ) {
    this.nFeaturesIn = (transformers[0] ?? final)?.nFeaturesIn;
    this.readsText = (transformers[0] ?? final)?.readsText === true;
    if (final === null) {
      this.transform = (X) => this.transformThrough(X) as DenseMatrix | SparseMatrix;
      return;
    }
    // A char n-gram TF-IDF -> linear classifier pipeline answers from the texts directly (same floats).
    const fused = fuseTextLinear(transformers, final);
    for (const method of FINAL_METHODS) {
      const fn = final[method] as ((X: EstimatorInput) => unknown) | undefined;
      if (typeof fn !== 'function') continue;
      (this as Record<Method, unknown>)[method] =
        fused === undefined ? (X: EstimatorInput) => fn.call(final, this.transformThrough(X)) : (X: EstimatorInput) => fn.call(fused, X);
    }
    if (typeof final.transform === 'function') {
      this.transform = (X) => (final.transform as (x: EstimatorInput) => DenseMatrix | SparseMatrix).call(final, this.transformThrough(X));
    }
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): Pipeline {
    const reader = new StateReader(state, pythonClass);
    const steps = reader.list('steps').map((step, i) => {
      if (!Array.isArray(step) || step.length !== 2) throw reader.error('steps', `step ${i} is not a (name, estimator) pair`);
      const estimator = step[1] as PyValue;
      return estimator === null || estimator === 'passthrough' ? null : context.build(estimator);
    });
    if (steps.length === 0) throw reader.error('steps', 'the pipeline has no steps');
    const transformers = steps.slice(0, -1).filter((s): s is Estimator => s !== null);
    for (const t of transformers) {
      if (typeof t.transform !== 'function') throw reader.error('steps', `the intermediate step ${t.pythonClass} has no transform`);
    }
    return new Pipeline(pythonClass, transformers, steps[steps.length - 1]);
  }

  private transformThrough(X: EstimatorInput): EstimatorInput {
    let Xt = X;
    for (const step of this.transformers) Xt = (step.transform as (x: EstimatorInput) => DenseMatrix | SparseMatrix).call(step, Xt);
    return Xt;
  }
}

import type { BuildContext } from '../base';
import { EstimatorStateError } from '../errors';
import type { EstimatorInput } from '../matrix';
import type { StateReader } from '../state-reader';
import { toFloat64Rows, type Float64Rows } from './hist-predictors';

/**
 * What HistGradientBoosting does to X before its trees (`_preprocess_X(X, reset=False)`):
 * - up to 1.3, and from 1.4 without categorical features: nothing but the float64 view;
 * - from 1.4 with categorical features: the pickled `_preprocessor`, a ColumnTransformer of an
 *   OrdinalEncoder (categorical columns; unknown and missing -> NaN) and a
 *   FunctionTransformer(partial(check_array)) on the rest. Its output puts the categorical columns
 *   FIRST, which is the column order the trees and `_bin_mapper` were fitted on.
 * (1.9.0 `ensemble/_hist_gradient_boosting/gradient_boosting.py`, `_preprocess_X`.)
 *
 * The random Generator these versions also pickle (`_feature_subsample_rng`) only drives fitting and
 * is never read.
 */
export function readHistInput(reader: StateReader, owner: string, context: BuildContext, nFeatures: number): (X: EstimatorInput) => Float64Rows {
  const pickled = reader.has('_preprocessor') ? reader.value('_preprocessor') : null;
  if (pickled === null) return (X) => toFloat64Rows(X, owner);
  const preprocessor = context.build(pickled);
  const transform = preprocessor.transform;
  if (transform === undefined) throw reader.error('_preprocessor', `${preprocessor.pythonClass} has no transform`);
  return (X) => {
    const rows = toFloat64Rows(transform.call(preprocessor, X), owner);
    if (rows.cols !== nFeatures) throw new EstimatorStateError(`${owner}._preprocessor gives ${rows.cols} columns, the trees read ${nFeatures}`);
    return rows;
  };
}

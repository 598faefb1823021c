import { runEstimatorCases } from '../run-estimator-cases';

// HistGradientBoosting (and a standalone OrdinalEncoder) saved by three scikit-learn versions (test/fixtures/sklearn/generate_hgb.py):
// categorical columns (by index and by mask), NaN in numeric and categorical columns, unknown and
// out-of-range categories. 1.2.1 reads categorical codes directly; 1.4.2 and 1.9.0 go through the
// pickled `_preprocessor` (OrdinalEncoder + FunctionTransformer(partial(check_array)), categorical
// columns first) and hold a numpy Generator (PCG64). Tolerance: the suite's 1e-9 relative or 1e-12
// absolute; labels exact.
for (const version of ['1.2', '1.4', '1.9']) {
  runEstimatorCases({ fixture: `${version}/hgb` });
}

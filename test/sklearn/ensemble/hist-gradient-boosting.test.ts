import { runEstimatorCases } from '../run-estimator-cases';

// HistGradientBoosting{Classifier,Regressor}: NaN routing, thresholds +-1 ulp (float64, no cast),
// categorical bitsets with unseen/negative/out-of-range categories, every loss link, against sklearn
// 1.2.1. Tolerance: 1e-9 relative or 1e-12 absolute (exp in the links comes from V8); labels exact.
runEstimatorCases({ fixture: 'trees/hist-gradient-boosting.json', tolerance: { relative: 1e-9, absolute: 1e-12 } });

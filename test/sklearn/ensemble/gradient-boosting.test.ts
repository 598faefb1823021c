import { runEstimatorCases } from '../run-estimator-cases';

// GradientBoosting{Classifier,Regressor}: every loss, init 'zero' and Dummy priors, learning rates,
// subsampling, against sklearn 1.2.1. Tolerance: 1e-9 relative or 1e-12 absolute (log/exp in the
// links come from V8); labels exact.
runEstimatorCases({ fixture: 'trees/gradient-boosting.json', tolerance: { relative: 1e-9, absolute: 1e-12 } });

import { runEstimatorCases } from '../run-estimator-cases';

// The 100-tree IsolationForest and RandomForest on waf-v1 feature rows (the adapter test's and the
// benchmark's models) against sklearn 1.2.1. Tolerance: 1e-9 relative or 1e-12 absolute; labels exact.
runEstimatorCases({ fixture: 'trees/waf.json', tolerance: { relative: 1e-9, absolute: 1e-12 } });

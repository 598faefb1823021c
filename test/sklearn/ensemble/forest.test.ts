import { runEstimatorCases } from '../run-estimator-cases';

// RandomForest*/ExtraTrees* against sklearn 1.2.1. Tolerance: labels exact; floats 1e-9 relative or
// 1e-12 absolute (the summation order follows sklearn's, so they match to the last bit).
runEstimatorCases({ fixture: 'trees/forest.json', tolerance: { relative: 1e-9, absolute: 1e-12 } });

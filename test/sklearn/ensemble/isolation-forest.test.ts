import { runEstimatorCases } from '../run-estimator-cases';

// IsolationForest (auto and numeric contamination, feature subsets, bootstrap, tiny max_samples),
// models inside dicts/tuples (key, auto-unwrap, "" = no key) and refused files, against sklearn 1.2.1.
// Tolerance: 1e-9 relative or 1e-12 absolute: log and 2**x come from V8 rather than glibc and may
// differ in the last bit; predict labels exact.
runEstimatorCases({ fixture: 'trees/iforest.json', tolerance: { relative: 1e-9, absolute: 1e-12 } });

import { runEstimatorCases } from '../run-estimator-cases';

// Tampered sklearn files (cycles and out-of-range children/features in trees and HGB predictors,
// missing attributes, unknown losses, multi-output trees): each must be refused with its code, never
// loop or read out of bounds.
runEstimatorCases({ fixture: 'trees/hostile.json' });

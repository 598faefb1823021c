import { runEstimatorCases } from '../run-estimator-cases';

// DecisionTree{Classifier,Regressor} and ExtraTree{Classifier,Regressor} against sklearn 1.2.1
// (test/fixtures/sklearn/generate_trees.py). Tolerance: labels exact; floats 1e-9 relative or 1e-12
// absolute -- in practice tree outputs are leaf values and match bit for bit.
runEstimatorCases({ fixture: 'trees/tree.json', tolerance: { relative: 1e-9, absolute: 1e-12 } });

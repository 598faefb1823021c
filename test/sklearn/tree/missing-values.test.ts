import { runEstimatorCases } from '../run-estimator-cases';

// NaN at predict time, from each scikit-learn version (test/fixtures/sklearn/generate_trees.py,
// `missing_values()`): trees, forests, ExtraTrees and IsolationForest fitted on data with NaN where
// the version can, asked about rows with NaN. 1.2 refuses every NaN; 1.4 routes it for DecisionTree*
// and RandomForest* by each node's missing_go_to_left; 1.9 also for ExtraTree(s)* and IsolationForest.
// Whatever sklearn did -- a value, or a refusal -- we must do. Tolerance: the default (trees bit-exact
// in practice).
for (const series of ['', '1.4/', '1.9/']) runEstimatorCases({ fixture: `${series}trees/missing.json` });

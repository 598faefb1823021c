import { runEstimatorCases } from '../run-estimator-cases';

// Pickles whose arrays were altered after fitting (see "tampered files" in generate_models.py): each must be
// refused at load with ESTIMATOR_STATE_INVALID, naming the attribute, never scored with garbage.
runEstimatorCases({ fixture: 'models/tampered.json' });

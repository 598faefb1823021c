import { runEstimatorCases } from '../run-estimator-cases';

// sklearn 1.2.1 golden outputs from test/fixtures/sklearn/generate_models.py (text.json: vectorizers and
// text pipelines; text-sparse.json: a 2**20-column HashingVectorizer compared entry by entry).
// Tolerance: float64 within 1e-9 relative or 1e-12 absolute (the promise); labels exact.
runEstimatorCases({ fixture: 'models/text.json', tolerance: { relative: 1e-9, absolute: 1e-12 } });
runEstimatorCases({ fixture: 'models/text-sparse.json', tolerance: { relative: 1e-9, absolute: 1e-12 } });

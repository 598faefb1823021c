import { runEstimatorCases } from '../run-estimator-cases';

// Trees inside pipelines (TfidfVectorizer -> sparse rows -> RandomForest; StandardScaler -> HGB) and
// GradientBoosting with a LinearRegression / LogisticRegression init, against sklearn 1.2.1.
// Tolerance: 1e-9 relative or 1e-12 absolute; labels exact.
runEstimatorCases({ fixture: 'trees/composed.json', tolerance: { relative: 1e-9, absolute: 1e-12 } });

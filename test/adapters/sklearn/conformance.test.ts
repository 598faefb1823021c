import path from 'node:path';
import { SklearnAdapter } from '../../../adapters/sklearn/sklearn-adapter';
import type { MlRequest } from '../../../src/contract/ml-request';
import { describeAdapterConformance } from '../../../src/sdk/conformance';

const TREES = path.resolve(__dirname, '../../fixtures/sklearn/trees');
const request = (args: Array<[string, string]>, method = 'GET'): MlRequest => ({ method, path: '/index.php', args, files: [], sizes: [], hour: 3, day: 14 });
const requests: MlRequest[] = [
  request([]),
  request([['ARGS:q', 'fish and chips']]),
  request([['ARGS:q', "1' UNION SELECT password FROM users --"], ['ARGS:x', '<script>alert(1)</script>']], 'POST'),
  request([['ARGS:file', '../../../../etc/passwd'], ['ARGS:cmd', '$(cat /etc/shadow)']]),
];

// The SDK's standard adapter suite; batch and one-by-one scores must agree within 1e-9 (they are equal).
describeAdapterConformance({
  adapter: SklearnAdapter,
  title: 'IsolationForest(100) on waf-v1, decision_function',
  modelsDir: path.join(TREES, 'waf'),
  manifest: { adapter: 'sklearn', model: 'iforest-waf-v1.joblib', output: 'decision_function', threshold: -0.313 },
  requests,
});
describeAdapterConformance({
  adapter: SklearnAdapter,
  title: "RandomForestClassifier(100) on waf-v1, predict_proba[:,'attack']",
  modelsDir: path.join(TREES, 'waf'),
  manifest: { adapter: 'sklearn', model: 'rfc-waf-v1.joblib', output: "predict_proba[:,'attack']", threshold: 0.5, anomalyWhen: 'above' },
  requests,
});
describeAdapterConformance({
  adapter: SklearnAdapter,
  title: 'text pipeline (TfidfVectorizer -> RandomForest)',
  modelsDir: path.join(TREES, 'composed'),
  manifest: { adapter: 'sklearn', model: 'tfidf-forest.pkl', output: 'predict_proba[:,0]', threshold: 0.5, anomalyWhen: 'above' },
  requests,
});

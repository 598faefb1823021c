import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { AdapterRegistry } from '../../src/adapter/adapter-registry';
import { loadUserAdapters } from '../../src/adapter/load-user-adapters';
import type { MlRequest } from '../../src/contract/ml-request';
import { silentLogger } from '../../src/logger';
import { describeAdapterConformance } from '../../src/sdk/conformance';
import { EXAMPLES, formBody, serveExample } from './serve-example';

const DIR = path.join(EXAMPLES, 'custom-adapter');
const mlRequest = (q: string, requestPath = '/search'): MlRequest => ({ method: 'GET', path: requestPath, args: [['ARGS:q', q]], files: [], sizes: [], hour: 10, day: 3 });

describe('examples/custom-adapter', () => {
  it('stays under 40 lines', () => {
    expect(readFileSync(path.join(DIR, 'hybrid-adapter.js'), 'utf8').trimEnd().split('\n').length).toBeLessThan(40);
  });

  it('is served from its saved_models: benign passes, attacks are blocked', async () => {
    const { app, model } = await serveExample('custom-adapter');
    expect(model.summary).toContain('adapter hybrid-rules');
    await request(app).post('/').send(formBody({ q: 'fish and chips' })).expect(200, 'score=0');
    await request(app).post('/').send(formBody({ q: 'fish & chips!' })).expect(200, /^score=0\.\d+$/);
    await request(app).post('/').send(formBody({ q: "' or 1=1 --" })).expect(401);
    await request(app).post('/').send(formBody({ q: '<script>alert(1)</script>' })).expect(401);
    await request(app).post('/').send(formBody({ file: '../../etc/passwd' })).expect(401);
    await model.dispose();
  });
});

// The README's recipe: the SDK's conformance suite on the example's class.
const registry = new AdapterRegistry();
loadUserAdapters(path.join(DIR, 'hybrid-adapter.js'), registry, silentLogger);
describeAdapterConformance({
  adapter: registry.get('hybrid-rules'),
  modelsDir: path.join(DIR, 'saved_models'),
  requests: [mlRequest('fish and chips'), mlRequest("' or 1=1 --"), mlRequest('x', '/a/../../b'), mlRequest('a; cat /etc/passwd')],
});

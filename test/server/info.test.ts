import request from 'supertest';
import { loadModel } from '../../src/adapter/load-model';
import { createContainer, TOKENS } from '../../src/container';
import type { AdapterRegistry } from '../../src/adapter/adapter-registry';
import { silentLogger } from '../../src/logger';
import { defineAdapter } from '../../src/sdk/define-adapter';
import { createRequestListener } from '../../src/server/create-request-listener';
import { modelsDir } from '../helpers/models-dir';

const labelled = defineAdapter({
  name: 'labelled',
  inputKind: 'request',
  output: 'class label: 1 attack, 0 benign',
  decision: 'anomaly when the predicted label is 1',
  score: (batch) => batch.map(() => 1),
  decide: (score) => ({ score, anomaly: score === 1 }),
});
const plain = defineAdapter({ name: 'plain', inputKind: 'request', output: 'constant 0', score: (batch) => batch.map(() => 0) });
const silentDecider = defineAdapter({
  name: 'silent-decider',
  inputKind: 'request',
  output: 'constant 0',
  score: (batch) => batch.map(() => 0),
  decide: (score) => ({ score, anomaly: false }),
});

async function info(adapter: string, manifest: Record<string, unknown> = {}) {
  const container = createContainer({ logger: silentLogger });
  const registry = container.resolve<AdapterRegistry>(TOKENS.AdapterRegistry);
  for (const cls of [labelled, plain, silentDecider]) registry.add(cls);
  const model = await loadModel({
    modelsDir: modelsDir({ adapter, threshold: 0.5, anomalyWhen: 'above', ...manifest }),
    adapters: registry,
    extractors: container.resolve(TOKENS.ExtractorRegistry),
    logger: silentLogger,
  });
  const res = await request(createRequestListener({ model: () => model, logger: silentLogger })).get('/info').expect(200);
  return { body: res.body as Record<string, unknown>, summary: model.summary };
}

describe('GET /info shows the rule that decides', () => {
  it("shows an adapter's own decide rule instead of the manifest's threshold", async () => {
    const { body, summary } = await info('labelled');
    expect(body.decision).toEqual({ by: 'adapter', adapter: 'labelled', rule: 'anomaly when the predicted label is 1' });
    expect(summary).toContain('decided by the adapter: anomaly when the predicted label is 1');
    expect(summary).not.toContain('0.5');
  });

  it('names decide() when the adapter gives no words for its rule', async () => {
    const { body } = await info('silent-decider');
    expect(body.decision).toEqual({ by: 'adapter', adapter: 'silent-decider', rule: 'decide(score) of adapter "silent-decider"' });
  });

  it("shows the manifest's threshold when the adapter has no decide", async () => {
    const { body, summary } = await info('plain');
    expect(body.decision).toEqual({ by: 'threshold', threshold: 0.5, anomalyWhen: 'above' });
    expect(summary).toContain('anomaly when score > 0.5');
  });
});

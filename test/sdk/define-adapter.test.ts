import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AdapterRegistry } from '../../src/adapter/adapter-registry';
import { loadModel } from '../../src/adapter/load-model';
import { validateManifest } from '../../src/adapter/manifest';
import type { AdapterContext } from '../../src/adapter/model-adapter';
import type { MlRequest } from '../../src/contract/ml-request';
import { ExtractorRegistry } from '../../src/features/extractor-registry';
import { silentLogger } from '../../src/logger';
import { defineAdapter } from '../../src/sdk/define-adapter';

const context = (options: Record<string, unknown> = {}): AdapterContext => ({
  manifest: validateManifest({ adapter: 'count', threshold: 2, options }, 'test'),
  modelPath: undefined,
  modelsDir: __dirname,
  extractor: { name: 'none', featureNames: [], extract: () => [] },
  logger: silentLogger,
});

describe('defineAdapter', () => {
  const Count = defineAdapter<string, { weight: number }>({
    name: 'count-args',
    inputKind: 'text',
    output: 'weighted text length',
    load(ctx) {
      this.weight = Number(ctx.manifest.options?.weight ?? 1);
    },
    score(batch) {
      return batch.map((text) => text.length * this.weight);
    },
  });

  it('builds a registrable class with a static adapterName, a readable name and describe()', async () => {
    expect(Count.adapterName).toBe('count-args');
    expect(Count.name).toBe('CountArgsAdapter');
    expect(new AdapterRegistry().add(Count).get('count-args')).toBe(Count);
    const adapter = new Count();
    expect(adapter.describe()).toEqual({ name: 'count-args', inputKind: 'text', output: 'weighted text length' });
  });

  it('keeps state per instance on `this` and exposes the context', async () => {
    const a = new Count();
    const b = new Count();
    await a.load(context({ weight: 3 }));
    await b.load(context({ weight: 0.5 }));
    expect(Array.from(await a.score(['ab']))).toEqual([6]);
    expect(Array.from(await b.score(['ab']))).toEqual([1]);
    expect((a as unknown as { context: AdapterContext }).context.manifest.options).toEqual({ weight: 3 });
  });

  it('leaves hooks it was not given absent, so the server defaults apply', () => {
    const adapter = new Count();
    expect(adapter.toInput).toBeUndefined();
    expect(adapter.decide).toBeUndefined();
    expect(adapter.warmUp).toBeUndefined();
    expect(adapter.dispose).toBeUndefined();
  });

  it('runs the toInput and decide hooks through loadModel', async () => {
    const calls: string[] = [];
    const Rules = defineAdapter<MlRequest>({
      name: 'rules',
      inputKind: 'request',
      output: 'points',
      toInput(request) {
        calls.push('toInput');
        return request;
      },
      score(batch) {
        return batch.map((request) => (request.path.includes('..') ? 5 : 0));
      },
      decide(score) {
        return { score, anomaly: score >= 5 };
      },
      dispose() {
        calls.push('dispose');
      },
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'define-'));
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ adapter: 'rules', threshold: 100 }));
    const model = await loadModel({ modelsDir: dir, adapters: new AdapterRegistry().add(Rules), extractors: new ExtractorRegistry(), logger: silentLogger });
    rmSync(dir, { recursive: true, force: true });
    const request: MlRequest = { method: 'GET', path: '/a/../b', args: [], files: [], sizes: [], hour: 0, day: 1 };
    // threshold 100 would pass a 5: the adapter's own decide wins.
    expect(await model.judge(request)).toEqual({ score: 5, anomaly: true });
    await model.dispose();
    expect(calls).toEqual(['toInput', 'dispose']);
  });

  it('refuses a bad name or a missing score', () => {
    expect(() => defineAdapter({ name: 'no spaces', inputKind: 'text', output: 'x', score: () => [] })).toThrow(
      expect.objectContaining({ code: 'ADAPTER_INVALID' }),
    );
    expect(() => defineAdapter({ name: 'x', inputKind: 'text', output: 'x' } as never)).toThrow(/"score" must be a function/);
  });
});

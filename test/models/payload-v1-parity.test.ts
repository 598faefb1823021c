import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadedModel } from '../../src/adapter/load-model';
import type { MlRequest } from '../../src/contract/ml-request';
import { payloadItemsV1 } from '../../src/features/payload-v1';
import { loadBundled } from './load-bundled';

/**
 * The bundled payload model against Python: test/fixtures/models/payload-v1/cases.jsonl holds
 * requests, the items training/payload_items.py makes of them and scikit-learn 1.2.1's score
 * (max predict_proba[:,1] over the items), written by training/make_fixtures.py.
 */
interface Case {
  request: { path: string; args: [string, string][]; files: [string, string][]; headers?: [string, string][]; cookies?: [string, string][]; body?: string };
  items: string[];
  score: number;
}

const CASES: Case[] = readFileSync(path.join(__dirname, '..', 'fixtures', 'models', 'payload-v1', 'cases.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line) as Case);

function toRequest(c: Case): MlRequest {
  return { method: 'GET', sizes: [], hour: 3, day: 4, version: 2, ...c.request };
}

describe('payload-v1 (TypeScript) and training/payload_items.py (Python) give the same items', () => {
  it(`on ${CASES.length} requests: every field, long texts, percent escapes, invalid UTF-8, empty requests`, () => {
    expect(CASES.length).toBeGreaterThan(250);
    for (const c of CASES) expect(payloadItemsV1(toRequest(c))).toEqual(c.items);
  });

  it('splits long texts into overlapping 1024-code-point windows and adds percent-decoded forms', () => {
    const long = 'a'.repeat(2000);
    expect(payloadItemsV1({ ...toRequest(CASES[0]), path: '/', args: [['ARGS:q', long]] }).map((s) => s.length)).toEqual([1, 1024, 1024, 208]);
    expect(payloadItemsV1({ ...toRequest(CASES[0]), path: '/', args: [['ARGS:q', '%27 or 1']] })).toEqual(['q', '%27 or 1', "' or 1"]);
  });
});

describe('saved_models/payload-v1 served by the sklearn bridge equals scikit-learn', () => {
  let model: LoadedModel;
  beforeAll(async () => {
    model = await loadBundled('payload-v1');
  });
  afterAll(() => model?.dispose());

  it('scores every fixture request within 1e-9 of Python, in one batch and one by one', async () => {
    const decisions = await model.judgeBatch(CASES.map(toRequest));
    decisions.forEach((d, i) => expect(Math.abs(d.score - CASES[i].score)).toBeLessThan(1e-9));
    for (const c of CASES.slice(0, 20)) expect(Math.abs((await model.judge(toRequest(c))).score - c.score)).toBeLessThan(1e-9);
  });

  it('separates the fixture attacks from the synthetic benign requests', async () => {
    const decisions = await model.judgeBatch(CASES.map(toRequest));
    const attackish = CASES.map((c, i) => ({ c, d: decisions[i] })).filter(({ c }) => c.request.path === '/index.php');
    expect(attackish.length).toBe(29);
    expect(attackish.filter(({ d }) => d.anomaly).length).toBeGreaterThanOrEqual(27);
  });
});

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PythonRandom } from '../../adapters/random/python-random';
import type { AdapterRegistry } from '../../src/adapter/adapter-registry';
import { calibrateCommand, type CalibrateOptions } from '../../src/cli/commands/calibrate';
import { createContainer, TOKENS } from '../../src/container';
import type { ExtractorRegistry } from '../../src/features/extractor-registry';
import { silentLogger } from '../../src/logger';

const ROOT = path.resolve(__dirname, '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'crs-calibrate-'));

function io() {
  const container = createContainer({ logger: silentLogger });
  const out: string[] = [];
  const progress: string[] = [];
  let clock = 0;
  return {
    out,
    progress,
    io: {
      adapters: container.resolve<AdapterRegistry>(TOKENS.AdapterRegistry),
      extractors: container.resolve<ExtractorRegistry>(TOKENS.ExtractorRegistry),
      logger: silentLogger,
      out: (text: string) => void out.push(text),
      progress: (text: string) => void progress.push(text),
      now: () => (clock += 1000), // every chunk is "a second later", so progress is always due
    },
  };
}

function requestsFile(name: string, count: number): string {
  const file = path.join(dir, name);
  const line = (i: number) => JSON.stringify({ method: 'GET', path: `/p/${i}`, args: { 'ARGS:q': `v${i}` }, files: {}, sizes: {}, hour: i % 24, day: 1 + (i % 31) });
  writeFileSync(file, `${Array.from({ length: count }, (_, i) => line(i)).join('\n')}\n`);
  return file;
}

describe('calibrate command on a tiny seeded model (random adapter)', () => {
  const models = path.join(dir, 'random-model');
  mkdirSync(models);
  writeFileSync(path.join(models, 'manifest.json'), JSON.stringify({ adapter: 'random', threshold: -0.313, options: { seed: 1234 } }));
  const options: CalibrateOptions = {
    models,
    benign: requestsFile('benign.jsonl', 300),
    attack: requestsFile('attack.jsonl', 100),
    targetFpr: 0.1,
    chunkSize: 64,
    report: path.join(dir, 'report.html'),
  };

  it('scores benign then attack requests in order, in chunks, with progress', async () => {
    const { io: deps, progress } = io();
    const result = await calibrateCommand(options, deps);
    const random = new PythonRandom(1234);
    const expected = Array.from({ length: 400 }, () => random.randint(-5, 5));
    expect([...result.benign, ...result.attack]).toEqual(expected);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[progress.length - 1]).toBe('scored 400/400 requests (attack)\n');
  });

  it('suggests a threshold within the target false-positive rate and prints the table', async () => {
    const { io: deps, out } = io();
    const result = await calibrateCommand(options, deps);
    expect(result.suggested.falsePositive).toBeLessThanOrEqual(0.1);
    expect(result.anomalyWhen).toBe('below');
    const text = out.join('');
    expect(text).toContain('<- suggested');
    expect(text).toContain(`suggested threshold for false-positive rate <= 10.00%: ${result.suggested.threshold}`);
  });

  it('writes a self-contained HTML report with inline SVG histograms and ROC curves', async () => {
    const { io: deps } = io();
    const result = await calibrateCommand(options, deps);
    const html = readFileSync(options.report!, 'utf8');
    // Histograms, ROC curve, and the zoom into low false-positive rates (current FPR ~45% < 100%).
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html.match(/aria-label="ROC curve"/g)).toHaveLength(2);
    expect(html).not.toMatch(/<script|<link|<img|\ssrc=|href="http/);
    expect(html).toContain(`ROC AUC <b>${result.auc.toFixed(4)}</b>`);
  });

  it('refuses an empty set with a usage error', async () => {
    const { io: deps } = io();
    const empty = path.join(dir, 'empty.jsonl');
    writeFileSync(empty, '\n');
    await expect(calibrateCommand({ ...options, attack: empty }, deps)).rejects.toMatchObject({ code: 'USAGE' });
  });
});

describe('calibrate command on the shipped models and the held-out split', () => {
  const heldOut = (model: string): CalibrateOptions => ({
    models: path.join(ROOT, 'saved_models', model),
    benign: path.join(ROOT, 'examples', 'train', 'heldout', 'benign.jsonl'),
    attack: path.join(ROOT, 'examples', 'train', 'heldout', 'attack.jsonl'),
    targetFpr: 0.01,
    chunkSize: 512,
  });

  it('RandomForest: a threshold that keeps false positives under 1% still detects most attacks', async () => {
    const { io: deps } = io();
    const result = await calibrateCommand(heldOut('rf-waf-v1'), deps);
    expect(result.anomalyWhen).toBe('above');
    expect(result.suggested.falsePositive).toBeLessThanOrEqual(0.01);
    expect(result.suggested.detection).toBeGreaterThan(0.85); // 94.8% when trained (examples/train/REPORT.md)
    expect(result.auc).toBeGreaterThan(0.98);
  });

  it('IsolationForest: unsupervised, scores low for anomalies, better than chance but weak (examples/train/REPORT.md)', async () => {
    const { io: deps } = io();
    const result = await calibrateCommand(heldOut('iforest-waf-v1'), deps);
    expect(result.anomalyWhen).toBe('below');
    expect(result.suggested.falsePositive).toBeLessThanOrEqual(0.01);
    expect(result.auc).toBeGreaterThan(0.7);
  });
});

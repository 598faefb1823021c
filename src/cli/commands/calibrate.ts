import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { AdapterRegistry } from '../../adapter/adapter-registry';
import { loadModel } from '../../adapter/load-model';
import { loadUserAdapters } from '../../adapter/load-user-adapters';
import { readManifest } from '../../adapter/manifest';
import { calibrateScores, scoreRequests, type Calibration } from '../../calibrate/calibrate';
import { renderReportHtml } from '../../calibrate/report-html';
import { formatScore } from '../../calibrate/svg';
import { createContainer, TOKENS } from '../../container';
import type { MlRequest } from '../../contract/ml-request';
import { UsageError } from '../../errors';
import type { ExtractorRegistry } from '../../features/extractor-registry';
import { readRequestLines } from '../../features/read-request-lines';
import type { Logger } from '../../logger';

export interface CalibrateOptions {
  models: string;
  benign: string;
  attack: string;
  targetFpr: number;
  report?: string;
  adapters?: string;
  chunkSize: number;
}

export function register(program: Command): void {
  program
    .command('calibrate')
    .description('score labelled benign and attack requests with a model; suggest the threshold for a target false-positive rate')
    .requiredOption('--models <dir>', 'models directory holding manifest.json')
    .requiredOption('--benign <file>', 'JSON-lines file of benign requests (the `features --input` format)')
    .requiredOption('--attack <file>', 'JSON-lines file of attack requests')
    .addOption(new Option('--target-fpr <rate>', 'false-positive rate to aim for, 0-1').default(0.01).argParser(parseRate))
    .option('--report <file>', 'write a self-contained HTML report (histograms, ROC curve) here')
    .option('--adapters <dir>', 'folder of user adapter files')
    .addOption(new Option('--chunk-size <n>', 'requests per judgeBatch call').default(256).argParser(parseChunk))
    .action(async (options: CalibrateOptions) => {
      const container = createContainer({ logLevel: 'warn' });
      await calibrateCommand(options, {
        adapters: container.resolve<AdapterRegistry>(TOKENS.AdapterRegistry),
        extractors: container.resolve<ExtractorRegistry>(TOKENS.ExtractorRegistry),
        logger: container.resolve<Logger>(TOKENS.Logger),
        out: (text) => process.stdout.write(text),
        progress: (text) => process.stderr.write(text),
      });
    });
}

export interface CalibrateIo {
  readonly adapters: AdapterRegistry;
  readonly extractors: ExtractorRegistry;
  readonly logger: Logger;
  readonly out: (text: string) => void;
  /** Progress lines (stderr in the CLI). */
  readonly progress: (text: string) => void;
  readonly now?: () => number;
}

/** Loads the model, scores both sets, prints the table and writes the report; returns the numbers. */
export async function calibrateCommand(options: CalibrateOptions, io: CalibrateIo): Promise<Calibration> {
  const modelsDir = path.resolve(options.models);
  const manifest = readManifest(modelsDir);
  if (options.adapters !== undefined) loadUserAdapters(options.adapters, io.adapters, io.logger, io.extractors);
  if (manifest.adapters !== undefined) loadUserAdapters(path.resolve(modelsDir, manifest.adapters), io.adapters, io.logger, io.extractors);
  const benign = await readAll(options.benign);
  const attack = await readAll(options.attack);
  if (benign.length === 0 || attack.length === 0) {
    throw new UsageError(`calibration needs requests in both sets; got ${benign.length} benign and ${attack.length} attack requests.`);
  }

  const model = await loadModel({ modelsDir, adapters: io.adapters, extractors: io.extractors, logger: io.logger });
  const now = io.now ?? Date.now;
  const total = benign.length + attack.length;
  let lastReport = now();
  let doneBefore = 0;
  const onProgress = ({ set, done }: { set: string; done: number }) => {
    const t = now();
    if (total > options.chunkSize && (t - lastReport >= 500 || doneBefore + done === total)) {
      io.progress(`scored ${doneBefore + done}/${total} requests (${set})\n`);
      lastReport = t;
    }
  };
  let benignScores: number[];
  let attackScores: number[];
  try {
    benignScores = await scoreRequests(model, benign, { set: 'benign', chunkSize: options.chunkSize, onProgress });
    doneBefore = benign.length;
    attackScores = await scoreRequests(model, attack, { set: 'attack', chunkSize: options.chunkSize, onProgress });
  } finally {
    await model.dispose();
  }

  const calibration = calibrateScores({
    benign: benignScores,
    attack: attackScores,
    anomalyWhen: manifest.anomalyWhen,
    threshold: manifest.threshold,
    targetFpr: options.targetFpr,
  });
  io.out(formatTable(calibration, model.summary));
  if (options.report !== undefined) {
    const html = renderReportHtml(calibration, {
      model: model.summary,
      benignFile: options.benign,
      attackFile: options.attack,
      generatedAt: new Date(now()).toISOString(),
    });
    try {
      writeFileSync(options.report, html);
    } catch (cause) {
      throw new UsageError(`cannot write the report to ${options.report}`, { cause });
    }
    io.out(`report written to ${options.report}\n`);
  }
  return calibration;
}

/** The plain-text summary printed on stdout. */
export function formatTable(c: Calibration, summary: string): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`.padStart(8);
  const side = c.anomalyWhen === 'below' ? '<' : '>';
  const lines = [
    summary,
    `${c.benign.length} benign, ${c.attack.length} attack requests; anomaly when score ${side} threshold; ROC AUC ${c.auc.toFixed(4)}`,
    '',
    `${'threshold'.padStart(14)}  detection  false-pos`,
    ...c.candidates.map((r) => `${formatScore(r.threshold).padStart(14)}  ${pct(r.detection)}   ${pct(r.falsePositive)}${r.threshold === c.suggested.threshold ? '  <- suggested' : ''}`),
    '',
    `current threshold ${formatScore(c.threshold)}: detection ${pct(c.current.detection).trim()}, false positives ${pct(c.current.falsePositive).trim()}`,
    `suggested threshold for false-positive rate <= ${pct(c.targetFpr).trim()}: ${formatScore(c.suggested.threshold)} ` +
      `(detection ${pct(c.suggested.detection).trim()}, false positives ${pct(c.suggested.falsePositive).trim()}); set "threshold" in manifest.json`,
  ];
  return `${lines.join('\n')}\n`;
}

async function readAll(file: string): Promise<MlRequest[]> {
  const requests: MlRequest[] = [];
  for await (const { request } of readRequestLines(file)) requests.push(request);
  return requests;
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (!(rate >= 0 && rate <= 1)) throw new UsageError(`--target-fpr must be a rate between 0 and 1 (0.01 is 1%), got "${value}"`);
  return rate;
}

function parseChunk(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--chunk-size must be a positive integer, got "${value}"`);
  return n;
}

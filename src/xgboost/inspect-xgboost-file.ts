import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { CrsMlError, describeError } from '../errors';
import type { ModelDescription } from '../pickle/inspect-model';
import { Booster } from './booster';
import { describeBoosterBytes } from './describe';

/** `crs-ml-server inspect` of an XGBoost `.json`/`.ubj` file; also its `--json` output. */
export interface XGBoostInspectReport {
  file: string;
  bytes: number;
  sha256: string;
  format: 'xgboost-json' | 'xgboost-ubj';
  loadable: boolean;
  error?: { code: string; message: string };
  models: ModelDescription[];
}

/** Inspects an XGBoost model file; never throws for a bad model (the report says why), only for an unreadable file. */
export function inspectXGBoostFile(filePath: string): XGBoostInspectReport {
  const bytes = readFileSync(filePath);
  const report: XGBoostInspectReport = {
    file: filePath,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    format: extname(filePath).toLowerCase() === '.ubj' ? 'xgboost-ubj' : 'xgboost-json',
    loadable: false,
    models: [],
  };
  try {
    Booster.fromBytes(bytes, basename(filePath));
    report.loadable = true;
    report.models.push(describeBoosterBytes(bytes, basename(filePath)));
  } catch (error) {
    report.error = { code: error instanceof CrsMlError ? error.code : 'INTERNAL', message: describeError(error) };
  }
  return report;
}

/** The report for humans. */
export function formatXGBoostInspectReport(report: XGBoostInspectReport): string {
  const lines = [`file:        ${report.file}`, `size:        ${report.bytes} bytes`, `sha256:      ${report.sha256}`, `format:      ${report.format}`];
  lines.push(report.loadable ? 'verdict:     loadable' : `verdict:     REFUSED [${report.error?.code}] ${report.error?.message}`);
  for (const model of report.models) {
    lines.push(`${model.title}:`);
    for (const [key, value] of Object.entries(model.fields)) lines.push(`  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

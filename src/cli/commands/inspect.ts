import type { Command } from 'commander';
import { UsageError, describeError } from '../../errors';
import { formatInspectReport, inspectModelFile } from '../../pickle/inspect-model';
import { describeXGBoostBoosters, formatXGBoostInspectReport, inspectXGBoostFile, isXGBoostModelFile } from '../../xgboost';

/**
 * `crs-ml-server inspect FILE [--json]`: what a pickle/joblib model file holds, and whether it is
 * loadable, without running anything from it. Exit code 0 when loadable, 2 when refused.
 */
export function register(program: Command): void {
  program
    .command('inspect')
    .description('show what a pickle/joblib (or XGBoost .json/.ubj) model file holds (classes, arrays, globals, verdict) without running it')
    .argument('<file>', 'model file written by pickle.dump or joblib.dump (any compression), or an XGBoost .json/.ubj')
    .option('--json', 'print the report as JSON')
    .option('--items <n>', 'values shown per container before eliding', '5')
    .action((file: string, options: { json?: boolean; items: string }) => {
      process.exitCode = inspectCommand(file, options, (text) => process.stdout.write(text), (text) => process.stderr.write(text));
    });
}

/** Runs inspect; returns the exit code (0 loadable, 2 refused, 1 unreadable file or bad option). */
export function inspectCommand(
  file: string,
  options: { json?: boolean; items?: string },
  out: (text: string) => void,
  err: (text: string) => void,
): number {
  const maxItems = Number(options.items ?? '5');
  if (!Number.isSafeInteger(maxItems) || maxItems < 0) {
    err(`${describeError(new UsageError(`--items must be a non-negative integer, got "${options.items}"`))}\n`);
    return 1;
  }
  if (isXGBoostModelFile(file)) {
    let xgb;
    try {
      xgb = inspectXGBoostFile(file);
    } catch (error) {
      err(`crs-ml-server inspect: cannot read ${file}: ${describeError(error)}\n`);
      return 1;
    }
    out(options.json === true ? `${JSON.stringify(xgb, null, 2)}\n` : formatXGBoostInspectReport(xgb));
    if (!xgb.loadable) err(`refused: [${xgb.error?.code}] ${xgb.error?.message}\n`);
    return xgb.loadable ? 0 : 2;
  }
  let report;
  try {
    report = inspectModelFile(file, { maxItems, describers: [describeXGBoostBoosters] });
  } catch (error) {
    err(`crs-ml-server inspect: cannot read ${file}: ${describeError(error)}\n`);
    return 1;
  }
  out(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatInspectReport(report));
  if (!report.loadable) err(`refused: [${report.error?.code}] ${report.error?.message}\n`);
  return report.loadable ? 0 : 2;
}

import type { Command } from 'commander';
import { UsageError, describeError } from '../../errors';
import { formatInspectReport, inspectModelFileWithValue } from '../../pickle/inspect-model';
import { describeSklearnModel, type EstimatorNode, type SklearnReport } from '../../sklearn/model-report';
import { describeXGBoostBoosters, formatXGBoostInspectReport, inspectXGBoostFile, isXGBoostModelFile } from '../../xgboost';

/**
 * `crs-ml-server inspect FILE [--json] [--key K]`: what a pickle/joblib model file holds, which
 * scikit-learn / numpy / Python wrote it (and whether that scikit-learn version is verified), every
 * estimator inside, and whether it is loadable, without running anything from it. Exit code 0 when
 * loadable, 2 when refused.
 */
export function register(program: Command): void {
  program
    .command('inspect')
    .description('show what a pickle/joblib (or XGBoost .json/.ubj) model file holds (versions, estimators, classes, arrays, globals, verdict) without running it')
    .argument('<file>', 'model file written by pickle.dump or joblib.dump (any compression), or an XGBoost .json/.ubj')
    .option('--json', 'print the report as JSON')
    .option('--items <n>', 'values shown per container before eliding', '5')
    .option('--key <key>', "the dict key (or tuple index) holding the estimator, as eval --key and the manifest's \"key\"")
    .action((file: string, options: InspectOptions) => {
      process.exitCode = inspectCommand(file, options, (text) => process.stdout.write(text), (text) => process.stderr.write(text));
    });
}

export interface InspectOptions {
  json?: boolean;
  items?: string;
  key?: string;
}

/** Runs inspect; returns the exit code (0 loadable, 2 refused, 1 unreadable file or bad option). */
export function inspectCommand(file: string, options: InspectOptions, out: (text: string) => void, err: (text: string) => void): number {
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
  let inspected;
  try {
    inspected = inspectModelFileWithValue(file, { maxItems, describers: [describeXGBoostBoosters] });
  } catch (error) {
    err(`crs-ml-server inspect: cannot read ${file}: ${describeError(error)}\n`);
    return 1;
  }
  const { report, value } = inspected;
  const sklearn = value === undefined ? undefined : describeSklearnModel(value, options.key);
  if (options.json === true) {
    out(`${JSON.stringify({ ...report, ...(sklearn === undefined ? {} : { sklearn }) }, null, 2)}\n`);
  } else {
    out(formatInspectReport(report, sklearn === undefined ? {} : { sklearnLine: sklearnLine(sklearn), afterVerdict: sklearnLines(sklearn) }));
  }
  if (!report.loadable) err(`refused: [${report.error?.code}] ${report.error?.message}\n`);
  return report.loadable ? 0 : 2;
}

function sklearnLine(sklearn: SklearnReport): string {
  const others = sklearn.versionsInFile.filter((v) => v !== sklearn.version);
  const verified = `verified: ${sklearn.verifiedVersions.map((v) => `${v}.x`).join(', ')}`;
  return (
    `sklearn:     ${sklearn.version ?? '(no _sklearn_version)'} - ${sklearn.verified ? 'verified' : `NOT verified, ${sklearn.status}`} (${verified})` +
    (others.length > 0 ? `; the file also holds parts saved by ${others.join(', ')}` : '')
  );
}

function sklearnLines(sklearn: SklearnReport): string[] {
  const lines = [
    sklearn.evaluable
      ? `evaluable:   yes: ${sklearn.methods?.join(', ')}${sklearn.nFeaturesIn === undefined ? '' : ` on ${sklearn.nFeaturesIn} features`}`
      : `evaluable:   no: [${sklearn.error?.code}] ${sklearn.error?.message}`,
  ];
  if (sklearn.estimators.length > 0) {
    lines.push('estimators:');
    const walk = (nodes: readonly EstimatorNode[], indent: string): void => {
      for (const node of nodes) {
        const where = node.at === '' ? '' : `${node.at}: `;
        const count = node.count === undefined ? '' : ` x${node.count}`;
        const version = node.sklearnVersion === undefined || node.sklearnVersion === sklearn.version ? '' : ` (sklearn ${node.sklearnVersion})`;
        lines.push(`${indent}${where}${node.class}${count}${version}`);
        walk(node.children, `${indent}  `);
      }
    };
    walk(sklearn.estimators, '  ');
  }
  return lines;
}

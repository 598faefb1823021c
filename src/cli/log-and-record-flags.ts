import { Option, type Command } from 'commander';
import { UsageError } from '../errors';
import { LOG_FORMATS, type Logger, type LogFormat } from '../logger';
import { DEFAULT_RECORD_MAX_BYTES, DEFAULT_RECORD_RATE, DEFAULT_REDACT, Recorder } from '../recording/recording';

/** The `serve` flags for log format and request recording (docs/logging-and-recording.md). */
export interface LogAndRecordOptions {
  readonly logFormat?: LogFormat;
  readonly record?: string;
  readonly recordRate?: number;
  readonly recordRedact?: readonly string[];
  readonly recordMaxBytes?: number;
}

/** Adds `--log-format`, `--record`, `--record-rate`, `--record-redact` and `--record-max-bytes` to `command`. */
export function addLogAndRecordOptions(command: Command): Command {
  return command
    .addOption(new Option('--log-format <format>', 'json (one object per line) or pretty (for a terminal)').choices(LOG_FORMATS).default('json').env('CRS_ML_LOG_FORMAT'))
    .addOption(new Option('--record <file>', 'append a sample of scored requests with their scores to this JSON-lines file').env('CRS_ML_RECORD'))
    .addOption(new Option('--record-rate <fraction>', 'fraction of scored requests recorded, 0-1').default(DEFAULT_RECORD_RATE).env('CRS_ML_RECORD_RATE').argParser(parseRate))
    .addOption(
      new Option('--record-redact <names>', `comma-separated arg/header/cookie names whose values are recorded as [redacted] (default: ${DEFAULT_REDACT.join(',')})`)
        .env('CRS_ML_RECORD_REDACT')
        .argParser(parseNames),
    )
    .addOption(
      new Option('--record-max-bytes <n>', 'rotate the record file to FILE.1 at this size')
        .default(DEFAULT_RECORD_MAX_BYTES)
        .env('CRS_ML_RECORD_MAX_BYTES')
        .argParser(parseBytes),
    );
}

/**
 * The recorder `--record` asks for, or undefined without it.
 *
 * @throws RecordingError when the file cannot be opened
 */
export function createRecorder(options: LogAndRecordOptions, logger: Logger): Recorder | undefined {
  if (options.record === undefined) return undefined;
  const recorder = new Recorder(
    { file: options.record, rate: options.recordRate, redact: options.recordRedact, maxBytes: options.recordMaxBytes },
    logger,
  );
  process.once('exit', () => recorder.flushSync());
  logger.info(`recording ${(options.recordRate ?? DEFAULT_RECORD_RATE) * 100}% of scored requests to ${options.record}`);
  return recorder;
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (value.trim() === '' || !(rate >= 0 && rate <= 1)) throw new UsageError(`--record-rate must be a fraction from 0 to 1 (0.01 records 1 %), got "${value}"`);
  return rate;
}

function parseNames(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function parseBytes(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--record-max-bytes must be a positive number of bytes, got "${value}"`);
  return n;
}

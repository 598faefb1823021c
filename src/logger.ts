import pino, { type DestinationStream } from 'pino';
import { prettyFactory } from 'pino-pretty';

/** Log levels, most to least severe. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `json`: one JSON object per line (for log shippers); `pretty`: coloured lines for a terminal. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Structured fields added to a line, e.g. `{ reqId: 7, status: 401, score: -2 }`. */
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /**
   * Whether lines at `level` are written. Hot paths ask before building fields for a line nobody
   * reads; a logger without it is treated as writing every level.
   */
  isLevelEnabled?(level: LogLevel): boolean;
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly format?: LogFormat;
  /** Where lines go; default stderr, so stdout stays clean for commands that print data. */
  readonly write?: (line: string) => void;
}

/**
 * A pino logger behind the {@link Logger} interface: `{"level":"info","time":"2026-12-05T14:00:00.000Z",
 * "pid":123,"hostname":"h","msg":"...",...fields}` per line (format `json`), or pino-pretty's
 * human form (format `pretty`). Lines below `level` cost one call to a no-op; pino writes to stderr
 * synchronously (see stderrDestination). See docs/logging-and-recording.md.
 *
 * @param level the least severe level written (default `info`)
 * @param options format and destination; a function is taken as `write` (the pre-pino signature)
 */
export function createLogger(level: LogLevel = 'info', options: LoggerOptions | ((line: string) => void) = {}): Logger {
  const { format = 'json', write } = typeof options === 'function' ? { write: options } : options;
  const out = write ?? ((line: string) => void process.stderr.write(line));
  let destination: DestinationStream;
  if (format === 'pretty') {
    const prettify = prettyFactory({ colorize: write === undefined && process.stderr.isTTY === true });
    destination = { write: (line) => out(prettify(line)) };
  } else destination = write === undefined ? stderrDestination() : { write };
  const log = pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names, not pino's numbers: `"level":"warn"` is what people grep for.
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const at =
    (lineLevel: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      if (fields === undefined) log[lineLevel](message);
      else log[lineLevel](fields, message);
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    isLevelEnabled: (lineLevel) => log.isLevelEnabled(lineLevel),
  };
}

let stderr: DestinationStream | undefined;
/**
 * One stderr stream for every logger of the process. Synchronous, like Node's own stderr on a pipe:
 * an asynchronous one must be flushed at exit, and that flush can block forever on a pipe whose
 * reader waits for the exit (spawnSync, a supervisor). At info level a request logs nothing, so
 * the hot path does not pay for it.
 */
function stderrDestination(): DestinationStream {
  stderr ??= pino.destination({ dest: 2, sync: true });
  return stderr;
}

/** A logger that drops everything (tests, embedding). */
export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {}, isLevelEnabled: () => false };

/** Whether `logger` writes lines at `level` (true for loggers that cannot tell). */
export function logsAt(logger: Logger, level: LogLevel): boolean {
  return logger.isLevelEnabled?.(level) ?? true;
}

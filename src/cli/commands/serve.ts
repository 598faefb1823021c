import cluster from 'node:cluster';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { createContainer, TOKENS } from '../../container';
import { UsageError } from '../../errors';
import { LOG_LEVELS, type Logger, type LogLevel } from '../../logger';
import { parseWorkers, runPrimary } from '../../workers/cluster-primary';
import { DEFAULT_SHUTDOWN_GRACE_MS } from '../../lifecycle/drain';
import { addLogAndRecordOptions, createRecorder, type LogAndRecordOptions } from '../log-and-record-flags';
import type { AdminAccess } from '../../admin/ops-listener';
import { startServerProcess, type ServerProcess } from '../../lifecycle/server-process';
import { DEFAULT_MAX_BODY_BYTES } from '../../server/create-app';
import { DEFAULT_BODY_TIMEOUT_MS } from '../../server/read-body';
import { resolveModelsDir } from '../resolve-models-dir';

export interface ServeOptions extends LogAndRecordOptions {
  /** Undefined: ./saved_models, else the bundled default (resolve-models-dir.ts). */
  models?: string;
  adapters?: string;
  host: string;
  port: number;
  /** Listen on this Unix domain socket instead of host:port (the plugin's `unix:/path` URL). */
  socket?: string;
  logLevel: LogLevel;
  maxBodyBytes: number;
  bodyTimeoutMs?: number;
  shutdownGraceMs?: number;
  /** The model's name in logs and OIP URLs (KServe passes the InferenceService's name). */
  modelName?: string;
  /** Number of worker processes (`--workers N|auto`); 1 serves from this process. */
  workers?: number;
  /** `POST /admin/reload`: `off` (default) or `loopback`; `--admin-token` opens it to token holders. */
  admin?: 'off' | 'loopback';
  adminToken?: string;
  watch?: boolean;
}

/** The `serve` flags; each also reads the environment variable named beside it. */
export function register(program: Command): void {
  const command = program
    .command('serve', { isDefault: true })
    .description('serve the model of a models directory to the Lua client (the default command)')
    .addOption(new Option('--models <dir>', 'models directory holding manifest.json (default: ./saved_models, else the bundled default)').env('CRS_ML_MODELS'))
    .addOption(new Option('--adapters <dir>', 'folder (or file) of user adapters: .js, or .ts transpiled at load (docs/sdk.md)').env('CRS_ML_ADAPTERS'))
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1').env('CRS_ML_HOST'))
    .addOption(new Option('--port <port>', 'port to listen on').default(5000).env('CRS_ML_PORT').argParser(parsePort))
    .addOption(new Option('--socket <path>', 'listen on a Unix domain socket instead of --host/--port (plugin: ml_server_url unix:<path>)').env('CRS_ML_SOCKET'))
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info').env('CRS_ML_LOG_LEVEL'))
    .addOption(intOption('--max-body-bytes <n>', 'largest POST body accepted, as sent and decompressed (413 beyond)', DEFAULT_MAX_BODY_BYTES, 'CRS_ML_MAX_BODY_BYTES'))
    .addOption(intOption('--body-timeout-ms <ms>', 'time a client has to send its body after the headers (408 beyond)', DEFAULT_BODY_TIMEOUT_MS, 'CRS_ML_BODY_TIMEOUT_MS'))
    .addOption(intOption('--shutdown-grace-ms <ms>', 'on SIGTERM/SIGINT, time in-flight requests get to finish (exit 2 if cut off)', DEFAULT_SHUTDOWN_GRACE_MS, 'CRS_ML_SHUTDOWN_GRACE_MS'))
    .addOption(new Option('--model-name <name>', "the model's name in logs and OIP URLs (default: the manifest's name, else the folder's)").env('CRS_ML_MODEL_NAME'))
    .addOption(new Option('--workers <n>', 'worker processes behind one port: a number or "auto" (one per core)').default(1).env('CRS_ML_WORKERS').argParser(parseWorkers))
    .addOption(new Option('--admin <who>', 'who may POST /admin/reload').choices(['off', 'loopback']).default('off').env('CRS_ML_ADMIN'))
    .addOption(new Option('--admin-token <token>', 'open POST /admin/reload to "Authorization: Bearer <token>"').env('CRS_ML_ADMIN_TOKEN'))
    .addOption(new Option('--watch', 'reload the model when files in the models directory change').env('CRS_ML_WATCH'));
  addLogAndRecordOptions(command).action(async (options: ServeOptions) => {
    await serve(options);
  });
}

/**
 * Serves until a stop signal: one process, or with `--workers N` a primary and N workers
 * (src/lifecycle/, src/workers/). Resolves once serving (undefined for the primary); rejects when the model cannot
 * be loaded.
 */
export async function serve(options: ServeOptions): Promise<ServerProcess | undefined> {
  const container = createContainer({ logLevel: options.logLevel, logFormat: options.logFormat });
  const logger = container.resolve<Logger>(TOKENS.Logger);
  const shutdownGraceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  if ((options.workers ?? 1) > 1 && cluster.isPrimary) {
    if (options.socket !== undefined) throw new UsageError('--workers and --socket cannot be combined yet: use --host/--port with --workers');
    await runPrimary({
      workers: options.workers!,
      exec: path.join(__dirname, '..', `serve-worker${path.extname(__filename)}`),
      env: { CRS_ML_WORKER_OPTIONS: JSON.stringify(options) },
      host: options.host,
      shutdownGraceMs,
      logger,
    });
    return undefined;
  }
  const models = resolveModelsDir(options.models);
  const recorder = createRecorder(options, logger);
  return startServerProcess({
    modelsDir: models.dir,
    modelName: options.modelName,
    note: models.bundled ? models.note : undefined,
    adapters: options.adapters,
    host: options.host,
    port: options.port,
    socket: options.socket,
    maxBodyBytes: options.maxBodyBytes,
    bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
    shutdownGraceMs,
    admin: adminAccess(options),
    watch: options.watch === true,
    app: recorder === undefined ? undefined : { onScored: recorder.record.bind(recorder) },
    onStopped: recorder === undefined ? undefined : () => recorder.close(),
    logger,
  });
}

function adminAccess(options: ServeOptions): AdminAccess {
  if (options.adminToken !== undefined && options.adminToken !== '') return { kind: 'token', token: options.adminToken };
  return options.admin === 'loopback' ? { kind: 'loopback' } : { kind: 'off' };
}

function intOption(flags: string, description: string, defaultValue: number, env: string): Option {
  return new Option(flags, description).default(defaultValue).env(env).argParser(parsePositiveInt);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got "${value}"`);
  return port;
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`expected a positive integer, got "${value}"`);
  return n;
}

import { chmodSync, statSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { loadUserAdapters } from '../../adapter/load-user-adapters';
import { loadModel, type LoadedModel } from '../../adapter/load-model';
import type { AdapterRegistry } from '../../adapter/adapter-registry';
import { readManifest } from '../../adapter/manifest';
import { createContainer, TOKENS } from '../../container';
import { UsageError, describeError } from '../../errors';
import type { ExtractorRegistry } from '../../features/extractor-registry';
import { LOG_LEVELS, type Logger, type LogLevel } from '../../logger';
import { addLogAndRecordOptions, createRecorder, type LogAndRecordOptions } from '../../ops/log-and-record-flags';
import { resolveModelsDir } from '../resolve-models-dir';
import { DEFAULT_MAX_BODY_BYTES } from '../../server/create-app';
import { createRequestListener } from '../../server/create-request-listener';

export interface ServeOptions extends LogAndRecordOptions {
  /** Undefined: ./saved_models, else the bundled default (resolve-models-dir.ts). */
  models?: string;
  adapters?: string;
  host: string;
  port: number;
  logLevel: LogLevel;
  maxBodyBytes: number;
  modelName?: string;
  /** Listen on this Unix domain socket instead of host:port (the plugin's `unix:/path` URL). */
  socket?: string;
}

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
    .addOption(
      new Option('--max-body-bytes <n>', 'largest POST body accepted (413 beyond)')
        .default(DEFAULT_MAX_BODY_BYTES)
        .env('CRS_ML_MAX_BODY_BYTES')
        .argParser(parsePositiveInt),
    )
    .addOption(new Option('--model-name <name>', "the model's name in logs and OIP URLs (default: the manifest's name, else the folder's)").env('CRS_ML_MODEL_NAME'));
  addLogAndRecordOptions(command).action(async (options: ServeOptions) => {
    await serve(options);
  });
}

/**
 * Starts listening at once (GET / answers 503 until the model is ready), loads the model, and
 * stops the process with a clear message when the model cannot be loaded.
 */
export async function serve(options: ServeOptions): Promise<{ server: Server; model: LoadedModel }> {
  const container = createContainer({ logLevel: options.logLevel, logFormat: options.logFormat });
  const logger = container.resolve<Logger>(TOKENS.Logger);
  const adapters = container.resolve<AdapterRegistry>(TOKENS.AdapterRegistry);
  const extractors = container.resolve<ExtractorRegistry>(TOKENS.ExtractorRegistry);

  const models = resolveModelsDir(options.models);
  let model: LoadedModel | undefined;
  const recorder = createRecorder(options, logger);
  const onScored = recorder && recorder.record.bind(recorder);
  const listener = createRequestListener({ model: () => model, logger, maxBodyBytes: options.maxBodyBytes, onScored });
  const server = await listen(createServer(listener), options.socket ?? options.host, options.port);

  try {
    const modelsDir = models.dir;
    const manifest = readManifest(modelsDir);
    if (options.adapters !== undefined) loadUserAdapters(options.adapters, adapters, logger, extractors);
    if (manifest.adapters !== undefined) loadUserAdapters(path.resolve(modelsDir, manifest.adapters), adapters, logger, extractors);
    model = await loadModel({ modelsDir, adapters, extractors, logger, name: options.modelName });
  } catch (error) {
    server.close();
    throw error;
  }
  const where = options.socket === undefined ? `http://${options.host}:${addressPort(server)}/` : `unix:${options.socket}`;
  logger.info(`serving ${model.summary} on ${where}${models.bundled ? `: ${models.note}` : ''}`);

  const shutdown = (signal: string) => {
    logger.info(`${signal} received, closing`);
    server.close(() => void model?.dispose().finally(() => process.exit(0)));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  return { server, model };
}

/** Listens on host:port, or on a Unix socket path when `where` starts with "/" or ".". */
function listen(server: Server, where: string, port: number): Promise<Server> {
  const unixPath = /^[./]/.test(where) ? where : undefined;
  if (unixPath !== undefined) removeStaleSocket(unixPath);
  return new Promise((resolve, reject) => {
    if (unixPath !== undefined) server.listen(unixPath);
    else server.listen(port, where);
    server.once('listening', () => {
      // The WAF's workers run as another user (www-data): let them connect; the folder restricts access.
      if (unixPath !== undefined) chmodSync(unixPath, 0o666);
      resolve(server);
    });
    const what = unixPath ?? `${where}:${port}`;
    server.once('error', (error) => reject(new UsageError(`cannot listen on ${what}: ${describeError(error)}`, { cause: error })));
    server.keepAliveTimeout = 65_000;
  });
}

/** A socket file left behind (a crashed server leaves it) makes listen fail with EADDRINUSE: replace it, as gunicorn does. */
function removeStaleSocket(socketPath: string): void {
  try {
    if (statSync(socketPath).isSocket()) unlinkSync(socketPath);
  } catch {
    // absent: nothing to remove; anything else is reported by listen()
  }
}

function addressPort(server: Server): number | string {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : String(address);
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

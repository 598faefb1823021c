import cluster from 'node:cluster';
import { watch, type FSWatcher } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { AggregatorRegistry } from 'prom-client';
import type { LoadedModel } from '../adapter/load-model';
import { UsageError, describeError } from '../errors';
import type { Logger } from '../logger';
import type { AppOptions } from '../server/create-app';
import { createRequestListener } from '../server/create-request-listener';
import { askPrimary, EXIT_GRACE_EXCEEDED, isOurs, type PrimaryToWorker, type WorkerToPrimary } from '../workers/cluster-ipc';
import { Drain } from './drain';
import { listenTcp, listenUnix } from './listen';
import { loadServedModel } from '../reload/load-served-model';
import { ServerMetrics } from '../metrics/metrics';
import { ModelHolder, type ReloadOutcome } from '../reload/model-holder';
import { createOpsListener, type AdminAccess } from '../admin/ops-listener';

export interface ServerProcessOptions {
  readonly modelsDir: string;
  /** Overrides the manifest's `name` (`--model-name`). */
  readonly modelName?: string;
  /** Said at the end of the startup line (e.g. that the bundled default models are served). */
  readonly note?: string;
  /** Listen on this Unix domain socket instead of host:port (`--socket`). */
  readonly socket?: string;
  readonly adapters?: string;
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly bodyTimeoutMs: number;
  readonly shutdownGraceMs: number;
  readonly admin: AdminAccess;
  /** Reload when files in the models folder change. */
  readonly watch: boolean;
  readonly logger: Logger;
  /** Ends the process (default `process.exit`); tests pass their own. */
  readonly exit?: (code: number) => void;
  /** Options of the contract's listener other engineers' flags add (recording, ...). */
  readonly app?: Partial<AppOptions>;
  /** Instead of `node:http`'s createServer (e.g. another transport). */
  readonly createServer?: (listener: RequestListener) => Server;
  /** Listens (default: the Unix socket, else TCP host:port). */
  readonly listen?: (server: Server) => Promise<void>;
  /** Runs after the drain, before exit (flushes the recording). */
  readonly onStopped?: () => Promise<void>;
}

/** A running server process and its handles. */
export interface ServerProcess {
  readonly server: Server;
  /** The first model loaded (the holder has the current one). */
  readonly model: LoadedModel;
  readonly holder: ModelHolder;
  readonly metrics: ServerMetrics;
  /** Drains (stop accepting, answer in-flight, close idle) and resolves to the exit code. */
  shutdown(reason: string): Promise<number>;
  /** Removes the signal handlers and the watcher (tests, embedding). */
  detach(): void;
}

/**
 * One serving process: listens at once (`GET /` answers 503 until the model is ready), loads the
 * model, then serves until SIGTERM/SIGINT (drain, exit 0, or 2 if the grace period cut requests
 * off). SIGHUP reloads. Under `--workers` the same code runs in each worker, and reloads, metrics
 * and shutdown go through the primary (src/workers/cluster-primary.ts).
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const inWorker = cluster.isWorker;
  const metrics = new ServerMetrics({ worker: inWorker ? String(cluster.worker!.id) : undefined });
  const holder = new ModelHolder({
    load: () => loadServedModel({ modelsDir: options.modelsDir, adapters: options.adapters, name: options.modelName, logger }),
    modelsDir: options.modelsDir,
    logger,
    metrics,
  });
  const contract = createRequestListener({
    model: () => holder.current,
    logger,
    maxBodyBytes: options.maxBodyBytes,
    bodyTimeoutMs: options.bodyTimeoutMs,
    onError: (error) => metrics.refused(error),
    ...options.app,
  });
  const drain = new Drain();
  const listener = createOpsListener(contract, {
    drain,
    admin: options.admin,
    reload: inWorker ? () => askPrimary<ReloadOutcome[]>('reload') : async () => [await holder.reload()],
    metrics: inWorker ? async () => ({ contentType: AggregatorRegistry.PROMETHEUS_CONTENT_TYPE, text: await askPrimary<string>('metrics') }) : () => metrics.expose(),
  });
  const server = (options.createServer ?? createServer)(listener);
  drain.attach(server);
  // A request's headers must arrive within this; its body within --body-timeout-ms (src/server/read-body.ts).
  server.headersTimeout = 20_000;
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  if (inWorker) {
    new AggregatorRegistry(); // answers the primary's metric requests
    AggregatorRegistry.setRegistries([metrics.registry]);
  }
  const listen = options.listen ?? ((s: Server) => (options.socket === undefined ? listenTcp(s, options.host, options.port) : listenUnix(s, options.socket)));
  await listen(server);

  let stopping: Promise<number> | undefined;
  const shutdown = (reason: string): Promise<number> => {
    stopping ??= (async () => {
      logger.info(`${reason}: draining (stop accepting, answer in-flight requests, grace ${options.shutdownGraceMs} ms)`);
      const report = await drain.drain(options.shutdownGraceMs);
      await holder.dispose();
      await options.onStopped?.();
      const code = report.cutOff > 0 ? EXIT_GRACE_EXCEEDED : 0;
      const line =
        `stopped: ${report.cutOff} request(s) cut off by the grace period, ${report.idleClosed} idle keep-alive and ` +
        `${report.silentClosed} silent connection(s) closed`;
      if (code === 0) logger.info(line);
      else logger.warn(`${line}; raise --shutdown-grace-ms`);
      return code;
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => void shutdown(signal).then(exit);
  const onHangUp = () => {
    // Under --workers the primary relays SIGHUP to every worker; a worker ignores its own copy.
    if (inWorker) return logger.debug('SIGHUP ignored in a worker: the primary reloads every worker');
    logger.info('SIGHUP: reloading the model');
    void holder.reload();
  };
  const onMessage = (message: unknown) => {
    if (!isOurs(message)) return;
    const command = message as PrimaryToWorker;
    if (command.type === 'crs-ml:shutdown') onSignal(command.signal as NodeJS.Signals);
    if (command.type === 'crs-ml:reload') {
      void holder.reload().then((outcome) => process.send?.({ type: 'crs-ml:reloaded', id: command.id, outcome } satisfies WorkerToPrimary));
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHangUp);
  if (inWorker) process.on('message', onMessage);
  let watcher: FSWatcher | undefined;
  const detach = () => {
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGHUP', onHangUp);
    process.removeListener('message', onMessage);
    watcher?.close();
  };

  let model: LoadedModel;
  try {
    model = await holder.start();
  } catch (error) {
    detach();
    server.close();
    server.closeAllConnections();
    throw error;
  }
  if (stopping !== undefined) {
    logger.info('the model finished loading after a stop signal; not serving it');
  } else {
    const port = addressPort(server);
    if (inWorker) process.send?.({ type: 'crs-ml:ready', summary: model.summary, port } satisfies WorkerToPrimary);
    else {
      const where = options.socket === undefined ? `http://${options.host}:${port}/` : `unix:${options.socket}`;
      logger.info(`serving ${model.summary} on ${where}${options.note === undefined ? '' : `: ${options.note}`}`);
    }
  }
  if (options.watch && !inWorker) watcher = watchModels(options.modelsDir, holder, logger);
  return { server, model, holder, metrics, shutdown, detach };
}

/** `--watch`: reload when something in the models folder changes, once things settle (300 ms). */
export function watchModels(modelsDir: string, holder: { reload(): Promise<unknown> }, logger: Logger): FSWatcher {
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(modelsDir, { persistent: false }, (_event, file) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      logger.info(`${file ?? 'a file'} changed in ${modelsDir}: reloading the model`);
      void holder.reload();
    }, 300);
  });
  watcher.on('error', (error) => logger.warn(`--watch stopped: ${describeError(error)}`));
  return watcher;
}

export function addressPort(server: Server): number | string {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : String(address);
}

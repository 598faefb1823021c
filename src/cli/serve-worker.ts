/**
 * Entry point of a `--workers` worker process (node:cluster forks it). The primary passes the
 * parsed `serve` options in CRS_ML_WORKER_OPTIONS, so a worker serves exactly what a single
 * process would.
 */
import 'reflect-metadata';
import { describeError } from '../errors';
import { serve, type ServeOptions } from './commands/serve';

const options = JSON.parse(process.env.CRS_ML_WORKER_OPTIONS ?? '{}') as ServeOptions;
serve(options).catch((error: unknown) => {
  process.stderr.write(`crs-ml-server worker ${process.pid}: ${describeError(error)}\n`);
  process.exit(1);
});

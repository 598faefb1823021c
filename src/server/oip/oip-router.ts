import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { LoadedModel } from '../../adapter/load-model';
import { CrsMlError, describeError } from '../../errors';
import type { Logger } from '../../logger';
import { OipModelNotFoundError } from '../../oip/errors';
import type { OipErrorResponse, ServerMetadataResponse } from '../../oip/protocol';
import { statusOfError } from '../error-status';
import { OFF_THREAD_MIN_BYTES, parseJsonOffThread } from '../parse-off-thread';
import { readBody, type BodyLimits } from '../read-body';
import { inferenceRequestOf, parseInferenceRequest } from './inference-request.dto';
import { infer } from './infer';
import { modelMetadata } from './model-metadata';

export interface OipRouterOptions {
  /** The model to serve; `undefined` while loading (ready endpoints answer 503 then). */
  readonly model: () => LoadedModel | undefined;
  readonly logger: Logger;
  /** The same bounds as `POST /`'s: bytes (413), Content-Encoding (decoded), time (408). */
  readonly limits: BodyLimits;
}

/**
 * The Open Inference Protocol v2 front door (REST), beside the Lua contract: health, server and
 * model metadata, and inference, for KServe, Triton clients and a second crs-ml-server's `oip`
 * adapter. Shares `LoadedModel.judgeBatch` with `POST /`, so both doors give the same verdicts.
 * Every error answers `{"error": "..."}` (400 bad request, 404 unknown model, 503 not ready), as
 * KServe's own model server does. See docs/oip.md.
 */
export function createOipRouter(options: OipRouterOptions): Router {
  const router = express.Router({ caseSensitive: true, strict: false });
  const server: ServerMetadataResponse = { name: 'crs-ml-server', version: packageVersion(), extensions: [] };

  router.get('/v2/health/live', (_req, res) => void res.status(200).json({ live: true }));
  router.get('/v2/health/ready', (_req, res) => {
    if (options.model() === undefined) return void sendError(res, 503, 'the model is loading');
    res.status(200).json({ ready: true });
  });
  router.get('/v2', (_req, res) => void res.status(200).json(server));

  const MODEL = '/v2/models/:name{/versions/:version}';
  router.get(MODEL, (req, res) => {
    res.status(200).json(modelMetadata(servedModel(options, req)));
  });
  router.get(`${MODEL}/ready`, (req, res) => {
    const model = servedModel(options, req);
    res.status(200).json({ name: model.name, ready: true });
  });
  router.post(`${MODEL}/infer`, async (req, res) => {
    // Read as POST /'s bodies are: a big one lands in a buffer of its own, which the parsing thread takes without a copy.
    const body = await readBody(req, options.limits);
    const model = servedModel(options, req);
    // JSON.parse of a 4 MiB batch held the event loop 40-80 ms: a big body is parsed on the parsing thread.
    const request = body.length > OFF_THREAD_MIN_BYTES ? inferenceRequestOf(await parseJsonOffThread(body)) : parseInferenceRequest(body);
    res.status(200).json(await infer(model, request));
  });
  router.all(/^\/v2(\/.*)?$/, (req, res) => sendError(res, 404, `no such OIP v2 endpoint: ${req.method} ${req.path}`));

  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!req.path.startsWith('/v2')) return next(error);
    if (res.headersSent) return;
    const status = error instanceof NotReady ? 503 : statusOfError(error);
    if (status >= 500 && !(error instanceof NotReady)) options.logger.error(`OIP ${req.method} ${req.path} failed: ${describeError(error)}`);
    else options.logger.debug(`OIP ${req.method} ${req.path} refused (${status}): ${describeError(error)}`);
    sendError(res, status, error instanceof CrsMlError || error instanceof NotReady ? error.message : 'internal error; see the server log');
  });
  return router;
}

/** The model named in the URL, or the error that says why it cannot be used. */
function servedModel(options: OipRouterOptions, req: Request): LoadedModel {
  const model = options.model();
  if (model === undefined) throw new NotReady('the model is loading');
  const { name, version } = req.params as { name: string; version?: string };
  if (name !== model.name) throw new OipModelNotFoundError(`model "${name}" is not served here; this server serves "${model.name}".`);
  if (version !== undefined) {
    throw new OipModelNotFoundError(`model "${name}" has no versions; use /v2/models/${model.name} without /versions/${version}.`);
  }
  return model;
}

class NotReady extends Error {}

function sendError(res: Response, status: number, message: string): void {
  const body: OipErrorResponse = { error: message.split('\n', 1)[0] };
  res.status(status).json(body);
}


let version: string | undefined;
/** This package's version, from the nearest package.json above this file (src/ or dist/src/). */
function packageVersion(): string {
  if (version !== undefined) return version;
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'crs-ml-server' && typeof pkg.version === 'string') return (version = pkg.version);
    } catch {
      // not here: keep walking up
    }
  }
  return (version = 'unknown');
}

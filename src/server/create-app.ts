import express, { type NextFunction, type Request, type Response } from 'express';
import { decisionRuleOf } from '../adapter/decision-rule';
import type { LoadedModel } from '../adapter/load-model';
import { RequestFormatError, RequestTooLargeError } from '../errors';
import type { Logger } from '../logger';
import { errorAnswer, healthAnswer, LOADING, scoreAnswer, type TextAnswer } from './answer';

/** Default request body limit; ModSecurity's own default SecRequestBodyLimit is 13 MB. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface AppOptions {
  /** The model to serve; `undefined` while it is still loading (GET / answers 503 then). */
  readonly model: () => LoadedModel | undefined;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
}

/**
 * Builds the express app speaking the Lua client's contract (docs/contract.md). It never listens:
 * the `serve` command and the tests decide where it runs. `createRequestListener` puts a fast
 * path for the two hot routes in front of it.
 *
 * - `GET /`  -> `200 Service is up` once the model is loaded, `503` before.
 * - `POST /` -> `200 score=<n>` (pass), `401 score=<n>` (anomaly), `400 <reason>` (bad body),
 *   `413` (body over the limit).
 * - `GET /info` -> the adapter's description, the decision rule (the manifest's threshold, or the
 *   adapter's own `decide`) and the manifest, as JSON.
 */
export function createApp(options: AppOptions): express.Express {
  const { logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.get('/', (_req, res) => send(res, healthAnswer(options.model())));

  app.get('/info', (_req, res) => {
    const model = options.model();
    if (model === undefined) return send(res, LOADING);
    const decision = decisionRuleOf(model.adapter, model.manifest);
    res.status(200).json({ summary: model.summary, adapter: model.adapter.describe(), decision, manifest: model.manifest });
  });

  app.post('/', express.raw({ type: () => true, limit: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES }), async (req: Request, res: Response) => {
    // express.raw leaves `{}` when there was no body at all.
    const body: Uint8Array = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    send(res, await scoreAnswer(options.model(), body, logger));
  });

  app.use((_req: Request, res: Response) => send(res, { status: 404, text: 'Not found: use GET / or POST /' }));

  // Body-reading failures (size limit, aborted upload, bad content-encoding) land here.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (!res.headersSent) send(res, errorAnswer(fromBodyParserError(error), logger));
  });

  return app;
}

/** body-parser's errors carry `type`; turn the ones a client causes into our typed errors. */
function fromBodyParserError(error: unknown): unknown {
  const type = (error as { type?: string } | null)?.type;
  if (type === 'entity.too.large') {
    const limit = (error as { limit?: number }).limit;
    return new RequestTooLargeError(`the body is larger than the server's limit of ${limit} bytes (--max-body-bytes).`);
  }
  if (typeof type === 'string') return new RequestFormatError(`the body could not be read: ${(error as Error).message}`);
  return error;
}

function send(res: Response, answer: TextAnswer): void {
  res.status(answer.status).type('text/plain; charset=utf-8').send(answer.text);
}

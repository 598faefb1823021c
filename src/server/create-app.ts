import express, { type NextFunction, type Request, type Response } from 'express';
import { decisionRuleOf } from '../adapter/decision-rule';
import type { LoadedModel } from '../adapter/load-model';
import type { Logger } from '../logger';
import { errorAnswer, healthAnswer, LOADING, scoreAnswer, type AnswerHooks, type TextAnswer } from './answer';
import { createOipRouter } from './oip/oip-router';
import { DEFAULT_BODY_TIMEOUT_MS, readBody, type BodyLimits } from './read-body';

/** Default request body limit; ModSecurity's own default SecRequestBodyLimit is 13 MB. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface AppOptions extends AnswerHooks {
  /** The model to serve; `undefined` while it is still loading (GET / answers 503 then). */
  readonly model: () => LoadedModel | undefined;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
  /** Milliseconds a client has to send its body (408 beyond); default 10 s. */
  readonly bodyTimeoutMs?: number;
  /** Hears of every refused POST / (metrics count them by code); must be cheap. */
  readonly onError?: (error: unknown) => void;
}

/** The body bounds of these options, defaults filled in. */
export function bodyLimitsOf(options: AppOptions): BodyLimits {
  return { maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS };
}

/**
 * Builds the express app speaking the Lua client's contract (docs/contract.md). It never listens:
 * the `serve` command and the tests decide where it runs. `createRequestListener` puts a fast
 * path for the two hot routes in front of it.
 *
 * - `GET /`  -> `200 Service is up` once the model is loaded, `503` before.
 * - `POST /` -> `200 score=<n>` (pass), `401 score=<n>` (anomaly), `400 <reason>` (bad body),
 *   `413` (body over the limit), `408` (body too slow), `415` (unknown Content-Encoding).
 * - `GET /info` -> the adapter's description, the decision rule (the manifest's threshold, or the
 *   adapter's own `decide`) and the manifest, as JSON.
 * - `/v2/...` -> the Open Inference Protocol v2 front door (src/server/oip/, docs/oip.md).
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

  const limits = bodyLimitsOf(options);
  app.post('/', (req: Request, res: Response) => {
    readBody(req, limits).then(
      async (body) => send(res, await scoreAnswer(options.model(), body, logger, options)),
      (error: unknown) => send(res.set('Connection', 'close'), errorAnswer(error, logger, options)),
    );
  });

  app.use(createOipRouter({ model: options.model, logger, limits }));

  app.use((_req: Request, res: Response) => send(res, { status: 404, text: 'Not found: use GET / or POST / (or the OIP v2 endpoints under /v2)' }));

  // Anything a route throws: one line, logged, never a stack trace to the client.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (!res.headersSent) send(res, errorAnswer(error, logger, options));
  });

  return app;
}

function send(res: Response, answer: TextAnswer): void {
  if (res.headersSent || res.destroyed) return;
  res.status(answer.status).type('text/plain; charset=utf-8').send(answer.text);
}

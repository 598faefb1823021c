import express, { type NextFunction, type Request, type Response } from 'express';
import type { LoadedModel } from '../adapter/load-model';
import { parseRequestBody } from '../contract/parse-request';
import { bodyOf, statusOf } from '../contract/respond';
import { CrsMlError, RequestFormatError, RequestTooLargeError, describeError } from '../errors';
import type { Logger } from '../logger';
import { statusOfError } from './error-status';

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
 * the `serve` command and the tests decide where it runs.
 *
 * - `GET /`  -> `200 Service is up` once the model is loaded, `503` before.
 * - `POST /` -> `200 score=<n>` (pass), `401 score=<n>` (anomaly), `400 <reason>` (bad body),
 *   `413` (body over the limit).
 */
export function createApp(options: AppOptions): express.Express {
  const { logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.get('/', (_req, res) => {
    const ready = options.model() !== undefined;
    sendText(res, ready ? 200 : 503, ready ? 'Service is up' : 'Model is loading');
  });

  app.get('/info', (_req, res) => {
    const model = options.model();
    if (model === undefined) return sendText(res, 503, 'Model is loading');
    res.status(200).json({ summary: model.summary, adapter: model.adapter.describe(), manifest: model.manifest });
  });

  app.post(
    '/',
    express.raw({ type: () => true, limit: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES }),
    async (req: Request, res: Response) => {
      const model = options.model();
      if (model === undefined) return sendText(res, 503, 'Model is loading');
      // express.raw leaves `{}` when there was no body at all.
      const body: Uint8Array = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      try {
        const decision = await model.judge(parseRequestBody(body));
        sendText(res, statusOf(decision), bodyOf(decision));
      } catch (error) {
        answerError(res, error, logger);
      }
    },
  );

  app.use((_req: Request, res: Response) => sendText(res, 404, 'Not found: use GET / or POST /'));

  // Body-reading failures (size limit, aborted upload, bad content-encoding) land here.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    answerError(res, fromBodyParserError(error), logger);
  });

  return app;
}

function answerError(res: Response, error: unknown, logger: Logger): void {
  const status = statusOfError(error);
  if (status >= 500) logger.error(`request failed: ${describeError(error)}`);
  else logger.debug(`request refused (${status}): ${describeError(error)}`);
  if (res.headersSent) return;
  const message = error instanceof CrsMlError ? error.message : 'internal error; see the server log';
  sendText(res, status, firstLine(message));
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

function sendText(res: Response, status: number, text: string): void {
  res.status(status).type('text/plain; charset=utf-8').send(text);
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0];
  return line.length > 500 ? `${line.slice(0, 500)}...` : line;
}

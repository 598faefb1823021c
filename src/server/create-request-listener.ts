import type { RequestListener, ServerResponse } from 'node:http';
import { errorAnswer, healthAnswer, scoreAnswer, type TextAnswer } from './answer';
import { bodyLimitsOf, createApp, type AppOptions } from './create-app';
import { readBody } from './read-body';

/**
 * The listener `serve` runs: `POST /` and `GET /` - the calls ModSecurity makes inline, for every
 * request in mode 2 - are answered straight from Node's `http` objects, and everything else goes
 * to the express app. Express costs about two thirds of a bare server's throughput on this tiny
 * request (bench/server.bench.ts), which the WAF would pay on every request. Both paths share
 * `scoreAnswer`, so they answer byte for byte the same (test/server/create-app.test.ts runs every case against both).
 */
export function createRequestListener(options: AppOptions): RequestListener {
  const app = createApp(options);
  const limits = bodyLimitsOf(options);
  return (req, res) => {
    if (req.url !== '/') return void app(req, res);
    if (req.method === 'GET') return send(res, healthAnswer(options.model()));
    if (req.method !== 'POST') return void app(req, res);
    readBody(req, limits).then(
      async (body) => send(res, await scoreAnswer(options.model(), body, options.logger, options.onError)),
      (error: unknown) => {
        send(res, errorAnswer(error, options.logger, options.onError), true);
      },
    );
  };
}

function send(res: ServerResponse, answer: TextAnswer, close = false): void {
  if (res.headersSent || res.destroyed) return;
  const text = Buffer.from(answer.text, 'utf8');
  res.writeHead(answer.status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': text.length,
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(text);
}

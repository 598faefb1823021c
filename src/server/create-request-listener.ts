import type { RequestListener, ServerResponse } from 'node:http';
import { isPromiseLike } from '../adapter/load-model';
import { answerNow, errorAnswer, healthAnswer, type TextAnswer } from './answer';
import { bodyLimitsOf, createApp, type AppOptions } from './create-app';
import { receiveBody } from './read-body';

/**
 * The listener `serve` runs: `POST /` and `GET /` - the calls ModSecurity makes inline, for every
 * request in mode 2 - are answered straight from Node's `http` objects, and everything else goes
 * to the express app. Express costs about two thirds of a bare server's throughput on this tiny
 * request (bench/server.bench.ts), which the WAF would pay on every request. Both paths share
 * `answerNow` (`scoreAnswer`), so they answer byte for byte the same (test/server/create-app.test.ts runs every case against both).
 */
export function createRequestListener(options: AppOptions): RequestListener {
  const app = createApp(options);
  const limits = bodyLimitsOf(options);
  return (req, res) => {
    if (req.url !== '/') return void app(req, res);
    if (req.method === 'GET') return send(res, healthAnswer(options.model()));
    if (req.method !== 'POST') return void app(req, res);
    receiveBody(
      req,
      limits,
      (body) => {
        const answer = answerNow(options.model(), body, options.logger, options);
        if (isPromiseLike(answer)) void answer.then((settled) => send(res, settled));
        else send(res, answer);
      },
      (error) => send(res, errorAnswer(error, options.logger, options), true),
    );
  };
}

/**
 * Writes the answer: headers as a flat array and the body as a string, which Node joins to the
 * header block (a Buffer body is kept as a separate chunk). `end()` still sends one `writev`, as it
 * does for a bare server.
 */
function send(res: ServerResponse, answer: TextAnswer, close = false): void {
  if (res.headersSent || res.destroyed) return;
  const headers = ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(Buffer.byteLength(answer.text))];
  if (close) headers.push('Connection', 'close');
  res.writeHead(answer.status, headers);
  res.end(answer.text);
}

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { RequestTooLargeError } from '../errors';
import { errorAnswer, healthAnswer, scoreAnswer, type TextAnswer } from './answer';
import { createApp, DEFAULT_MAX_BODY_BYTES, type AppOptions } from './create-app';

/**
 * The listener `serve` runs: `POST /` and `GET /` - the calls ModSecurity makes inline, for every
 * request in mode 2 - are answered straight from Node's `http` objects, and everything else goes
 * to the express app. Express costs about two thirds of a bare server's throughput on this tiny
 * request (bench/server.bench.ts), which the WAF would pay on every request. Both paths share
 * `scoreAnswer`, so they answer byte for byte the same (test/server/create-app.test.ts runs every case against both).
 */
export function createRequestListener(options: AppOptions): RequestListener {
  const app = createApp(options);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return (req, res) => {
    if (req.url !== '/' || !isPlain(req)) return void app(req, res);
    if (req.method === 'GET') return send(res, healthAnswer(options.model()));
    if (req.method !== 'POST') return void app(req, res);
    readBody(req, limit).then(
      async (body) => send(res, await scoreAnswer(options.model(), body, options.logger, options)),
      (error: unknown) => {
        send(res, errorAnswer(error, options.logger, options), true);
      },
    );
  };
}

/** Compressed or chunk-encoded oddities go to express, whose body parser knows them all. */
function isPlain(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  return encoding === undefined || encoding === 'identity';
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(tooLarge(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function tooLarge(limit: number): RequestTooLargeError {
  return new RequestTooLargeError(`the body is larger than the server's limit of ${limit} bytes (--max-body-bytes).`);
}

/**
 * Writes the answer: headers as a flat array and the body as a string, which Node joins to the
 * header block (a Buffer body is kept as a separate chunk). `end()` still sends one `writev`, as it
 * does for a bare server.
 */
function send(res: ServerResponse, answer: TextAnswer, close = false): void {
  if (res.headersSent) return;
  const headers = ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(Buffer.byteLength(answer.text))];
  if (close) headers.push('Connection', 'close');
  res.writeHead(answer.status, headers);
  res.end(answer.text);
}

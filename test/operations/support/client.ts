import { Agent, request } from 'node:http';

/** What one exchange ended in: an HTTP status, or the socket error the client saw. */
export interface Outcome {
  readonly status?: number;
  readonly text?: string;
  readonly error?: string;
  /** The TCP connection was established (the server, or its kernel, accepted it). */
  readonly connected: boolean;
  /** This client cut the upload short on purpose. */
  readonly clientAbort: boolean;
  readonly connection?: string;
}

export interface Exchange {
  readonly body: Buffer;
  readonly headers?: Record<string, string>;
  readonly method?: string;
  readonly path?: string;
  /** Send only this many body bytes (after declaring them all), then destroy the socket. */
  readonly abortAfter?: number;
  /** Send the body in this many pieces, `trickleMs` apart. */
  readonly pieces?: number;
  readonly trickleMs?: number;
  /** Give up (error `TIMEOUT`) after this long; default 15 s. */
  readonly timeoutMs?: number;
}

/**
 * One request on its own connection (`agent` false: the plugin's one connection per request) or on
 * a keep-alive agent.
 */
export function exchange(port: number, ex: Exchange, agent: Agent | false = false): Promise<Outcome> {
  return new Promise((resolve) => {
    let connected = false;
    let done = false;
    const finish = (outcome: Omit<Outcome, 'connected' | 'clientAbort'>) => {
      if (done) return;
      done = true;
      resolve({ ...outcome, connected, clientAbort: ex.abortAfter !== undefined });
    };
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: ex.method ?? 'POST',
        path: ex.path ?? '/',
        agent,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(ex.body.length), ...ex.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish({ status: res.statusCode, text: Buffer.concat(chunks).toString(), connection: res.headers.connection }));
        res.on('error', (e: NodeJS.ErrnoException) => finish({ status: res.statusCode, error: e.code ?? e.message }));
      },
    );
    req.on('socket', (socket) => {
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish({ error: e.code ?? e.message }));
    req.setTimeout(ex.timeoutMs ?? 15_000, () => {
      finish({ error: 'TIMEOUT' });
      req.destroy();
    });
    if (ex.abortAfter !== undefined) {
      req.write(ex.body.subarray(0, ex.abortAfter), () => setTimeout(() => req.destroy(), 5));
      return;
    }
    if (ex.pieces === undefined || ex.pieces <= 1) return void req.end(ex.body);
    const size = Math.ceil(ex.body.length / ex.pieces);
    let at = 0;
    const next = () => {
      if (req.destroyed) return;
      const piece = ex.body.subarray(at, at + size);
      at += size;
      if (at >= ex.body.length) req.end(piece);
      else req.write(piece, () => setTimeout(next, ex.trickleMs ?? 10));
    };
    next();
  });
}

/** True for an outcome a server that keeps its promises never causes. */
export function isFailure(outcome: Outcome): boolean {
  if (outcome.clientAbort) return false;
  if (outcome.error !== undefined) return true;
  return outcome.status === undefined || outcome.status >= 500;
}

/** Runs `count` tasks, `concurrency` at a time, in order of their index. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

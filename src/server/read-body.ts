import type { IncomingMessage } from 'node:http';
import * as zlib from 'node:zlib';
import { RequestBodyError, RequestEncodingError, RequestTimeoutError, RequestTooLargeError, type CrsMlError } from '../errors';
import { mappedBuffer } from './mapped-buffer';
import { OFF_THREAD_MIN_BYTES } from './parse-off-thread';

/** Default time a client has to send its whole body once the headers are in (`--body-timeout-ms`). */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/** Bounds of one body: bytes (on the wire and after decompression) and time. */
export interface BodyLimits {
  /** Largest body in bytes, compressed as received and again after decompression (413 beyond). */
  readonly maxBodyBytes: number;
  /** Milliseconds from the request's headers to its last body byte (408 beyond). */
  readonly bodyTimeoutMs: number;
}

/**
 * Content codings the server decodes, by their lower-case `Content-Encoding` token. HTTP's
 * "deflate" is zlib-wrapped (RFC 9110 8.4.1.2), but some clients send raw deflate: the first two
 * bytes tell them apart, as curl and browsers do.
 */
const DECODERS = new Map<string, (head: Buffer) => zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress>([
  ['gzip', () => zlib.createGunzip()],
  ['x-gzip', () => zlib.createGunzip()],
  ['deflate', (head) => (head.length >= 2 && (head[0] & 0x0f) === 8 && ((head[0] << 8) | head[1]) % 31 === 0 ? zlib.createInflate() : zlib.createInflateRaw())],
  ['br', () => zlib.createBrotliDecompress()],
]);

/**
 * Reads a request body, decoding its Content-Encoding while it streams, and never lets a client
 * hold more than `maxBodyBytes` of memory or the connection longer than `bodyTimeoutMs`.
 *
 * Rejects with a typed error the server answers as one line: REQUEST_TOO_LARGE (413, the limit
 * applies before and after decompression), REQUEST_BODY_UNREADABLE (400: bad compressed data, an
 * aborted upload), REQUEST_ENCODING_UNSUPPORTED (415), REQUEST_TIMEOUT (408).
 *
 * A refused body is still drained (discarded, until it ends or the timeout) before the promise
 * rejects: closing a socket with unread data makes the kernel send a reset, which often destroys
 * the answer before the client reads it (nginx's lingering close does the same).
 *
 * A body past {@link OFF_THREAD_MIN_BYTES} is copied, chunk by chunk as it arrives, into one
 * buffer (sized by Content-Length, else by the limit; pages are only touched as they are written),
 * so the main thread never joins a big body's chunks; the parsing thread is handed that buffer
 * (src/server/parse-off-thread.ts). Smaller bodies are joined as before.
 */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => receiveBody(req, limits, resolve, reject));
}

/**
 * {@link readBody} with callbacks instead of a promise (the server's hot path: one microtask less
 * per request). Exactly one of `onBody` and `onError` is called, once, from the stream's events;
 * neither may throw.
 */
export function receiveBody(req: IncomingMessage, limits: BodyLimits, onBody: (body: Buffer) => void, onError: (error: CrsMlError) => void): void {
  const { maxBodyBytes } = limits;
  const tooLarge = (what: string) =>
    new RequestTooLargeError(`the body${what} is larger than the server's limit of ${maxBodyBytes} bytes (--max-body-bytes).`);
  const codings = parseEncoding(req.headers['content-encoding']);
  const declared = Number(req.headers['content-length']);
  const chunks: Buffer[] = [];
  let big: BigBody | undefined; // the body once it is big
  let size = 0;
  let received = 0;
  let refused: CrsMlError | undefined;
  let settled = false;
  let decoder: zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress | undefined;

  const settle = (error: CrsMlError | undefined, body?: Buffer) => {
    if (settled) return;
    settled = true;
    if (timer !== undefined) clearTimeout(timer);
    req.removeListener('data', onData);
    decoder?.destroy();
    if (error === undefined) onBody(body!);
    else onError(error);
  };
  /** Refuses the body but keeps reading (and discarding) it, so the answer reaches the client. */
  const refuse = (error: CrsMlError) => {
    if (refused !== undefined || settled) return;
    refused = error;
    decoder?.destroy();
    decoder = undefined;
    chunks.length = 0;
    big = undefined;
    if (req.complete) settle(error);
  };
  const keep = (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBodyBytes) refuse(tooLarge(codings === undefined ? '' : ' once decompressed'));
    else if (big !== undefined) big.append(chunk, maxBodyBytes);
    else if (size > OFF_THREAD_MIN_BYTES) {
      big = new BigBody(codings === undefined && declared >= size && declared <= maxBodyBytes ? declared : maxBodyBytes);
      for (const kept of chunks) big.append(kept, maxBodyBytes);
      big.append(chunk, maxBodyBytes);
      chunks.length = 0;
    } else chunks.push(chunk);
  };
  /**
   * One chunk per turn of the event loop for a big body: left alone, Node reads up to 32 chunks
   * (2 MiB) from one socket before it looks at any other, and every other client waits for them.
   */
  const pace = () => {
    if (req.isPaused()) return;
    req.pause();
    setImmediate(() => req.resume());
  };
  const body = () => (big !== undefined ? big.bytes() : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));

  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > OFF_THREAD_MIN_BYTES) pace();
    if (refused !== undefined) return;
    if (received > maxBodyBytes) return refuse(tooLarge(''));
    if (codings === undefined) return keep(chunk);
    decoder ??= startDecoder(chunk);
    decoder?.write(chunk);
  };

  const startDecoder = (head: Buffer) => {
    const coding = codings![0];
    const created = DECODERS.get(coding)!(head);
    created.on('data', (out: Buffer) => refused === undefined && keep(out));
    created.on('error', (error: Error) =>
      refuse(new RequestBodyError(`the ${coding} body does not decompress (${error.message}). Send valid ${coding} data, or no Content-Encoding.`)),
    );
    created.on('end', () => refused === undefined && settle(undefined, body()));
    return created;
  };

  let timer: NodeJS.Timeout | undefined;
  armLater(() => {
    if (settled) return;
    timer = setTimeout(() => {
      settle(refused ?? new RequestTimeoutError(`the body did not arrive within ${limits.bodyTimeoutMs} ms (--body-timeout-ms); send it at once, or raise the timeout.`));
    }, limits.bodyTimeoutMs);
  });

  // `on`, not `once`: a stream emits 'end' and 'close' once, and `once` wraps every listener.
  req.on('data', onData);
  req.on('end', () => {
    if (refused !== undefined) return settle(refused);
    if (codings === undefined) return settle(undefined, body());
    decoder ??= startDecoder(Buffer.alloc(0));
    decoder.end();
  });
  req.on('close', () => {
    if (req.complete) return;
    settle(
      refused ??
        new RequestBodyError(
          `the client closed the connection after ${received} of ${req.headers['content-length'] ?? 'an unknown number of'} body bytes; nothing to answer.`,
        ),
    );
  });
  // 'close' follows 'error' ("aborted"); the listener only keeps the error from being thrown.
  req.on('error', ignore);

  if (codings !== undefined && (codings.length !== 1 || !DECODERS.has(codings[0]))) {
    refuse(new RequestEncodingError(`Content-Encoding "${codings.join(', ')}" is not supported; send the body as is, or as one of ${[...DECODERS.keys()].join(', ')}.`));
  }
  if (declared > maxBodyBytes) refuse(tooLarge(''));
}

function ignore(): void {}

/** Body timers still to arm, once the I/O of this turn of the event loop is handled. */
const unarmed: Array<() => void> = [];

/**
 * Runs `arm` after this turn's I/O (one shared `setImmediate` for every body that started in it).
 * Most bodies arrive in the same read as their headers and have ended by then, so they never set a
 * timer: setting and clearing one per request was ~1 µs of a stub's ~50 (docs/performance.md). A body
 * still arriving gets its timer one turn of the loop late, microseconds after its headers.
 */
function armLater(arm: () => void): void {
  unarmed.push(arm);
  if (unarmed.length === 1) setImmediate(armAll);
}

function armAll(): void {
  const arms = unarmed.splice(0, unarmed.length);
  for (const arm of arms) arm();
}

/**
 * A big body, copied chunk by chunk into one buffer: memory pages are touched only as they are
 * written (a Content-Length the HTTP parser enforces sizes it exactly; otherwise it starts at the
 * limit, untouched), in a block of its own that goes back to the system when dropped
 * ({@link mappedBuffer}) and is handed to the parsing thread whole. Plain memory, not a
 * SharedArrayBuffer: a SharedArrayBuffer posted to the parsing thread stays allocated until that
 * thread's garbage collector runs, which it rarely does (measured: +290 MB after 600 bodies of
 * 1-3 MiB); a transferred buffer comes back with the answer.
 */
class BigBody {
  private buffer: Buffer;
  private size = 0;

  constructor(capacity: number) {
    this.buffer = mappedBuffer(capacity);
  }

  /** Appends `chunk`; grows to `limit` bytes if the first capacity was short (callers keep the total within it). */
  append(chunk: Buffer, limit: number): void {
    if (this.size + chunk.length > this.buffer.length) {
      const grown = mappedBuffer(limit);
      grown.set(this.buffer.subarray(0, this.size));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.size);
    this.size += chunk.length;
  }

  /** The body so far (only bytes written are ever exposed). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.size);
  }
}

/** The codings of a Content-Encoding header, lower-case; undefined for none or identity. */
function parseEncoding(header: string | undefined): string[] | undefined {
  if (header === undefined) return undefined;
  const codings = header
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  return codings.length === 0 ? undefined : codings;
}

import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MlRequest } from '../contract/ml-request';
import { OipRequestError } from '../oip/errors';
import { PARSE_KINDS, type ParseKind } from './parse-kinds';
import { isMapped, mappedBuffer } from './mapped-buffer';
import { ParseThreadStoppedError, RequestFormatError, RequestValidationError, type CrsMlError } from '../errors';

/**
 * Bodies above this many bytes are parsed on a worker thread (docs/performance.md, "The 16 MiB
 * stall"). The captured plugin bodies are a few hundred bytes; even a default WAF's biggest
 * argument text (SecRequestBodyNoFilesLimit, 128 KiB) stays far below, on the main thread.
 */
export const OFF_THREAD_MIN_BYTES = 1024 * 1024;

/** What the main thread posts: one body, transferred to the thread. */
export interface ParseJob {
  readonly id: number;
  readonly kind: ParseKind;
  readonly body: Uint8Array<ArrayBuffer>;
}

/**
 * What the parsing thread posts back: the request, or the error as plain data, and the body it was
 * given, transferred back: the thread's heap rarely collects, so a body it kept would stay resident
 * until then; the main thread drops it at once.
 */
export type ParseResult = { readonly id: number; readonly body: Uint8Array<ArrayBuffer> } & (
  | { readonly parsed: unknown; readonly error?: undefined }
  | { readonly error: { readonly code?: string; readonly message: string; readonly field?: string } }
);

/**
 * The parse errors, rebuilt on the main thread from their code: the same class, code and message
 * the main thread would have thrown, so every big body is answered as it was before.
 */
const REBUILD = new Map<string, (message: string, field: string | undefined) => CrsMlError>([
  ['REQUEST_FORMAT', (message) => new RequestFormatError(message)],
  ['REQUEST_INVALID', (message, field) => new RequestValidationError(field ?? '', message.slice(`field "${field}": `.length))],
  ['OIP_REQUEST_INVALID', (message) => new OipRequestError(message)],
]);

interface Pending {
  readonly kind: ParseKind;
  /** The body, when the thread was given a copy of it: what to parse here if the thread dies. */
  readonly kept: Uint8Array | undefined;
  readonly resolve: (parsed: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * An idle thread is stopped after this long: its heap grew to hold the big bodies it parsed, and
 * stopping it gives that memory back (a server that sees a big body now and then keeps no extra
 * tens of MB). The next big body starts a new thread, off the main thread's time.
 */
const IDLE_STOP_MS = 2000;

let worker: Worker | undefined;
let idleTimer: NodeJS.Timeout | undefined;
let lastId = 0;
const pending = new Map<number, Pending>();

/**
 * `parseRequestBody` for a big body, on one shared worker thread, so the main thread only receives
 * bytes while another client's small requests keep being answered. The thread starts on first use,
 * does not keep the process alive, and is restarted after it dies; if it cannot start, bodies are
 * parsed here.
 *
 * A body in a block of its own ({@link mappedBuffer}: every big body read by read-body.ts) is
 * handed over without a copy, and `body` is detached (empty) from then on: copying 16 MiB into
 * fresh memory held this thread 40-50 ms on the machine measured, longer than the whole budget of
 * another client's answer. The thread hands the block back with its answer, and it is dropped here.
 * If the thread dies meanwhile, the body is gone: the promise rejects with PARSE_THREAD_STOPPED
 * (503). Any other body is copied, and parsed here if the thread dies: every such body gets its answer.
 *
 * Resolves with exactly what `parseRequestBody(body)` returns; rejects with exactly what it throws.
 */
export function parseOffThread(body: Uint8Array): Promise<MlRequest> {
  return offThread('contract', body) as Promise<MlRequest>;
}

/**
 * `parseJsonBody` for a big OIP body, on the same thread and on the same terms as
 * {@link parseOffThread}: JSON.parse of a 4 MiB batch of numbers held the event loop 40-80 ms
 * here. Each flat all-number tensor comes back as a Float64Array (`packTensorData`), by transfer.
 * Resolves with the parsed value; rejects with exactly what `parseJsonBody` throws.
 */
export function parseJsonOffThread(body: Uint8Array): Promise<unknown> {
  return offThread('json', body);
}

function offThread(kind: ParseKind, body: Uint8Array): Promise<unknown> {
  const thread = worker ?? startWorker();
  if (thread === undefined) return Promise.resolve().then(() => PARSE_KINDS[kind](body).parsed);
  clearTimeout(idleTimer);
  return new Promise((resolve, reject) => {
    const id = ++lastId;
    const handed = isMapped(body) ? body : copyToMapped(body);
    pending.set(id, { kind, kept: handed === body ? undefined : body, resolve, reject });
    if (pending.size === 1) thread.ref();
    thread.postMessage({ id, kind, body: handed } satisfies ParseJob, [handed.buffer]);
  });
}

function copyToMapped(body: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = mappedBuffer(body.length);
  copy.set(body);
  return copy;
}

function startWorker(): Worker | undefined {
  try {
    const file = path.join(__dirname, `parse-worker${path.extname(__filename)}`);
    // Under ts-jest the sources are TypeScript: the thread compiles them as it requires them.
    const created = file.endsWith('.ts')
      ? new Worker(TS_BOOTSTRAP, { eval: true, workerData: { file, typescript: require.resolve('typescript') } })
      : new Worker(file);
    created.unref();
    created.on('message', settle);
    created.on('error', () => undefined); // 'exit' follows
    created.once('exit', () => failAll(created));
    worker = created;
    return created;
  } catch {
    return undefined;
  }
}

function settle(result: ParseResult): void {
  const job = pending.get(result.id);
  if (job === undefined) return;
  pending.delete(result.id);
  if (pending.size === 0) idle();
  if (result.error === undefined) return job.resolve(result.parsed);
  const { code, message, field } = result.error;
  const rebuild = code === undefined ? undefined : REBUILD.get(code);
  job.reject(rebuild === undefined ? new Error(message) : rebuild(message, field));
}

/** No body is being parsed: let the process exit without the thread, and stop it if it stays idle. */
function idle(): void {
  const thread = worker;
  thread?.unref();
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (worker !== thread || pending.size > 0) return;
    worker = undefined;
    void thread?.terminate();
  }, IDLE_STOP_MS).unref();
}

/** The thread died: start a new one for later bodies, and answer the pending ones (parsed here when a copy was given). */
function failAll(dead: Worker): void {
  if (worker !== dead) return; // a thread stopped when idle had nothing pending
  worker = undefined;
  const jobs = [...pending.values()];
  pending.clear();
  for (const job of jobs) {
    if (job.kept === undefined) {
      job.reject(new ParseThreadStoppedError('the body-parsing thread stopped while it held this body; send the request again.'));
      continue;
    }
    try {
      job.resolve(PARSE_KINDS[job.kind](job.kept).parsed);
    } catch (error) {
      job.reject(error);
    }
  }
}

/** Whether the parsing thread is running now (tests, and the idle stop's check). */
export function parseThreadRunning(): boolean {
  return worker !== undefined;
}

/** Stops the parsing thread (tests; a server that exits needs nothing: the thread is unref'd). */
export async function stopParseThread(): Promise<void> {
  const running = worker;
  clearTimeout(idleTimer);
  await running?.terminate(); // its 'exit' answers what was pending, here
  if (worker === running) worker = undefined;
}

const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const ts = require(workerData.typescript);
const fs = require('node:fs');
require.extensions['.ts'] = (module, filename) => module._compile(ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
  fileName: filename,
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true },
}).outputText, filename);
require(workerData.file);
`;

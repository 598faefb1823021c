import { closeSync, fstatSync, openSync, renameSync, write, writeSync } from 'node:fs';
import type { Decision } from '../adapter/model-adapter';
import { requestToJson, type FieldPairs, type MlRequest } from '../contract/ml-request';
import { RecordingError, describeError } from '../errors';
import type { Logger } from '../logger';

/** Names redacted when `--record-redact` is not given: credentials that show up in args, headers and cookies. */
export const DEFAULT_REDACT = Object.freeze([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api_key', 'apikey',
  'password', 'passwd', 'pwd', 'pass', 'secret', 'token', 'access_token', 'session', 'sessionid',
]);

/** What replaces a redacted value. */
export const REDACTED = '[redacted]';

export interface RecordingOptions {
  /** The JSON-lines file requests are appended to. */
  readonly file: string;
  /** Fraction of scored requests recorded, in [0, 1] (default 0.01). */
  readonly rate?: number;
  /** Names whose values are replaced by {@link REDACTED}, case-insensitive, with or without their collection prefix. */
  readonly redact?: readonly string[];
  /** When the file reaches this size it becomes `FILE.1` (replacing the previous one) and a new file starts. */
  readonly maxBytes?: number;
  /** Lines waiting for the disk beyond this many bytes are dropped (and counted), never queued. */
  readonly maxPendingBytes?: number;
  /** Draws the sample; `Math.random` by default (tests pass their own). */
  readonly random?: () => number;
}

export const DEFAULT_RECORD_RATE = 0.01;
export const DEFAULT_RECORD_MAX_BYTES = 100 * 1024 * 1024;

/**
 * `--record FILE.jsonl`: appends a sample of the requests the server scores, with their score, in
 * the JSON-lines format `features` and `calibrate` read (src/contract/ml-request.ts requestToJson,
 * plus `"score"`, `"anomaly"` and `"time"`), so operators can calibrate on their own traffic.
 *
 * Never slows or fails a request: {@link record} only samples and queues; lines are serialised and
 * written after the answers of the current turn have gone out, one asynchronous write at a time.
 * Lines that would queue past `maxPendingBytes` (a slow disk) are dropped and counted. A write error
 * stops recording with one warning. The file is capped by rotation (see {@link RecordingOptions.maxBytes}).
 */
export class Recorder {
  private readonly rate: number;
  private readonly redact: ReadonlySet<string>;
  private readonly maxBytes: number;
  private readonly maxPendingBytes: number;
  private readonly random: () => number;
  private fd: number | undefined;
  private size: number;
  private queued: Array<[MlRequest, Decision, number]> = [];
  private pending: string[] = [];
  private pendingBytes = 0;
  private writing = false;
  private scheduled = false;
  private closed = false;
  /** Lines written, lines dropped because the disk fell behind, rotations done. */
  readonly counts = { written: 0, dropped: 0, rotations: 0 };

  /** @throws RecordingError when the file cannot be opened for appending */
  constructor(
    private readonly options: RecordingOptions,
    private readonly logger: Logger,
  ) {
    this.rate = options.rate ?? DEFAULT_RECORD_RATE;
    this.redact = new Set((options.redact ?? DEFAULT_REDACT).map((name) => name.toLowerCase()));
    this.maxBytes = options.maxBytes ?? DEFAULT_RECORD_MAX_BYTES;
    this.maxPendingBytes = options.maxPendingBytes ?? 4 * 1024 * 1024;
    this.random = options.random ?? Math.random;
    this.fd = this.open();
    this.size = fstatSync(this.fd).size;
  }

  /** Samples one scored request; the work of writing it happens later. Never throws. */
  record(request: MlRequest, decision: Decision): void {
    if (this.closed || !(this.random() < this.rate)) return;
    this.queued.push([request, decision, Date.now()]);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.serialise());
    }
  }

  /** Writes what is queued and closes the file. */
  async close(): Promise<void> {
    this.serialise();
    while (this.writing) await new Promise((resolve) => setImmediate(resolve));
    this.closed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private serialise(flush = true): void {
    this.scheduled = false;
    const batch = this.queued;
    this.queued = [];
    for (const [request, decision, time] of batch) {
      const line = this.line(request, decision, time);
      if (this.pendingBytes + line.length > this.maxPendingBytes) this.counts.dropped++;
      else {
        this.pending.push(line);
        this.pendingBytes += line.length;
      }
    }
    if (flush) this.flush();
  }

  private line(request: MlRequest, decision: Decision, time: number): string {
    const json = requestToJson(this.redacted(request));
    const score = Number.isFinite(decision.score) ? String(decision.score) : 'null';
    return `${json.slice(0, -1)},"score":${score},"anomaly":${decision.anomaly},"time":"${new Date(time).toISOString()}"}\n`;
  }

  private redacted(request: MlRequest): MlRequest {
    const hide = (pairs: FieldPairs | undefined) =>
      pairs?.map(([name, value]) => (this.hides(name) ? ([name, REDACTED] as const) : ([name, value] as const)));
    return {
      ...request,
      args: hide(request.args)!,
      files: hide(request.files)!,
      ...(request.headers === undefined ? {} : { headers: hide(request.headers) }),
      ...(request.cookies === undefined ? {} : { cookies: hide(request.cookies) }),
      ...(request.body !== undefined && this.redact.has('body') ? { body: REDACTED } : {}),
    };
  }

  /** `ARGS:password`, `REQUEST_HEADERS:Authorization`: the whole name or the part after the collection. */
  private hides(name: string): boolean {
    if (this.redact.size === 0) return false;
    const lower = name.toLowerCase();
    return this.redact.has(lower) || this.redact.has(lower.slice(lower.indexOf(':') + 1));
  }

  private flush(): void {
    if (this.writing || this.pending.length === 0 || this.fd === undefined) return;
    const data = Buffer.from(this.pending.join(''));
    const lines = this.pending.length;
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = true;
    write(this.fd, data, 0, data.length, null, (error) => {
      this.writing = false;
      if (error !== null) return this.fail(error);
      this.counts.written += lines;
      this.size += data.length;
      if (this.size >= this.maxBytes) this.rotate();
      this.flush();
    });
  }

  private rotate(): void {
    try {
      closeSync(this.fd!);
      renameSync(this.options.file, `${this.options.file}.1`);
      this.fd = this.open();
      this.size = 0;
      this.counts.rotations++;
    } catch (error) {
      this.fail(error);
    }
  }

  private open(): number {
    try {
      return openSync(this.options.file, 'a');
    } catch (cause) {
      throw new RecordingError(`cannot open the --record file ${this.options.file} for appending; give a writable path.`, { cause });
    }
  }

  private fail(error: unknown): void {
    this.logger.warn(`recording to ${this.options.file} stopped (requests are still answered): ${describeError(error)}`);
    this.closed = true;
    this.pending = [];
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
    }
    this.fd = undefined;
  }

  /** Writes what is still queued, synchronously (process exit). */
  flushSync(): void {
    this.serialise(false);
    if (this.fd === undefined || this.pending.length === 0) return;
    try {
      writeSync(this.fd, this.pending.join(''));
    } catch {
      // exiting: nothing left to tell
    }
    this.pending = [];
  }
}

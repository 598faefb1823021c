import { Pool } from 'undici';
import { describeError } from '../../src/errors';
import { RemoteModelError } from '../../src/oip/errors';
import type { InferenceRequest, InferenceResponse, ModelMetadataResponse } from '../../src/oip/protocol';
import type { OipOptions } from './oip-options';
import { RetryBudget } from './retry-budget';

/** Connection failures worth one more try on a fresh connection. */
const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT']);
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

/** One HTTP answer, body read whole. */
interface Answer {
  readonly status: number;
  readonly text: string;
}

/**
 * Talks OIP v2 REST to one remote model over a pool of keep-alive connections (undici). Every
 * call has a deadline (`timeoutMs`, retries included); connection failures and 502/503/504 are
 * retried within `retries` and the shared retry budget; a timeout is never retried, because the
 * WAF's own deadline is already running.
 */
export class OipClient {
  private readonly pool: Pool;
  private readonly modelPath: string;
  private readonly budget: RetryBudget;
  readonly where: string;

  constructor(private readonly options: OipOptions) {
    const url = new URL(options.url);
    this.pool = new Pool(url.origin, { connections: options.connections, pipelining: 1, keepAliveTimeout: 30_000 });
    const base = url.pathname.replace(/\/+$/, '');
    const version = options.version === undefined ? '' : `/versions/${encodeURIComponent(options.version)}`;
    this.modelPath = `${base}/v2/models/${encodeURIComponent(options.model)}${version}`;
    this.budget = new RetryBudget(options.retryBudget);
    this.where = `${url.origin}${this.modelPath}`;
  }

  /** `GET /v2/models/<model>`: the remote model's inputs and outputs. */
  async metadata(timeoutMs: number): Promise<ModelMetadataResponse> {
    const answer = await this.send('GET', this.modelPath, undefined, timeoutMs);
    return this.json<ModelMetadataResponse>(answer, 'model metadata');
  }

  /** `GET /v2/models/<model>/ready`: the status (200 = ready) and the remote's error message, if any. */
  async ready(timeoutMs: number): Promise<{ status: number; error: string | undefined }> {
    const answer = await this.send('GET', `${this.modelPath}/ready`, undefined, timeoutMs);
    return { status: answer.status, error: answer.status === 200 ? undefined : this.statusError(answer).message };
  }

  /** `POST /v2/models/<model>/infer`, with the deadline, retries and budget. */
  async infer(request: InferenceRequest): Promise<InferenceResponse> {
    const body = JSON.stringify(request);
    const deadline = Date.now() + this.options.timeoutMs;
    this.budget.deposit();
    for (let attempt = 0; ; attempt++) {
      const left = deadline - Date.now();
      let answer: Answer | undefined;
      let failure: unknown;
      try {
        answer = await this.send('POST', `${this.modelPath}/infer`, body, Math.max(1, left));
        if (answer.status === 200) return this.json<InferenceResponse>(answer, 'infer');
      } catch (error) {
        failure = error;
      }
      const retryable = answer !== undefined ? RETRYABLE_STATUSES.has(answer.status) : isRetryable(failure);
      if (!retryable || attempt >= this.options.retries || deadline - Date.now() <= 0 || !this.budget.tryWithdraw()) {
        throw answer !== undefined ? this.statusError(answer) : (failure as Error);
      }
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async send(method: 'GET' | 'POST', path: string, body: string | undefined, timeoutMs: number): Promise<Answer> {
    try {
      const { statusCode, body: stream } = await this.pool.request({
        method,
        path,
        body,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: statusCode, text: await stream.text() };
    } catch (cause) {
      const timedOut = (cause as Error).name === 'TimeoutError' || (cause as Error).name === 'AbortError';
      const reason = timedOut ? `no answer within ${timeoutMs} ms` : describeError(cause);
      throw Object.assign(new RemoteModelError(`remote OIP model ${this.where} (${method}): ${reason}`, { cause }), {
        retryable: !timedOut && RETRYABLE_CODES.has(codeOf(cause)),
      });
    }
  }

  private json<T>(answer: Answer, what: string): T {
    try {
      return JSON.parse(answer.text) as T;
    } catch (cause) {
      throw new RemoteModelError(`remote OIP model ${this.where} answered its ${what} with something that is not JSON: ${answer.text.slice(0, 120)}`, { cause });
    }
  }

  private statusError(answer: Answer): RemoteModelError {
    let message = answer.text.slice(0, 200);
    try {
      const parsed = JSON.parse(answer.text) as { error?: unknown };
      if (typeof parsed.error === 'string') message = parsed.error;
    } catch {
      // not the protocol's error object: show the text as it is
    }
    return new RemoteModelError(`remote OIP model ${this.where} answered ${answer.status}: ${message}`);
  }
}

function isRetryable(error: unknown): boolean {
  return (error as { retryable?: boolean } | undefined)?.retryable === true;
}

function codeOf(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return '';
}

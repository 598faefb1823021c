import { isPromiseLike, judgeNowOf, type LoadedModel } from '../adapter/load-model';
import { parseRequestBody } from '../contract/parse-request';
import { bodyOf, statusOf } from '../contract/respond';
import { CrsMlError, describeError } from '../errors';
import type { Decision } from '../adapter/model-adapter';
import type { MlRequest } from '../contract/ml-request';
import { logsAt, type Logger } from '../logger';
import { statusOfError } from './error-status';
import { OFF_THREAD_MIN_BYTES, parseOffThread } from './parse-off-thread';

/** An HTTP answer as status + one line of text. */
export interface TextAnswer {
  readonly status: number;
  readonly text: string;
}

export const LOADING: TextAnswer = { status: 503, text: 'Model is loading' };

/** `GET /`: readiness is a fact the server reports, not a guess. */
export function healthAnswer(model: LoadedModel | undefined): TextAnswer {
  return model === undefined ? LOADING : { status: 200, text: 'Service is up' };
}

/** What the server does beside answering a request. */
export interface AnswerHooks {
  /** Hears of every scored request with its decision (`--record`); must not throw. */
  readonly onScored?: (request: MlRequest, decision: Decision) => void;
  /** Hears of every refused or failed request (metrics); must not throw. */
  readonly onError?: (error: unknown) => void;
}

/** Error codes a client causes by going away, not by sending something wrong: logged at debug. */
const CLIENT_GONE_CODES = new Set(['REQUEST_BODY_UNREADABLE', 'ECONNRESET', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
let lastRequestId = 0;

/**
 * `POST /`: parse, score, decide. Never throws; errors become their status and one line.
 * At debug level, one `request` line per call (request id, status, answer, bytes, milliseconds);
 * below it, nothing is built.
 */
export async function scoreAnswer(model: LoadedModel | undefined, body: Uint8Array, logger: Logger, hooks: AnswerHooks = {}): Promise<TextAnswer> {
  return answerNow(model, body, logger, hooks);
}

/** One `POST /` being answered: what its log line and hooks need. */
interface Call {
  readonly reqId: number;
  readonly bytes: number;
  /** performance.now() at the start when logging at debug, else -1. */
  readonly started: number;
  readonly logger: Logger;
  readonly hooks: AnswerHooks;
}

/**
 * {@link scoreAnswer} without the promise when nothing on the way is asynchronous (a body parsed on
 * this thread, a model that scores synchronously): the server's hot path, spared a few microtask
 * hops per request. Never throws, and a promise it returns never rejects.
 */
export function answerNow(model: LoadedModel | undefined, body: Uint8Array, logger: Logger, hooks: AnswerHooks = {}): TextAnswer | Promise<TextAnswer> {
  if (model === undefined) return LOADING;
  // `bytes` is read first: a big body is handed to the parsing thread, and empty here after.
  const call: Call = { reqId: ++lastRequestId, bytes: body.length, started: logsAt(logger, 'debug') ? performance.now() : -1, logger, hooks };
  // A big body is parsed on a worker thread, so it cannot hold everyone else's answers (docs/performance.md).
  if (body.length > OFF_THREAD_MIN_BYTES) {
    return parseOffThread(body).then(
      (request) => judged(model, request, call),
      (error: unknown) => failed(error, call),
    );
  }
  let request: MlRequest;
  try {
    request = parseRequestBody(body);
  } catch (error) {
    return failed(error, call);
  }
  return judged(model, request, call);
}

function judged(model: LoadedModel, request: MlRequest, call: Call): TextAnswer | Promise<TextAnswer> {
  let decision: Decision | PromiseLike<Decision>;
  try {
    decision = judgeNowOf(model, request);
  } catch (error) {
    return failed(error, call);
  }
  if (!isPromiseLike(decision)) return decided(request, decision, call);
  return Promise.resolve(decision).then(
    (settled) => decided(request, settled, call),
    (error: unknown) => failed(error, call),
  );
}

function decided(request: MlRequest, decision: Decision, call: Call): TextAnswer {
  const answer: TextAnswer = { status: statusOf(decision), text: bodyOf(decision) };
  if (call.hooks.onScored !== undefined) tell(call.hooks.onScored, request, decision, call.logger);
  return logged(answer, call);
}

function failed(error: unknown, call: Call): TextAnswer {
  return logged(errorAnswer(error, call.logger, { onError: call.hooks.onError, reqId: call.reqId }), call);
}

function logged(answer: TextAnswer, call: Call): TextAnswer {
  if (call.started >= 0) {
    const ms = Math.round((performance.now() - call.started) * 1000) / 1000;
    call.logger.debug('request', { reqId: call.reqId, status: answer.status, answer: answer.text, bytes: call.bytes, ms });
  }
  return answer;
}

function tell(onScored: NonNullable<AnswerHooks['onScored']>, request: MlRequest, decision: Decision, logger: Logger): void {
  try {
    onScored(request, decision);
  } catch (error) {
    logger.warn(`a scored-request hook failed (the answer is unaffected): ${describeError(error)}`);
  }
}

/**
 * Maps an error to its status (src/server/error-status.ts) and logs it once: a client that went away
 * at debug (nothing to fix), 5xx at error (our fault), any other 4xx at warn (the client sent
 * something wrong: worth a look, not a page).
 */
export function errorAnswer(error: unknown, logger: Logger, hooks: AnswerHooks & { readonly reqId?: number } = {}): TextAnswer {
  hooks.onError?.(error);
  const { reqId } = hooks;
  const status = statusOfError(error);
  const code = (error as { code?: unknown } | null)?.code;
  const fields = { reqId, status, code: typeof code === 'string' ? code : undefined };
  if (typeof code === 'string' && CLIENT_GONE_CODES.has(code)) logger.debug(`client went away: ${describeError(error)}`, fields);
  else if (status >= 500) logger.error(`request failed: ${describeError(error)}`, fields);
  else logger.warn(`request refused: ${describeError(error)}`, fields);
  const message = error instanceof CrsMlError ? error.message : 'internal error; see the server log';
  return { status, text: firstLine(message) };
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0];
  return line.length > 500 ? `${line.slice(0, 500)}...` : line;
}

import type { LoadedModel } from '../adapter/load-model';
import { parseRequestBody } from '../contract/parse-request';
import { bodyOf, statusOf } from '../contract/respond';
import { CrsMlError, describeError } from '../errors';
import type { Logger } from '../logger';
import { statusOfError } from './error-status';

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

/**
 * `POST /`: parse, score, decide. Never throws; errors become their status and one line.
 * `onError` (metrics) hears of every refused request.
 */
export async function scoreAnswer(model: LoadedModel | undefined, body: Uint8Array, logger: Logger, onError?: (error: unknown) => void): Promise<TextAnswer> {
  if (model === undefined) return LOADING;
  try {
    const decision = await model.judge(parseRequestBody(body));
    return { status: statusOf(decision), text: bodyOf(decision) };
  } catch (error) {
    return errorAnswer(error, logger, onError);
  }
}

/** Maps an error to its status (src/server/error-status.ts) and logs what operators need. */
export function errorAnswer(error: unknown, logger: Logger, onError?: (error: unknown) => void): TextAnswer {
  onError?.(error);
  const status = statusOfError(error);
  if (status >= 500) logger.error(`request failed: ${describeError(error)}`);
  else logger.debug(`request refused (${status}): ${describeError(error)}`);
  const message = error instanceof CrsMlError ? error.message : 'internal error; see the server log';
  return { status, text: firstLine(message) };
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0];
  return line.length > 500 ? `${line.slice(0, 500)}...` : line;
}

import { RequestFormatError } from '../errors';
import { parseLegacyBytes } from './legacy-body';
import type { MlRequest } from './ml-request';
import { toMlRequest } from './request.dto';
import { parseUrlEncodedBody } from './urlencoded-body';

/** Which of the two body formats a POST used. */
export type BodyFormat = 'legacy' | 'urlencoded';

const OPEN_BRACE = 0x7b;

/**
 * Tells the two formats apart: a legacy body always holds a raw `{` (its `args` object), and a
 * url-encoded body never does (every encoder escapes `{` as `%7B`). See docs/contract.md.
 */
export function detectBodyFormat(body: Uint8Array): BodyFormat {
  return body.indexOf(OPEN_BRACE) >= 0 ? 'legacy' : 'urlencoded';
}

/**
 * Raw POST body -> validated {@link MlRequest}, for both the original client's raw body and
 * url-encoded ones. Never throws anything but `RequestFormatError` / `RequestValidationError`.
 */
export function parseRequestBody(body: Uint8Array): MlRequest {
  if (body.length === 0) throw new RequestFormatError('the body is empty; expected method=...&path=...&args=...&hour=..&day=..');
  // Linear in the body, and only MODEL_LIMITS' worth of it is decoded (docs/contract.md).
  const fields = detectBodyFormat(body) === 'legacy' ? parseLegacyBytes(body) : parseUrlEncodedBody(body);
  return toMlRequest(fields);
}

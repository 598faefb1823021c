import { parseRequestBody } from '../contract/parse-request';
import { packTensorData, parseJsonBody } from '../oip/json-body';

/**
 * What a body is parsed as: `contract`, the plugin's `POST /` body (`parseRequestBody`); `json`, an
 * OIP inference request's JSON (`parseJsonBody`, flat numeric tensors packed as Float64Arrays).
 */
export type ParseKind = 'contract' | 'json';

/** One parse: the value, and the buffers inside it that can cross to another thread by transfer. */
export interface Parsed {
  readonly parsed: unknown;
  readonly transfer: ArrayBuffer[];
}

/**
 * How each kind is parsed: on the parsing thread (src/server/parse-worker.ts), and on the main
 * thread when that thread is gone and a copy of the body was kept (parse-off-thread.ts). Throws what
 * the kind's parser throws.
 */
export const PARSE_KINDS: Readonly<Record<ParseKind, (body: Uint8Array) => Parsed>> = {
  contract: (body) => ({ parsed: parseRequestBody(body), transfer: [] }),
  json: (body) => {
    const parsed = parseJsonBody(body);
    return { parsed, transfer: packTensorData(parsed) };
  },
};

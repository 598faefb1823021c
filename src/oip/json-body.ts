import { OipRequestError } from './errors';

/** An inference request's body as JSON (UTF-8, as Node's Buffer decodes it). */
export function parseJsonBody(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (cause) {
    throw new OipRequestError(`the body is not JSON: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Replaces each input's flat `data` array whose elements are all numbers by a Float64Array of the
 * same numbers (JSON numbers are doubles, so nothing changes, -0 included), and returns their
 * buffers: the parsing thread hands a big batch back by transferring them, where copying a
 * structured clone element by element would cost the main thread what JSON.parse did. Anything
 * else is left as it is, for the validators to judge.
 */
export function packTensorData(value: unknown): ArrayBuffer[] {
  const inputs = (value as { inputs?: unknown } | null)?.inputs;
  if (!Array.isArray(inputs)) return [];
  const buffers: ArrayBuffer[] = [];
  for (const input of inputs) {
    const holder = input as { data?: unknown } | null;
    if (typeof holder !== 'object' || holder === null || !Array.isArray(holder.data)) continue;
    const data = holder.data as unknown[];
    if (!data.every((item) => typeof item === 'number')) continue;
    const packed = Float64Array.from(data as number[]);
    holder.data = packed;
    buffers.push(packed.buffer);
  }
  return buffers;
}

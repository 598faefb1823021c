import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { parseRequestBody } from '../contract/parse-request';
import type { ParseJob, ParseResult } from './parse-off-thread';

/**
 * The body-parsing thread of {@link parseOffThread}: runs `parseRequestBody` on each body it is
 * given and posts back the parsed request (bounded by MODEL_LIMITS, so small) or the error's code,
 * message and field, with the body itself. Nothing else runs here: no model, no logging.
 *
 * The thread lowers its own priority (nice 19; Linux gives threads their own nice value), so on a
 * core it shares with the main thread, small requests are answered first and big bodies wait.
 */
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 19);
} catch {
  // not Linux, or not allowed: the thread keeps the process's priority
}

parentPort!.on('message', ({ id, body }: ParseJob) => {
  let result: ParseResult;
  try {
    result = { id, body, request: parseRequestBody(body) };
  } catch (error) {
    const { code, message, field } = error as { code?: unknown; message?: unknown; field?: unknown };
    result = {
      id,
      body,
      error: {
        code: typeof code === 'string' ? code : undefined,
        message: typeof message === 'string' ? message : String(error),
        field: typeof field === 'string' ? field : undefined,
      },
    };
  }
  parentPort!.postMessage(result, [body.buffer]); // the body goes back (see ParseResult)
});

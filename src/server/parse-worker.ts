import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { PARSE_KINDS } from './parse-kinds';
import type { ParseJob, ParseResult } from './parse-off-thread';

/**
 * The body-parsing thread of {@link parseOffThread} and {@link parseJsonOffThread}: parses each body
 * it is given as its kind says and posts back what it parsed (a plugin request, bounded by
 * MODEL_LIMITS, so small; or an OIP request's JSON, its big numeric tensors as transferred
 * Float64Arrays) or the error's code, message and field, with the body itself. Nothing else runs
 * here: no model, no logging.
 *
 * The thread lowers its own priority (nice 19; Linux gives threads their own nice value), so on a
 * core it shares with the main thread, small requests are answered first and big bodies wait.
 */
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 19);
} catch {
  // not Linux, or not allowed: the thread keeps the process's priority
}

parentPort!.on('message', ({ id, kind, body }: ParseJob) => {
  let result: ParseResult;
  let transfer: ArrayBuffer[] = [];
  try {
    const done = PARSE_KINDS[kind](body);
    result = { id, body, parsed: done.parsed };
    transfer = done.transfer;
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
  parentPort!.postMessage(result, [body.buffer, ...transfer]); // the body goes back (see ParseResult)
});

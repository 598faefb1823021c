import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { MlRequest } from '../contract/ml-request';
import { UsageError } from '../errors';
import { parseRequestLine } from './request-line';

/**
 * Streams the non-blank lines of a JSON-lines file as validated requests, with their 1-based line
 * numbers. Used by the `features` and `calibrate` commands.
 *
 * @throws UsageError `FILE line N is not a valid request`, caused by what is wrong, or for an unreadable file
 */
export async function* readRequestLines(file: string): AsyncGenerator<{ line: number; request: MlRequest }> {
  const stream = file === '-' ? process.stdin : createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      let request: MlRequest;
      try {
        request = parseRequestLine(text);
      } catch (cause) {
        throw new UsageError(
          `${file} line ${line} is not a valid request; expected one JSON object per line like ` +
            '{"method":"GET","path":"/","args":{"ARGS:q":"x"},"files":{},"sizes":{},"hour":7,"day":29}',
          { cause },
        );
      }
      yield { line, request };
    }
  } catch (cause) {
    if (cause instanceof UsageError) throw cause;
    throw new UsageError(`cannot read the requests file ${file}`, { cause });
  } finally {
    lines.close();
  }
}

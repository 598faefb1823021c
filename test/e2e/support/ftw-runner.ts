import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parse } from 'yaml';
import { parseRequestBody } from '../../../src/contract/parse-request';

/**
 * The subset of the go-ftw test format (as in ../shared/crs/tests/regression) our cases use,
 * plus a few `x_` fields of our own that go-ftw does not have:
 *
 * - `output.x_ml_calls`: how many calls the model server(s) got for this stage;
 * - `output.x_max_ms` / `output.x_min_ms`: bounds on the request's round trip through Apache;
 * - `output.x_ml_request`: fields the server must have parsed from the client's last call
 *   (compared with the server's own parser; args/files as `[name, value]` pairs);
 * - `tests[].x_skip`: `{ <engine>: <reason> }`, to skip a test on one ModSecurity engine;
 * - `input.x_wait_ms`: wait this long before sending (state that outlives a request, e.g. the
 *   breaker's GLOBAL collection, which ModSecurity 2 stores after answering).
 */
export interface FtwFile {
  readonly file: string;
  readonly meta?: { author?: string; description?: string };
  readonly rule_id?: number;
  readonly tests: readonly FtwTest[];
}

export interface FtwTest {
  readonly test_id: number;
  readonly desc?: string;
  /** Ours: engines (`modsecurity2`, `libmodsecurity3`) this test is skipped on, with the reason. */
  readonly x_skip?: Readonly<Record<string, string>>;
  readonly stages: ReadonlyArray<{ input: FtwInput; output: FtwOutput }>;
}

export interface FtwInput {
  readonly method?: string;
  readonly uri?: string;
  readonly headers?: Record<string, string | number>;
  readonly data?: string;
  readonly x_wait_ms?: number;
}

export interface FtwOutput {
  readonly status?: number | number[];
  readonly log?: {
    readonly expect_ids?: readonly number[];
    readonly no_expect_ids?: readonly number[];
    readonly match_regex?: string;
    readonly no_match_regex?: string;
  };
  readonly x_ml_calls?: number;
  readonly x_max_ms?: number;
  readonly x_min_ms?: number;
  readonly x_ml_request?: Record<string, unknown>;
}

/** What the runner needs from the environment under test. */
export interface FtwTarget {
  readonly baseUrl: string;
  logLinesFor(uniqueId: string): string[];
  /** Calls received by all model endpoints so far. */
  calls(): number;
  /** The body of the last call any endpoint received. */
  lastCallBody(): Buffer | undefined;
}

/** Reads every `*.yaml` of a folder, sorted by name. */
export function loadFtwFiles(dir: string): FtwFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => ({ file: name, ...(parse(readFileSync(path.join(dir, name), 'utf8')) as Omit<FtwFile, 'file'>) }));
}

interface Answer {
  status: number;
  uniqueId: string;
  ms: number;
}

function send(baseUrl: string, input: FtwInput): Promise<Answer> {
  const body = input.data === undefined ? undefined : Buffer.from(input.data, 'utf8');
  const headers: Record<string, string> = {};
  // Node writes header strings as latin1: pass UTF-8 bytes through that way (as go-ftw sends them).
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name] = Buffer.from(String(value), 'utf8').toString('latin1');
  if (body !== undefined) headers['Content-Length'] = String(body.length);
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${input.uri ?? '/'}`, { method: input.method ?? 'GET', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          uniqueId: String(res.headers['x-unique-id'] ?? ''),
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        }),
      );
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer from Apache within 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const ids = (lines: readonly string[]) => new Set([...lines.join('\n').matchAll(/\[id "(\d+)"\]/g)].map((m) => Number(m[1])));

/** Runs one stage; returns what went wrong (empty when it passed) and the measured round trip. */
export async function runStage(target: FtwTarget, input: FtwInput, output: FtwOutput): Promise<{ failures: string[]; status: number; ms: number; log: string[] }> {
  if (input.x_wait_ms !== undefined) await new Promise((resolve) => setTimeout(resolve, input.x_wait_ms));
  const callsBefore = target.calls();
  const answer = await send(target.baseUrl, input);
  const failures: string[] = [];
  const expected = output.log?.expect_ids ?? [];
  // Apache writes the log before answering; nginx may write it just after. Allow a moment.
  const regex = output.log?.match_regex === undefined ? undefined : new RegExp(output.log.match_regex);
  const incomplete = (lines: string[]) => expected.some((id) => !ids(lines).has(id)) || (regex !== undefined && !regex.test(lines.join('\n')));
  // With nothing to wait for, give a late line the chance to show up before checking its absence.
  if (expected.length === 0 && regex === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  let lines = target.logLinesFor(answer.uniqueId);
  for (let i = 0; i < 40 && incomplete(lines); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    lines = target.logLinesFor(answer.uniqueId);
  }
  const seen = ids(lines);
  const text = lines.join('\n');
  const statuses = output.status === undefined ? [] : ([] as number[]).concat(output.status);
  if (statuses.length > 0 && !statuses.includes(answer.status)) failures.push(`status ${answer.status}, expected ${statuses.join(' or ')}`);
  for (const id of expected) if (!seen.has(id)) failures.push(`rule ${id} not in the log`);
  for (const id of output.log?.no_expect_ids ?? []) if (seen.has(id)) failures.push(`rule ${id} is in the log but must not be`);
  if (output.log?.match_regex !== undefined && !new RegExp(output.log.match_regex).test(text)) failures.push(`log does not match /${output.log.match_regex}/`);
  if (output.log?.no_match_regex !== undefined && new RegExp(output.log.no_match_regex).test(text)) failures.push(`log matches /${output.log.no_match_regex}/`);
  const calls = target.calls() - callsBefore;
  if (output.x_ml_calls !== undefined && calls !== output.x_ml_calls) failures.push(`${calls} call(s) to the model server, expected ${output.x_ml_calls}`);
  if (output.x_max_ms !== undefined && answer.ms > output.x_max_ms) failures.push(`took ${answer.ms.toFixed(0)} ms, more than ${output.x_max_ms}`);
  if (output.x_min_ms !== undefined && answer.ms < output.x_min_ms) failures.push(`took ${answer.ms.toFixed(0)} ms, less than ${output.x_min_ms}`);
  if (output.x_ml_request !== undefined) failures.push(...compareMlRequest(target.lastCallBody(), output.x_ml_request));
  if (failures.length > 0) failures.push(`log lines of ${answer.uniqueId || '(no unique id)'}:\n${text || '(none)'}`);
  return { failures, status: answer.status, ms: answer.ms, log: lines };
}

/** Parses the client's body with the server's parser and compares the fields the case names. */
function compareMlRequest(body: Buffer | undefined, expected: Record<string, unknown>): string[] {
  if (body === undefined) return ['x_ml_request: the model server got no call'];
  let parsed: unknown;
  try {
    parsed = parseRequestBody(body);
  } catch (error) {
    return [`x_ml_request: the server could not parse the client's body (${String(error)}): ${body.toString('latin1').slice(0, 300)}`];
  }
  const failures: string[] = [];
  for (const [field, value] of Object.entries(expected)) {
    const actual = (parsed as Record<string, unknown>)[field];
    if (JSON.stringify(actual) !== JSON.stringify(value)) {
      failures.push(`x_ml_request.${field}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}`);
    }
  }
  return failures;
}

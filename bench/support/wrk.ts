import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';

/** Servers go on core 0 and wrk on core 1 when the machine has both and `taskset`. */
export const PINNED = cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;

export const HAS_WRK = spawnSync('wrk', ['--version']).error === undefined;

/** `command args` run on `core` when pinning is possible. */
export function pinned(core: number, command: string, args: string[]): [string, string[]] {
  return PINNED ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}

/** A wrk script POSTing `body` as a form, written to a temp file; returns its path. */
export function wrkPostScript(body: string): string {
  const script = path.join(mkdtempSync(path.join(tmpdir(), 'crs-ml-wrk-')), 'post.lua');
  writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n`);
  return script;
}

export interface WrkRun {
  readonly rps: number;
  /** Latency percentiles, in milliseconds. */
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  /** Answers other than 2xx/3xx (our server answers 401 for anomalies by design). */
  readonly non2xx: number;
  /** connect + read + write + timeout errors. */
  readonly socketErrors: number;
}

/** One wrk run (one thread, on core 1) against 127.0.0.1:`port` with `script`. */
export function runWrk(port: number, connections: number, seconds: number, script: string): WrkRun {
  const [command, args] = pinned(1, 'wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, `http://127.0.0.1:${port}/`]);
  const out = spawnSync(command, args, { encoding: 'utf8' }).stdout;
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p50: millis(/ 50%\s+(\S+)/.exec(out)?.[1] ?? ''),
    p99: millis(/ 99%\s+(\S+)/.exec(out)?.[1] ?? ''),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
    socketErrors: errors === null ? 0 : errors.slice(1).reduce((n, v) => n + Number(v), 0),
  };
}

/** wrk prints latencies as `1.23ms`, `456.00us` or `1.02s`; milliseconds. */
function millis(text: string): number {
  const match = /([\d.]+)(us|ms|s)/.exec(text);
  if (match === null) return NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

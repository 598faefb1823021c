/**
 * The operations checks of issue 12, against real `crs-ml-server serve` processes. The jest test
 * (test/operations/ops-checks.test.ts) runs them reduced; `CRS_ML_OPS_FULL=1` runs them at full size and
 * writes docs/operations-checks.md.
 */
import { connect } from 'node:net';
import { Agent } from 'node:http';
import { exchange, isFailure, pool, type Outcome } from './client';
import { FUZZ_KINDS, fuzzBody, type FuzzKind } from './fuzz-bodies';
import { randomModels, ServerUnderTest, sleep, writeManifest } from './server-process';

const BODY = Buffer.from('method=POST&path=/search.php&args={"ARGS:q":"fish&chips"}&files={}&sizes={}&hour=07&day=29');

export interface FuzzResult {
  readonly bodies: number;
  readonly hugeFieldBytes: string;
  readonly byKind: Record<string, Record<string, number>>;
  readonly fiveHundreds: number;
  readonly resets: number;
  readonly clientAborts: number;
  readonly rssStartMb: number;
  readonly rssEndMb: number;
  readonly rssPeakMb: number;
  /** How long RSS took to come back within 20 % of its start after the last body (30 s at most). */
  readonly settleMs: number;
  readonly seconds: number;
  readonly errorLogLines: number;
  readonly examples: string[];
}

/**
 * `bodies` fuzzed bodies at `concurrency`, on keep-alive connections. `hugeUnit`: size unit of
 * the huge fields (a 0xFF field costs the parser ~1-2 s per MiB on a busy 2-core machine: the
 * hot-path area's stall, not body reading; CI uses small units).
 */
export async function fuzzCheck(bodies: number, concurrency = 8, hugeUnit = 1024 * 1024): Promise<FuzzResult> {
  const maxBodyBytes = 4 * 1024 * 1024;
  const server = await new ServerUnderTest(['--models', randomModels(), '--max-body-bytes', String(maxBodyBytes), '--log-level', 'info']).ready();
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    // Warm-up with the same mix (other seeds), so V8's heap reaches its working size first: the
    // RSS check looks for what the fuzz leaves behind, not for the heap's first growth (measured:
    // RSS 97 -> 127 MB over the first 2,000 bodies, then flat; heap used stays 20-35 MB).
    const warmUp = 2000;
    await pool(warmUp, concurrency, async (i) => void (await exchange(server.port, fuzzBody(1_000_000 + i, maxBodyBytes, hugeUnit).exchange, agent)));
    await sleep(2000);
    const rssStart = server.rss();
    let rssPeak = rssStart;
    const byKind: Record<string, Record<string, number>> = Object.fromEntries(FUZZ_KINDS.map((k) => [k, {}]));
    let fiveHundreds = 0;
    let resets = 0;
    let clientAborts = 0;
    const examples: string[] = [];
    const started = Date.now();
    await pool(bodies, concurrency, async (i) => {
      const { kind, exchange: ex } = fuzzBody(i, maxBodyBytes, hugeUnit);
      const outcome = await exchange(server.port, ex, agent);
      const key = outcome.status !== undefined ? String(outcome.status) : outcome.clientAbort ? 'client-abort' : `error ${outcome.error}`;
      byKind[kind][key] = (byKind[kind][key] ?? 0) + 1;
      if (outcome.clientAbort) clientAborts++;
      else if (outcome.status !== undefined && outcome.status >= 500) fiveHundreds++;
      else if (isFailure(outcome)) resets++;
      if (isFailure(outcome) && examples.length < 5) examples.push(`#${i} ${kind}: ${key} ${outcome.text ?? ''}`);
      if (i % 1000 === 0) rssPeak = Math.max(rssPeak, server.rss());
    });
    const seconds = (Date.now() - started) / 1000;
    agent.destroy();
    // Give the heap a few seconds to settle after the last body (polled, so a quick settle ends early).
    let rssEnd = server.rss();
    let settleMs = 0;
    for (; settleMs < 30000 && rssEnd > rssStart * 1.2; settleMs += 500) {
      await sleep(500);
      rssEnd = server.rss();
    }
    const mb = (n: number) => Math.round(n / 1e5) / 10;
    return {
      bodies,
      hugeFieldBytes: `${hugeUnit}-${3 * hugeUnit}`,
      byKind,
      fiveHundreds,
      resets,
      clientAborts,
      rssStartMb: mb(rssStart),
      rssEndMb: mb(rssEnd),
      rssPeakMb: mb(rssPeak),
      settleMs,
      seconds,
      errorLogLines: server.log.split('\n').filter((l) => / error /.test(l)).length,
      examples,
    };
  } finally {
    agent.destroy();
    await server.stop();
  }
}

/** Clients that each send one request per connection, like the plugin, until told to stop. */
function loadLoop(port: number, concurrency: number): { stop(): void; done: Promise<Outcome[]> } {
  let running = true;
  const outcomes: Outcome[] = [];
  const done = Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (running) {
        const outcome = await exchange(port, { body: BODY });
        outcomes.push(outcome);
        if (outcome.error === 'ECONNREFUSED') await sleep(5);
      }
    }),
  ).then(() => outcomes);
  return { stop: () => (running = false), done };
}

export interface ShutdownResult {
  readonly answered: number;
  /** Requests the server accepted but did not answer, from its own drain report. Must be 0. */
  readonly unanswered: number;
  /**
   * Client connections reset without an answer: the kernel's accept queue when the listening
   * socket closed (the server never saw them), plus any `unanswered`.
   */
  readonly clientResets: number;
  readonly refused: number;
  readonly earlyConnections: number;
  readonly earlyAnswered: number;
  readonly earlyConnectionClose: number;
  readonly exitCode: number | null;
  readonly examples: string[];
}

/**
 * SIGTERM while `concurrency` clients load the server, plus connections opened before the signal
 * whose requests arrive after it (the plugin's connect-then-send). Every accepted request must be
 * answered, and the exit code must be 0.
 */
export async function sigtermCheck(concurrency: number, loadMs: number): Promise<ShutdownResult> {
  const server = await new ServerUnderTest(['--models', randomModels(), '--shutdown-grace-ms', '5000', '--log-level', 'info']).ready();
  try {
    const load = loadLoop(server.port, concurrency);
    await sleep(loadMs);
    // Connected, request not sent yet: the plugin's connect-then-send. The wait lets the server
    // accept them (a starved event loop accepts slowly); the request goes out after the signal.
    const early = await Promise.all(Array.from({ length: 8 }, () => openSilent(server.port)));
    await sleep(1500);
    server.child.kill('SIGTERM');
    await sleep(200);
    const earlyOutcomes = await Promise.all(early.map((send) => send(BODY)));
    const exit = await server.exited;
    load.stop();
    const outcomes = await load.done;
    const unanswered = outcomes.filter((o) => o.connected && isFailure(o));
    const cutOff = /stopped: (\d+) request\(s\) cut off/.exec(server.log);
    return {
      answered: outcomes.filter((o) => o.status !== undefined).length,
      unanswered: cutOff === null ? -1 : Number(cutOff[1]),
      clientResets: unanswered.length + earlyOutcomes.filter((o) => !/^HTTP\/1\.1 (200|401) /.test(o)).length,
      refused: outcomes.filter((o) => o.error === 'ECONNREFUSED').length,
      earlyConnections: early.length,
      earlyAnswered: earlyOutcomes.filter((o) => /^HTTP\/1\.1 (200|401) /.test(o)).length,
      earlyConnectionClose: earlyOutcomes.filter((o) => /\r\nconnection: close\r\n/i.test(o)).length,
      exitCode: exit.code,
      examples: [...unanswered.slice(0, 3).map((o) => JSON.stringify(o)), ...earlyOutcomes.filter((o) => !/^HTTP/.test(o)).slice(0, 2)],
    };
  } finally {
    await server.stop();
  }
}

/** A connected socket that has sent nothing yet; call it to send a request and read the answer. */
function openSilent(port: number): Promise<(body: Buffer) => Promise<string>> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let failure = '';
    const ended = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (failure = `error ${e.code}: `));
    socket.once('connect', () =>
      resolve(async (body) => {
        if (!socket.destroyed) {
          socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`);
          socket.write(body);
        }
        await ended;
        return failure + received;
      }),
    );
    socket.once('error', reject);
  });
}

/** A request whose body takes longer than a short grace period: SIGTERM must exit 2, not 0. */
export async function graceCutCheck(): Promise<{ exitCode: number | null; log: string }> {
  const server = await new ServerUnderTest(['--models', randomModels(), '--shutdown-grace-ms', '300', '--log-level', 'info']).ready();
  try {
    const slow = exchange(server.port, { body: BODY, pieces: 20, trickleMs: 100 });
    await sleep(200);
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    await slow;
    return { exitCode: exit.code, log: server.log };
  } finally {
    await server.stop();
  }
}

export interface ReloadResult {
  readonly requests: number;
  readonly failed: number;
  readonly reloads: Array<{ via: string; status?: number; text?: string }>;
  readonly servedNames: string[];
  readonly brokenReload: { status?: number; text?: string };
  readonly nameAfterBroken?: string;
  readonly scoredAfterBroken: boolean;
  readonly metrics: string;
  readonly examples: string[];
}

async function servedName(port: number): Promise<string | undefined> {
  const info = await exchange(port, { method: 'GET', path: '/info', body: Buffer.alloc(0) });
  return info.status === 200 ? (JSON.parse(info.text!) as { manifest: { name?: string } }).manifest.name : undefined;
}

/**
 * SIGHUP and POST /admin/reload, alternately, while `concurrency` clients load the server; each
 * reload serves a manifest with another name. Then a broken manifest: the old model keeps serving.
 */
export async function reloadCheck(concurrency: number, rounds: number, workers = 1): Promise<ReloadResult> {
  const dir = randomModels('model-0', 0);
  const server = await new ServerUnderTest(['--models', dir, '--admin', 'loopback', '--workers', String(workers), '--log-level', 'info']).ready();
  try {
    const load = loadLoop(server.port, concurrency);
    const reloads: ReloadResult['reloads'] = [];
    const servedNames: string[] = [];
    for (let round = 1; round <= rounds; round++) {
      await sleep(150);
      writeManifest(dir, { name: `model-${round}`, adapter: 'random', threshold: -0.313, options: { seed: round } });
      if (round % 2 === 1) {
        server.child.kill('SIGHUP');
        reloads.push({ via: 'SIGHUP' });
        await sleep(300);
      } else {
        const answer = await exchange(server.port, { path: '/admin/reload', body: Buffer.alloc(0) });
        reloads.push({ via: 'POST /admin/reload', status: answer.status, text: answer.text });
      }
      servedNames.push((await servedName(server.port)) ?? 'none');
    }
    writeManifest(dir, '{"adapter": "random", "threshold": ');
    const broken = await exchange(server.port, { path: '/admin/reload', body: Buffer.alloc(0) });
    await sleep(200);
    load.stop();
    const outcomes = await load.done;
    const after = await exchange(server.port, { body: BODY });
    const metrics = (await exchange(server.port, { method: 'GET', path: '/metrics', body: Buffer.alloc(0) })).text ?? '';
    const failed = outcomes.filter((o) => isFailure(o) || (o.status !== 200 && o.status !== 401));
    return {
      requests: outcomes.length,
      failed: failed.length,
      reloads,
      servedNames,
      brokenReload: { status: broken.status, text: broken.text },
      nameAfterBroken: await servedName(server.port),
      scoredAfterBroken: after.status === 200 || after.status === 401,
      metrics,
      examples: failed.slice(0, 3).map((o) => JSON.stringify(o)),
    };
  } finally {
    await server.stop();
  }
}

export interface WorkersResult {
  readonly workerPids: number[];
  readonly requestsByWorker: Record<string, number>;
  readonly reload?: string;
  readonly replaced: boolean;
  readonly restartsMetric: number;
  readonly failedWhileReplacing: number;
  readonly failuresWhileReplacing: string[];
  readonly exitCode: number | null;
  readonly leftoverPids: number[];
}

/** Sum of a counter's samples per `worker` label in Prometheus text. */
export function sumByWorker(metrics: string, name: string): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const match of metrics.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
    const worker = /worker="([^"]+)"/.exec(match[1])?.[1] ?? 'none';
    sums[worker] = (sums[worker] ?? 0) + Number(match[2]);
  }
  return sums;
}

/** `--workers 2`: both serve, both reload, a killed one is replaced and counted, SIGTERM stops all. */
export async function workersCheck(requests: number): Promise<WorkersResult> {
  const server = await new ServerUnderTest(['--models', randomModels(), '--workers', '2', '--admin', 'loopback', '--log-level', 'info']).ready();
  try {
    const workerPids = server.workerPids();
    await pool(requests, 8, async () => void (await exchange(server.port, { body: BODY })));
    const metrics = (await exchange(server.port, { method: 'GET', path: '/metrics', body: Buffer.alloc(0) })).text ?? '';
    const reload = (await exchange(server.port, { path: '/admin/reload', body: Buffer.alloc(0) })).text;
    process.kill(workerPids[0], 'SIGKILL');
    const outcomes: Outcome[] = [];
    let replaced = false;
    for (let i = 0; i < 400 && !replaced; i++) {
      outcomes.push(await exchange(server.port, { body: BODY, timeoutMs: 3000 }));
      const pids = server.workerPids();
      replaced = pids.length === 2 && !pids.includes(workerPids[0]);
      await sleep(25);
    }
    await sleep(500);
    const after = (await exchange(server.port, { method: 'GET', path: '/metrics', body: Buffer.alloc(0) })).text ?? '';
    const restarts = Number(/^crs_ml_worker_restarts_total (\S+)$/m.exec(after)?.[1] ?? NaN);
    const pidsBeforeStop = server.workerPids();
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    await sleep(200);
    const leftoverPids = pidsBeforeStop.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    return {
      workerPids,
      requestsByWorker: sumByWorker(metrics, 'crs_ml_requests_total'),
      reload,
      replaced,
      restartsMetric: restarts,
      failedWhileReplacing: outcomes.filter((o) => o.connected && isFailure(o)).length,
      failuresWhileReplacing: outcomes.filter((o) => isFailure(o)).map((o) => o.error ?? String(o.status)),
      exitCode: exit.code,
      leftoverPids,
    };
  } finally {
    await server.stop();
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(REPO_ROOT, 'bin', 'crs-ml-server.js');

/**
 * Why the real-process checks cannot run here, or undefined. They start bin/crs-ml-server.js,
 * which needs dist/. Locally that is a stated skip; in CI (CRS_ML_E2E=1, dist/ built by `npm ci`)
 * a missing dist/ is a failure, not a silent skip.
 */
export function cannotRun(): string | undefined {
  if (existsSync(path.join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'))) return undefined;
  const reason = 'dist/ is not built: run `npm run build` first (the ops checks start bin/crs-ml-server.js)';
  if (process.env.CRS_ML_E2E === '1') throw new Error(reason);
  return reason;
}

/** A models folder with the random stub; `name` and `seed` tell reloaded models apart. */
export function randomModels(name = 'stub-a', seed = 1): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'crs-ml-ops-'));
  writeManifest(dir, { name, adapter: 'random', threshold: -0.313, options: { seed } });
  return dir;
}

export function writeManifest(dir: string, manifest: unknown): void {
  writeFileSync(path.join(dir, 'manifest.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
}

/** A `crs-ml-server serve` child process on a free port. */
export class ServerUnderTest {
  /** Every server still running, so a test that times out can still stop its servers (afterAll). */
  static readonly running = new Set<ServerUnderTest>();

  /** Kills every server still running (and, through the primary's exit, its workers). */
  static async stopAll(): Promise<void> {
    await Promise.all([...ServerUnderTest.running].map((server) => server.stop()));
  }

  readonly child: ChildProcess;
  port = 0;
  log = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    ServerUnderTest.running.add(this);
    void this.exited.then(() => ServerUnderTest.running.delete(this));
  }

  /** Waits for the "serving ... on http://host:port/" line. */
  async ready(timeoutMs = 60_000): Promise<this> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = /serving .* on http:\/\/127\.0\.0\.1:(\d+)\//.exec(this.log);
      if (match !== null) {
        this.port = Number(match[1]);
        return this;
      }
      if (this.child.exitCode !== null) throw new Error(`server exited with ${this.child.exitCode}:\n${this.log}`);
      await sleep(50);
    }
    throw new Error(`server not ready after ${timeoutMs} ms:\n${this.log}`);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Resident set size of the server process (of the primary under --workers), in bytes. */
  rss(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
  }

  /** PIDs of the worker processes under --workers. */
  workerPids(): number[] {
    const children = readFileSync(`/proc/${this.child.pid}/task/${this.child.pid}/children`, 'utf8').trim();
    return children === '' ? [] : children.split(/\s+/).map(Number);
  }

  /** SIGTERM (a primary then stops its workers), SIGKILL if it is still there after 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(timer);
    }
    await this.exited;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

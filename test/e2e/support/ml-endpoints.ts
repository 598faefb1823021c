import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from './environment';

/** One model server as the CLI runs it: `node bin/crs-ml-server.js serve --models <dir>`. */
export interface CliServer {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * Writes `<dir>/manifest.json` (when `manifest` is given; otherwise serves `dir` as it is) and
 * starts the real CLI on a free port, or on the Unix socket `socket` (then `url` is
 * `unix:<socket>`, the plugin's form); resolves once it serves (GET / answers 200).
 */
export async function startCliServer(dir: string, manifest?: object, socket?: string): Promise<CliServer> {
  if (manifest !== undefined) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  }
  const port = await freePort();
  const listen = socket === undefined ? ['--port', String(port)] : ['--socket', socket];
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'crs-ml-server.js'), 'serve', '--models', dir, ...listen], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = socket === undefined ? `http://127.0.0.1:${port}/` : `unix:${socket}`;
  await waitFor(async () => (await get(socket === undefined ? url : { socketPath: socket, path: '/' })) === 200, 15_000, () => `CLI server for ${dir} did not start:\n${output}`, child);
  return { url, output: () => output, stop: () => stopChild(child) };
}

/** What a test endpoint does with each request it receives. */
export type EndpointBehaviour =
  | { kind: 'proxy'; target: string }
  | { kind: 'hang' }
  | { kind: 'status'; status: number; body: string };

/** An HTTP endpoint the plugin is pointed at, counting the calls it gets and keeping their bodies. */
export interface Endpoint {
  readonly url: string;
  readonly calls: number;
  /** TCP connections accepted so far (crs_ml_native keeps them between calls; LuaSocket opens one per call). */
  readonly connections: number;
  readonly bodies: readonly Buffer[];
  close(): Promise<void>;
}

/** Starts a counting endpoint on a free port: a proxy to a real server, a hung server, or a fixed answer. */
export async function startEndpoint(behaviour: EndpointBehaviour): Promise<Endpoint> {
  const bodies: Buffer[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      bodies.push(body);
      if (behaviour.kind === 'hang') return; // never answer; the client's timeout must fire
      if (behaviour.kind === 'status') {
        res.writeHead(behaviour.status, { 'Content-Type': 'text/plain' }).end(behaviour.body);
        return;
      }
      const upstream = http.request(behaviour.target, { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '', 'content-length': body.length } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, { 'Content-Type': answer.headers['content-type'] ?? 'text/plain' });
        answer.pipe(res);
      });
      upstream.on('error', (error) => res.writeHead(502).end(String(error)));
      upstream.end(body);
    });
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get calls() {
      return bodies.length;
    },
    get connections() {
      return connections;
    },
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound once, then released. */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** GET `url` (or a Unix socket's `{ socketPath, path }`); the status, or 0 when nothing answers. */
export function get(url: string | http.RequestOptions): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(1000, () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** Polls `ready` every 100 ms; throws `describe()` after `ms`, or at once when `child` exits. */
export async function waitFor(ready: () => Promise<boolean>, ms: number, describe: () => string, child?: ChildProcess): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child !== undefined && child.exitCode !== null) throw new Error(`${describe()}\n(exited with ${child.exitCode})`);
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(describe());
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the child is gone. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Whether the CLI can serve the models directory `dir`: runs `serve` for up to `ms` and returns
 * the reason it stopped when it exits on its own (unknown adapter, bad model), or undefined when
 * it was still serving (or still loading) when stopped.
 */
export function probeModelsDir(dir: string, ms = 4000): string | undefined {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'crs-ml-server.js'), 'serve', '--models', dir, '--port', '0'], {
    cwd: REPO_ROOT,
    timeout: ms,
    encoding: 'utf8',
  });
  // Still running when the time was up (the CLI exits 0 on the SIGTERM that stops it): it serves.
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') return undefined;
  if (result.error !== undefined) return String(result.error);
  return `${dir} cannot be served: ${(result.stderr || result.stdout).trim().split('\n')[0]}`;
}

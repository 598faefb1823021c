import { execFile } from 'node:child_process';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { cannotRun } from './support/cannot-run';
import { detectEnvironment } from './support/environment';
import { luaVersionOf, nativeCpath, nativeModule } from './support/native-module';

/**
 * plugin/native/crs_ml_native.c on its own, under lua5.1 and lua5.3: the connections it keeps
 * between calls, and what it does when the server closes one, answers `Connection: close`, HTTP/1.0
 * without a length, too much, or nothing. The client's behaviour through it (verdicts, fail
 * policies, chunked answers, Unix sockets) is in lua-client*.test.ts, which run both transports.
 */
const env = detectEnvironment();

interface Outcome {
  calls: Array<{ status: string; body: string; detail: string }>;
  stats: { connects: number; reuses: number; retries: number };
  elapsedMs: number[];
}

/**
 * Runs `count` calls of crs_ml_native.post to 127.0.0.1:`port` (a `pauseS` sleep before each after
 * the first) in one Lua process, so the module's kept connections carry from call to call.
 */
function callNative(luaBin: string, moduleDir: string, port: number, count: number, options: { pauseS?: number; timeoutS?: number } = {}): Promise<Outcome> {
  const script = `
    local native = require("crs_ml_native")
    for i = 1, ${count} do
      if i > 1 and ${options.pauseS ?? 0} > 0 then os.execute("sleep ${options.pauseS ?? 0}") end
      local started = native.clock()
      local status, body, detail = native.post("127.0.0.1", ${port}, nil, "/", "v=2&method=GET", ${options.timeoutS ?? 1}, "127.0.0.1:${port}")
      print(string.format("call %s %q %q %.1f", tostring(status), tostring(body), tostring(detail), (native.clock() - started) * 1000))
    end
    local stats = native.stats()
    print(string.format("stats %d %d %d", stats.connects, stats.reuses, stats.retries))
  `;
  return new Promise((resolve, reject) => {
    execFile(luaBin, ['-e', script], { timeout: 20_000, env: { ...process.env, LUA_CPATH: nativeCpath(moduleDir) } }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${String(error)}\n${stderr}`));
      const outcome: Outcome = { calls: [], stats: { connects: 0, reuses: 0, retries: 0 }, elapsedMs: [] };
      for (const line of stdout.trim().split('\n')) {
        const call = /^call (\S+) "(.*)" "(.*)" ([\d.]+)$/.exec(line);
        if (call) {
          outcome.calls.push({ status: call[1], body: call[2], detail: call[3] });
          outcome.elapsedMs.push(Number(call[4]));
        }
        const stats = /^stats (\d+) (\d+) (\d+)$/.exec(line);
        if (stats) outcome.stats = { connects: Number(stats[1]), reuses: Number(stats[2]), retries: Number(stats[3]) };
      }
      resolve(outcome);
    });
  });
}

/** A raw TCP server: `answer(requestNumberOnThisConnection, socket)` plays the server's part. */
async function rawServer(answer: (nth: number, socket: net.Socket) => void): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    let nth = 0;
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      // Each request is a head and a body of its Content-Length.
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        pending = pending.slice(end + 4 + length);
        answer(++nth, socket);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const KEEP_ALIVE_ANSWER = 'HTTP/1.1 401 Unauthorized\r\nContent-Length: 11\r\n\r\nscore=-2.5e';

describe('crs_ml_native', () => {
  for (const lua of env.luaVersions) {
    const built = nativeModule(luaVersionOf(lua.bin));
    const skip = lua.skip ?? built.skip;
    if (skip !== undefined) {
      cannotRun(`crs_ml_native under ${lua.bin}`, skip, lua.required);
      continue;
    }
    const moduleDir = built.dir as string;

    describe(`under ${lua.bin}`, () => {
      test('keeps one connection for consecutive calls to a keep-alive server', async () => {
        let connections = 0;
        const server = http.createServer((req, res) => {
          req.resume();
          req.on('end', () => res.writeHead(200).end('score=1'));
        });
        server.on('connection', () => connections++);
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
          const outcome = await callNative(lua.bin, moduleDir, (server.address() as AddressInfo).port, 5);
          expect(outcome.calls).toEqual(Array(5).fill({ status: '200', body: 'score=1', detail: 'nil' }));
          expect(outcome.stats).toEqual({ connects: 1, reuses: 4, retries: 0 });
          expect(connections).toBe(1);
        } finally {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        }
      });

      test('a connection the server closed while idle is noticed and replaced, without a failed call', async () => {
        // Answers, then closes the connection 50 ms later (a keep-alive timeout).
        const server = await rawServer((_nth, socket) => {
          socket.write(KEEP_ALIVE_ANSWER);
          setTimeout(() => socket.end(), 50);
        });
        try {
          const outcome = await callNative(lua.bin, moduleDir, server.port, 2, { pauseS: 0.3 });
          expect(outcome.calls.map((c) => c.status)).toEqual(['401', '401']);
          expect(outcome.stats).toEqual({ connects: 2, reuses: 0, retries: 0 });
        } finally {
          await server.close();
        }
      });

      test('a kept connection the server drops on the next request: one retry on a new connection', async () => {
        // Answers the first request of each connection and keeps it open; closes it, unanswered,
        // on the second: what a server closing an idle connection just as the call goes out does.
        const server = await rawServer((nth, socket) => (nth === 1 ? socket.write(KEEP_ALIVE_ANSWER) : socket.destroy()));
        try {
          const outcome = await callNative(lua.bin, moduleDir, server.port, 3);
          expect(outcome.calls).toEqual(Array(3).fill({ status: '401', body: 'score=-2.5e', detail: 'nil' }));
          expect(outcome.stats).toEqual({ connects: 3, reuses: 0, retries: 2 });
          expect(server.connections()).toBe(3);
        } finally {
          await server.close();
        }
      });

      test.each([
        ['Connection: close', 'HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nscore=3'],
        ['HTTP/1.0 without a length, ended by close', 'HTTP/1.0 200 OK\r\n\r\nscore=3'],
      ])('%s: the answer is read and the connection not kept', async (_name, answer) => {
        const server = await rawServer((_nth, socket) => socket.end(answer));
        try {
          const outcome = await callNative(lua.bin, moduleDir, server.port, 3);
          expect(outcome.calls).toEqual(Array(3).fill({ status: '200', body: 'score=3', detail: 'nil' }));
          expect(outcome.stats).toEqual({ connects: 3, reuses: 0, retries: 0 });
        } finally {
          await server.close();
        }
      });

      test.each([
        ['an answer over 64 KiB', `HTTP/1.1 200 OK\r\nContent-Length: 70000\r\n\r\n${'x'.repeat(70000)}`, 'answer over 65536 bytes'],
        ['a chunked answer over 64 KiB', `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${'8000\r\n'.concat('y'.repeat(0x8000), '\r\n').repeat(3)}0\r\n\r\n`, 'answer over 65536 bytes'],
        ['no status line', 'SMTP ready\r\n\r\n', 'no HTTP status line'],
        ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'bad chunk size'],
        ['a close before the announced length', 'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nscore=', 'closed'],
      ])('%s: bad-response, saying why', async (_name, answer, why) => {
        const server = await rawServer((_nth, socket) => socket.end(answer));
        try {
          const outcome = await callNative(lua.bin, moduleDir, server.port, 1);
          expect(outcome.calls).toEqual([{ status: 'nil', body: 'bad-response', detail: `answer from 127.0.0.1:${server.port}: ${why}` }]);
        } finally {
          await server.close();
        }
      });

      test('engine(): nil until the client records it, then the same for every later state of the process', async () => {
        const script = `
          local native = require("crs_ml_native")
          print(tostring(native.engine()))
          print(native.engine("libmodsecurity3"))
          package.loaded["crs_ml_native"] = nil
          print(require("crs_ml_native").engine())
          print(pcall(native.engine, "nginx"))
        `;
        const output = await new Promise<string>((resolve, reject) =>
          execFile(lua.bin, ['-e', script], { env: { ...process.env, LUA_CPATH: nativeCpath(moduleDir) } }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout))),
        );
        const [before, recorded, later, refused] = output.trim().split('\n');
        expect([before, recorded, later]).toEqual(['nil', 'libmodsecurity3', 'libmodsecurity3']);
        expect(refused).toMatch(/^false\t.*engine: unknown engine nginx$/);
      });

      test('a server that never answers: timeout at the deadline, the connection not kept', async () => {
        const server = await rawServer(() => undefined);
        try {
          const outcome = await callNative(lua.bin, moduleDir, server.port, 2, { timeoutS: 0.2 });
          expect(outcome.calls).toEqual(Array(2).fill({ status: 'nil', body: 'timeout', detail: `no complete answer from 127.0.0.1:${server.port} within 200 ms` }));
          for (const ms of outcome.elapsedMs) {
            expect(ms).toBeGreaterThanOrEqual(195);
            expect(ms).toBeLessThan(450);
          }
          expect(outcome.stats.connects).toBe(2);
        } finally {
          await server.close();
        }
      });
    });
  }
});

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cannotRun, detectEnvironment } from './support/environment';
import { createLuaDriver } from './support/lua-driver';
import { freePort, startEndpoint, type Endpoint } from './support/ml-endpoints';

/**
 * plugin/machine-learning-client.lua when the server fails: down, hung, dripping, answering 500 or
 * nonsense, keep-alive and chunked answers, IPv6, a bad URL, and LuaSocket missing. Needs only
 * lua5.1 / lua5.3 with LuaSocket (no built server): fake servers play every part.
 */
const env = detectEnvironment();

describe('machine-learning-client.lua when things go wrong', () => {
  let dir = '';
  let record: Endpoint;
  let failing: Endpoint;
  let garbage: Endpoint;
  let hang: Endpoint;
  let drip: http.Server;
  let dripUrl = '';
  let downUrl = '';
  const rawServers: net.Server[] = [];

  /** A TCP server that writes `answer` after the request and never closes the connection. */
  async function rawServer(answer: string): Promise<string> {
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.write(answer));
      socket.on('error', () => undefined);
    });
    rawServers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'crs-ml-lua-'));
    record = await startEndpoint({ kind: 'status', status: 200, body: 'score=0' });
    failing = await startEndpoint({ kind: 'status', status: 500, body: 'boom %{tx.secret}' });
    garbage = await startEndpoint({ kind: 'status', status: 200, body: 'all good' });
    hang = await startEndpoint({ kind: 'hang' });
    // Answers the headers at once, then one body byte every 50 ms: only a total deadline stops it.
    drip = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Length': '1000' });
      const timer = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => drip.listen(0, '127.0.0.1', resolve));
    dripUrl = `http://127.0.0.1:${(drip.address() as AddressInfo).port}/`;
    downUrl = `http://127.0.0.1:${await freePort()}/`;
  });

  afterAll(async () => {
    for (const server of rawServers) server.close();
    drip?.closeAllConnections();
    await new Promise<void>((resolve) => (drip ? drip.close(() => resolve()) : resolve()));
    await Promise.all([record, failing, garbage, hang].filter(Boolean).map((e) => e.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  describe.each(env.luaVersions.map((v) => [v.bin, v] as const))('under %s + LuaSocket', (_bin, lua) => {
    if (lua.skip !== undefined) {
      cannotRun(`the ${lua.bin} client tests`, lua.skip, lua.required);
      return;
    }
    const drive = (...args: Parameters<ReturnType<typeof createLuaDriver>>) => createLuaDriver(lua.bin, dir)(...args);

    test.each([
      ['open', '0', 'pass'],
      ['closed', '0', 'block'],
      ['crs', '0', 'pass'],
      ['crs', '7', 'block'],
      ['banana', '7', 'block'], // an unknown policy behaves as crs
    ])('server down, fail_policy=%s, crs_score=%s: %s', async (policy, crsScore, action) => {
      const result = await drive(downUrl, {
        tx: { 'machine-learning-plugin_fail_policy': policy, 'machine-learning-plugin_crs_score': crsScore, 'machine-learning-plugin_inbound_anomaly_score_threshold': '5' },
      });
      expect(result.tx.get('ml_status')).toBe('unreachable');
      expect(result.tx.get('ml_score')).toBe('none');
      expect(result.tx.get('action')).toBe(action);
      expect(result.tx.get('detail')).toMatch(/connection refused; fail_policy=\w+ -> (pass|block)$/);
      expect(result.logs).toBe(1);
    });

    test('hung server: timeout after timeout_ms, fail policy applied', async () => {
      const result = await drive(hang.url, { tx: { 'machine-learning-plugin_timeout_ms': '200', 'machine-learning-plugin_fail_policy': 'closed' } });
      expect(result.tx.get('ml_status')).toBe('timeout');
      expect(result.tx.get('action')).toBe('block');
      expect(result.elapsedMs).toBeGreaterThanOrEqual(195);
      expect(result.elapsedMs).toBeLessThan(500);
    });

    test('a server that drips its answer is cut at the total deadline', async () => {
      const result = await drive(dripUrl, { tx: { 'machine-learning-plugin_timeout_ms': '200', 'machine-learning-plugin_fail_policy': 'open' } });
      expect(result.tx.get('ml_status')).toBe('timeout');
      expect(result.tx.get('action')).toBe('pass');
      expect(result.elapsedMs).toBeLessThan(500);
    });

    test('default timeout (no timeout_ms set) is 300 ms', async () => {
      const result = await drive(hang.url, { tx: { 'machine-learning-plugin_fail_policy': 'open' } });
      expect(result.tx.get('ml_status')).toBe('timeout');
      expect(result.elapsedMs).toBeGreaterThanOrEqual(295);
      expect(result.elapsedMs).toBeLessThan(600);
    });

    test('500: http-500, fail policy applied, macros in the answer are not expanded', async () => {
      const result = await drive(failing.url, { tx: { 'machine-learning-plugin_fail_policy': 'open', secret: 'LEAKED' } });
      expect(result.tx.get('ml_status')).toBe('http-500');
      expect(result.tx.get('action')).toBe('pass');
      expect(result.tx.get('detail')).toContain('the server answered HTTP 500: boom');
      expect(result.tx.get('detail')).not.toContain('LEAKED');
    });

    test('200 without score=<n>: pass as the server said, score none, reason given', async () => {
      const result = await drive(garbage.url);
      expect(result.tx.get('ml_status')).toBe('pass');
      expect(result.tx.get('ml_score')).toBe('none');
      expect(result.tx.get('detail')).toBe("the server's answer holds no score=<number>");
    });

    test('a URL that is not http://host[:port]/path is a config-error, fail policy applied', async () => {
      const result = await drive('ftp://127.0.0.1/', { tx: { 'machine-learning-plugin_fail_policy': 'closed' } });
      expect(result.tx.get('ml_status')).toBe('config-error');
      expect(result.tx.get('action')).toBe('block');
    });

    test('an answer with Content-Length is read without waiting for the server to close', async () => {
      const url = await rawServer('HTTP/1.1 401 Unauthorized\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\nscore=-1e-3');
      const result = await drive(url, { tx: { 'machine-learning-plugin_timeout_ms': '250' } });
      expect(result.tx.get('ml_status')).toBe('anomaly');
      expect(result.tx.get('ml_score')).toBe('-1e-3');
      expect(result.elapsedMs).toBeLessThan(500);
    });

    test('a chunked answer is decoded', async () => {
      const url = await rawServer('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nscore=\r\n5\r\n-0.25\r\n0\r\n\r\n');
      const result = await drive(url, { tx: { 'machine-learning-plugin_timeout_ms': '250' } });
      expect(result.tx.get('ml_status')).toBe('pass');
      expect(result.tx.get('ml_score')).toBe('-0.25');
      expect(result.elapsedMs).toBeLessThan(500);
    });

    const hasIpv6Loopback = Object.values(os.networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));
    (hasIpv6Loopback ? test : test.skip)(`an IPv6 server URL http://[::1]:port/ works${hasIpv6Loopback ? '' : ' (skipped: no ::1 on this machine)'}`, async () => {
      const server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(401).end('score=-7.5'));
      });
      await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
      try {
        const result = await drive(`http://[::1]:${(server.address() as AddressInfo).port}/`);
        expect(result.tx.get('ml_status')).toBe('anomaly');
        expect(result.tx.get('ml_score')).toBe('-7.5');
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    test('without LuaSocket: client-error, the fail policy still applies', async () => {
      const hidden = { LUA_PATH: '/nonexistent/?.lua', LUA_CPATH: '/nonexistent/?.so' };
      const closed = await drive(record.url, { tx: { 'machine-learning-plugin_fail_policy': 'closed' } }, hidden);
      expect(closed.tx.get('ml_status')).toBe('client-error');
      expect(closed.tx.get('action')).toBe('block');
      expect(closed.tx.get('detail')).toMatch(/^LuaSocket is missing \(apt-get install lua-socket\)/);
      const open = await drive(record.url, { tx: { 'machine-learning-plugin_fail_policy': 'open' } }, hidden);
      expect(open.tx.get('action')).toBe('pass');
    });

  });
});

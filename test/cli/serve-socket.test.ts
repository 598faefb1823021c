import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../../src/cli/commands/serve';

const BODY = 'method=GET&path=/&args=%7B%7D&files=%7B%7D&sizes=%7B%7D&hour=7&day=29';

function post(socketPath: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: '/', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(BODY);
  });
}

describe('crs-ml-server serve --socket', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'crs-ml-socket-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('listens on a Unix domain socket that other users may connect to, replacing a file left behind', async () => {
    const socketPath = path.join(dir, 'ml.sock');
    // A server killed without cleaning up leaves its socket file behind.
    spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    expect(existsSync(socketPath)).toBe(true);
    const { server } = (await serve({
      models: path.join(__dirname, '../../saved_models'),
      host: '127.0.0.1',
      port: 0,
      socket: socketPath,
      logLevel: 'error',
      maxBodyBytes: 1 << 20,
    }))!;
    try {
      expect(statSync(socketPath).mode & 0o777).toBe(0o666);
      const { status, text } = await post(socketPath);
      expect(text).toMatch(/^score=-?\d$/);
      expect(status).toBe(Number(text.slice(6)) < -0.313 ? 401 : 200);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});

import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exchange } from '../operations/support/client';
import { cannotRun, randomModels, ServerUnderTest, sleep, writeManifest } from '../operations/support/server-process';

/** A user adapter whose load takes 3 s, to send signals while the model loads. */
const SLOW_ADAPTER = `
class SlowAdapter {
  static adapterName = 'slow';
  describe() { return { name: 'slow', inputKind: 'request', output: 'constant' }; }
  async load() { await new Promise((resolve) => setTimeout(resolve, 3000)); }
  score(batch) { return batch.map(() => 1); }
}
module.exports = { SlowAdapter };
`;

const skip = cannotRun();
const run = skip === undefined ? describe : describe.skip;
if (skip !== undefined) test.skip(`lifecycle: ${skip}`, () => undefined);

run('signals while the model loads (real server process)', () => {
  it('SIGHUP does not kill it, SIGTERM stops it cleanly (exit 0) without serving', async () => {
    const dir = randomModels();
    writeFileSync(path.join(dir, 'slow-adapter.js'), SLOW_ADAPTER);
    writeManifest(dir, { name: 'slow', adapter: 'slow', threshold: 0, adapters: '.' });
    const server = new ServerUnderTest(['--models', dir, '--log-level', 'info']);
    try {
      // Listening before the model is ready: find the port from /proc, since no "serving" line comes yet.
      let port = 0;
      for (let i = 0; i < 200 && port === 0; i++) {
        await sleep(50);
        port = listeningPort(server.child.pid!);
      }
      expect(port).toBeGreaterThan(0);
      const health = await exchange(port, { method: 'GET', body: Buffer.alloc(0) });
      expect([health.status, health.text]).toEqual([503, 'Model is loading']);
      server.child.kill('SIGHUP');
      await sleep(200);
      expect(server.child.exitCode).toBeNull();
      server.child.kill('SIGTERM');
      const exit = await server.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(server.log).toMatch(/the model finished loading after a stop signal; not serving it/);
      expect(server.log).not.toMatch(/serving model/);
    } finally {
      await server.stop();
    }
  });
});

/** The TCP port a process listens on, from /proc/net/tcp (state 0A = LISTEN), or 0. */
function listeningPort(pid: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]);
    } catch {
      // fd closed meanwhile
    }
  }
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[3] === '0A' && inodes.has(cols[9])) return parseInt(cols[1].split(':')[1], 16);
  }
  return 0;
}

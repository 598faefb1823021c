import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The used-by flow outside this repository, from a packed tarball: `npm pack`, `npm install <tgz>` in
 * an empty folder, then what a new user types: `npx crs-ml-server` (the bundled default, since the
 * folder has no saved_models/), `npx crs-ml-server init`, `node --test` (the written conformance
 * test) and `npx crs-ml-server` again (now serving the written saved_models/). One install serves
 * every step; it needs the npm registry (or npm's cache), as CI has.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const built = existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'main.js'));
const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status === 0;
// `npm ci` builds dist/ (prepare) in CI; locally run `npm run build` first. Packing never rebuilds.
const skip = !built ? 'dist/ is not built: run `npm run build`' : !npm ? 'npm is not on PATH' : undefined;
if (skip !== undefined) console.warn(`packed-install: skipped: ${skip}`);

// onnxruntime-node's install script would download optional CUDA files (README, "Set-up").
const ENV = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_update_notifier: 'false' };

function run(command: string, args: string[], cwd: string, input?: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env: ENV, encoding: 'utf8', input, timeout: 150_000 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status} in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/**
 * Starts `npx crs-ml-server --port 0` in `cwd`, in a process group of its own (npx runs the server as
 * its child, and the group is how `stop` reaches both); resolves with its URL and startup line.
 */
function startServer(cwd: string): Promise<{ child: ChildProcess; url: string; line: string }> {
  const child = spawn('npx', ['--no-install', 'crs-ml-server', '--port', '0'], { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /^.*serving .* on (http:\/\/127\.0\.0\.1:\d+\/).*$/m.exec(log);
      // Logs are pino JSON lines: the startup line's text is its `msg`.
      if (match) resolve({ child, url: match[1], line: (JSON.parse(match[0]) as { msg: string }).msg });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`crs-ml-server exited ${code} before serving:\n${log}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}

(skip === undefined ? describe : describe.skip)('crs-ml-server installed from its packed tarball', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'crs-ml-pack-'));
  const app = path.join(work, 'app');
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('serves its bundled default, inits a project whose conformance test passes, and serves that', async () => {
    const packed = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], ROOT).stdout.trim().split('\n').pop()!;
    mkdirSync(app);
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(work, packed)], app);
    expect(run('npx', ['--no-install', 'crs-ml-server', '--version'], app).stdout).toMatch(/^crs-ml-server \d+\.\d+\.\d+\n$/);

    // 1. an empty folder: no ./saved_models, so the package's own default, said in the startup line
    const bundled = await startServer(app);
    try {
      expect(bundled.line).toContain('model "random-stub"');
      expect(bundled.line).toContain('the bundled default models');
      const health = await fetch(bundled.url);
      expect([health.status, await health.text()]).toEqual([200, 'Service is up']);
    } finally {
      await stop(bundled.child);
    }

    // 2. init, and the conformance test it wrote, run by Node's own test runner
    expect(run('npx', ['--no-install', 'crs-ml-server', 'init'], app).stdout).toContain('wrote 6 files');
    const tested = run(process.execPath, ['--test'], app);
    expect(tested.stdout).toMatch(/# pass [1-9]/);
    expect(tested.stdout).toContain('# fail 0');

    // 3. the TypeScript adapter type-checks against the installed package's declarations
    const tsc = spawnSync(process.execPath, [
      path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--target', 'ES2022', '--module', 'commonjs',
      '--moduleResolution', 'node', '--ignoreDeprecations', '6.0', '--skipLibCheck', '--types', 'node', '--typeRoots', path.join(ROOT, 'node_modules', '@types'),
      path.join(app, 'saved_models', 'adapters', 'keyword-adapter.ts'),
    ], { cwd: app, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');

    // 4. serve again: now ./saved_models is the written one
    const own = await startServer(app);
    try {
      expect(own.line).toContain('model "keyword-example"');
      expect(own.line).not.toContain('bundled');
      const attack = await fetch(own.url, { method: 'POST', body: 'method=GET&path=/x&args={"ARGS:q":"1\' union select 1--"}&hour=12&day=1' });
      expect([attack.status, await attack.text()]).toEqual([401, 'score=5']);
    } finally {
      await stop(own.child);
    }
  }, 240_000);
});

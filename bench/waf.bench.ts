/**
 * What the plugin costs the WAF (issue 13): Apache 2.4 + ModSecurity 2.9 + CRS 4, and nginx +
 * libmodsecurity 3 + CRS 4 (the e2e harness, test/e2e/support), each serving benign GETs with the
 * plugin off, in mode 2 calling the random stub (`crs-ml-server`, TCP and a Unix socket; through
 * crs_ml_native, built from plugin/native, and through LuaSocket), and in mode 1 (benign traffic:
 * no call). One WAF instance per server; the variants are picked per
 * request by the harness's X-ML-Test-* headers and run in alternating rounds (medians reported), so
 * load from elsewhere on a shared machine spreads over all of them.
 *
 * Pinning (BENCH_WAF_LAYOUT): `split` (default) puts the WAF alone on core 0, the model server and wrk on core 1; `shared` puts the WAF and the model server on core 0, wrk on core 1 (taskset). CPU per request
 * is read from /proc/<pid>/stat (utime + stime) of the WAF's processes (and, apart, the model
 * server's) before and after each run. Prints req/s at c16, p50 at c1, p99 at c16, and CPU per
 * request, as ratios to "plugin off".
 *
 * Skips with the reason when Apache, nginx, wrk, taskset, Lua or CRS 4 are missing.
 * BENCH_SECONDS (default 4), BENCH_ROUNDS (3), BENCH_WAF_SERVERS (apache,nginx), BENCH_WAF_PROFILE=1
 * (the per-call breakdown instead: each Lua API call and each step of the client timed inside the
 * engine, then PROFILE_VARIANTS), BENCH_WAF_PROFILE=steps (only the in-engine timings).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ApacheInstance } from '../test/e2e/support/apache';
import { crs4Flavour, detectEnvironment, REPO_ROOT } from '../test/e2e/support/environment';
import { nativeModule } from '../test/e2e/support/native-module';
import { NginxInstance } from '../test/e2e/support/nginx';
import { CONTROL_HEADERS, type WafInstance, type WafOptions } from '../test/e2e/support/waf';
import { medianOf } from './support/stats';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SERVERS = (process.env.BENCH_WAF_SERVERS ?? 'apache,nginx').split(',');
/** BENCH_WAF_PROFILE=steps: only the in-engine API and step costs, not the per-step wrk variants. */
const STEPS_ONLY = process.env.BENCH_WAF_PROFILE === 'steps';
const WAF_CORE = '0';
const LOAD_CORE = '1';
/**
 * BENCH_WAF_LAYOUT: `split` (default, issue 13's "server on its own core"): the WAF alone on core 0,
 * the model server and wrk on core 1. `shared`: the WAF and the model server on core 0, wrk on core 1.
 */
const LAYOUT = process.env.BENCH_WAF_LAYOUT === 'shared' ? 'shared' : 'split';
const SERVER_CORE = LAYOUT === 'shared' ? WAF_CORE : LOAD_CORE;
const LAYOUT_TEXT = LAYOUT === 'shared' ? `WAF + model server on core ${WAF_CORE}, wrk on core ${LOAD_CORE}` : `WAF alone on core ${WAF_CORE}, model server + wrk on core ${LOAD_CORE}`;
const TICKS_PER_S = 100; // getconf CLK_TCK on Linux

/** One measured configuration: a WAF instance (which client script it runs) and the request headers. */
interface Variant {
  readonly name: string;
  /** Key of the WAF instance: `real` runs plugin/machine-learning-client.lua, others a variant script. */
  readonly instance: string;
  readonly headers: Record<string, string>;
}

/**
 * Every variant sends the same control headers (only their values differ): CRS inspects each
 * request header and the client sends them on, and one header more measured 0.4-0.9 ms of Apache
 * CPU per request on the loaded machine, more than what some variants differ by.
 */
const BASE_HEADERS = {
  'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) bench',
  Accept: 'text/html',
  [CONTROL_HEADERS.logPass]: '0',
  [CONTROL_HEADERS.enabled]: '1',
  [CONTROL_HEADERS.server]: 'stub',
  [CONTROL_HEADERS.mode]: '2',
  [CONTROL_HEADERS.breakerFailures]: '0',
  [CONTROL_HEADERS.sendExtras]: '1',
  [CONTROL_HEADERS.nativeClient]: '1',
};
/** The plugin's default breaker (the e2e harness turns it off unless asked). */
const BREAKER = { [CONTROL_HEADERS.breakerFailures]: '5' };
const VARIANTS: readonly Variant[] = [
  { name: 'plugin off', instance: 'real', headers: { [CONTROL_HEADERS.enabled]: '0' } },
  { name: 'mode 2 -> stub, TCP', instance: 'real', headers: { [CONTROL_HEADERS.server]: 'stub', ...BREAKER } },
  { name: 'mode 2 -> stub, TCP, LuaSocket', instance: 'real', headers: { [CONTROL_HEADERS.server]: 'stub', [CONTROL_HEADERS.nativeClient]: '0', ...BREAKER } },
  { name: 'mode 2 -> stub, TCP, no breaker', instance: 'real', headers: { [CONTROL_HEADERS.server]: 'stub' } },
  { name: 'mode 2, no headers/cookies/CRS', instance: 'real', headers: { [CONTROL_HEADERS.server]: 'stub', [CONTROL_HEADERS.sendExtras]: '0', ...BREAKER } },
  { name: 'mode 2 -> stub, unix socket', instance: 'real', headers: { [CONTROL_HEADERS.server]: 'unix', ...BREAKER } },
  { name: 'mode 1, benign (no call)', instance: 'real', headers: { [CONTROL_HEADERS.mode]: '1', ...BREAKER } },
];

/**
 * BENCH_WAF_PROFILE=1: where a call's WAF-side CPU goes, by difference between client scripts that
 * stop earlier and earlier (each in its own WAF instance): an empty main() (a Lua state per run,
 * loading the script, the plugin's rules), + loading LuaSocket (kept loaded) or crs_ml_native,
 * + everything but the network (reading variables, building the body, setting TX), + the call
 * (crs_ml_native over TCP and a Unix socket, LuaSocket over TCP).
 */
const PROFILE_VARIANTS: readonly Variant[] = [
  { name: 'plugin off', instance: 'real', headers: { [CONTROL_HEADERS.enabled]: '0' } },
  { name: 'empty main()', instance: 'empty', headers: {} },
  { name: '+ require socket.core, kept', instance: 'require-kept', headers: {} },
  { name: '+ require crs_ml_native', instance: 'require-native', headers: {} },
  { name: '+ fields, body, TX (no call)', instance: 'no-send', headers: {} },
  { name: '+ call, native, TCP', instance: 'real', headers: { [CONTROL_HEADERS.server]: 'stub' } },
  { name: '+ call, native, unix socket', instance: 'real', headers: { [CONTROL_HEADERS.server]: 'unix' } },
  { name: '+ call, LuaSocket, TCP', instance: 'real', headers: { [CONTROL_HEADERS.server]: 'stub', [CONTROL_HEADERS.nativeClient]: '0' } },
];

/** The client scripts of the profile's instances, derived from the real client. */
function profileClients(): Map<string, string | undefined> {
  const real = readFileSync(path.join(REPO_ROOT, 'plugin', 'machine-learning-client.lua'), 'utf8');
  // load_socket() and the require_c() it calls.
  const loadSocket = /\nlocal function require_c\(name\)\n[\s\S]*?\nend\n/.exec(real)?.[0]?.concat(/\nlocal function load_socket\(keep_loaded\)\n[\s\S]*?\nend\n/.exec(real)?.[0] ?? '');
  const postLine = 'local function post(transport, url, body, timeout)\n';
  if (loadSocket === undefined || !loadSocket.includes('load_socket') || !real.includes(postLine)) throw new Error('plugin/machine-learning-client.lua changed: update the profile variants in bench/waf.bench.ts');
  // They record a pass, so the rules log nothing (a client that sets nothing is a logged failure).
  const pass = 'm.setvar("tx.machine-learning-plugin_ml_status", "pass")\n  m.setvar("tx.machine-learning-plugin_action", "pass")\n';
  return new Map([
    ['real', undefined],
    ['empty', `function main()\n  ${pass}  return nil\nend\n`],
    ['require-native', `${loadSocket}\nfunction main()\n  require_c("crs_ml_native")\n  ${pass}  return nil\nend\n`],
    ['require-kept', `${loadSocket}\nfunction main()\n  load_socket(true)\n  ${pass}  return nil\nend\n`],
    // Everything the real client does, but post() answers at once instead of calling the server.
    ['no-send', real.replace(postLine, `${postLine}  if #body > 0 then return 200, "score=3" end\n`)],
  ]);
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  wafCpuMs: number;
  serverCpuMs: number;
  requests: number;
}

function missing(): string | undefined {
  for (const tool of ['wrk', 'taskset']) {
    try {
      execFileSync('which', [tool], { stdio: 'pipe' });
    } catch {
      return `${tool} is not installed (apt-get install ${tool === 'wrk' ? 'wrk' : 'util-linux'})`;
    }
  }
  if (os.cpus().length < 2) return 'needs 2 cores (WAF + model server on one, wrk on the other)';
  if (!existsSync(path.join(crs4Flavour().rules, 'REQUEST-949-BLOCKING-EVALUATION.conf'))) return `no CRS 4 in ${crs4Flavour().rules} (set CRS_ML_CRS4_DIR)`;
  return undefined;
}

/** CPU time of a process and all its descendants, living or reaped, in ms. */
function treeCpuMs(rootPid: number): number {
  const children = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      // utime + stime, and cutime + cstime: the CPU of children that exited (Apache retires idle
      // children) moves to their parent's cutime/cstime when it reaps them.
      cpu.set(Number(entry), Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  let ticks = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    ticks += cpu.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return (ticks * 1000) / TICKS_PER_S;
}

/** Pins a process tree (all threads) to a core; children forked later inherit it. */
function pin(rootPid: number, core: string): void {
  const pids = [rootPid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === rootPid) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  for (const pid of pids) execFileSync('taskset', ['-a', '-p', '-c', core, String(pid)], { stdio: 'pipe' });
}

const toMs = (text: string): number => {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (m === null) return NaN;
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
};

async function wrk(url: string, connections: number, headers: Record<string, string>, wafPid: number, serverPids: number[]): Promise<Run> {
  const args = ['-c', LOAD_CORE, 'wrk', '-t1', `-c${connections}`, `-d${SECONDS}s`, '--latency', '--timeout', '5s'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(url);
  const wafBefore = treeCpuMs(wafPid);
  const serverBefore = serverPids.reduce((sum, pid) => sum + treeCpuMs(pid), 0);
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text}`))));
  });
  const wafCpuMs = treeCpuMs(wafPid) - wafBefore;
  const serverCpuMs = serverPids.reduce((sum, pid) => sum + treeCpuMs(pid), 0) - serverBefore;
  const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? 0);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? 0),
    p50: toMs(/\s50%\s+(\S+)/.exec(output)?.[1] ?? ''),
    p99: toMs(/\s99%\s+(\S+)/.exec(output)?.[1] ?? ''),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0),
    wafCpuMs,
    serverCpuMs,
    requests,
  };
}

/** The real CLI (compiled into .bench/ by run.js) serving the random stub, always passing (3 > -0.313). */
async function startStub(dir: string, listen: string[]): Promise<ChildProcess> {
  const models = path.join(dir, `models-${listen.join('-').replace(/\W/g, '')}`);
  execFileSync('mkdir', ['-p', models]);
  writeFileSync(path.join(models, 'manifest.json'), JSON.stringify({ adapter: 'random', threshold: -0.313, options: { seed: 1, low: 3, high: 3 } }));
  const main = path.join(REPO_ROOT, '.bench', 'src', 'cli', 'main.js');
  const script = `require(${JSON.stringify(main)}).main(['serve','--models',${JSON.stringify(models)},${listen.map((a) => JSON.stringify(a)).join(',')},'--log-level','warn']).then(() => process.stdout.write('ready\\n'))`;
  const child = spawn('taskset', ['-c', SERVER_CORE, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`stub server exited with ${code}`)));
  });
  return child;
}


/** `items` in an order fixed by `seed` (Fisher-Yates with a small LCG): the same run is repeatable. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = (seed * 2654435761 + 1) >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1664525 + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const serverPidsOf = (stubs: ChildProcess[]): number[] => stubs.map((s) => s.pid as number);
const median = (runs: Run[], key: keyof Run): number => medianOf(runs.map((r) => r[key]));
/**
 * CPU ms per request of one side: the least of the runs. Other load on the machine only ever adds
 * CPU time (cache and TLB misses after each context switch), so the least-disturbed run is the
 * best estimate; the median is printed beside it.
 */
const cpuPerReq = (runs: Run[], key: 'wafCpuMs' | 'serverCpuMs'): number => Math.min(...runs.map((r) => r[key] / Math.max(1, r.requests)));
const cpuMedian = (runs: Run[], key: 'wafCpuMs' | 'serverCpuMs'): number => medianOf(runs.map((r) => r[key] / Math.max(1, r.requests)));

async function benchServer(kind: string, variants: readonly Variant[], dir: string, stubPort: number, socketPath: string, stubs: ChildProcess[]): Promise<void> {
  const env = detectEnvironment();
  const skip = kind === 'apache' ? env.apacheSkip : env.nginxSkip;
  if (skip !== undefined) {
    console.log(`${kind}: skipped (${skip})`);
    return;
  }
  // The application behind nginx (Apache serves its own static file).
  const backend = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>hello</p>\n');
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  const clients = variants === PROFILE_VARIANTS ? profileClients() : new Map([['real', undefined]]);
  const native = nativeModule(kind === 'apache' ? '5.1' : '5.3');
  if (native.skip !== undefined) console.log(`${kind}: crs_ml_native not available (${native.skip}): every variant uses LuaSocket`);
  const wafs = new Map<string, WafInstance>();
  try {
    const options = (clientSource?: string): WafOptions => ({
      env,
      flavour: crs4Flavour(),
      endpoints: new Map([
        ['stub', `http://127.0.0.1:${stubPort}/`],
        ['unix', `unix:${socketPath}`],
      ]),
      defaultEndpoint: 'stub',
      clientSource,
      nativeModuleDir: native.dir,
    });
    for (const [instance, clientSource] of clients) {
      const waf = kind === 'apache' ? new ApacheInstance(options(clientSource)) : new NginxInstance(options(clientSource), backendUrl);
      wafs.set(instance, waf);
      await waf.start();
      pin(waf.pid as number, WAF_CORE);
    }
    const serverPids = serverPidsOf(stubs);
    const measure = (variant: Variant, connections: number) => {
      const waf = wafs.get(variant.instance) as WafInstance;
      return wrk(`${waf.baseUrl}/index.html?q=blue+running+shoes&page=2`, connections, { ...BASE_HEADERS, ...variant.headers }, waf.pid as number, serverPids);
    };
    const results = new Map<string, { c16: Run[]; c1: Run[] }>(variants.map((v) => [v.name, { c16: [], c1: [] }]));
    if (variants === PROFILE_VARIANTS) {
      await apiCost(kind, options(readFileSync(path.join(REPO_ROOT, 'bench', 'lua', 'api-cost.lua'), 'utf8')), backendUrl);
      const client = readFileSync(path.join(REPO_ROOT, 'plugin', 'machine-learning-client.lua'), 'utf8');
      const timer = readFileSync(path.join(REPO_ROOT, 'bench', 'lua', 'step-timer.lua'), 'utf8');
      await stepCost(kind, options(`${client}\n${timer}`), backendUrl, serverPids);
      if (STEPS_ONLY) return;
    }
    for (const variant of variants) await measure(variant, 4); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      // A different order each round (a fixed shuffle): the variant measured right after "plugin off"
      // pays for Apache's re-spawned children (and their first LuaSocket load), so no variant always
      // does; rotating was not enough (the same neighbour followed "plugin off" in most rounds).
      for (const variant of shuffled(variants, round)) {
        results.get(variant.name)!.c16.push(await measure(variant, 16));
        results.get(variant.name)!.c1.push(await measure(variant, 1));
      }
    }
    const serverName = (wafs.get('real') as WafInstance).serverName;
    console.log(`\n${serverName} + CRS 4, benign GET, ${ROUNDS} alternating ${SECONDS}s rounds (median); ${LAYOUT_TEXT}; load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);
    console.log('variant                          | req/s c16 | ratio | p50 c1 ms | p99 c16 ms | WAF CPU/req ms (min, median) | vs off | vs previous | server CPU/req ms | non-2xx');
    const base = results.get(variants[0].name)!;
    const baseRps = median(base.c16, 'rps');
    const baseCpu = cpuPerReq(base.c16, 'wafCpuMs');
    let previous = baseCpu;
    const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(3)}`;
    for (const variant of variants) {
      const { c16, c1 } = results.get(variant.name)!;
      const rps = median(c16, 'rps');
      const cpu = cpuPerReq(c16, 'wafCpuMs');
      console.log(
        `${variant.name.padEnd(32)} | ${rps.toFixed(0).padStart(9)} | ${(rps / baseRps).toFixed(2).padStart(5)} | ${median(c1, 'p50').toFixed(2).padStart(9)} | ` +
          `${median(c16, 'p99').toFixed(2).padStart(10)} | ${`${cpu.toFixed(3)}, ${cpuMedian(c16, 'wafCpuMs').toFixed(3)}`.padStart(28)} | ${signed(cpu - baseCpu).padStart(6)} | ${signed(cpu - previous).padStart(11)} | ` +
          `${cpuPerReq(c16, 'serverCpuMs').toFixed(3).padStart(17)} | ${c16.reduce((sum, r) => sum + r.non2xx, 0)}`,
      );
      previous = cpu;
    }
    const defaultClient = results.get(VARIANTS[1].name);
    if (variants === VARIANTS && defaultClient !== undefined) {
      // Issue 13's targets, for the default client (mode 2, TCP, crs_ml_native when built, breaker on).
      const ratio = median(defaultClient.c16, 'rps') / baseRps;
      const added = cpuPerReq(defaultClient.c16, 'wafCpuMs') - baseCpu;
      const verdict = (met: boolean) => (met ? 'met' : 'missed');
      console.log(
        `targets (${VARIANTS[1].name}): req/s ${ratio.toFixed(2)}x plugin off (>= 0.8: ${verdict(ratio >= 0.8)}), ` +
          `added WAF CPU ${added.toFixed(3)} ms per request (<= 0.3: ${verdict(added <= 0.3)})`,
      );
    }
  } finally {
    for (const waf of wafs.values()) await waf.stop();
    backend.close();
  }
}

/**
 * What each Lua API call costs inside the engine: one request to an instance whose client script is
 * bench/lua/api-cost.lua, which times the calls with os.clock and writes them to the instance's tmp/.
 */
async function apiCost(kind: string, options: WafOptions, backendUrl: string): Promise<void> {
  const waf = kind === 'apache' ? new ApacheInstance(options) : new NginxInstance(options, backendUrl);
  try {
    await waf.start();
    pin(waf.pid as number, WAF_CORE);
    await new Promise<void>((resolve, reject) => {
      http.get(`${waf.baseUrl}/index.html?q=blue+running+shoes&page=2`, { headers: BASE_HEADERS }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
    const file = path.join(waf.dir, 'tmp', 'api-cost.txt');
    const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : ['(no result: see the error log)'];
    console.log(`\n${waf.serverName}: Lua API cost inside the engine (bench/lua/api-cost.lua, CPU us per call), engine ${lines[0]}`);
    for (const line of lines.slice(1)) console.log(`  ${line}`);
  } finally {
    await waf.stop();
  }
}

/**
 * Where the client's own CPU goes inside the engine, step by step: the real client with
 * bench/lua/step-timer.lua appended, under wrk at one connection (os.clock is per process), the
 * median of each step over every request.
 */
async function stepCost(kind: string, options: WafOptions, backendUrl: string, serverPids: number[]): Promise<void> {
  const waf = kind === 'apache' ? new ApacheInstance(options) : new NginxInstance(options, backendUrl);
  try {
    await waf.start();
    pin(waf.pid as number, WAF_CORE);
    for (const client of ['1', '0']) {
      const file = path.join(waf.dir, 'tmp', 'steps.txt');
      rmSync(file, { force: true });
      await wrk(`${waf.baseUrl}/index.html?q=blue+running+shoes&page=2`, 1, { ...BASE_HEADERS, ...BREAKER, [CONTROL_HEADERS.nativeClient]: client }, waf.pid as number, serverPids);
      const rows = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((line) => new Map(line.split(' ').map((pair) => pair.split('=') as [string, string]))) : [];
      const steps = rows.length > 0 ? [...rows[0].keys()] : [];
      const text = steps.map((step) => `${step} ${medianOf(rows.map((row) => Number(row.get(step)))).toFixed(0)}`).join(', ');
      console.log(`\n${waf.serverName}: the client's steps inside the engine, ${client === '1' ? 'crs_ml_native' : 'LuaSocket'} (bench/lua/step-timer.lua, CPU us, median of ${rows.length} requests at c1): ${text}`);
    }
  } finally {
    await waf.stop();
  }
}

/** bench/lua/profile-client.lua under each Lua the engines use: CPU microseconds per step, outside the WAF. */
function luaProfile(tcpUrl: string, unixUrl: string): void {
  console.log('\nThe client outside the WAF (bench/lua/profile-client.lua, mock m, os.clock CPU time, us per call; pinned to core 0 with the stub):');
  for (const lua of ['lua5.1', 'lua5.3']) {
    try {
      const out = execFileSync('taskset', ['-c', WAF_CORE, lua, path.join(REPO_ROOT, 'bench', 'lua', 'profile-client.lua'), path.join(REPO_ROOT, 'plugin', 'machine-learning-client.lua'), tcpUrl, unixUrl], { encoding: 'utf8' });
      console.log(`  ${lua}: ${out.trim().split('\n').join(', ')}`);
    } catch (error) {
      console.log(`  ${lua}: skipped (${String(error).split('\n')[0]})`);
    }
  }
}

async function main(): Promise<void> {
  const why = missing();
  if (why !== undefined) {
    console.log(`waf bench skipped: ${why}`);
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crs-ml-waf-bench-'));
  // The WAF's workers (www-data when run as root) must reach the socket.
  chmodSync(dir, 0o755);
  const socketPath = path.join(dir, 'ml.sock');
  const portProbe = http.createServer();
  await new Promise<void>((resolve) => portProbe.listen(0, '127.0.0.1', resolve));
  const stubPort = (portProbe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => portProbe.close(() => resolve()));
  const stubs = [await startStub(dir, ['--port', String(stubPort)]), await startStub(dir, ['--socket', socketPath])];
  try {
    const profile = process.env.BENCH_WAF_PROFILE === '1' || STEPS_ONLY;
    if (profile) luaProfile(`http://127.0.0.1:${stubPort}/`, `unix:${socketPath}`);
    const variants = profile ? PROFILE_VARIANTS : VARIANTS;
    for (const kind of SERVERS) await benchServer(kind, variants, dir, stubPort, socketPath, stubs);
  } finally {
    for (const stub of stubs) stub.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

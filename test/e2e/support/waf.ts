import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CrsFlavour, E2eEnvironment } from './environment';
import { PLUGIN_DIR } from './environment';
import { freePort, get, stopChild, waitFor } from './ml-endpoints';
import { nativeCpath, nativeModule } from './native-module';

/**
 * Request headers the test-only rules (ids 10001-10099, loaded right after the plugin's config
 * file) turn into plugin settings, so one server serves every case. They only exist in the test
 * configuration.
 */
export const CONTROL_HEADERS = {
  server: 'X-ML-Test-Server',
  mode: 'X-ML-Test-Mode',
  failPolicy: 'X-ML-Test-Fail-Policy',
  timeoutMs: 'X-ML-Test-Timeout-Ms',
  enabled: 'X-ML-Test-Enabled',
  logPass: 'X-ML-Test-Log-Pass',
  threshold: 'X-ML-Test-Threshold',
  shadow: 'X-ML-Test-Shadow',
  breakerFailures: 'X-ML-Test-Breaker-Failures',
  breakerOpenS: 'X-ML-Test-Breaker-Open-S',
  bodyMaxBytes: 'X-ML-Test-Body-Max-Bytes',
  /** `0` sets send_headers, send_cookies and send_crs_scores to 0 (only the v1 fields go). */
  sendExtras: 'X-ML-Test-Send-Extras',
  /** `0` makes the client use LuaSocket even where crs_ml_native loads. */
  nativeClient: 'X-ML-Test-Native-Client',
} as const;

/** Which ModSecurity runs the rules: `modsecurity2` (Apache) or `libmodsecurity3` (nginx). */
export type Engine = 'modsecurity2' | 'libmodsecurity3';

export interface WafOptions {
  readonly env: E2eEnvironment;
  readonly flavour: CrsFlavour;
  /** Endpoint name (value of X-ML-Test-Server) -> URL. */
  readonly endpoints: ReadonlyMap<string, string>;
  /** The endpoint used when a request names none. */
  readonly defaultEndpoint: string;
  /** Lua source to install instead of plugin/machine-learning-client.lua (to test a broken client). */
  readonly clientSource?: string;
  /**
   * A folder with crs_ml_native.so for the engine's Lua, put on LUA_CPATH. Default: plugin/native
   * built by support/native-module.ts, or none (LuaSocket only) where it cannot be built.
   */
  readonly nativeModuleDir?: string;
}

/**
 * A private web server + ModSecurity + CRS + our plugin on 127.0.0.1:<free port>, in its own
 * temp dir (config, logs), started in the foreground as our child and stopped by its pid.
 */
export abstract class WafInstance {
  abstract readonly engine: Engine;
  abstract readonly serverName: string;
  readonly dir: string;
  baseUrl = '';
  private child?: ChildProcess;
  private output = '';

  constructor(protected readonly options: WafOptions) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'crs-ml-e2e-'));
    // The server's workers (www-data when started as root) read the config and write tmp/.
    chmodSync(this.dir, 0o755);
    mkdirSync(path.join(this.dir, 'tmp'), { mode: 0o777 });
    chmodSync(path.join(this.dir, 'tmp'), 0o777);
  }

  /** The server's main process (Apache's parent, nginx's master), once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get errorLogPath(): string {
    return path.join(this.dir, 'error.log');
  }

  /** Writes the configuration; returns the command that runs the server in the foreground. */
  protected abstract configure(port: number): Promise<{ bin: string; args: string[] }>;

  async start(): Promise<void> {
    const port = await freePort();
    const { bin, args } = await this.configure(port);
    const nativeModuleDir = this.options.nativeModuleDir ?? nativeModule(this.engine === 'modsecurity2' ? '5.1' : '5.3').dir;
    const env = nativeModuleDir === undefined ? process.env : { ...process.env, LUA_CPATH: nativeCpath(nativeModuleDir) };
    this.child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.baseUrl = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => (await get(`${this.baseUrl}/index.html`)) !== 0,
      60_000,
      () => `${this.serverName} (${this.options.flavour.name}) did not start:\n${this.output}\n${this.readErrorLog().slice(-3000)}`,
      this.child,
    );
  }

  async stop(): Promise<void> {
    if (this.child !== undefined) await stopChild(this.child);
    if (process.env.CRS_ML_E2E_KEEP !== '1') rmSync(this.dir, { recursive: true, force: true });
  }

  readErrorLog(): string {
    try {
      return readFileSync(this.errorLogPath, 'utf8');
    } catch {
      return '';
    }
  }

  /** The error-log lines ModSecurity wrote for one transaction. */
  logLinesFor(uniqueId: string): string[] {
    const marker = `[unique_id "${uniqueId}"]`;
    return this.readErrorLog()
      .split('\n')
      .filter((line) => line.includes(marker));
  }

  /** The ModSecurity engine settings both servers share. */
  protected engineSettings(): string {
    const d = this.dir;
    return `SecRuleEngine On
SecRequestBodyAccess On
SecRequestBodyLimit 13107200
SecRequestBodyNoFilesLimit 131072
SecResponseBodyAccess Off
SecTmpDir ${d}/tmp
SecDataDir ${d}/tmp
SecUploadDir ${d}/tmp
SecAuditEngine RelevantOnly
SecAuditLogParts ABIJDEFHZ
SecAuditLogType Serial
SecAuditLog ${d}/audit.log
SecDebugLog ${d}/debug.log
SecDebugLogLevel ${process.env.CRS_ML_E2E_DEBUG_LEVEL ?? '0'}
`;
  }

  /**
   * Copies the plugin into `<dir>/plugins` (so a test can swap the client) and returns the Include
   * lines. CRS 4: installed as its docs say, included with CRS 4's wildcards (the test overrides
   * sort after the plugin's config file). CRS 3.3, which has no plugin mechanism: explicit Includes
   * in the documented order. libmodsecurity 3 resolves SecRuleScript against its working directory,
   * so there the script path is made absolute, as docs/plugin.md tells nginx users to do.
   */
  protected crsIncludes(): string {
    const { flavour, clientSource, endpoints, defaultEndpoint } = this.options;
    const overrides = testOverrides(endpoints, defaultEndpoint, path.join(this.dir, 'tmp', 'breaker'));
    const plugins = path.join(this.dir, 'plugins');
    mkdirSync(plugins);
    // The plugin's files, as docs/plugin.md installs them (plugin/native is built apart).
    for (const entry of readdirSync(PLUGIN_DIR, { withFileTypes: true })) {
      if (entry.isFile()) copyFileSync(path.join(PLUGIN_DIR, entry.name), path.join(plugins, entry.name));
    }
    if (clientSource !== undefined) writeFileSync(path.join(plugins, 'machine-learning-client.lua'), clientSource);
    if (this.engine === 'libmodsecurity3') {
      const after = path.join(plugins, 'machine-learning-after.conf');
      const text = readFileSync(after, 'utf8');
      const absolute = text.replace(/^SecRuleScript machine-learning-client\.lua/m, `SecRuleScript ${plugins}/machine-learning-client.lua`);
      if (absolute === text) throw new Error('could not find the SecRuleScript line to make its path absolute');
      writeFileSync(after, absolute);
    }
    if (flavour.pluginLayout === 'plugins-folder') {
      writeFileSync(path.join(plugins, 'zz-test-overrides-config.conf'), overrides);
      return [
        `# ${flavour.name}: plugins folder, CRS 4 order.`,
        `Include ${flavour.setup}`,
        `Include ${plugins}/*-config.conf`,
        `Include ${plugins}/*-before.conf`,
        `Include ${flavour.rules}/*.conf`,
        `Include ${plugins}/*-after.conf`,
      ].join('\n');
    }
    writeFileSync(path.join(this.dir, 'test-overrides.conf'), overrides);
    return [
      `# ${flavour.name}: explicit Include order (config, before, CRS rules, after).`,
      `Include ${flavour.setup}`,
      `Include ${plugins}/machine-learning-config.conf`,
      `Include ${this.dir}/test-overrides.conf`,
      `Include ${plugins}/machine-learning-before.conf`,
      `Include ${flavour.rules}/*.conf`,
      `Include ${plugins}/machine-learning-after.conf`,
    ].join('\n');
  }
}

/** Phase-1 rules that set the plugin's TX settings from the control headers. */
function testOverrides(endpoints: ReadonlyMap<string, string>, defaultEndpoint: string, breakerFile: string): string {
  const rule = (id: number, target: string, operator: string, actions: string) =>
    `SecRule ${target} "${operator}" "id:${id},phase:1,pass,nolog,t:none,${actions}"`;
  const url = (name: string) => {
    const value = endpoints.get(name);
    if (value === undefined) throw new Error(`no endpoint "${name}"`);
    return value;
  };
  const lines = [
    '# Test only: lets each request choose the plugin settings (see CONTROL_HEADERS).',
    `SecAction "id:10001,phase:1,pass,nolog,t:none,setvar:'tx.machine-learning-plugin_ml_server_url=${url(defaultEndpoint)}'"`,
    // The breaker's state is shared by every request of a server: off unless a case turns it on,
    // and kept in the instance's own folder (writable by the workers).
    `SecAction "id:10002,phase:1,pass,nolog,t:none,setvar:'tx.machine-learning-plugin_breaker_failures=0',setvar:'tx.machine-learning-plugin_breaker_file=${breakerFile}'"`,
  ];
  let id = 10010;
  for (const name of endpoints.keys()) {
    lines.push(rule(id++, `REQUEST_HEADERS:${CONTROL_HEADERS.server}`, `@streq ${name}`, `setvar:'tx.machine-learning-plugin_ml_server_url=${url(name)}'`));
  }
  const capture = (header: string, pattern: string, variable: string) =>
    lines.push(rule(id++, `REQUEST_HEADERS:${header}`, `@rx ^(${pattern})$`, `capture,setvar:'tx.machine-learning-plugin_${variable}=%{tx.1}'`));
  capture(CONTROL_HEADERS.mode, '[0-9]+', 'mode');
  capture(CONTROL_HEADERS.failPolicy, '[a-z]+', 'fail_policy');
  capture(CONTROL_HEADERS.timeoutMs, '[0-9]+', 'timeout_ms');
  capture(CONTROL_HEADERS.enabled, '[01]', 'enabled');
  capture(CONTROL_HEADERS.logPass, '[01]', 'log_pass');
  capture(CONTROL_HEADERS.threshold, '[0-9]+', 'inbound_anomaly_score_threshold');
  capture(CONTROL_HEADERS.shadow, '[01]', 'shadow');
  capture(CONTROL_HEADERS.breakerFailures, '[0-9]+', 'breaker_failures');
  capture(CONTROL_HEADERS.breakerOpenS, '[0-9]+', 'breaker_open_s');
  capture(CONTROL_HEADERS.bodyMaxBytes, '[0-9]+', 'body_max_bytes');
  for (const setting of ['send_headers', 'send_cookies', 'send_crs_scores']) capture(CONTROL_HEADERS.sendExtras, '[01]', setting);
  capture(CONTROL_HEADERS.nativeClient, '[01]', 'native_client');
  return `${lines.join('\n')}\n`;
}

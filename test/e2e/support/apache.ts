import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CrsFlavour, E2eEnvironment } from './environment';
import { PLUGIN_DIR } from './environment';
import { freePort, get, stopChild, waitFor } from './ml-endpoints';

/**
 * Request headers the test-only rules (ids 10001-10099, loaded right after the plugin's config
 * file) turn into plugin settings, so one Apache serves every case. They only exist in the
 * test configuration.
 */
export const CONTROL_HEADERS = {
  server: 'X-ML-Test-Server',
  mode: 'X-ML-Test-Mode',
  failPolicy: 'X-ML-Test-Fail-Policy',
  timeoutMs: 'X-ML-Test-Timeout-Ms',
  enabled: 'X-ML-Test-Enabled',
  logPass: 'X-ML-Test-Log-Pass',
} as const;

export interface ApacheOptions {
  readonly env: E2eEnvironment;
  readonly flavour: CrsFlavour;
  /** Endpoint name (value of X-ML-Test-Server) -> URL. */
  readonly endpoints: ReadonlyMap<string, string>;
  /** The endpoint used when a request names none. */
  readonly defaultEndpoint: string;
  /** Lua source to install instead of plugin/machine-learning-client.lua (to test a broken client). */
  readonly clientSource?: string;
}

/** A private Apache 2.4 + ModSecurity 2.9 + CRS + our plugin on 127.0.0.1:<high port>. */
export class ApacheInstance {
  private child?: ChildProcess;
  private output = '';
  readonly dir: string;
  baseUrl = '';

  constructor(private readonly options: ApacheOptions) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'crs-ml-e2e-'));
  }

  get errorLogPath(): string {
    return path.join(this.dir, 'error.log');
  }

  async start(): Promise<void> {
    const port = await freePort();
    const conf = this.writeConfig(port);
    this.child = spawn(this.options.env.apacheBin, ['-f', conf, '-DFOREGROUND'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.baseUrl = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => (await get(`${this.baseUrl}/index.html`)) !== 0,
      30_000,
      () => `Apache (${this.options.flavour.name}) did not start:\n${this.output}\n${this.readErrorLog().slice(-3000)}`,
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

  /**
   * The plugin is copied into `<dir>/plugins` (so a test can swap the client). CRS 4: installed as
   * its docs say, included with CRS 4's wildcards (the test overrides sort after the plugin's
   * config file). CRS 3.3, which has no plugin mechanism: explicit Includes in the documented order.
   */
  private crsIncludes(overrides: string): string {
    const { flavour, clientSource } = this.options;
    const plugins = path.join(this.dir, 'plugins');
    mkdirSync(plugins);
    for (const name of readdirSync(PLUGIN_DIR)) copyFileSync(path.join(PLUGIN_DIR, name), path.join(plugins, name));
    if (clientSource !== undefined) writeFileSync(path.join(plugins, 'machine-learning-client.lua'), clientSource);
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

  private writeConfig(port: number): string {
    const { env, flavour, endpoints, defaultEndpoint } = this.options;
    const d = this.dir;
    // Apache's children (www-data when started as root) read the docroot and write SecTmpDir.
    chmodSync(d, 0o755);
    mkdirSync(path.join(d, 'htdocs'));
    writeFileSync(path.join(d, 'htdocs', 'index.html'), '<p>hello</p>\n');
    mkdirSync(path.join(d, 'tmp'), { mode: 0o777 });
    chmodSync(path.join(d, 'tmp'), 0o777);
    const mod = (name: string, file: string) => `LoadModule ${name} ${path.join(env.modulesDir, file)}`;
    const runAs = process.getuid?.() === 0 ? 'User www-data\nGroup www-data' : '';
    const conf = `# Generated by test/e2e/support/apache.ts; includes nothing from /etc/apache2.
ServerRoot ${d}
ServerName localhost
Listen 127.0.0.1:${port}
PidFile ${d}/httpd.pid
DefaultRuntimeDir ${d}
${runAs}
${mod('mpm_event_module', 'mod_mpm_event.so')}
${mod('authz_core_module', 'mod_authz_core.so')}
${mod('unique_id_module', 'mod_unique_id.so')}
${mod('headers_module', 'mod_headers.so')}
${mod('security2_module', 'mod_security2.so')}
ErrorLog ${d}/error.log
LogLevel warn
DocumentRoot ${d}/htdocs
KeepAlive Off
# The runner finds a request's log lines by this id.
Header always set X-Unique-Id "%{UNIQUE_ID}e"

SecRuleEngine On
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

${this.crsIncludes(testOverrides(endpoints, defaultEndpoint))}
`;
    const file = path.join(d, 'httpd.conf');
    writeFileSync(file, conf);
    return file;
  }
}

/** Phase-1 rules that set the plugin's TX settings from the control headers. */
function testOverrides(endpoints: ReadonlyMap<string, string>, defaultEndpoint: string): string {
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
  return `${lines.join('\n')}\n`;
}

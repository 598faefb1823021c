import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root (test/e2e/support -> ../../..; compiled by `npm run bench`, .bench/test/e2e/support -> ../../../..). */
const UP3 = path.resolve(__dirname, '..', '..', '..');
export const REPO_ROOT = path.basename(UP3) === '.bench' ? path.dirname(UP3) : UP3;
export const PLUGIN_DIR = path.join(REPO_ROOT, 'plugin');

/** Debian's locations; override with the env variables of the same meaning. */
const APACHE_BIN = process.env.CRS_ML_APACHE_BIN ?? '/usr/sbin/apache2';
const APACHE_MODULES = process.env.CRS_ML_APACHE_MODULES ?? '/usr/lib/apache2/modules';
const NGINX_BIN = process.env.CRS_ML_NGINX_BIN ?? '/usr/sbin/nginx';
const NGINX_MODULE = process.env.CRS_ML_NGINX_MODULE ?? '/usr/lib/nginx/modules/ngx_http_modsecurity_module.so';

/** A CRS rule set the suite can run against. */
export interface CrsFlavour {
  readonly name: string;
  /** The crs-setup file to Include first. */
  readonly setup: string;
  /** The folder holding REQUEST-*.conf / RESPONSE-*.conf. */
  readonly rules: string;
  /** How the plugin is installed: CRS 4's plugins folder, or CRS 3.3's explicit Include order. */
  readonly pluginLayout: 'plugins-folder' | 'include-order';
}

export interface E2eEnvironment {
  readonly apacheBin: string;
  readonly modulesDir: string;
  readonly luaBin: string;
  readonly nginxBin: string;
  readonly nginxModule: string;
  /** Why the Apache suite cannot run here, or undefined when it can. */
  readonly apacheSkip?: string;
  /** Why the nginx + libmodsecurity 3 suite cannot run here, or undefined when it can. */
  readonly nginxSkip?: string;
  /** Why the Lua client test cannot run here, or undefined when it can. */
  readonly luaSkip?: string;
  /** Lua interpreters for the client test: lua5.1 (ModSecurity 2) and lua5.3 (libmodsecurity 3). */
  readonly luaVersions: ReadonlyArray<{ bin: string; skip?: string; required: boolean }>;
  /** Why the CLI server cannot be started (dist/ not built), or undefined. */
  readonly serverSkip?: string;
  /** Each flavour with the reason it is skipped, if it is. */
  readonly flavours: ReadonlyArray<{ flavour: CrsFlavour; skip?: string }>;
}

/** CRS 3.3 as Debian's modsecurity-crs package installs it. */
export function crs3Flavour(): CrsFlavour {
  const rules = process.env.CRS_ML_CRS3_RULES ?? '/usr/share/modsecurity-crs/rules';
  return { name: 'CRS 3.3 (Debian)', setup: process.env.CRS_ML_CRS3_SETUP ?? '/etc/modsecurity/crs/crs-setup.conf', rules, pluginLayout: 'include-order' };
}

/** CRS 4 from a checkout: `<dir>/crs-setup.conf.example` and `<dir>/rules`. Default: ../shared/crs. */
export function crs4Flavour(): CrsFlavour {
  const dir = path.resolve(REPO_ROOT, process.env.CRS_ML_CRS4_DIR ?? '../shared/crs');
  return { name: 'CRS 4', setup: path.join(dir, 'crs-setup.conf.example'), rules: path.join(dir, 'rules'), pluginLayout: 'plugins-folder' };
}

function flavourSkip(flavour: CrsFlavour, hint: string): string | undefined {
  if (!existsSync(flavour.setup)) return `${flavour.name}: ${flavour.setup} not found (${hint})`;
  if (!existsSync(path.join(flavour.rules, 'REQUEST-949-BLOCKING-EVALUATION.conf'))) return `${flavour.name}: no CRS rules in ${flavour.rules} (${hint})`;
  return undefined;
}

function luaSocketMissing(luaBin: string): string | undefined {
  try {
    execFileSync(luaBin, ['-e', 'require("socket")'], { stdio: 'pipe', timeout: 5000 });
    return undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'ENOENT' ? `${luaBin} is not installed (apt-get install lua5.1)` : `LuaSocket is missing for ${luaBin} (apt-get install lua-socket)`;
  }
}

/**
 * What this machine can run. The Apache suite is slow, so it runs when CRS_ML_E2E=1 or when
 * Apache and mod_security2 are installed; CRS_ML_E2E=0 turns it off.
 */
export function detectEnvironment(): E2eEnvironment {
  const luaBin = process.env.CRS_ML_LUA_BIN ?? 'lua5.1';
  const luaSkip = luaSocketMissing(luaBin);
  const serverSkip = existsSync(path.join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'))
    ? undefined
    : 'dist/ is not built: run `npm run build` first (the suite starts bin/crs-ml-server.js)';
  let apacheSkip: string | undefined;
  if (process.env.CRS_ML_E2E === '0') apacheSkip = 'CRS_ML_E2E=0';
  else if (!existsSync(APACHE_BIN)) apacheSkip = `${APACHE_BIN} not found (apt-get install apache2 libapache2-mod-security2)`;
  else if (!existsSync(path.join(APACHE_MODULES, 'mod_security2.so'))) apacheSkip = `mod_security2.so not in ${APACHE_MODULES} (apt-get install libapache2-mod-security2)`;
  else apacheSkip = luaSkip ?? serverSkip;
  const lua53Skip = luaSocketMissing(process.env.CRS_ML_LUA53_BIN ?? 'lua5.3')?.replace('lua5.1', 'lua5.3');
  let nginxSkip: string | undefined;
  if (process.env.CRS_ML_E2E === '0') nginxSkip = 'CRS_ML_E2E=0';
  else if (!existsSync(NGINX_BIN)) nginxSkip = `${NGINX_BIN} not found (apt-get install nginx-core libnginx-mod-http-modsecurity)`;
  else if (!existsSync(NGINX_MODULE)) nginxSkip = `${NGINX_MODULE} not found (apt-get install libnginx-mod-http-modsecurity)`;
  else nginxSkip = lua53Skip ?? serverSkip;
  const crs3 = crs3Flavour();
  const crs4 = crs4Flavour();
  return {
    apacheBin: APACHE_BIN,
    modulesDir: APACHE_MODULES,
    luaBin,
    nginxBin: NGINX_BIN,
    nginxModule: NGINX_MODULE,
    apacheSkip,
    nginxSkip,
    luaSkip: luaSkip ?? serverSkip,
    luaVersions: [luaBin, process.env.CRS_ML_LUA53_BIN ?? 'lua5.3'].map((bin, i) => ({
      bin,
      skip: i === 0 ? luaSkip : lua53Skip,
      // Lua 5.3 is what libmodsecurity 3 (nginx) runs; Lua 5.1 is ModSecurity 2's.
      required: i === 0 ? APACHE_REQUIRED() : NGINX_REQUIRED(),
    })),
    serverSkip,
    flavours: [
      { flavour: crs3, skip: flavourSkip(crs3, 'apt-get install modsecurity-crs, or set CRS_ML_CRS3_RULES / CRS_ML_CRS3_SETUP') },
      { flavour: crs4, skip: flavourSkip(crs4, 'set CRS_ML_CRS4_DIR to a coreruleset v4 checkout') },
    ],
  };
}

/** CI sets these: then the Apache (and nginx) suites must run, not skip. */
export const APACHE_REQUIRED = (): boolean => process.env.CRS_ML_E2E === '1';
export const NGINX_REQUIRED = (): boolean => process.env.CRS_ML_E2E_NGINX === '1';

/** Also importable from here, as before the split (other e2e tests import it from this file). */
export { cannotRun } from './cannot-run';

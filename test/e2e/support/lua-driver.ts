import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PLUGIN_DIR } from './environment';
import { luaVersionOf, nativeCpath, nativeModule } from './native-module';

const CLIENT = path.join(PLUGIN_DIR, 'machine-learning-client.lua');
const DRIVER = path.join(__dirname, '..', 'lua', 'drive-client.lua');

type Entry = readonly [name: string | Buffer, value: string | Buffer];

/** What the mock `m` holds: single variables, plugin TX settings, and collection entries. */
export interface LuaSpec {
  vars?: Record<string, string | Buffer>;
  /** TX variables, named without the `tx.` prefix. */
  tx?: Record<string, string>;
  ARGS?: Entry[];
  FILES?: Entry[];
  FILES_SIZES?: Entry[];
  REQUEST_HEADERS?: Entry[];
  REQUEST_COOKIES?: Entry[];
}

export interface DriveResult {
  /** The plugin's TX variables after main(), named without `machine-learning-plugin_`. */
  tx: Map<string, string>;
  /** How many times the client called m.log. */
  logs: number;
  /** main()'s run time as measured inside Lua. */
  elapsedMs: number;
}

const BASE_VARS = { REQUEST_METHOD: 'GET', REQUEST_FILENAME: '/index.html', TIME_HOUR: '7', TIME_DAY: '29', REQBODY_PROCESSOR: '' };
const hex = (value: string | Buffer) => Buffer.from(value).toString('hex');
/** Spec files are numbered per process, so drivers made per test never overwrite each other's. */
let count = 0;

/** How the client calls the server: crs_ml_native (plugin/native) or LuaSocket. */
export type Transport = 'native' | 'luasocket';

/** The Lua interpreters × transports the client tests run under, each with why it cannot run here. */
export function clientSetups(luaVersions: ReadonlyArray<{ bin: string; skip?: string; required: boolean }>) {
  return luaVersions.flatMap((lua) =>
    (['native', 'luasocket'] as const).map((transport) => ({
      name: `${lua.bin} + ${transport === 'native' ? 'crs_ml_native' : 'LuaSocket'}`,
      bin: lua.bin,
      transport,
      required: lua.required,
      // LuaSocket is needed either way (the driver's clock, the fallback).
      skip: lua.skip ?? (transport === 'native' ? nativeModule(luaVersionOf(lua.bin)).skip : undefined),
    })),
  );
}

/**
 * Runs plugin/machine-learning-client.lua under `luaBin` through test/e2e/lua/drive-client.lua,
 * with `url` as `ml_server_url` and the request `spec` (written to a spec file in `dir`), calling
 * through `transport`. `extraEnv` reaches the Lua process (LUA_CPATH to hide LuaSocket and
 * crs_ml_native, MOCK_ENGINE=libmodsecurity3).
 */
export function createLuaDriver(luaBin: string, dir: string, transport: Transport = 'luasocket') {
  const native = transport === 'native' ? nativeModule(luaVersionOf(luaBin)).dir : undefined;
  if (transport === 'native' && native === undefined) throw new Error(`crs_ml_native cannot be built for ${luaBin}`);
  const transportEnv = native === undefined ? {} : { LUA_CPATH: nativeCpath(native) };
  return function drive(url: string, spec: LuaSpec = {}, extraEnv: NodeJS.ProcessEnv = {}): Promise<DriveResult> {
    const lines: string[] = [];
    for (const [name, value] of Object.entries({ ...BASE_VARS, ...spec.vars })) lines.push(`var ${hex(name)} ${hex(value)}`);
    const tx = { 'machine-learning-plugin_ml_server_url': url, 'machine-learning-plugin_native_client': transport === 'native' ? '1' : '0', ...spec.tx };
    for (const [name, value] of Object.entries(tx)) lines.push(`var ${hex(`tx.${name}`)} ${hex(value)}`);
    for (const kind of ['ARGS', 'FILES', 'FILES_SIZES', 'REQUEST_HEADERS', 'REQUEST_COOKIES'] as const) {
      for (const [name, value] of spec[kind] ?? []) lines.push(`${kind} ${hex(name)} ${hex(value)}`);
    }
    const file = path.join(dir, `spec-${path.basename(luaBin)}-${count++}.txt`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return new Promise((resolve, reject) => {
      execFile(luaBin, [DRIVER, CLIENT, file], { timeout: 10_000, env: { ...process.env, ...transportEnv, ...extraEnv } }, (error, stdout, stderr) => {
        if (error) return reject(new Error(`lua failed: ${String(error)}\n${stderr}`));
        const result: DriveResult = { tx: new Map(), logs: 0, elapsedMs: NaN };
        for (const line of stdout.trim().split('\n')) {
          const [name, value = ''] = line.split(' ');
          if (name === 'logs') result.logs = Number(value);
          else if (name === 'elapsed_ms') result.elapsedMs = Number(value);
          else result.tx.set(name.replace(/^machine-learning-plugin_/, ''), Buffer.from(value, 'hex').toString('utf8'));
        }
        resolve(result);
      });
    });
  };
}

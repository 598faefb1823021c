import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PLUGIN_DIR } from './environment';

const NATIVE_DIR = path.join(PLUGIN_DIR, 'native');

/** Lua versions the WAFs run: 5.1 in ModSecurity 2, 5.3 in Debian's libmodsecurity 3. */
export type LuaVersion = '5.1' | '5.3';

export const luaVersionOf = (luaBin: string): LuaVersion => (/5\.3/.test(luaBin) ? '5.3' : '5.1');

/**
 * plugin/native's crs_ml_native.so for `version`, built with its Makefile into a temporary folder
 * named by the sources' hash (built once per machine, shared by test files and the bench).
 * Returns `{ dir }`, the folder to put on LUA_CPATH, or `{ skip }` saying what is missing.
 */
export function nativeModule(version: LuaVersion): { dir: string; skip?: undefined } | { dir?: undefined; skip: string } {
  if (!existsSync(`/usr/include/lua${version}/lua.h`)) return { skip: `no Lua ${version} headers (apt-get install ${version === '5.1' ? 'liblua5.1-0-dev' : 'liblua5.3-dev'})` };
  const hash = createHash('sha256');
  for (const name of readdirSync(NATIVE_DIR).filter((file) => /\.(c|h)$|^Makefile$/.test(file)).sort()) {
    hash.update(name).update(readFileSync(path.join(NATIVE_DIR, name)));
  }
  const dir = path.join(os.tmpdir(), `crs-ml-native-${hash.digest('hex').slice(0, 16)}`, version);
  if (existsSync(path.join(dir, 'crs_ml_native.so'))) return { dir };
  // Built beside, then renamed into place: parallel test files never load a half-written library.
  const building = `${dir}.${process.pid}`;
  try {
    mkdirSync(building, { recursive: true });
    execFileSync('make', ['-s', '-C', NATIVE_DIR, `BUILD=${building}`, `LUA_VERSIONS=${version}`], { stdio: 'pipe', timeout: 60_000 });
    // The WAF's workers (www-data when run as root) load it.
    for (const folder of [path.dirname(dir), building, path.join(building, version)]) chmodSync(folder, 0o755);
    try {
      renameSync(path.join(building, version), dir);
    } catch (error) {
      if (!existsSync(path.join(dir, 'crs_ml_native.so'))) throw error;
    }
    return { dir };
  } catch (error) {
    return { skip: `plugin/native did not build: ${String((error as { stderr?: Buffer }).stderr ?? error).slice(0, 500)}` };
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
}

/** LUA_CPATH that finds crs_ml_native in `dir` first, then Lua's default path (";;"). */
export const nativeCpath = (dir: string): string => `${dir}/?.so;;`;

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** This package's own folder and `package.json` version, found from wherever the code runs. */
export interface PackageInfo {
  readonly root: string;
  readonly version: string;
}

let cached: PackageInfo | undefined;

/**
 * Walks up from this file to the `package.json` named `crs-ml-server`: `src/cli/` in the repository,
 * `dist/src/cli/` once built, `node_modules/crs-ml-server/dist/src/cli/` once installed.
 *
 * @throws Error when no such package.json exists above (a broken install)
 */
export function packageInfo(): PackageInfo {
  if (cached !== undefined) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (json.name === 'crs-ml-server' && typeof json.version === 'string') return (cached = { root: dir, version: json.version });
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json of crs-ml-server above ${__dirname}; reinstall the package.`);
  }
}

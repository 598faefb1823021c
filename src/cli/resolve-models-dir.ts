import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageInfo } from './package-root';

/** Where `serve` takes its models from, and why. */
export interface ModelsDirChoice {
  /** Absolute path of the models directory (holding manifest.json). */
  readonly dir: string;
  /** True when it is the package's own saved_models/, because ./saved_models is absent. */
  readonly bundled: boolean;
  /** For the startup line when `bundled`: what is served and how to serve your own. */
  readonly note: string;
}

/**
 * The models directory `serve` uses: `--models` (or CRS_ML_MODELS) when given, else `./saved_models`,
 * else, when that folder does not exist (a fresh `npm install crs-ml-server` or `npx crs-ml-server`
 * in an empty folder), the package's bundled default: its own `saved_models/`, the random stub.
 * An explicit `--models` is never replaced: a wrong path there is the user's error to see.
 *
 * @param given the `--models` value, undefined when neither the flag nor the variable was set
 * @param cwd where `./saved_models` is looked for
 * @param bundledDir the package's own saved_models/ (tests point it elsewhere)
 */
export function resolveModelsDir(
  given: string | undefined,
  cwd: string = process.cwd(),
  bundledDir: string = path.join(packageInfo().root, 'saved_models'),
): ModelsDirChoice {
  if (given !== undefined) return { dir: path.resolve(cwd, given), bundled: false, note: '' };
  const local = path.join(cwd, 'saved_models');
  if (existsSync(local)) return { dir: local, bundled: false, note: '' };
  return {
    dir: bundledDir,
    bundled: true,
    note:
      `the bundled default models (${bundledDir}), as there is no ./saved_models in ${cwd}; ` +
      'serve your own with --models DIR, or start one with `crs-ml-server init`',
  };
}

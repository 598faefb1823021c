import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError, describeError } from '../../errors';
import { packageInfo } from '../package-root';

export interface InitOptions {
  force?: boolean;
}

export function register(program: Command): void {
  program
    .command('init [dir]')
    .description('start your own model: write saved_models/ (manifest, example adapter in .js and .ts), its conformance test and a README into DIR (default: .)')
    .option('--force', 'overwrite files that already exist')
    .action((dir: string | undefined, options: InitOptions) => {
      initCommand(dir ?? '.', options, (text) => process.stdout.write(text));
    });
}

/**
 * Copies the package's `templates/init/` tree into `dir`: the design's own journey (write an adapter
 * class, drop a model in saved_models/, run with npx) as files to edit. Never overwrites a file
 * unless `force`, and checks every file before writing any.
 *
 * @returns the written paths, relative to `dir`
 * @throws UsageError naming the files that exist already, or the one that cannot be written
 */
export function initCommand(dir: string, options: InitOptions, out: (text: string) => void, templateDir = defaultTemplateDir()): string[] {
  const target = path.resolve(dir);
  const files = filesUnder(templateDir);
  const existing = files.filter((file) => existsSync(path.join(target, file)));
  if (existing.length > 0 && !options.force) {
    throw new UsageError(`init would overwrite ${existing.join(', ')} in ${target}; move them away, pick another folder, or pass --force.`);
  }
  for (const file of files) {
    const destination = path.join(target, file);
    try {
      mkdirSync(path.dirname(destination), { recursive: true });
      copyFileSync(path.join(templateDir, file), destination);
    } catch (cause) {
      throw new UsageError(`cannot write ${destination}: ${describeError(cause)}`, { cause });
    }
  }
  const cd = path.relative(process.cwd(), target);
  out(
    `wrote ${files.length} files to ${target}:\n${files.map((file) => `  ${file}\n`).join('')}` +
      `next: ${cd === '' ? '' : `cd ${cd} && `}npx crs-ml-server   (serves ./saved_models; see README.md)\n`,
  );
  return files;
}

function defaultTemplateDir(): string {
  return path.join(packageInfo().root, 'templates', 'init');
}

/** Every file below `dir`, as sorted relative paths with `/` separators. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      return entry.isDirectory() ? filesUnder(dir, relative) : [relative];
    })
    .sort();
}

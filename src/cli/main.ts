import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { describeError } from '../errors';
import { COMMANDS } from './commands';
import { packageInfo } from './package-root';
import { exitQuietlyOnEpipe } from './quiet-epipe';

/** Builds the `crs-ml-server` program; `serve` is the default command. */
export function createProgram(): Command {
  const program = new Command('crs-ml-server')
    .description('Serve machine-learning models to the OWASP CRS machine-learning-integration plugin.')
    .version(`crs-ml-server ${packageInfo().version}`, '-V, --version', 'print the version and exit')
    .showHelpAfterError()
    .exitOverride();
  for (const command of COMMANDS) command.register(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code instead of exiting, so tests can call it. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  exitQuietlyOnEpipe(process.stdout);
  try {
    await createProgram().parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`crs-ml-server: ${describeError(error)}\n`);
    return 1;
  }
}

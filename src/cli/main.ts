import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { CrsMlError, describeError } from '../errors';
import { COMMANDS } from './commands';

/** Builds the `crs-ml-server` program; `serve` is the default command. */
export function createProgram(): Command {
  const program = new Command('crs-ml-server')
    .description('Serve machine-learning models to the OWASP CRS machine-learning-integration plugin.')
    .showHelpAfterError()
    .exitOverride();
  for (const command of COMMANDS) command.register(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code instead of exiting, so tests can call it. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  try {
    await createProgram().parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`crs-ml-server: ${error instanceof CrsMlError ? describeError(error) : describeError(error)}\n`);
    return 1;
  }
}

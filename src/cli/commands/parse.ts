import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { requestToJson } from '../../contract/ml-request';
import { parseRequestBody } from '../../contract/parse-request';
import { UsageError, describeError } from '../../errors';

export function register(program: Command): void {
  program
    .command('parse')
    .description('show what the server sees in one raw POST body from the Lua client')
    .option('--input <file>', 'file holding the raw body ("-" or none: standard input)')
    .action((options: { input?: string }) => {
      process.exitCode = parseCommand(readInput(options.input), (line) => process.stdout.write(line), (line) => process.stderr.write(line));
    });
}

/** Prints the parsed request as one JSON line, or the server's 400 reason; returns the exit code. */
export function parseCommand(body: Uint8Array, out: (text: string) => void, err: (text: string) => void): number {
  try {
    out(`${requestToJson(parseRequestBody(body))}\n`);
    return 0;
  } catch (error) {
    err(`${describeError(error)}\n`);
    return 1;
  }
}

/** The raw body from `file`, or from standard input for `-` or no `--input`, as `features` reads. */
export function readInput(file: string | undefined): Buffer {
  const stdin = file === undefined || file === '-';
  try {
    return readFileSync(stdin ? 0 : file);
  } catch (cause) {
    throw new UsageError(`cannot read ${stdin ? 'standard input' : file}: ${describeError(cause)}`, { cause });
  }
}

import type { Writable } from 'node:stream';

const guarded = new WeakSet<Writable>();

/**
 * Makes a closed reader end the program quietly: `crs-ml-server features ... | head` closes the pipe
 * after ten lines, and the next write fails with EPIPE, which Node reports as an unhandled 'error'
 * event with a stack trace. Like `cat` or `yes` killed by SIGPIPE, we stop at once, but with exit
 * code 0 and nothing on stderr, since the reader got all it asked for. Other write errors (a full
 * disk) are reported in one line and exit 1. Installed once per stream.
 *
 * @param exit how to end the process (tests pass a spy)
 */
export function exitQuietlyOnEpipe(stream: Writable, exit: (code: number) => void = (code) => process.exit(code), err: Writable = process.stderr): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return exit(0);
    err.write(`crs-ml-server: cannot write the output: ${error.message}\n`);
    exit(1);
  });
}

import { chmodSync, statSync, unlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import { UsageError, describeError } from '../errors';

/** Listens on TCP host:port. */
export function listenTcp(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(new UsageError(`cannot listen on ${host}:${port}: ${describeError(error)}`, { cause: error })));
    server.listen(port, host, () => resolve());
  });
}

/**
 * Listens on a Unix domain socket (the plugin's `unix:PATH` transport). A socket file a crashed
 * server left behind is replaced, as gunicorn does; the file is made connectable by the WAF's
 * workers (www-data when the server runs as another user) — the folder restricts access.
 */
export function listenUnix(server: Server, socketPath: string): Promise<void> {
  removeStaleSocket(socketPath);
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(new UsageError(`cannot listen on ${socketPath}: ${describeError(error)}`, { cause: error })));
    server.listen(socketPath, () => {
      chmodSync(socketPath, 0o666);
      resolve();
    });
  });
}

function removeStaleSocket(socketPath: string): void {
  try {
    if (statSync(socketPath).isSocket()) unlinkSync(socketPath);
  } catch {
    // absent: nothing to remove; anything else is reported by listen()
  }
}

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** Default time in-flight requests get to finish after SIGTERM/SIGINT (`--shutdown-grace-ms`). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/**
 * How long, from the start of the drain, a connection that has sent nothing yet may take to send
 * its request.
 * The plugin opens one connection per request and writes it at once; a connection silent this
 * long is a pre-connect or an idle client, not a request in flight.
 */
export const SILENT_CONNECTION_MS = 1_000;

/**
 * Before the listening socket closes, connections the kernel has completed but Node has not
 * accepted yet (a starved event loop lets a few queue up) are accepted first: the socket closes
 * once no connection arrived for `ACCEPT_QUIET_MS`, or after `ACCEPT_SWEEP_MAX_MS`. Closing a
 * listening socket resets every connection still in its queue; clients that keep connecting
 * through this window can still meet that reset, which no server can avoid (a load balancer
 * stops sending first when `GET /` answers 503).
 */
const ACCEPT_QUIET_MS = 10;
const ACCEPT_SWEEP_MAX_MS = 100;

/** What a drain did, for the log line and the exit code. */
export interface DrainReport {
  /** Requests (or partly received requests) the grace period cut off. 0 means a clean drain. */
  readonly cutOff: number;
  /** Connections closed without having sent a byte. */
  readonly silentClosed: number;
  /** Idle keep-alive connections closed when the drain began. */
  readonly idleClosed: number;
}

interface ConnectionState {
  requests: number;
  current: ServerResponse | undefined;
}

/**
 * Tracks the connections of an HTTP server and drains them the way Envoy and nginx do: stop
 * accepting, finish in-flight requests (with `Connection: close`), wait for requests on
 * connections already accepted, close idle keep-alive connections, then report.
 *
 * Node's own `server.close()` (19+) closes every connection without an active request at once,
 * including accepted ones whose request has not arrived yet, which is how the plugin's
 * one-connection-per-request calls got reset on shutdown. This class stops only the listening
 * socket and decides per connection.
 *
 * `attach` it to the server before listening; `onRequest` must be called first thing for every
 * request (the ops listener does); it costs a map lookup and two assignments.
 */
export class Drain {
  private readonly connections = new Map<Socket, ConnectionState>();
  private draining = false;
  private lastAccept = 0;
  private result: Promise<DrainReport> | undefined;

  private server: Server | undefined;

  /** Starts tracking `server`'s connections; call before it listens. */
  attach(server: Server): void {
    this.server = server;
    server.on('connection', (socket: Socket) => {
      this.lastAccept = Date.now();
      this.connections.set(socket, { requests: 0, current: undefined });
      socket.once('close', () => this.connections.delete(socket));
    });
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Notes a request; while draining, its answer carries `Connection: close`. */
  onRequest(req: IncomingMessage, res: ServerResponse): void {
    const state = this.connections.get(req.socket);
    if (state !== undefined) {
      state.requests++;
      state.current = res;
    }
    if (this.draining) res.shouldKeepAlive = false;
  }

  /**
   * Stops accepting and drains within `graceMs`; resolves once every connection is closed. Calling
   * it again returns the same drain.
   */
  drain(graceMs: number): Promise<DrainReport> {
    this.result ??= this.run(graceMs);
    return this.result;
  }

  private run(graceMs: number): Promise<DrainReport> {
    this.draining = true;
    // Never at once: the first timer fires after a poll phase, which accepts what is queued.
    const since = Date.now();
    setTimeout(() => this.stopAccepting(since), ACCEPT_QUIET_MS);
    let idleClosed = 0;
    for (const [socket, state] of this.connections) {
      const res = state.current;
      if (res === undefined || res.writableFinished) {
        if (state.requests > 0 && res?.shouldKeepAlive !== false) {
          idleClosed++;
          socket.destroy();
        }
      } else if (!res.headersSent) {
        res.shouldKeepAlive = false;
      } else {
        // Already answering with keep-alive: close once this answer is out.
        res.once('finish', () => setImmediate(() => this.closeIfIdle(socket)));
      }
    }
    return new Promise((resolve) => {
      const started = Date.now();
      const deadline = started + graceMs;
      let silentClosed = 0;
      const tick = () => {
        const now = Date.now();
        for (const [socket, state] of this.connections) {
          if (state.requests === 0 && socket.bytesRead === 0 && now - started >= Math.min(SILENT_CONNECTION_MS, graceMs)) {
            silentClosed++;
            socket.destroy();
          }
        }
        if (this.connections.size === 0) return resolve({ cutOff: 0, silentClosed, idleClosed });
        if (now < deadline) return void setTimeout(tick, 20);
        let cutOff = 0;
        for (const [socket, state] of this.connections) {
          const answering = state.current !== undefined && !state.current.writableFinished;
          if (answering || (state.requests === 0 && socket.bytesRead > 0)) cutOff++;
          else silentClosed++;
          socket.destroy();
        }
        resolve({ cutOff, silentClosed, idleClosed });
      };
      tick();
    });
  }

  /** net.Server's close: stop listening, leave the connections to us (see the class comment). */
  private stopAccepting(since: number): void {
    const now = Date.now();
    if (now - this.lastAccept >= ACCEPT_QUIET_MS || now - since >= ACCEPT_SWEEP_MAX_MS) {
      if (this.server?.listening) NetServer.prototype.close.call(this.server);
      return;
    }
    setTimeout(() => this.stopAccepting(since), ACCEPT_QUIET_MS);
  }

  private closeIfIdle(socket: Socket): void {
    const state = this.connections.get(socket);
    if (state !== undefined && (state.current === undefined || state.current.writableFinished)) socket.destroy();
  }
}

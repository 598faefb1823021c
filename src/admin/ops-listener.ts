import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Drain } from '../lifecycle/drain';
import type { ReloadOutcome } from '../reload/model-holder';

/** Who may call `POST /admin/reload`: nobody (default), loopback clients, or holders of a token. */
export type AdminAccess = { readonly kind: 'off' } | { readonly kind: 'loopback' } | { readonly kind: 'token'; readonly token: string };

export interface OpsRoutes {
  readonly drain: Drain;
  /** Reloads the model (in every worker); resolves with one outcome per process. */
  readonly reload: () => Promise<ReloadOutcome[]>;
  /** The Prometheus exposition (aggregated across workers under `--workers`). */
  readonly metrics: () => Promise<{ contentType: string; text: string }>;
  readonly admin: AdminAccess;
}

/**
 * Puts the operations routes in front of the contract's listener (src/server stays the contract):
 *
 * - every request is noted by the drain (answers carry `Connection: close` while draining);
 * - `GET /` answers `503 Shutting down` (and `GET /v2/health/ready` a 503 error object) while
 *   draining, so a load balancer or Kubernetes moves away first;
 * - `GET /metrics`: Prometheus text;
 * - `POST /admin/reload`: reload the model (404 when `--admin` is off, 403 for a wrong client).
 */
export function createOpsListener(contract: RequestListener, routes: OpsRoutes): RequestListener {
  const { drain } = routes;
  return (req, res) => {
    drain.onRequest(req, res);
    const url = req.url;
    if (url === '/') {
      if (drain.isDraining && req.method === 'GET') return text(res, 503, 'Shutting down');
      return contract(req, res);
    }
    // The OIP readiness probe (KServe, Kubernetes) moves traffic away too.
    if (drain.isDraining && req.method === 'GET' && url === '/v2/health/ready') return json(res, 503, { error: 'shutting down' });
    if (url === '/metrics' && req.method === 'GET') return void metrics(res, routes);
    if (url === '/admin/reload' && req.method === 'POST' && routes.admin.kind !== 'off') return void adminReload(req, res, routes);
    return contract(req, res);
  };
}

async function metrics(res: ServerResponse, routes: OpsRoutes): Promise<void> {
  try {
    const { contentType, text: body } = await routes.metrics();
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  } catch (error) {
    text(res, 503, `metrics are unavailable right now (${(error as Error).message}); try again`);
  }
}

async function adminReload(req: IncomingMessage, res: ServerResponse, routes: OpsRoutes): Promise<void> {
  req.resume();
  const refusal = refuse(req, routes.admin);
  if (refusal !== undefined) return text(res, 403, refusal);
  const outcomes = await routes.reload();
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length === 0) return text(res, 200, `reloaded ${outcomes.length === 1 ? '' : `${outcomes.length} workers: `}${(outcomes[0] as { summary: string }).summary}`);
  const reasons = [...new Set(failed.map((o) => (o as { reason: string }).reason))].join('; ');
  text(res, 422, `reload failed in ${failed.length} of ${outcomes.length} process(es), the previous model keeps serving: ${reasons}`);
}

/** Why this client may not reload, or undefined when it may. */
function refuse(req: IncomingMessage, admin: AdminAccess): string | undefined {
  if (admin.kind === 'loopback') {
    const address = req.socket.remoteAddress ?? '';
    const loopback = address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
    return loopback ? undefined : `POST /admin/reload is open to loopback clients only (--admin loopback); ${address} is not one. Use --admin-token to reload from elsewhere.`;
  }
  if (admin.kind === 'token') {
    const given = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    const expected = Buffer.from(admin.token);
    const ok = given.length === expected.length && timingSafeEqual(given, expected);
    return ok ? undefined : 'POST /admin/reload needs "Authorization: Bearer <token>" with the token given to --admin-token (CRS_ML_ADMIN_TOKEN).';
  }
  return 'POST /admin/reload is off';
}

function text(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent || res.destroyed) return;
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': bytes.length });
  res.end(bytes);
}

function json(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

import type { ReloadOutcome } from '../reload/model-holder';

/**
 * Messages between the `--workers` primary and its workers (node:cluster IPC). prom-client's
 * AggregatorRegistry uses the same channel with its own `prom-client:` types.
 */
export type WorkerToPrimary =
  | { readonly type: 'crs-ml:ready'; readonly summary: string; readonly port: number | string }
  | { readonly type: 'crs-ml:ask'; readonly id: number; readonly ask: 'reload' | 'metrics' }
  | { readonly type: 'crs-ml:reloaded'; readonly id: number; readonly outcome: ReloadOutcome };

export type PrimaryToWorker =
  | { readonly type: 'crs-ml:reload'; readonly id: number }
  | { readonly type: 'crs-ml:shutdown'; readonly signal: string }
  | { readonly type: 'crs-ml:answer'; readonly id: number; readonly value: unknown; readonly error?: string };

/** Exit code of a server whose shutdown grace period cut requests off (docs/operations.md). */
export const EXIT_GRACE_EXCEEDED = 2;

/** True for our messages (the channel also carries prom-client's and node's own). */
export function isOurs(message: unknown): message is { type: string } {
  return typeof message === 'object' && message !== null && String((message as { type?: unknown }).type).startsWith('crs-ml:');
}

let nextId = 0;
const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let listening = false;

/** From a worker: asks the primary to reload every worker, or for the aggregated metrics. */
export function askPrimary<T>(ask: 'reload' | 'metrics'): Promise<T> {
  if (!listening) {
    listening = true;
    process.on('message', (message: unknown) => {
      if (!isOurs(message) || message.type !== 'crs-ml:answer') return;
      const answer = message as Extract<PrimaryToWorker, { type: 'crs-ml:answer' }>;
      const waiting = pending.get(answer.id);
      pending.delete(answer.id);
      if (answer.error !== undefined) waiting?.reject(new Error(answer.error));
      else waiting?.resolve(answer.value);
    });
  }
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    process.send!({ type: 'crs-ml:ask', id, ask } satisfies WorkerToPrimary);
  });
}

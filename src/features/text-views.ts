import type { MlRequest } from '../contract/ml-request';
import { payloadItemsV1 } from './payload-v1';

/**
 * A text view turns a request into the texts ("items") a text model scores one by one; the
 * request's score is the most anomalous item's. Versioned names: a changed definition gets a new name.
 */
export interface TextView {
  readonly name: string;
  /** The request's items, in a documented order; may be empty. */
  items(request: MlRequest): string[];
}

/** The text views a manifest may name in `"options": {"items": NAME}` (docs/features.md). */
export const TEXT_VIEWS: ReadonlyMap<string, TextView> = new Map([['payload-v1', { name: 'payload-v1', items: payloadItemsV1 }]]);

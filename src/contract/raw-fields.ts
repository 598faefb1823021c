/** A JSON object's ordered pairs with numbers kept as numbers, before validation (v2 fields). */
export type JsonPairs = Array<[string, string | number]>;

/** The fields of a POST body as text, before validation turns them into an {@link MlRequest}. */
export interface RawRequestFields {
  method?: string;
  path?: string;
  args?: Array<[string, string]>;
  files?: Array<[string, string]>;
  sizes?: Array<[string, string]>;
  hour?: string;
  day?: string;
  body?: string;
  /** The contract version as sent (`v=2`); absent means 1. */
  v?: string;
  headers?: JsonPairs;
  cookies?: JsonPairs;
  crs?: JsonPairs;
}

/** The fields contract v2 adds; a body without `v=2` never carries them (docs/contract.md). */
export const V2_FIELDS = ['headers', 'cookies', 'crs'] as const;

export type V2Field = (typeof V2_FIELDS)[number];

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
}

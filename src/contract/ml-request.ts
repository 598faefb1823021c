/**
 * The parsed request: what the ModSecurity Lua client tells the server about one HTTP request.
 *
 * | field  | ModSecurity variable | type                     | example                      |
 * |--------|----------------------|--------------------------|------------------------------|
 * | method | REQUEST_METHOD       | string                   | `POST`                       |
 * | path   | REQUEST_FILENAME     | string                   | `/search.php`                |
 * | args   | ARGS                 | ordered (name, value)s   | `[["ARGS:q", "fish&chips"]]` |
 * | files  | FILES                | ordered (name, value)s   | `[["FILES:f", "a.png"]]`     |
 * | sizes  | FILES_SIZES          | ordered (name, bytes)s   | `[["FILES_SIZES:f", 1024]]`  |
 * | hour   | TIME_HOUR            | integer 0–23             | `7`                          |
 * | day    | TIME_DAY             | integer 1–31             | `29`                         |
 * | body   | REQUEST_BODY         | string, optional         | raw body when not a form     |
 * | version | (the `v` field)    | 1 or 2                   | `2` (absent: 1)              |
 * | headers | REQUEST_HEADERS     | ordered (name, value)s, optional (v2) | `[["REQUEST_HEADERS:User-Agent", "curl/8"]]` |
 * | cookies | REQUEST_COOKIES     | ordered (name, value)s, optional (v2) | `[["REQUEST_COOKIES:lang", "en"]]` |
 * | crs    | TX (CRS's scores)    | ordered (name, number)s, optional (v2) | `[["sql_injection_score", 5], ["inbound_anomaly_score_pl1", 5]]` |
 *
 * Fields are ordered lists of pairs, not objects: ModSecurity repeats a name when a parameter is
 * given twice (`?a=1&a=2` gives two `ARGS:a`), and names come from the attacker, so a `Map` or a
 * plain object would lose data or let a name like `__proto__` mean something. Strings are decoded
 * from UTF-8 with Python's `surrogateescape` rule (an invalid byte 0xNN becomes U+DCNN), so every
 * byte survives and the Python feature twin sees the same string.
 */
export type FieldPairs<V = string> = ReadonlyArray<readonly [name: string, value: V]>;

export interface MlRequest {
  readonly method: string;
  readonly path: string;
  readonly args: FieldPairs;
  readonly files: FieldPairs;
  readonly sizes: FieldPairs<number>;
  readonly hour: number;
  readonly day: number;
  /** The raw request body when it is not a form (sent by our own client only). */
  readonly body?: string;
  /** Contract version the client spoke: 1 (no `v` field, the original and older clients) or 2. */
  readonly version?: 1 | 2;
  /** v2: request headers as ModSecurity parsed them, minus what the plugin leaves out for privacy. */
  readonly headers?: FieldPairs;
  /** v2: request cookies as ModSecurity parsed them, minus what the plugin leaves out for privacy. */
  readonly cookies?: FieldPairs;
  /** v2: CRS's own scores for this request (names without the `tx.` prefix), e.g. in mode 1. */
  readonly crs?: FieldPairs<number>;
}

/**
 * The text a `text` model reads: the argument values in order, one per line. Training scripts
 * for text models (examples/text-classifier, examples/onnx) join the same way.
 */
export function requestText(request: MlRequest): string {
  return request.args.map(([, value]) => value).join('\n');
}

/**
 * Serialises a request as the one-line JSON object the `parse` command prints and `features` reads:
 * `{"v","method","path","args":{...},"files":{...},"sizes":{...},"hour","day"}`, then `body`,
 * `headers`, `cookies` and `crs` when present. `v` is the contract version (1 when the request does
 * not say). Repeated names are kept as repeated keys (valid JSON text), so nothing the WAF sent is
 * dropped.
 */
export function requestToJson(request: MlRequest): string {
  const pairs = <V>(fields: FieldPairs<V>): string =>
    `{${fields.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`).join(',')}}`;
  const optional = <V>(name: string, fields: FieldPairs<V> | undefined): string =>
    fields === undefined ? '' : `,"${name}":${pairs(fields)}`;
  const head = `{"v":${request.version ?? 1},"method":${JSON.stringify(request.method)},"path":${JSON.stringify(request.path)}`;
  const body = request.body === undefined ? '' : `,"body":${JSON.stringify(request.body)}`;
  return (
    `${head},"args":${pairs(request.args)},"files":${pairs(request.files)},"sizes":${pairs(request.sizes)}` +
    `,"hour":${request.hour},"day":${request.day}${body}` +
    `${optional('headers', request.headers)}${optional('cookies', request.cookies)}${optional('crs', request.crs)}}`
  );
}

/**
 * `payload-v1`: the texts of a request a payload model scores one by one (its "items"). The request's
 * score is the highest item score, so a long benign text next to an attack cannot dilute it.
 *
 * | field   | ModSecurity variable | items                                                        | example item          |
 * |---------|----------------------|--------------------------------------------------------------|-----------------------|
 * | path    | REQUEST_FILENAME     | the path, unless it is `/`                                   | `/shop/search.php`    |
 * | args    | ARGS                 | each name (without `ARGS:`), each value                      | `user[$ne]`, `1' OR 1=1` |
 * | files   | FILES                | each uploaded file name                                      | `cv.pdf`              |
 * | headers | REQUEST_HEADERS (v2) | each value, except the headers in {@link PAYLOAD_V1_SKIPPED_HEADERS} | `curl/8.0`     |
 * | cookies | REQUEST_COOKIES (v2) | each value                                                   | `en`                  |
 * | body    | REQUEST_BODY         | the raw body (not a form)                                    | `{"q":"shoes"}`       |
 *
 * Each text becomes one item; a text longer than {@link PAYLOAD_V1_WINDOW} code points becomes
 * overlapping windows of that length (step {@link PAYLOAD_V1_STEP}); a text holding `%XX` escapes
 * also gives its percent-decoded form (once, bytes read as UTF-8 with surrogateescape; `+` kept).
 * Empty texts give nothing. `hour`, `day`, `method` and `sizes` are not read: the verdict cannot
 * depend on the clock. The Python twin (training/payload_items.py) gives the same items, checked by
 * test/features/payload-v1.test.ts on a committed fixture. Change nothing here without a new name.
 */
import type { MlRequest } from '../contract/ml-request';
import { decodeSurrogateEscape } from '../contract/decode';

/** Window length, in code points, for long texts. */
export const PAYLOAD_V1_WINDOW = 1024;
/** Step between windows: consecutive windows overlap by 128 code points, so no 128-character payload is cut. */
export const PAYLOAD_V1_STEP = 896;
/** Header names (lower case) whose values are not items: transport details with no free text. */
export const PAYLOAD_V1_SKIPPED_HEADERS: ReadonlySet<string> = new Set(['content-length', 'connection', 'keep-alive', 'te', 'upgrade-insecure-requests', 'dnt', 'priority']);

const PERCENT = /%[0-9A-Fa-f]{2}/;

/**
 * The items of one request, in field order (path, args, files, headers, cookies, body).
 * Never throws: every string is a valid input.
 */
export function payloadItemsV1(request: MlRequest): string[] {
  const items: string[] = [];
  const push = (text: string): void => {
    if (text === '') return;
    addWindows(items, text);
    if (PERCENT.test(text)) {
      const decoded = percentDecode(text);
      if (decoded !== undefined && decoded !== text) addWindows(items, decoded);
    }
  };
  if (request.path !== '/') push(request.path);
  for (const [name, value] of request.args) {
    push(stripPrefix(name, 'ARGS:'));
    push(value);
  }
  for (const [, value] of request.files) push(value);
  for (const [name, value] of request.headers ?? []) {
    if (!PAYLOAD_V1_SKIPPED_HEADERS.has(stripPrefix(name, 'REQUEST_HEADERS:').toLowerCase())) push(value);
  }
  for (const [, value] of request.cookies ?? []) push(value);
  if (request.body !== undefined) push(request.body);
  return items;
}

function stripPrefix(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

function addWindows(items: string[], text: string): void {
  // Code points, as Python indexes strings; only long texts pay for the split.
  if (text.length <= PAYLOAD_V1_WINDOW) {
    items.push(text);
    return;
  }
  const points = Array.from(text);
  if (points.length <= PAYLOAD_V1_WINDOW) {
    items.push(text);
    return;
  }
  for (let start = 0; ; start += PAYLOAD_V1_STEP) {
    items.push(points.slice(start, start + PAYLOAD_V1_WINDOW).join(''));
    if (start + PAYLOAD_V1_WINDOW >= points.length) break;
  }
}

/**
 * `%XX` -> byte XX over the text's UTF-8 bytes (surrogateescape), read back as UTF-8 with
 * surrogateescape; undefined when the text holds a lone surrogate UTF-8 cannot carry (as Python's
 * `encode('utf-8', 'surrogateescape')` refuses it).
 */
export function percentDecode(text: string): string | undefined {
  const bytes = encodeSurrogateEscape(text);
  if (bytes === undefined) return undefined;
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const hi = i + 2 < bytes.length ? hex(bytes[i + 1]) : -1;
    const lo = hi >= 0 ? hex(bytes[i + 2]) : -1;
    if (bytes[i] === 0x25 && lo >= 0) {
      out[n++] = (hi << 4) | lo;
      i += 2;
    } else {
      out[n++] = bytes[i];
    }
  }
  return decodeSurrogateEscape(out.subarray(0, n));
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Python's `text.encode('utf-8', 'surrogateescape')`: U+DC80..U+DCFF become bytes 0x80..0xFF. */
function encodeSurrogateEscape(text: string): Uint8Array | undefined {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      out.push(c);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out.push(...Buffer.from(text.slice(i, i + 2), 'utf8'));
        i++;
        continue;
      }
    }
    if (c >= 0xdc80 && c <= 0xdcff) {
      out.push(c & 0xff);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) return undefined;
    out.push(...Buffer.from(text[i], 'utf8'));
  }
  return Uint8Array.from(out);
}

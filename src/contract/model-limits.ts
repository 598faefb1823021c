import { decodeSurrogateEscape } from './decode';

/**
 * How much of one POST body the model sees (docs/contract.md, "What the model sees of a big body").
 * Parsing and feature extraction are linear in what they read; these caps keep one 16 MiB body from
 * holding the event loop, and follow ModSecurity's own defaults: `SecRequestBodyNoFilesLimit`
 * 131072 bytes (so a default WAF never forwards more argument text than this) and
 * `SecArgumentsLimit` 1000.
 */
export const MODEL_LIMITS = Object.freeze({
  /** Bytes of text (names and values, before decoding) read from one body, in body order. */
  maxTextBytes: 128 * 1024,
  /** Pairs parsed per object field; the rest of a text field is kept whole as one last pair (docs/contract.md). */
  maxPairs: 1000,
  /**
   * Bytes read of each short field checked by shape (method, hour, day, v), outside the text budget:
   * a longer one fails validation whatever follows, and the budget cannot starve them.
   */
  maxShortFieldBytes: 1024,
});

/** A short field's bytes as text, at most {@link MODEL_LIMITS.maxShortFieldBytes} of them. */
export function shortField(bytes: Uint8Array): string {
  return decodeSurrogateEscape(bytes.length <= MODEL_LIMITS.maxShortFieldBytes ? bytes : bytes.subarray(0, MODEL_LIMITS.maxShortFieldBytes));
}

/**
 * The text budget of one body: decodes byte ranges (UTF-8, surrogateescape) until
 * {@link MODEL_LIMITS.maxTextBytes} bytes have been read, then cuts at a code point boundary and gives
 * empty strings. Work per body is bounded by the budget, whatever the body's size.
 */
export class TextBudget {
  private remaining: number;
  /** Whether anything was cut. */
  truncated = false;

  constructor(maxBytes: number = MODEL_LIMITS.maxTextBytes) {
    this.remaining = maxBytes;
  }

  /** Bytes still readable. */
  get left(): number {
    return this.remaining;
  }

  /** Spends up to `bytes` of the budget; returns how many may be read. */
  spend(bytes: number): number {
    if (bytes <= this.remaining) {
      this.remaining -= bytes;
      return bytes;
    }
    const allowed = this.remaining;
    this.truncated = true;
    this.remaining = 0;
    return allowed;
  }

  /** `bytes` as text, cut to what the budget has left. */
  take(bytes: Uint8Array): string {
    const allowed = this.spend(bytes.length);
    if (allowed === bytes.length) return decodeSurrogateEscape(bytes);
    const cut = codePointBoundary(bytes, allowed);
    return cut === 0 ? '' : decodeSurrogateEscape(bytes.subarray(0, cut));
  }
}

/** `at`, moved back over up to 3 UTF-8 continuation bytes so a cut never splits a character. */
function codePointBoundary(bytes: Uint8Array, at: number): number {
  let end = at;
  while (end > 0 && at - end < 3 && (bytes[end] & 0xc0) === 0x80) end--;
  return (bytes[end] & 0xc0) === 0x80 ? at : end;
}

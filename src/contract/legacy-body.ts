import { RequestFormatError } from '../errors';
import { MODEL_LIMITS, shortField, TextBudget } from './model-limits';
import type { RawRequestFields } from './raw-fields';

type Pairs = Array<[string, string]>;
/** Turns the range [start, end) of the body text into a field's text (decoding, budget). */
type Piece = (start: number, end: number) => string;

/** The names under which an object's text is kept whole when its entries cannot be told apart. */
export const UNPARSED_NAME = { args: 'ARGS', files: 'FILES', sizes: 'FILES_SIZES' } as const;

/** `&hour=HH&day=DD` at the end, then any `&name=value` fields a newer client may append (ignored). */
const TAIL = /^&hour=([^&]*)&day=([^&]*)(?:&[A-Za-z0-9_]+=[^&]*)*$/;

/**
 * Parses the body the original Lua client builds by string concatenation, without url-encoding:
 *
 *     method=M&path=P&args={"ARGS:n":"v",...}&files={...}&sizes={...}&hour=HH&day=DD
 *
 * Values never hold `"` (the client turned each into `$#$`, restored here); names are not escaped
 * at all. The frame is found by anchors (see docs/contract.md, "Legacy bodies"): `method=` at the
 * start, the first `&path=`, the first `&args={` after it, the last `&hour=..&day=..`, and
 * `}&sizes={` / `}&files={` searched from the right; `&name=value` fields after `day` are ignored.
 * Inside an object, each entry is split at the first `":"` whose value is followed by `,"` or the object's end. An object whose entries cannot be
 * told apart is kept whole as one value, so no byte is ever dropped and no attacker can turn the
 * model off by making the body unparsable.
 *
 * `piece` turns a range of `text` into a field's text, `short` that of method, hour and day; by
 * default the range itself.
 */
export function parseLegacyBody(text: string, piece: Piece = (start, end) => text.slice(start, end), short: Piece = piece): RawRequestFields {
  if (!text.startsWith('method=')) throw new RequestFormatError('body must start with "method=".');
  const pathAt = text.indexOf('&path=');
  if (pathAt < 0) throw new RequestFormatError('field "path" is missing (no "&path=" in the body).');
  const argsAt = text.indexOf('&args={', pathAt);
  if (argsAt < 0) throw new RequestFormatError('field "args" is missing (no "&args={" in the body).');
  // The last `&hour=` starts the tail: values before it may hold the same text.
  const middleEnd = text.lastIndexOf('&hour=');
  const tail = middleEnd > argsAt ? TAIL.exec(text.slice(middleEnd)) : null;
  const hourAt = middleEnd + '&hour='.length;
  if (tail === null) throw new RequestFormatError('fields "hour" and "day" must end the body ("&hour=HH&day=DD").');

  // Between `&args=` and the tail: `{args}` optionally followed by `&files={files}` and `&sizes={sizes}`.
  // Ranges of `text`, not copies: a big body is only ever read through `piece`.
  const middleStart = argsAt + '&args='.length;
  // Searched from the right, only where the whole anchor fits in the range.
  const sizesAt = text[middleEnd - 1] === '}' ? text.lastIndexOf('}&sizes={', middleEnd - '}&sizes={'.length) : -1;
  const beforeSizesEnd = sizesAt >= middleStart ? sizesAt + 1 : middleEnd;
  const filesAt = text.lastIndexOf('}&files={', beforeSizesEnd - '}&files={'.length);
  const argsEnd = filesAt >= middleStart ? filesAt + 1 : beforeSizesEnd;
  const object = (start: number, end: number, fallback: string) => parseObjectRange(text, start, end, fallback, piece);

  return {
    method: short('method='.length, pathAt),
    path: piece(pathAt + '&path='.length, argsAt),
    args: object(middleStart, argsEnd, UNPARSED_NAME.args),
    files: argsEnd < beforeSizesEnd ? object(argsEnd + '&files='.length, beforeSizesEnd, UNPARSED_NAME.files) : undefined,
    sizes: beforeSizesEnd < middleEnd ? object(beforeSizesEnd + '&sizes='.length, middleEnd, UNPARSED_NAME.sizes) : undefined,
    hour: short(hourAt, hourAt + tail[1].length),
    day: short(hourAt + tail[1].length + '&day='.length, hourAt + tail[1].length + '&day='.length + tail[2].length),
  };
}

/**
 * {@link parseLegacyBody} for the raw bytes of a body: the frame is found on a latin1 view (one
 * character per byte, made natively; every anchor is ASCII, and no UTF-8 sequence holds an ASCII
 * byte, so ranges split exactly where they split in the decoded text), and only the ranges the model
 * sees are decoded, within the body's {@link TextBudget}.
 */
export function parseLegacyBytes(body: Uint8Array, budget: TextBudget = new TextBudget()): RawRequestFields {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  return parseLegacyBody(
    text,
    (start, end) => budget.take(body.subarray(start, end)),
    (start, end) => shortField(body.subarray(start, end)),
  );
}

/**
 * Parses `{"name":"value",...}` as the Lua client writes it. `text` spans exactly one object,
 * braces included. Returns `[[fallbackName, inner text]]` when the entries cannot be told apart.
 */
export function parseLegacyObject(text: string, fallbackName: string): Pairs {
  return parseObjectRange(text, 0, text.length, fallbackName, (start, end) => text.slice(start, end));
}

/** {@link parseLegacyObject} on the range [start, stop) of `text`, reading text through `piece`. */
function parseObjectRange(text: string, start: number, stop: number, fallbackName: string, piece: Piece): Pairs {
  if (stop - start === 2 && text[start] === '{' && text[start + 1] === '}') return [];
  const entries = splitEntries(text, start, stop, fallbackName, piece);
  if (entries !== undefined) return entries;
  const innerStart = text[start] === '{' ? start + 1 : start;
  const innerEnd = stop > innerStart && text[stop - 1] === '}' ? stop - 1 : stop;
  return [[fallbackName, restoreQuotes(piece(innerStart, innerEnd))]];
}

/**
 * Entries of the object spanning [start, stop), or undefined when they cannot be told apart. After
 * {@link MODEL_LIMITS.maxPairs} entries the rest of the object is one last `fallbackName` entry, so
 * padding a body with harmless arguments cannot hide what follows from the model.
 */
function splitEntries(text: string, start: number, stop: number, fallbackName: string, piece: Piece): Pairs | undefined {
  const end = stop - 1; // index of the closing brace
  if (end <= start || text[start] !== '{' || text[end] !== '}' || text[start + 1] !== '"') return undefined;
  const pairs: Pairs = [];
  let nameStart = start + 2;
  for (;;) {
    if (pairs.length === MODEL_LIMITS.maxPairs) {
      // Sizes must be byte counts: their rest is dropped, as in url-encoded bodies.
      if (fallbackName !== UNPARSED_NAME.sizes) pairs.push([fallbackName, restoreQuotes(piece(nameStart - 1, end))]);
      return pairs;
    }
    let entryEnd = -1;
    let searchFrom = nameStart;
    for (;;) {
      const separator = text.indexOf('":"', searchFrom);
      if (separator < 0 || separator >= end) return undefined;
      const valueStart = separator + 3;
      const valueEnd = text.indexOf('"', valueStart);
      if (valueEnd < 0 || valueEnd >= end) return undefined;
      const next = valueEnd + 1;
      if (next === end || (text[next] === ',' && text[next + 1] === '"')) {
        pairs.push([piece(nameStart, separator), restoreQuotes(piece(valueStart, valueEnd))]);
        entryEnd = next;
        break;
      }
      searchFrom = separator + 1; // the name itself holds `":"`: try the next one
    }
    if (entryEnd === end) return pairs;
    nameStart = entryEnd + 2;
  }
}

/** The client replaced every `"` in a value with `$#$`; put them back, as placeholder.py did. */
function restoreQuotes(value: string): string {
  return value.includes('$#$') ? value.split('$#$').join('"') : value;
}

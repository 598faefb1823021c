import { RequestFormatError } from '../errors';
import type { RawRequestFields } from './raw-fields';

type Pairs = Array<[string, string]>;

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
 */
export function parseLegacyBody(text: string): RawRequestFields {
  if (!text.startsWith('method=')) throw new RequestFormatError('body must start with "method=".');
  const pathAt = text.indexOf('&path=');
  if (pathAt < 0) throw new RequestFormatError('field "path" is missing (no "&path=" in the body).');
  const argsAt = text.indexOf('&args={', pathAt);
  if (argsAt < 0) throw new RequestFormatError('field "args" is missing (no "&args={" in the body).');
  // The last `&hour=` starts the tail: values before it may hold the same text.
  const middleEnd = text.lastIndexOf('&hour=');
  const tail = middleEnd > argsAt ? TAIL.exec(text.slice(middleEnd)) : null;
  if (tail === null) throw new RequestFormatError('fields "hour" and "day" must end the body ("&hour=HH&day=DD").');

  // `middle` is `{args}` optionally followed by `&files={files}` and `&sizes={sizes}`.
  const middle = text.slice(argsAt + '&args='.length, middleEnd);
  const sizesAt = middle.endsWith('}') ? middle.lastIndexOf('}&sizes={') : -1;
  const beforeSizes = sizesAt >= 0 ? middle.slice(0, sizesAt + 1) : middle;
  const filesAt = beforeSizes.lastIndexOf('}&files={');
  const argsText = filesAt >= 0 ? beforeSizes.slice(0, filesAt + 1) : beforeSizes;

  return {
    method: text.slice('method='.length, pathAt),
    path: text.slice(pathAt + '&path='.length, argsAt),
    args: parseLegacyObject(argsText, UNPARSED_NAME.args),
    files: filesAt >= 0 ? parseLegacyObject(beforeSizes.slice(filesAt + '}&files='.length), UNPARSED_NAME.files) : undefined,
    sizes: sizesAt >= 0 ? parseLegacyObject(middle.slice(sizesAt + '}&sizes='.length), UNPARSED_NAME.sizes) : undefined,
    hour: tail[1],
    day: tail[2],
  };
}

/**
 * Parses `{"name":"value",...}` as the Lua client writes it. `text` spans exactly one object,
 * braces included. Returns `[[fallbackName, inner text]]` when the entries cannot be told apart.
 */
export function parseLegacyObject(text: string, fallbackName: string): Pairs {
  if (text === '{}') return [];
  const entries = splitEntries(text);
  if (entries !== undefined) return entries;
  const inner = text.slice(text.startsWith('{') ? 1 : 0, text.endsWith('}') ? -1 : undefined);
  return [[fallbackName, restoreQuotes(inner)]];
}

function splitEntries(text: string): Pairs | undefined {
  const end = text.length - 1; // index of the closing brace
  if (text[0] !== '{' || text[end] !== '}' || text[1] !== '"') return undefined;
  const pairs: Pairs = [];
  let nameStart = 2;
  for (;;) {
    let entryEnd = -1;
    let searchFrom = nameStart;
    for (;;) {
      const separator = text.indexOf('":"', searchFrom);
      if (separator < 0 || separator >= end) return undefined;
      const valueStart = separator + 3;
      const valueEnd = text.indexOf('"', valueStart);
      if (valueEnd < 0) return undefined;
      const next = valueEnd + 1;
      if (next === end || (text[next] === ',' && text[next + 1] === '"')) {
        pairs.push([text.slice(nameStart, separator), restoreQuotes(text.slice(valueStart, valueEnd))]);
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

/**
 * What `waf-v1` says about a path, an argument name or a file name on its own: its length, the code
 * points outside a plain set, the non-ASCII ones (path_*, arg_name_*) and its extension class
 * (path_ext_class, file_risky_ext). docs/features.md defines each column.
 */
import { asciiLower, forEachCodePoint } from './text-stats';
import { SCRIPT_EXT, SENSITIVE_EXT, STATIC_EXT } from './waf-v1-vocabulary';

const asciiTable = (chars: string) => {
  const table = new Uint8Array(128);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  return table;
};
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** ASCII characters path_special does not count (1 = plain). */
export const PATH_PLAIN = asciiTable(`${ALNUM}/._~-`);
/** ASCII characters arg_name_special does not count (1 = plain). */
export const NAME_PLAIN = asciiTable(`${ALNUM}_.-[]`);

/**
 * One pass over `text`: its length in code points, how many are not ASCII characters marked in
 * `plain` (non-ASCII always count) and how many are non-ASCII, in `out` [length, outside, nonAscii].
 * `out` is the caller's scratch array, so a call allocates nothing.
 */
export const describeText = (text: string, plain: Uint8Array, out: Int32Array) => {
  let length = 0;
  let outside = 0;
  let nonAscii = 0;
  forEachCodePoint(text, (code) => {
    length++;
    if (code >= 128) {
      outside++;
      nonAscii++;
    } else if (plain[code] === 0) outside++;
  });
  out[0] = length;
  out[1] = outside;
  out[2] = nonAscii;
  return out;
};

/**
 * Extension class of the last `/`-segment: 0 none, 1 static, 2 script, 3 sensitive/backup, 4 other.
 * Python twin: `ext_class`.
 */
export function extensionClass(name: string): number {
  const segment = name.slice(name.lastIndexOf('/') + 1);
  const dot = segment.lastIndexOf('.');
  if (dot < 0) return 0;
  const ext = asciiLower(segment.slice(dot + 1));
  if (STATIC_EXT.has(ext)) return 1;
  if (SCRIPT_EXT.has(ext)) return 2;
  if (SENSITIVE_EXT.has(ext)) return 3;
  return 4;
}

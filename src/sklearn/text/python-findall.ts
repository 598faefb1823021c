import type { PythonRegex } from './python-regex';

/**
 * Python's `re.findall` over the translated pattern: whole matches without groups, group 1 with one
 * group (unmatched groups give ""), as sklearn's tokenizer uses it. After an empty match CPython
 * (3.7+) still accepts a non-empty match at the same position (`a*|b` on "b" gives '', 'b', ''),
 * where JavaScript would step over it; that case is replayed with a one-off sticky regex that refuses
 * to end where it started.
 */
export function findAll(re: PythonRegex, text: string): string[] {
  const out: string[] = [];
  const pick = (m: RegExpExecArray) => (re.groups === 0 ? m[0] : (m[1] ?? ''));
  const g = re.regex;
  let pos = 0;
  let afterEmpty = false;
  while (pos <= text.length) {
    g.lastIndex = pos;
    let m = g.exec(text);
    if (m === null) break;
    if (afterEmpty && m.index === pos && m[0] === '') {
      const nonEmpty = nonEmptyMatchAt(re, text, pos);
      if (nonEmpty !== null) {
        m = nonEmpty;
      } else {
        g.lastIndex = pos + (isHighSurrogateAt(text, pos) ? 2 : 1);
        if (pos >= text.length) break;
        m = g.exec(text);
        if (m === null) break;
      }
    }
    out.push(pick(m));
    afterEmpty = m[0] === '';
    pos = m.index + m[0].length;
  }
  return out;
}

/** A match of `re` starting exactly at `pos` that consumes at least one code point, or null. */
function nonEmptyMatchAt(re: PythonRegex, text: string, pos: number): RegExpExecArray | null {
  const start = Array.from(text.slice(0, pos)).length; // code points before pos
  const sticky = new RegExp(`(?:${re.source})(?<=^[\\s\\S]{${start + 1},})`, `${re.regex.flags.replace('g', '')}y`);
  sticky.lastIndex = pos;
  return sticky.exec(text);
}

function isHighSurrogateAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  const d = text.charCodeAt(i + 1);
  return c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff;
}

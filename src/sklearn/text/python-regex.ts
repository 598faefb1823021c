import { UnsupportedEstimatorError } from '../errors';
import { pythonDigitClass, pythonWordClass } from './python-classes';

/**
 * Translates a Python `re` pattern (as in `token_pattern`) into an equivalent JavaScript RegExp with
 * the `v` flag, so that tokens match what CPython 3.11 finds in a `str`.
 *
 * Supported (everything sklearn's token patterns use, and the common rest): literals, `.`, character
 * classes with ranges and negation, `\w \W \d \D \s \S \b \B \A \Z` with CPython's Unicode meanings
 * (tables generated from CPython, see python-tables.ts), escapes `\t \n \r \f \v \a \xhh \uhhhh
 * \Uhhhhhhhh`, quantifiers `* + ? {m} {m,} {m,n}` and their lazy forms, groups `( )`, `(?: )`,
 * `(?P<name> )`, `(?P=name)`, backreferences `\1`..`\9`, lookarounds, `(?# )`, `^ $ |`, and global
 * flags at the start `(?u)`, `(?i)`, `(?s)`, `(?a)`.
 *
 * Refused with UnsupportedEstimatorError (no silent difference): verbose `(?x)`, `(?m)`, `(?L)`,
 * scoped flags `(?i: )`, possessive quantifiers and atomic groups, conditionals `(?(1) )`, `\N{...}`,
 * octal escapes, and unknown escapes.
 *
 * After an empty match, `findAll` follows CPython 3.7+ (a non-empty match may start at the same place).
 */
export function translatePythonRegex(pattern: string, where = 'token_pattern'): PythonRegex {
  return new Translator(pattern, where).run();
}

/** A translated pattern: the JS RegExp (global, `v`) and the number of capturing groups. */
export interface PythonRegex {
  readonly regex: RegExp;
  readonly groups: number;
  readonly source: string;
}

const SPACE_CLASS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const ASCII_WORD = '[A-Za-z0-9_]';
const ASCII_DIGIT = '[0-9]';
const ASCII_SPACE = '\\t\\n\\v\\f\\r ';

/** Characters escaped outside classes (JS SyntaxCharacter and "/"), and inside `v`-mode classes. */
const SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));
const CLASS_SYNTAX = new Set('^$\\.*+?()[]{}|/-&!#%,:;<=>@`~'.split(''));

class Translator {
  private i = 0;
  private groups = 0;
  private ignoreCase = false;
  private dotAll = false;
  private ascii = false;

  constructor(
    private readonly p: string,
    private readonly where: string,
  ) {}

  run(): PythonRegex {
    this.leadingFlags();
    const body = this.sequence(false);
    const flags = `gv${this.ignoreCase ? 'i' : ''}`;
    let regex: RegExp;
    try {
      regex = new RegExp(body, flags);
    } catch (error) {
      throw this.refuse(`it translates to an invalid JavaScript pattern (${(error as Error).message})`);
    }
    return { regex, groups: this.groups, source: body };
  }

  /** `\w` as a bracketed `v`-mode class (usable alone or nested in another class). */
  private get word(): string {
    return this.ascii ? ASCII_WORD : `[${pythonWordClass()}]`;
  }

  private get digit(): string {
    return this.ascii ? ASCII_DIGIT : `[${pythonDigitClass()}]`;
  }

  private leadingFlags(): void {
    for (;;) {
      const m = /^\(\?([aiLmsux]+)\)/.exec(this.p.slice(this.i));
      if (m === null) return;
      for (const f of m[1]) {
        if (f === 'i') this.ignoreCase = true;
        else if (f === 's') this.dotAll = true;
        else if (f === 'a') this.ascii = true;
        else if (f !== 'u') throw this.refuse(`the inline flag "(?${f})" is not supported`);
      }
      this.i += m[0].length;
    }
  }

  /** Parses until the end or a closing parenthesis (when inside a group). */
  private sequence(inGroup: boolean): string {
    let out = '';
    while (this.i < this.p.length) {
      const c = this.p[this.i];
      if (c === ')') {
        if (!inGroup) throw this.refuse(`unbalanced ")" at position ${this.i}`);
        return out;
      }
      this.i++;
      if (c === '\\') out += this.escape(false);
      else if (c === '[') out += this.charClass();
      else if (c === '(') out += this.group();
      else if (c === '.') out += this.dotAll ? '[\\s\\S]' : '[^\\n]';
      else if (c === '$') out += '(?=\\n?(?![\\s\\S]))';
      else if (c === '^' || c === '|') out += c;
      else if (c === '*' || c === '+' || c === '?') out += c + this.lazyOrPossessive();
      else if (c === '{') out += this.brace();
      else out += literal(c, this.p.codePointAt(this.i - 1) as number, () => this.i++);
    }
    if (inGroup) throw this.refuse('a group is not closed');
    return out;
  }

  private lazyOrPossessive(): string {
    if (this.p[this.i] === '?') {
      this.i++;
      return '?';
    }
    if (this.p[this.i] === '+') throw this.refuse('possessive quantifiers are not supported');
    return '';
  }

  private brace(): string {
    const m = /^(\d*)(,(\d*))?\}/.exec(this.p.slice(this.i));
    if (m === null || (m[1] === '' && m[2] === undefined)) return '\\{'; // Python: a literal "{"
    this.i += m[0].length;
    const min = m[1] === '' ? '0' : m[1];
    return `{${min}${m[2] === undefined ? '' : `,${m[3]}`}}${this.lazyOrPossessive()}`;
  }

  private group(): string {
    const rest = this.p.slice(this.i);
    let open = '(';
    if (rest.startsWith('?')) {
      const named = /^\?P<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      const backref = /^\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest);
      if (backref) {
        this.i += backref[0].length;
        return `\\k<${backref[1]}>`;
      } else if (named) {
        this.groups++;
        open = `(?<${named[1]}>`;
        this.i += named[0].length;
      } else if (rest.startsWith('?#')) {
        const end = this.p.indexOf(')', this.i);
        if (end < 0) throw this.refuse('a comment group is not closed');
        this.i = end + 1;
        return '';
      } else {
        const look = /^\?(:|=|!|<=|<!)/.exec(rest);
        if (look === null) throw this.refuse(`the group syntax "(${rest.slice(0, 4)}" is not supported (scoped flags, atomic groups, conditionals)`);
        open = `(${look[0]}`;
        this.i += look[0].length;
      }
    } else {
      this.groups++;
    }
    const body = this.sequence(true);
    this.i++; // ")"
    return `${open}${body})`;
  }

  private charClass(): string {
    let out = '[';
    if (this.p[this.i] === '^') {
      out += '^';
      this.i++;
    }
    let first = true;
    while (this.i < this.p.length && (this.p[this.i] !== ']' || first)) {
      const c = this.p[this.i++];
      // Python: "-" is a range only between two atoms; first or last it is literal.
      if (c === '\\') out += this.escape(true);
      else if (c === '-' && !first && this.p[this.i] !== ']') out += '-';
      else out += literal(c, this.p.codePointAt(this.i - 1) as number, () => this.i++, true);
      first = false;
    }
    if (this.p[this.i] !== ']') throw this.refuse('a character class is not closed');
    this.i++;
    return `${out}]`;
  }

  /** After a backslash; `inClass` selects class-safe forms. */
  private escape(inClass: boolean): string {
    const c = this.p[this.i++];
    if (c === undefined) throw this.refuse('the pattern ends with a backslash');
    const space = `[${this.ascii ? ASCII_SPACE : SPACE_CLASS}]`;
    // `cls` is a bracketed class; negation wraps it, which `v` mode allows inside another class too.
    const negated = (cls: string) => `[^${cls}]`;
    switch (c) {
      case 'w':
        return this.word;
      case 'W':
        return negated(this.word);
      case 'd':
        return this.digit;
      case 'D':
        return negated(this.digit);
      case 's':
        return space;
      case 'S':
        return negated(space);
      case 'b':
      case 'B': {
        if (inClass) return '\\x08'; // Python: \b in a class is a backspace
        return this.boundary(c === 'b');
      }
      case 'A':
        return '(?<![\\s\\S])';
      case 'Z':
        return '(?![\\s\\S])';
      case 'n':
      case 't':
      case 'r':
      case 'f':
      case 'v':
        return `\\${c}`;
      case 'a':
        return '\\x07';
      case 'x':
      case 'u':
      case 'U': {
        const len = c === 'x' ? 2 : c === 'u' ? 4 : 8;
        const hex = this.p.slice(this.i, this.i + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw this.refuse(`bad escape \\${c}${hex}`);
        this.i += len;
        return `\\u{${parseInt(hex, 16).toString(16)}}`;
      }
      default:
        if (c >= '1' && c <= '9' && !inClass) {
          if (/[0-9]/.test(this.p[this.i] ?? '')) throw this.refuse('two-digit backreferences and octal escapes are not supported');
          return `\\${c}`;
        }
        if (/[A-Za-z0-9]/.test(c)) throw this.refuse(`the escape "\\${c}" is not supported`);
        return literal(c, this.p.codePointAt(this.i - 1) as number, () => this.i++, inClass);
    }
  }

  /**
   * `\b` (or `\B`) at the current position. Python's `\b` is "word char before XOR word char after";
   * when the next atom is a mandatory `\w` (or the previous one was), one side is known and the test
   * reduces to a single lookaround — same matches, and V8 runs the default `\b\w\w+\b` ~4x faster.
   */
  private boundary(isBoundary: boolean): string {
    const w = this.word;
    const before = this.p.slice(0, this.i - 2);
    const after = this.p.slice(this.i);
    const wordAfter = /^\\w(?![*?]|\{[0,])/.test(after);
    const wordBefore = /(?<!\\)(?:\\\\)*\\w(?:\+\??|\{[1-9]\d*(?:,\d*)?\}\??)?$/.test(before);
    if (wordAfter) return isBoundary ? `(?<!${w})` : `(?<=${w})`;
    if (wordBefore) return isBoundary ? `(?!${w})` : `(?=${w})`;
    return isBoundary ? `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))` : `(?:(?<=${w})(?=${w})|(?<!${w})(?!${w}))`;
  }

  private refuse(problem: string): UnsupportedEstimatorError {
    return new UnsupportedEstimatorError(
      'python regular expression',
      undefined,
      `${this.where} ${JSON.stringify(this.p)}: ${problem}; the supported subset is listed in docs/sklearn-more.md`,
    );
  }
}

/** One literal character (astral code points consume their low surrogate too). */
function literal(c: string, codePoint: number, skipLowSurrogate: () => void, inClass = false): string {
  if (codePoint > 0xffff) {
    skipLowSurrogate();
    return String.fromCodePoint(codePoint);
  }
  if ((inClass ? CLASS_SYNTAX : SYNTAX).has(c)) return `\\${c}`;
  if (c === '\n') return '\\n';
  return c;
}

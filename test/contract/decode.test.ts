import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeSurrogateEscape, percentDecode } from '../../src/contract/decode';

interface Case {
  readonly bytes: number[];
  readonly utf16: number[];
}
/** Python's own answers: test/fixtures/contract/generate_surrogateescape.py (Debian python3 3.11). */
const FIXTURE = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'contract', 'surrogateescape.json'), 'utf8')) as { cases: Case[] };
const units = (text: string) => Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));

describe('decodeSurrogateEscape', () => {
  it.each([['every fixture case', FIXTURE.cases]])('matches bytes.decode("utf-8", "surrogateescape") on %s', (_name, cases) => {
    expect(cases.length).toBe(400);
    for (const { bytes, utf16 } of cases) expect(units(decodeSurrogateEscape(Uint8Array.from(bytes)))).toEqual(utf16);
  });

  it('gives one lone surrogate per invalid byte of a big body; pieces split at ASCII decode as the whole does', () => {
    const bytes = Buffer.alloc(1 << 20, 0xff);
    const text = decodeSurrogateEscape(bytes);
    expect(text.length).toBe(bytes.length);
    expect(text.charCodeAt(0)).toBe(0xdcff);
    expect(text.charCodeAt(text.length - 1)).toBe(0xdcff);
    // What the parsers rely on: an ASCII byte never belongs to a multi-byte sequence.
    const joined = Buffer.concat(FIXTURE.cases.flatMap((c) => [Buffer.from(c.bytes), Buffer.from('"')]));
    expect(units(decodeSurrogateEscape(joined))).toEqual(FIXTURE.cases.flatMap((c) => [...c.utf16, 0x22]));
  });
});

describe('percentDecode', () => {
  it('decodes + and %XX, keeps a stray %, and stops at maxBytes', () => {
    expect(Buffer.from(percentDecode(Buffer.from('a+b%41%4%zz%'))).toString('latin1')).toBe('a bA%4%zz%');
    expect(Buffer.from(percentDecode(Buffer.from('%41%42%43%44'), 2)).toString('latin1')).toBe('AB');
    expect(Buffer.from(percentDecode(Buffer.from('plain'), 3)).toString('latin1')).toBe('pla');
  });
});

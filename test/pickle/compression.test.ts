import { readFileSync } from 'node:fs';
import { deflateSync, gzipSync } from 'node:zlib';
import { decompress, detectCompression, xzDeclaredSize } from '../../src/pickle/compression';
import { resolveLimits } from '../../src/pickle/limits';
import { fixture } from './expected-values';

const limits = resolveLimits();

describe('compression detection by magic bytes, not extension', () => {
  it.each([
    ['arrays.joblib.z', 'zlib'], ['arrays.joblib.gz', 'gzip'], ['arrays.joblib.bz2', 'bz2'], ['arrays.joblib.xz', 'xz'],
    ['arrays.joblib.lzma', 'lzma'], ['arrays.joblib', 'none'], ['arrays-p0.pkl', 'none'], ['arrays-p4.pkl', 'none'],
  ])('%s is %s', (file, kind) => {
    expect(detectCompression(readFileSync(fixture('arrays', file)))).toBe(kind);
  });

  it('a pickle starting with 0x78 ("x") is not taken for zlib unless the header checksum holds', () => {
    expect(detectCompression(Buffer.from('x\x00'))).toBe('none');
    expect(detectCompression(deflateSync(Buffer.from('abc')))).toBe('zlib');
  });

  it('all five containers give the same stream as the uncompressed joblib file', () => {
    const plain = readFileSync(fixture('arrays', 'arrays.joblib'));
    for (const ext of ['z', 'gz', 'bz2', 'xz', 'lzma']) {
      const bytes = readFileSync(fixture('arrays', `arrays.joblib.${ext}`));
      expect([ext, Buffer.from(decompress(bytes, detectCompression(bytes), limits, ext)).equals(plain)]).toEqual([ext, true]);
    }
  });

  it('reads the declared size from the xz index before decompressing', () => {
    const bomb = readFileSync(fixture('hostile', 'zip-bomb.xz'));
    expect(xzDeclaredSize(bomb)).toBe(64 * 1024 * 1024);
    expect(xzDeclaredSize(readFileSync(fixture('arrays', 'arrays.joblib.xz')))).toBe(readFileSync(fixture('arrays', 'arrays.joblib')).length);
  });

  it('corrupt containers fail with PICKLE_COMPRESSION', () => {
    const gz = gzipSync(Buffer.alloc(1000, 7));
    for (const [kind, bytes] of [['gzip', gz.subarray(0, gz.length - 9)], ['bz2', Buffer.from('BZh91AY&SYgarbage')], ['xz', Buffer.from('\xfd7zXZ\x00garbage', 'latin1')]] as const) {
      expect(() => decompress(bytes, kind, limits, 'x')).toThrow(expect.objectContaining({ code: 'PICKLE_COMPRESSION' }));
    }
  });
});

import { readFileSync } from 'node:fs';
import { deflateSync, gzipSync } from 'node:zlib';
import { decompress, detectCompression, xzDeclaredSize } from '../../src/pickle/compression';
import { xzChunkedSize } from '../../src/pickle/xz-size';
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

describe('zip bombs stop at the byte limit while decompressing', () => {
  const MiB = 1024 * 1024;
  const small = resolveLimits({ maxDecompressedBytes: 4 * MiB, maxCompressionRatio: 1_000_000 });
  const refusal = expect.objectContaining({ code: 'PICKLE_SIZE_LIMIT', message: expect.stringMatching(/maxDecompressedBytes = 4194304\)\. If the file is trusted/) });
  /** The bytes with their last `n` flipped: a decoder that reached the end would fail its check there. */
  const brokenTail = (bytes: Uint8Array, n: number) => {
    const copy = Uint8Array.from(bytes);
    for (let i = copy.length - n; i < copy.length; i++) copy[i] ^= 0xff;
    return copy;
  };

  it.each([
    ['gzip', gzipSync(Buffer.alloc(64 * MiB)), 8], // CRC32 and ISIZE
    ['zlib', deflateSync(Buffer.alloc(64 * MiB)), 4], // Adler-32
  ] as const)('%s: refused at the limit, before the trailer a full decode would check', (kind, bomb, trailer) => {
    expect(detectCompression(bomb)).toBe(kind);
    expect(() => decompress(bomb, kind, small, 'bomb')).toThrow(refusal);
    // Had inflation run to the end, the broken trailer would make this PICKLE_COMPRESSION.
    expect(() => decompress(brokenTail(bomb, trailer), kind, small, 'bomb')).toThrow(refusal);
    expect(() => decompress(brokenTail(bomb, trailer), kind, resolveLimits({ maxCompressionRatio: 1_000_000 }), 'bomb')).toThrow(
      expect.objectContaining({ code: 'PICKLE_COMPRESSION' }),
    );
  });

  it('bz2: refused at the limit, before the stream CRC a full decode would check', () => {
    const bomb = readFileSync(fixture('hostile', 'zip-bomb.bz2'));
    expect(() => decompress(bomb, 'bz2', small, 'bomb')).toThrow(refusal);
    expect(() => decompress(brokenTail(bomb, 4), 'bz2', small, 'bomb')).toThrow(refusal);
  });

  it('xz: sizes every LZMA2 chunk without decoding, and refuses a bomb whose index lies', () => {
    const plain = readFileSync(fixture('arrays', 'arrays.joblib'));
    expect(xzChunkedSize(readFileSync(fixture('arrays', 'arrays.joblib.xz')))).toBe(plain.length);
    const bomb = readFileSync(fixture('hostile', 'zip-bomb.xz'));
    expect(xzChunkedSize(bomb)).toBe(64 * MiB);
    // The index's one record: unpadded size, then uncompressed size 64 MiB as the varint 80 80 80 20.
    const lying = Uint8Array.from(bomb);
    const at = Buffer.from(lying).lastIndexOf(Buffer.from([0x80, 0x80, 0x80, 0x20]));
    lying.set([0x8a, 0x80, 0x80, 0x00], at); // 10, in as many bytes
    expect(xzDeclaredSize(lying)).toBe(10);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const decoder = jest.spyOn((require('@napi-rs/lzma') as { xz: { decompressSync: () => Uint8Array } }).xz, 'decompressSync');
    expect(() => decompress(lying, 'xz', small, 'bomb')).toThrow(refusal);
    expect(decoder).not.toHaveBeenCalled(); // refused before decoding, not after 64 MiB of output
    decoder.mockRestore();
    expect(xzChunkedSize(lying.subarray(0, 200))).toBeUndefined();
  });
});

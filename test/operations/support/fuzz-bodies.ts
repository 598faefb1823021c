import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import type { Exchange } from './client';
import { prng } from '../../helpers/prng';

const NASTY = ['&', '+', '%', '"', "'", '=', '\n', '$#$', '%00', '{', '}', '\\', '<script>', ' OR 1=1--', '../../etc/passwd', 'é', '\u{1F600}'];

function value(rand: () => number, maxLength: number): string {
  let s = '';
  const n = Math.floor(rand() * maxLength);
  while (s.length < n) s += rand() < 0.3 ? NASTY[Math.floor(rand() * NASTY.length)] : String.fromCharCode(32 + Math.floor(rand() * 95));
  return s;
}

function legacy(rand: () => number, argLength = 40): Buffer {
  const args = `{"ARGS:q":"${value(rand, argLength).replace(/"/g, '$#$')}","ARGS:id":"${Math.floor(rand() * 1000)}"}`;
  return Buffer.from(`method=${rand() < 0.5 ? 'GET' : 'POST'}&path=/${value(rand, 20)}&args=${args}&files={}&sizes={}&hour=${String(Math.floor(rand() * 24)).padStart(2, '0')}&day=${String(1 + Math.floor(rand() * 31)).padStart(2, '0')}`);
}

function urlencoded(rand: () => number): Buffer {
  const fields: Array<[string, string]> = [
    ['method', 'GET'],
    ['path', `/${value(rand, 20)}`],
    ['args', JSON.stringify({ 'ARGS:q': value(rand, 40) })],
    ['files', '{}'],
    ['sizes', '{}'],
    ['hour', String(Math.floor(rand() * 24))],
    ['day', String(1 + Math.floor(rand() * 31))],
  ];
  return Buffer.from(fields.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));
}

function mutate(rand: () => number, body: Buffer): Buffer {
  const out = Buffer.from(body);
  for (let k = 0, n = 1 + Math.floor(rand() * 6); k < n; k++) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
  return out;
}

function randomBytes(rand: () => number, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

/** Invalid UTF-8 (lone continuation bytes, 0xFF, truncated sequences) inside an otherwise valid body. */
function invalidUtf8(rand: () => number): Buffer {
  const bad = Buffer.from([0xff, 0xfe, 0x80, 0xc3, 0xe2, 0x82, 0xed, 0xa0, 0x80]);
  const head = Buffer.from('method=GET&path=/a&args={"ARGS:q":"');
  const tail = Buffer.from('"}&files={}&sizes={}&hour=01&day=02');
  return Buffer.concat([head, randomBytes(rand, 4 + Math.floor(rand() * 60)).map((b, i) => (i % 3 === 0 ? bad[b % bad.length] : b)), tail]);
}

/** What each kind of body is; the fuzz report counts outcomes per kind. */
export const FUZZ_KINDS = [
  'legacy',
  'urlencoded',
  'mutated',
  'truncated',
  'random-bytes',
  'invalid-utf8',
  'gzip-valid',
  'gzip-bad',
  'deflate-or-br',
  'unknown-encoding',
  'client-abort',
  'huge-field',
  'over-limit',
] as const;
export type FuzzKind = (typeof FUZZ_KINDS)[number];

/**
 * The i-th fuzz body. Huge fields (1-3 × `hugeUnit` bytes of 0xFF or "a") and over-limit bodies
 * are 1 in 500 each, so 100,000 bodies with 1 MiB units move about 1 GB; everything else is small.
 */
export function fuzzBody(i: number, maxBodyBytes: number, hugeUnit = 1024 * 1024): { kind: FuzzKind; exchange: Exchange } {
  const rand = prng(i * 7919 + 1);
  if (i % 500 === 250) {
    const size = Math.min(maxBodyBytes - 1024, (1 + Math.floor(rand() * 3)) * hugeUnit);
    const body = Buffer.concat([Buffer.from('method=GET&path=/a&args={"ARGS:q":"'), Buffer.alloc(size, rand() < 0.5 ? 0xff : 0x61), Buffer.from('"}&files={}&sizes={}&hour=01&day=02')]);
    return { kind: 'huge-field', exchange: { body } };
  }
  if (i % 500 === 499) return { kind: 'over-limit', exchange: { body: Buffer.alloc(maxBodyBytes + 1 + Math.floor(rand() * 65536), 0x61) } };
  const kind = FUZZ_KINDS[i % 11];
  switch (kind) {
    case 'legacy':
      return { kind, exchange: { body: legacy(rand) } };
    case 'urlencoded':
      return { kind, exchange: { body: urlencoded(rand) } };
    case 'mutated':
      return { kind, exchange: { body: mutate(rand, rand() < 0.5 ? legacy(rand) : urlencoded(rand)) } };
    case 'truncated': {
      const body = rand() < 0.5 ? legacy(rand) : urlencoded(rand);
      return { kind, exchange: { body: body.subarray(0, Math.floor(rand() * body.length)) } };
    }
    case 'random-bytes':
      return { kind, exchange: { body: randomBytes(rand, 1 + Math.floor(rand() * 2048)), headers: { 'Content-Type': 'application/octet-stream' } } };
    case 'invalid-utf8':
      return { kind, exchange: { body: invalidUtf8(rand) } };
    case 'gzip-valid':
      return { kind, exchange: { body: gzipSync(rand() < 0.5 ? legacy(rand) : invalidUtf8(rand)), headers: { 'Content-Encoding': 'gzip' } } };
    case 'gzip-bad': {
      const good = gzipSync(legacy(rand));
      const choice = rand();
      const body = choice < 0.33 ? good.subarray(0, Math.floor(rand() * good.length)) : choice < 0.66 ? mutate(rand, good) : randomBytes(rand, 1 + Math.floor(rand() * 512));
      return { kind, exchange: { body, headers: { 'Content-Encoding': 'gzip' } } };
    }
    case 'deflate-or-br': {
      const choice = rand();
      const plain = legacy(rand);
      const encoded = choice < 0.25 ? deflateSync(plain) : choice < 0.5 ? deflateRawSync(plain) : choice < 0.75 ? brotliCompressSync(plain) : randomBytes(rand, 64);
      return { kind, exchange: { body: rand() < 0.5 ? encoded : mutate(rand, encoded), headers: { 'Content-Encoding': choice < 0.5 ? 'deflate' : 'br' } } };
    }
    case 'unknown-encoding':
      return { kind, exchange: { body: legacy(rand), headers: { 'Content-Encoding': rand() < 0.5 ? 'compress' : 'gzip, br' } } };
    case 'client-abort': {
      const body = legacy(rand, 2000);
      return { kind, exchange: { body, abortAfter: Math.floor(rand() * body.length) } };
    }
    default:
      throw new Error(`no generator for ${kind}`);
  }
}

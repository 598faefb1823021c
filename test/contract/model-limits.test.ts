import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MlRequest } from '../../src/contract/ml-request';
import { MODEL_LIMITS } from '../../src/contract/model-limits';
import { parseRequestBody } from '../../src/contract/parse-request';
import { extractWafV1 } from '../../src/features/waf-v1';

const MiB = 1 << 20;
const legacy = (args: Buffer) =>
  Buffer.concat([Buffer.from('method=POST&path=/p&args='), args, Buffer.from('&files={}&sizes={}&hour=07&day=29')]);
const urlencoded = (args: string) => Buffer.from(`method=POST&path=/p&args=${args}&hour=07&day=29`);

/** Hostile 8 MiB bodies, one per way the old parser was slow (issue 12: 0xFF bodies stalled it for seconds). */
const BIG_BODIES: ReadonlyArray<[string, () => Buffer]> = [
  ['8 MiB of 0xFF, no frame at all', () => Buffer.alloc(8 * MiB, 0xff)],
  ['one legacy value of 0xFF bytes', () => legacy(Buffer.concat([Buffer.from('{"ARGS:q":"'), Buffer.alloc(8 * MiB, 0xff), Buffer.from('"}')]))],
  ['one legacy value of quotes (no entry can be split)', () => legacy(Buffer.concat([Buffer.from('{"ARGS:q":"'), Buffer.alloc(8 * MiB, 0x22), Buffer.from('"}')]))],
  ['100,000 legacy arguments', () => legacy(Buffer.from(`{${Array.from({ length: 100_000 }, (_, i) => `"ARGS:a${i}":"v"`).join(',')}}`))],
  ['one url-encoded value of %FF', () => urlencoded(`%7B%22ARGS%3Aq%22%3A%22${'%FF'.repeat((8 * MiB) / 3)}%22%7D`)],
  ['one url-encoded value with escapes', () => urlencoded(`%7B%22ARGS%3Aq%22%3A%22${'%5Cu00e9'.repeat(MiB)}%22%7D`)],
  ['100,000 url-encoded arguments', () => urlencoded(encodeURIComponent(`{${Array.from({ length: 100_000 }, (_, i) => `"ARGS:a${i}":"v"`).join(',')}}`))],
];

function textSize(request: MlRequest): number {
  const strings = [request.path, request.body ?? '', ...request.args.flat(), ...request.files.flat()];
  return strings.reduce((n, s) => n + Buffer.byteLength(String(s)), 0);
}

describe('what the model sees of a big body (MODEL_LIMITS)', () => {
  it.each(BIG_BODIES)('%s: at most maxTextBytes of text and maxPairs + 1 pairs reach the model', (_name, make) => {
    const body = make();
    let request: MlRequest | undefined;
    try {
      request = parseRequestBody(body);
    } catch (error) {
      expect((error as { code?: string }).code).toMatch(/^REQUEST_(FORMAT|INVALID)$/);
      return;
    }
    // Decoded text may be up to 3 bytes per budget byte (a lone surrogate is 3 bytes of UTF-8).
    expect(textSize(request)).toBeLessThanOrEqual(3 * MODEL_LIMITS.maxTextBytes + 3 * 1024);
    expect(request.args.length).toBeLessThanOrEqual(MODEL_LIMITS.maxPairs + 1);
    expect(extractWafV1(request)).toHaveLength(58);
  });

  it('keeps the arguments past maxPairs as one last ARGS pair, so padding cannot hide a payload', () => {
    const pad = Array.from({ length: MODEL_LIMITS.maxPairs + 5 }, (_, i) => `"ARGS:p${i}":"x"`);
    const request = parseRequestBody(legacy(Buffer.from(`{${pad.join(',')},"ARGS:q":"1' OR 1=1--"}`)));
    expect(request.args).toHaveLength(MODEL_LIMITS.maxPairs + 1);
    expect(request.args[MODEL_LIMITS.maxPairs][0]).toBe('ARGS');
    expect(request.args[MODEL_LIMITS.maxPairs][1]).toContain(`"ARGS:q":"1' OR 1=1--`);
    const encoded = parseRequestBody(urlencoded(encodeURIComponent(`{${pad.join(',')},"ARGS:q":"1' OR 1=1--"}`)));
    expect(encoded.args[MODEL_LIMITS.maxPairs]).toEqual(['ARGS', expect.stringContaining(`"ARGS:q":"1' OR 1=1--"`)]);
  });

  it('drops sizes past maxPairs instead of refusing the request (they must be byte counts)', () => {
    const sizes = Array.from({ length: MODEL_LIMITS.maxPairs + 3 }, (_, i) => `"FILES_SIZES:f${i}":"${i}"`).join(',');
    const body = `method=POST&path=/u&args={}&files={}&sizes={${sizes}}&hour=07&day=29`;
    expect(parseRequestBody(Buffer.from(body)).sizes).toHaveLength(MODEL_LIMITS.maxPairs);
    const encoded = `method=POST&path=/u&args=%7B%7D&sizes=${encodeURIComponent(`{${sizes}}`)}&hour=07&day=29`;
    expect(parseRequestBody(Buffer.from(encoded)).sizes).toHaveLength(MODEL_LIMITS.maxPairs);
  });

  it('parses and extracts a 16 MiB invalid-UTF-8 body without holding the event loop for seconds', async () => {
    const body = legacy(Buffer.concat([Buffer.from('{"ARGS:q":"'), Buffer.alloc(16 * MiB, 0xff), Buffer.from('"}')]));
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const request = parseRequestBody(body);
    extractWafV1(request);
    await new Promise((resolve) => setTimeout(resolve, 20));
    delay.disable();
    // Before the limits this took 3-13 s on an idle core; now tens of milliseconds. The bound is
    // deliberately loose (shared CI machines): it catches the old stall, not small regressions.
    expect(delay.max / 1e6).toBeLessThan(2000);
    expect(request.args[0][1].length).toBeLessThanOrEqual(MODEL_LIMITS.maxTextBytes);
  });
});

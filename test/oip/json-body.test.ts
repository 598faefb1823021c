import { OipRequestError } from '../../src/oip/errors';
import { packTensorData, parseJsonBody } from '../../src/oip/json-body';

describe('parseJsonBody', () => {
  it('reads the body as UTF-8 JSON, ill-formed bytes as U+FFFD (as Buffer decodes them)', () => {
    expect(parseJsonBody(Buffer.from('{"a":[1,"é"]}'))).toEqual({ a: [1, 'é'] });
    expect(parseJsonBody(Buffer.from([0x22, 0xff, 0x22]))).toBe('\ufffd');
    const view = Buffer.from('xx{"b":2}').subarray(2);
    expect(parseJsonBody(view)).toEqual({ b: 2 });
  });

  it('refuses what is not JSON with OIP_REQUEST_INVALID, naming the reason', () => {
    expect(() => parseJsonBody(Buffer.from('{"a":'))).toThrow(OipRequestError);
    expect(() => parseJsonBody(Buffer.from('{"a":'))).toThrow(/^the body is not JSON: /);
  });
});

describe('packTensorData', () => {
  it('packs each flat all-number data array as a Float64Array of the same numbers and returns the buffers', () => {
    const value = { inputs: [{ data: [1, -0, 2.5] }, { data: [[1, 2]] }, { data: ['a', 1] }, { data: [] }, 'x', null, { data: 'no' }] };
    const buffers = packTensorData(value);
    const [first, nested, mixed, empty] = value.inputs as Array<{ data: unknown }>;
    expect(first.data).toBeInstanceOf(Float64Array);
    expect(Array.from(first.data as Float64Array)).toEqual([1, -0, 2.5]);
    expect(Object.is((first.data as Float64Array)[1], -0)).toBe(true);
    expect(nested.data).toEqual([[1, 2]]);
    expect(mixed.data).toEqual(['a', 1]);
    expect(empty.data).toBeInstanceOf(Float64Array);
    expect(buffers).toEqual([(first.data as Float64Array).buffer, (empty.data as Float64Array).buffer]);
  });

  it('leaves anything that is not an inference request alone', () => {
    for (const value of [null, 3, 'x', [], { inputs: 'no' }, { inputs: [[1, 2]] }]) expect(packTensorData(value)).toEqual([]);
  });
});

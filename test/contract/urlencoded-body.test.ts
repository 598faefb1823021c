import { RequestFormatError, RequestValidationError } from '../../src/errors';
import { parseRequestBody } from '../../src/contract/parse-request';

/** What our own Lua client sends: every field url-encoded, objects as strict JSON. */
function encodedBody(fields: Record<string, string>): Buffer {
  return Buffer.from(
    Object.entries(fields)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&'),
  );
}

const base = { method: 'POST', path: '/a b', args: '{}', files: '{}', sizes: '{}', hour: '07', day: '29' };

describe('url-encoded bodies', () => {
  it('decodes every field and strict JSON objects, keeping repeated names', () => {
    const args = '{"ARGS:q":"a&b=c+d%41 \\"x\\" \\\\y","ARGS:q":"2","ARGS:nl":"1\\n2"}';
    const request = parseRequestBody(encodedBody({ ...base, args }));
    expect(request.args).toEqual([
      ['ARGS:q', 'a&b=c+d%41 "x" \\y'],
      ['ARGS:q', '2'],
      ['ARGS:nl', '1\n2'],
    ]);
    expect(request.path).toBe('/a b');
  });

  it('treats + as a space and leaves a stray % alone (WHATWG form decoding)', () => {
    const request = parseRequestBody(Buffer.from('method=GET&path=/a+b%zz%4&args=%7B%7D&hour=7&day=1'));
    expect(request.path).toBe('/a b%zz%4');
  });

  it('does not rewrite $#$ in url-encoded bodies: their JSON escapes quotes itself', () => {
    const request = parseRequestBody(encodedBody({ ...base, args: '{"ARGS:q":"$#$"}' }));
    expect(request.args).toEqual([['ARGS:q', '$#$']]);
  });

  it('accepts numbers as sizes and the optional raw body field', () => {
    const request = parseRequestBody(encodedBody({ ...base, sizes: '{"FILES_SIZES:f": 12}', body: '<xml/>' }));
    expect(request.sizes).toEqual([['FILES_SIZES:f', 12]]);
    expect(request.body).toBe('<xml/>');
  });

  it('ignores unknown fields from newer clients', () => {
    expect(parseRequestBody(encodedBody({ ...base, extra: 'x', version: '2' })).method).toBe('POST');
  });

  it('refuses a known field given twice', () => {
    const body = Buffer.concat([encodedBody(base), Buffer.from('&path=/other')]);
    expect(() => parseRequestBody(body)).toThrow(RequestFormatError);
    expect(() => parseRequestBody(body)).toThrow('field "path" is given twice');
  });

  it('names the field and the offset for malformed JSON', () => {
    const run = () => parseRequestBody(encodedBody({ ...base, args: '{"ARGS:a":}' }));
    expect(run).toThrow(RequestFormatError);
    expect(run).toThrow(/field "args": expected a string or number value at character 10/);
  });
});

describe('validation', () => {
  const fail = (fields: Record<string, string | undefined>) => {
    const clean = Object.fromEntries(Object.entries({ ...base, ...fields }).filter(([, v]) => v !== undefined)) as Record<string, string>;
    try {
      parseRequestBody(encodedBody(clean));
    } catch (error) {
      return error as RequestValidationError;
    }
    throw new Error('expected a validation error');
  };

  it.each([
    [{ method: undefined }, 'method', /is missing/],
    [{ method: '' }, 'method', /must not be empty/],
    [{ path: undefined }, 'path', /is missing/],
    [{ hour: '24' }, 'hour', /00-23/],
    [{ hour: '' }, 'hour', /00-23/],
    [{ hour: '7.5' }, 'hour', /00-23/],
    [{ day: '00' }, 'day', /01-31/],
    [{ day: '32' }, 'day', /01-31/],
    [{ day: undefined }, 'day', /is missing/],
    [{ args: undefined }, 'args', /is missing/],
    [{ sizes: '{"FILES_SIZES:f":"12kB"}' }, 'sizes', /byte count/],
    [{ sizes: '{"FILES_SIZES:f":-1}' }, 'sizes', /byte count/],
  ])('%j fails on field %s', (fields, field, message) => {
    const error = fail(fields);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect(error.code).toBe('REQUEST_INVALID');
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('refuses an empty body with REQUEST_FORMAT', () => {
    expect(() => parseRequestBody(Buffer.alloc(0))).toThrow(RequestFormatError);
  });
});

import { CrsMlError } from '../../src/errors';
import { parseRequestLine } from '../../src/features/request-line';

const codeOf = (line: string): string => {
  try {
    parseRequestLine(line);
  } catch (error) {
    return error instanceof CrsMlError ? error.code : `not a CrsMlError: ${String(error)}`;
  }
  return 'no error';
};

describe('parseRequestLine', () => {
  it('reads the documented shape, keeping repeated names in order', () => {
    const request = parseRequestLine(
      ' {"method":"POST","path":"/x","args":{"ARGS:a":"1","ARGS:b":"\\u00e9","ARGS:a":"2"},"files":{"FILES:f":"a.png"},' +
        '"sizes":{"FILES_SIZES:f":"1024","FILES_SIZES:g":7},"hour":7,"day":"29","body":"raw"} ',
    );
    expect(request).toEqual({
      method: 'POST',
      path: '/x',
      args: [['ARGS:a', '1'], ['ARGS:b', '\u00e9'], ['ARGS:a', '2']],
      files: [['FILES:f', 'a.png']],
      sizes: [['FILES_SIZES:f', 1024], ['FILES_SIZES:g', 7]],
      hour: 7,
      day: 29,
      body: 'raw',
      version: 1,
    });
  });

  it('keeps lone surrogates (surrogateescape bytes) and astral characters', () => {
    const request = parseRequestLine('{"method":"GET","path":"/\\ud83d\\ude00","args":{"ARGS:x":"\\udc80\\u0000"},"hour":0,"day":1}');
    expect(request.path).toBe('/\u{1F600}');
    expect(request.args[0][1]).toBe('\udc80\u0000');
    expect(request.files).toEqual([]);
  });

  it.each([
    ['not JSON', 'REQUEST_FORMAT'],
    ['[]', 'REQUEST_FORMAT'],
    ['{"method":"GET","path":"/","args":{},"hour":1,"day":1,"extra":1}', 'REQUEST_FORMAT'],
    ['{"method":"GET","method":"POST","path":"/","args":{},"hour":1,"day":1}', 'REQUEST_FORMAT'],
    ['{"method":"GET","path":"/","args":{"a":["x"]},"hour":1,"day":1}', 'REQUEST_FORMAT'],
    ['{"method":"GET","path":"/","args":{},"hour":1,"day":1} trailing', 'REQUEST_FORMAT'],
    ['{"method":"GET","path":"/","args":{},"hour":1,"day":1', 'REQUEST_FORMAT'],
    ['{"method":"GET","path":7,"args":{},"hour":1,"day":1}', 'REQUEST_FORMAT'],
    ['{"method":"GET","path":"/","args":{},"hour":24,"day":1}', 'REQUEST_INVALID'],
    ['{"method":"GET","path":"/","args":{},"hour":1,"day":32}', 'REQUEST_INVALID'],
    ['{"method":"GET","path":"/","hour":1,"day":1}', 'REQUEST_INVALID'],
    ['{"method":"","path":"/","args":{},"hour":1,"day":1}', 'REQUEST_INVALID'],
    ['{"method":"GET","path":"/","args":{},"sizes":{"s":"12kB"},"hour":1,"day":1}', 'REQUEST_INVALID'],
  ])('rejects %s with %s', (line, code) => {
    expect(codeOf(line)).toBe(code);
  });
});

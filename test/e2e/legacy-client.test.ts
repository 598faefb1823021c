import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { cannotRun } from './support/cannot-run';
import { APACHE_REQUIRED, detectEnvironment } from './support/environment';
import { startCliServer, type CliServer } from './support/ml-endpoints';

/**
 * The original plugin's client built its body by string concatenation, without url-encoding, with
 * every `"` in a value turned into `$#$`. Servers in the field still get such bodies from old
 * installations: POST them straight at the real CLI server and check that they score exactly like
 * the url-encoded body our client sends for the same request.
 */
const env = detectEnvironment();
const ADAPTERS_DIR = path.join(__dirname, 'fixtures', 'adapters');

interface Req {
  method: string;
  path: string;
  args: Array<[string, string]>;
  files: Array<[string, string]>;
  sizes: Array<[string, number]>;
  hour: string;
  day: string;
}

/** The body as the original machine-learning-client.lua wrote it (string.format, no encoding). */
function originalClientBody(r: Req): string {
  const object = (pairs: Array<[string, string | number]>) =>
    pairs.length === 0 ? '{}' : `{${pairs.map(([n, v]) => `"${n}":"${String(v).split('"').join('$#$')}"`).join(',')}}`;
  return `method=${r.method}&path=${r.path}&args=${object(r.args)}&files=${object(r.files)}&sizes=${object(r.sizes)}&hour=${r.hour}&day=${r.day}`;
}

/** The body our client sends: every field url-encoded, objects as strict JSON. */
function urlEncodedBody(r: Req): string {
  const object = (pairs: Array<[string, string | number]>) => `{${pairs.map(([n, v]) => `${JSON.stringify(n)}:${JSON.stringify(v)}`).join(',')}}`;
  const fields: Array<[string, string]> = [
    ['method', r.method],
    ['path', r.path],
    ['args', object(r.args)],
    ['files', object(r.files)],
    ['sizes', object(r.sizes)],
    ['hour', r.hour],
    ['day', r.day],
  ];
  return fields.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
}

/** What the request-size test adapter must answer for `r`. */
function expectedScore(r: Req): number {
  const chars = (pairs: Array<[string, string]>) => pairs.reduce((n, [name, value]) => n + name.length + value.length, 0);
  return -(r.path.length + chars(r.args) + chars(r.files) + r.sizes.reduce((n, [, size]) => n + size, 0)) / 100;
}

function post(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(body, 'utf8');
    const req = http.request(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': data.length } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const REQUESTS: Array<[string, Req]> = [
  ['a plain GET', { method: 'GET', path: '/index.html', args: [['ARGS:q', 'fish']], files: [], sizes: [], hour: '07', day: '29' }],
  [
    'nasty values (& = + % quote backslash newline unicode)',
    {
      method: 'POST',
      path: '/search.php',
      args: [
        ['ARGS:q', 'a&b=c+d 100%'],
        ['ARGS:say', 'he said "hi" \\o/'],
        ['ARGS:multi', 'line\nbreak'],
        ['ARGS:uni', 'é€😀'],
      ],
      files: [],
      sizes: [],
      hour: '23',
      day: '1',
    },
  ],
  ['an upload', { method: 'POST', path: '/up', args: [['ARGS:title', 'cv']], files: [['FILES:doc', 'cv "final".pdf']], sizes: [['FILES_SIZES:doc', 2048]], hour: '0', day: '31' }],
];

const describeServer = env.serverSkip === undefined ? describe : describe.skip;
if (env.serverSkip !== undefined) cannotRun('the legacy body tests', env.serverSkip, APACHE_REQUIRED());

describeServer('the original client\'s raw body, straight at the CLI server', () => {
  let dir = '';
  let server: CliServer;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'crs-ml-legacy-'));
    server = await startCliServer(path.join(dir, 'size'), { adapter: 'request-size', adapters: ADAPTERS_DIR, threshold: -0.313, anomalyWhen: 'below' });
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test.each(REQUESTS)('%s: same score and status from the legacy and the url-encoded body', async (_name, request) => {
    const expected = expectedScore(request);
    const legacy = await post(server.url, originalClientBody(request));
    const encoded = await post(server.url, urlEncodedBody(request));
    expect(legacy.text).toMatch(/^score=-?[0-9.e-]+$/);
    expect(Number(legacy.text.slice('score='.length))).toBeCloseTo(expected, 12);
    expect(legacy.status).toBe(expected < -0.313 ? 401 : 200);
    expect(encoded).toEqual(legacy);
  });
});

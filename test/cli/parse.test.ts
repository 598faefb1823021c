import { parseCommand } from '../../src/cli/commands/parse';

function run(body: string | Buffer) {
  let out = '';
  let err = '';
  const code = parseCommand(Buffer.from(body), (t) => (out += t), (t) => (err += t));
  return { code, out, err };
}

describe('crs-ml-server parse', () => {
  it('prints the parsed request as one JSON line with $#$ restored', () => {
    const { code, out } = run('method=POST&path=/x&args={"ARGS:q":"say $#$hi$#$","ARGS:q":"2"}&files={}&sizes={"FILES_SIZES:f":"3"}&hour=07&day=29');
    expect(code).toBe(0);
    expect(out).toBe(
      '{"v":1,"method":"POST","path":"/x","args":{"ARGS:q":"say \\"hi\\"","ARGS:q":"2"},"files":{},"sizes":{"FILES_SIZES:f":3},"hour":7,"day":29}\n',
    );
  });

  it('exits 1 with the same one-line reason the server answers with 400', () => {
    const { code, out, err } = run('method=GET&path=/&args={}&hour=07&day=40');
    expect([code, out]).toEqual([1, '']);
    expect(err).toBe('field "day": must be a day of month 01-31 (TIME_DAY), got "40"\n');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { featuresCommand } from '../../src/cli/commands/features';
import { UsageError, describeError } from '../../src/errors';
import { extractWafV1, wafV1 } from '../../src/features/waf-v1';
import { parseRequestLine } from '../../src/features/request-line';

const dir = mkdtempSync(path.join(tmpdir(), 'crs-features-'));
const LINES = [
  '{"method":"GET","path":"/","args":{"ARGS:q":"red shoes"},"files":{},"sizes":{},"hour":7,"day":29}',
  '',
  '{"method":"POST","path":"/x","args":{"ARGS:q":"1\' or 1=1--"},"files":{},"sizes":{},"hour":8,"day":30}',
];

async function run(lines: string[], names = false): Promise<string[]> {
  const file = path.join(dir, `in-${Math.random()}.jsonl`);
  writeFileSync(file, lines.join('\n'));
  const out: string[] = [];
  await featuresCommand(wafV1, { input: file, names }, (text) => void out.push(text));
  return out.join('').split('\n').filter((line) => line !== '');
}

describe('features command', () => {
  it('prints one JSON array per request, skipping blank lines', async () => {
    const rows = (await run(LINES)).map((line) => JSON.parse(line) as number[]);
    expect(rows).toEqual([LINES[0], LINES[2]].map((line) => extractWafV1(parseRequestLine(line))));
  });

  it('prints the feature names first with --names', async () => {
    const [header] = await run(LINES, true);
    expect(JSON.parse(header)).toEqual(wafV1.featureNames);
  });

  it('names the file and line of an invalid request', async () => {
    const lines = [...LINES, '{"method":"GET","path":"/","args":{},"hour":99,"day":1}'];
    const failure = run(lines);
    await expect(failure).rejects.toBeInstanceOf(UsageError);
    const message = await failure.catch((error: unknown) => describeError(error));
    expect(message).toMatch(/line 4 is not a valid request.*Reason: field "hour": must be an hour/);
  });

  it('reports an unreadable input file as a usage error', async () => {
    const missing = featuresCommand(wafV1, { input: path.join(dir, 'missing.jsonl') }, () => {});
    await expect(missing).rejects.toMatchObject({ code: 'USAGE' });
  });
});

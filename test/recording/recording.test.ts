import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadModel, type LoadedModel } from '../../src/adapter/load-model';
import { serve } from '../../src/cli/commands/serve';
import { createContainer, TOKENS } from '../../src/container';
import { parseRequestBody } from '../../src/contract/parse-request';
import { readRequestLines } from '../../src/features/read-request-lines';
import { parseRequestLine } from '../../src/features/request-line';
import { silentLogger, type Logger } from '../../src/logger';
import { Recorder, REDACTED, type RecordingOptions } from '../../src/recording/recording';
import { createRequestListener } from '../../src/server/create-request-listener';
import { modelsDir } from '../helpers/models-dir';

const LEGACY = 'method=POST&path=/login.php&args={"ARGS:user":"bob","ARGS:password":"hunter2","ARGS:q":"1\' OR 1=1"}&files={}&sizes={}&hour=07&day=29';
const V2 =
  'v=2&method=GET&path=/a&args=%7B%22ARGS%3Aq%22%3A%22%C3%A9%22%7D&hour=23&day=1' +
  `&headers=${encodeURIComponent('{"REQUEST_HEADERS:Authorization":"Bearer x","REQUEST_HEADERS:User-Agent":"curl/8"}')}` +
  `&cookies=${encodeURIComponent('{"REQUEST_COOKIES:session":"s3cr3t","REQUEST_COOKIES:lang":"en"}')}`;

const tempFile = (name = 'record.jsonl') => path.join(mkdtempSync(path.join(tmpdir(), 'crs-ml-record-')), name);

async function stubModel(): Promise<LoadedModel> {
  const container = createContainer({ logger: silentLogger });
  return loadModel({
    modelsDir: modelsDir({ adapter: 'random', threshold: -0.313, options: { seed: 3 } }),
    adapters: container.resolve(TOKENS.AdapterRegistry),
    extractors: container.resolve(TOKENS.ExtractorRegistry),
    logger: silentLogger,
  });
}

/** A real server on an OS-chosen port whose scored requests go to a Recorder. */
async function recordingServer(options: RecordingOptions, logger: Logger = silentLogger): Promise<{ url: string; recorder: Recorder; server: Server }> {
  const model = await stubModel();
  const recorder = new Recorder(options, logger);
  const server = createServer(createRequestListener({ model: () => model, logger, onScored: (r, d) => recorder.record(r, d) }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, recorder, server };
}

const post = async (url: string, body: string) => {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return { status: res.status, text: await res.text() };
};
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');

describe('Recorder (serve --record)', () => {
  it('appends scored requests with their score, redacted, in the format features and calibrate read', async () => {
    const file = tempFile();
    const { url, recorder, server } = await recordingServer({ file, rate: 1 });
    try {
      const answers = [await post(url, LEGACY), await post(url, V2), await post(url, 'method=broken')];
      expect(answers[2].status).toBe(400); // refused requests are not scored, so not recorded
      await recorder.close();
      const recorded = lines(file).map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(recorded).toHaveLength(2);
      answers.slice(0, 2).forEach((answer, i) => {
        expect(`score=${recorded[i].score}`).toBe(answer.text);
        expect(recorded[i].anomaly).toBe(answer.status === 401);
        expect(Number.isNaN(Date.parse(String(recorded[i].time)))).toBe(false);
      });
      // What the model saw, with credentials replaced and nothing else touched.
      const legacy = parseRequestLine(lines(file)[0]);
      expect(legacy.args).toEqual([['ARGS:user', 'bob'], ['ARGS:password', REDACTED], ['ARGS:q', "1' OR 1=1"]]);
      const v2 = parseRequestLine(lines(file)[1]);
      expect(v2).toEqual({
        ...parseRequestBody(Buffer.from(V2)),
        headers: [['REQUEST_HEADERS:Authorization', REDACTED], ['REQUEST_HEADERS:User-Agent', 'curl/8']],
        cookies: [['REQUEST_COOKIES:session', REDACTED], ['REQUEST_COOKIES:lang', 'en']],
      });
      const read = [];
      for await (const { request } of readRequestLines(file)) read.push(request);
      expect(read).toHaveLength(2);
    } finally {
      server.close();
    }
  });

  it('records the sampled fraction only, and redacts exactly the names it is given', async () => {
    const file = tempFile();
    let draw = 0;
    // Deterministic draws 0.05, 0.15, ...: a rate of 0.3 keeps 3 of 10.
    const { url, recorder, server } = await recordingServer({ file, rate: 0.3, redact: ['q'], random: () => (draw++ % 10) / 10 + 0.05 });
    try {
      for (let i = 0; i < 10; i++) expect((await post(url, LEGACY)).status).toBeLessThan(500);
      await recorder.close();
      expect(lines(file)).toHaveLength(3);
      expect(parseRequestLine(lines(file)[0]).args).toEqual([['ARGS:user', 'bob'], ['ARGS:password', 'hunter2'], ['ARGS:q', REDACTED]]);
    } finally {
      server.close();
    }
  });

  it('rotates the file to FILE.1 at maxBytes, so the disk holds at most two files', async () => {
    const file = tempFile();
    const { url, recorder, server } = await recordingServer({ file, rate: 1, maxBytes: 1000 });
    try {
      for (let i = 0; i < 12; i++) {
        await post(url, LEGACY);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await recorder.close();
      expect(recorder.counts.rotations).toBeGreaterThan(0);
      expect(existsSync(`${file}.1`)).toBe(true);
      expect(statSync(`${file}.1`).size).toBeLessThan(1000 + 1000);
      expect(lines(file).length + lines(`${file}.1`).length).toBeGreaterThan(0);
      for (const line of [...lines(file), ...lines(`${file}.1`)]) expect(parseRequestLine(line).path).toBe('/login.php');
    } finally {
      server.close();
    }
  });

  it('drops lines instead of queueing without bound when the disk falls behind; answers are unaffected', async () => {
    const file = tempFile();
    const { url, recorder, server } = await recordingServer({ file, rate: 1, maxPendingBytes: 10 });
    try {
      const answers = await Promise.all(Array.from({ length: 5 }, () => post(url, LEGACY)));
      for (const answer of answers) expect(answer.text).toMatch(/^score=-?\d+$/);
      await recorder.close();
      expect(recorder.counts.dropped).toBe(5);
      expect(lines(file)).toHaveLength(0);
    } finally {
      server.close();
    }
  });

  it('refuses a file it cannot open with RECORDING_FAILED, naming the path', () => {
    const file = path.join(tempFile(), 'no-such-folder', 'r.jsonl');
    expect(() => new Recorder({ file }, silentLogger)).toThrow(expect.objectContaining({ code: 'RECORDING_FAILED', message: expect.stringContaining(file) }));
  });

  it('is wired to serve --record', async () => {
    const file = tempFile();
    const { server } = (await serve({
      models: modelsDir({ adapter: 'random', threshold: -0.313 }),
      host: '127.0.0.1',
      port: 0,
      logLevel: 'error',
      maxBodyBytes: 1 << 20,
      record: file,
      recordRate: 1,
    }))!;
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      await post(url, LEGACY);
      for (let i = 0; i < 100 && lines(file).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(parseRequestLine(lines(file)[0]).args[1]).toEqual(['ARGS:password', REDACTED]);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});

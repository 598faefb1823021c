import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '../../src/cli/commands/serve';
import { modelsDir } from '../helpers/models-dir';

const CAPTURED = 'method=POST&path=/search.php&args={"ARGS:q":"fish&chips","ARGS:note":"1+1=2"}&files={}&sizes={}&hour=07&day=29';

describe('crs-ml-server serve', () => {
  it('serves the bundled saved_models on a real socket', async () => {
    const { server, model, detach } = (await serve({
      models: path.join(__dirname, '../../saved_models'),
      host: '127.0.0.1',
      port: 0,
      logLevel: 'error',
      maxBodyBytes: 1 << 20,
    }))!;
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const health = await fetch(url);
      expect([health.status, await health.text()]).toEqual([200, 'Service is up']);
      const scored = await fetch(url, { method: 'POST', body: CAPTURED, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const text = await scored.text();
      expect(text).toMatch(/^score=-?\d$/);
      expect(scored.status).toBe(Number(text.slice(6)) < -0.313 ? 401 : 200);
      expect(model.summary).toMatch(/model "random-stub" \(adapter random/);
    } finally {
      detach();
      server.close();
      server.closeAllConnections();
    }
  });

  it('stops with the manifest error and frees the port when the model cannot load', async () => {
    const dir = modelsDir({ adapter: 'nope', threshold: 0 });
    await expect(serve({ models: dir, host: '127.0.0.1', port: 0, logLevel: 'error', maxBodyBytes: 1000 })).rejects.toThrow(/unknown adapter "nope"/);
  });
});

// The same adapter in TypeScript. To serve it instead of the .js one, install TypeScript
// (`npm install --save-dev typescript`; the server transpiles .ts adapters at load) and set
// `"adapters": "adapters/keyword-adapter.ts"` in manifest.json. Both use the name "keyword".
import { readFileSync } from 'node:fs';
import type { AdapterContext, AdapterDescription, MlRequest, ModelAdapter } from 'crs-ml-server';

export class KeywordAdapter implements ModelAdapter<MlRequest> {
  static readonly adapterName = 'keyword';
  private keywords: Array<[string, number]> = [];

  describe(): AdapterDescription {
    return { name: 'keyword', inputKind: 'request', output: 'sum of the weights of the keywords found: higher is more suspicious' };
  }

  /** Once at startup. context.modelPath is the manifest's "model", next to the manifest. */
  load(context: AdapterContext): void {
    const file = context.modelPath!;
    const model = JSON.parse(readFileSync(file, 'utf8')) as { keywords?: Record<string, number> };
    this.keywords = Object.entries(model.keywords ?? {});
    for (const [keyword, weight] of this.keywords) {
      if (!Number.isFinite(weight)) throw new Error(`${file}: the weight of "${keyword}" must be a number`);
    }
  }

  /** One score per request, in order; the manifest's threshold and anomalyWhen turn it into 200 or 401. */
  score(batch: readonly MlRequest[]): number[] {
    return batch.map((request) => {
      const text = textOf(request).toLowerCase();
      return this.keywords.reduce((sum, [keyword, weight]) => (text.includes(keyword) ? sum + weight : sum), 0);
    });
  }
}

/** The path, the argument values, the raw body and, from contract v2 clients, header and cookie values. */
function textOf(request: MlRequest): string {
  const values = (pairs: MlRequest['args'] | undefined) => (pairs ?? []).map(([, value]) => value);
  return [request.path, ...values(request.args), request.body ?? '', ...values(request.headers), ...values(request.cookies)].join('\n');
}

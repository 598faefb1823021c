'use strict';
// An adapter: the class crs-ml-server instantiates for `"adapter": "keyword"` in manifest.json.
// Its model is keywords.json (a weight per keyword); the score is the sum of the weights of the
// keywords found in the request. Swap in your own model: load it in load(), use it in score().
const { readFileSync } = require('node:fs');

class KeywordAdapter {
  static adapterName = 'keyword';

  describe() {
    return { name: 'keyword', inputKind: 'request', output: 'sum of the weights of the keywords found: higher is more suspicious' };
  }

  /** Once at startup. context.modelPath is the manifest's "model", next to the manifest. */
  load(context) {
    const model = JSON.parse(readFileSync(context.modelPath, 'utf8'));
    this.keywords = Object.entries(model.keywords ?? {});
    for (const [keyword, weight] of this.keywords) {
      if (!Number.isFinite(weight)) throw new Error(`${context.modelPath}: the weight of "${keyword}" must be a number`);
    }
  }

  /** One score per request, in order; the manifest's threshold and anomalyWhen turn it into 200 or 401. */
  score(batch) {
    return batch.map((request) => {
      const text = textOf(request).toLowerCase();
      return this.keywords.reduce((sum, [keyword, weight]) => (text.includes(keyword) ? sum + weight : sum), 0);
    });
  }
}

/** The path, the argument values, the raw body and, from contract v2 clients, header and cookie values. */
function textOf(request) {
  const values = (pairs) => (pairs ?? []).map(([, value]) => value);
  return [request.path, ...values(request.args), request.body ?? '', ...values(request.headers), ...values(request.cookies)].join('\n');
}

module.exports = { KeywordAdapter };

'use strict';
// A hybrid adapter: a few hand-written rules add points, the share of special characters adds a score.
// Serve it: npx crs-ml-server --models examples/custom-adapter/saved_models
const { defineAdapter } = require('crs-ml-server');

/** [pattern over the path and argument values, points] */
const RULES = [
  [/\bunion\b[\s\S]*\bselect\b|'\s*or\s+'?\d+'?\s*=\s*'?\d+/i, 5], // SQL injection
  [/<script\b|\bon(error|load|click)\s*=|javascript:/i, 5], // XSS
  [/\.\.[\\/]/, 3], // path traversal
  [/[;|`]\s*(cat|wget|curl|nc|bash|sh)\b/i, 4], // command injection
];

exports.HybridAdapter = defineAdapter({
  name: 'hybrid-rules',
  inputKind: 'request', // score() gets the parsed request itself
  output: 'rule points + specialWeight x share of special characters: higher is more suspicious',
  load(context) {
    this.specialWeight = Number(context.manifest.options?.specialWeight ?? 4);
  },
  score(batch) {
    return batch.map((request) => {
      const text = [request.path, ...request.args.map(([, value]) => value)].join('\n');
      const points = RULES.reduce((sum, [pattern, p]) => sum + (pattern.test(text) ? p : 0), 0);
      const special = (text.match(/[^\w\s/.-]/g) ?? []).length / Math.max(text.length, 1);
      return points + this.specialWeight * special;
    });
  },
});

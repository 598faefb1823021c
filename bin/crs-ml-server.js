#!/usr/bin/env node
'use strict';
// The compiled CLI lives in dist/ (built by `npm install` through the "prepare" script).
let main;
try {
  ({ main } = require('../dist/src/cli/main.js'));
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('dist/src/cli/main.js')) {
    process.stderr.write('crs-ml-server: not built yet. Run `npm install` (or `npm run build`) in the package folder first.\n');
    process.exit(1);
  }
  throw error;
}
main().then((code) => {
  if (code !== 0) process.exitCode = code;
});

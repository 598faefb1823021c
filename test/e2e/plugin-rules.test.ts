import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PLUGIN_DIR } from './support/environment';

/**
 * Static checks of plugin/*.conf that need no ModSecurity: the conventions the original plugin
 * broke. Every rule that starts a chain (or stands alone) states its phase; ids are unique and in
 * the plugin's block, in the sub-range of their file; exactly one rule calls the server.
 */
interface Rule {
  file: string;
  directive: string;
  actions: string;
  chained: boolean;
}

const ID_RANGES = new Map<string, [number, number]>([
  ['machine-learning-config.conf', [9516000, 9516099]],
  ['machine-learning-before.conf', [9516100, 9516499]],
  ['machine-learning-after.conf', [9516500, 9516999]],
]);

/** Joins continuation lines and splits each directive into its action list. */
function readRules(file: string): Rule[] {
  const text = readFileSync(path.join(PLUGIN_DIR, file), 'utf8').replace(/\\\n/g, ' ');
  const rules: Rule[] = [];
  let previousChains = false;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    const directive = /^(SecRule|SecAction|SecRuleScript)\b/.exec(trimmed)?.[1];
    if (directive === undefined) continue;
    // The action list is the last double-quoted argument.
    const quoted = [...trimmed.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
    const actions = quoted.length > 0 ? quoted[quoted.length - 1].replace(/\s+/g, '') : '';
    rules.push({ file, directive, actions, chained: previousChains });
    previousChains = /(^|,)chain(,|$)/.test(actions);
  }
  return rules;
}

const files = readdirSync(PLUGIN_DIR).filter((name) => name.endsWith('.conf')).sort();
const rules = files.flatMap(readRules);
const starters = rules.filter((rule) => !rule.chained);
const idOf = (rule: Rule) => Number(/(?:^|,)id:(\d+)/.exec(rule.actions)?.[1]);

test('the plugin has the three CRS 4 plugin files and the Lua client', () => {
  expect(files).toEqual(['machine-learning-after.conf', 'machine-learning-before.conf', 'machine-learning-config.conf']);
  expect(readdirSync(PLUGIN_DIR)).toContain('machine-learning-client.lua');
});

test.each(starters.map((rule) => [`${rule.file} ${idOf(rule)}`, rule] as const))('%s states its phase, id and version', (_name, rule) => {
  expect(rule.actions).toMatch(/(^|,)phase:[1-5](,|$)/);
  expect(rule.actions).toMatch(/(^|,)ver:'machine-learning-plugin\/\d+\.\d+\.\d+'/);
  const [low, high] = ID_RANGES.get(rule.file) ?? [NaN, NaN];
  expect(idOf(rule)).toBeGreaterThanOrEqual(low);
  expect(idOf(rule)).toBeLessThanOrEqual(high);
});

test('chained rules carry no id or phase of their own', () => {
  const chained = rules.filter((rule) => rule.chained);
  expect(chained.length).toBeGreaterThan(0);
  for (const rule of chained) expect(rule.actions).not.toMatch(/(^|,)(id|phase):/);
});

test('rule ids are unique', () => {
  const ids = starters.map(idOf);
  expect(new Set(ids).size).toBe(ids.length);
});

test('exactly one rule calls the server, in phase 2, and it is not a chained rule', () => {
  const scripts = rules.filter((rule) => rule.directive === 'SecRuleScript');
  expect(scripts).toHaveLength(1);
  expect(scripts[0].chained).toBe(false);
  expect(scripts[0].actions).toMatch(/(^|,)phase:2(,|$)/);
});

test('ctl:ruleRemoveById lists single ids or one range per action', () => {
  for (const rule of rules) {
    for (const match of rule.actions.matchAll(/ctl:ruleRemoveById=([^,]+)/g)) expect(match[1]).toMatch(/^\d+(-\d+)?$/);
  }
});

test('the config file sets every documented default as a plain setvar', () => {
  const config = rules.filter((rule) => rule.file === 'machine-learning-config.conf').map((rule) => rule.actions).join(',');
  for (const setting of [
    "tx.machine-learning-plugin_enabled=1'",
    "tx.machine-learning-plugin_mode=2'",
    "tx.machine-learning-plugin_ml_server_url=http://127.0.0.1:5000/'",
    "tx.machine-learning-plugin_timeout_ms=300'",
    "tx.machine-learning-plugin_fail_policy=crs'",
    "tx.machine-learning-plugin_log_pass=1'",
    "tx.machine-learning-plugin_shadow=0'",
    "tx.machine-learning-plugin_breaker_failures=5'",
    "tx.machine-learning-plugin_breaker_open_s=10'",
    "tx.machine-learning-plugin_breaker_file=/run/crs-ml/breaker'",
    "tx.machine-learning-plugin_send_headers=1'",
    "tx.machine-learning-plugin_exclude_headers=authorization proxy-authorization cookie x-api-key'",
    "tx.machine-learning-plugin_send_cookies=1'",
    "tx.machine-learning-plugin_redact_cookies=*sess* *sid *token* *auth* *jwt* *csrf* *xsrf*'",
    "tx.machine-learning-plugin_send_crs_scores=1'",
    "tx.machine-learning-plugin_body_max_bytes=65536'",
  ]) {
    // readRules drops whitespace; the e2e suite checks the lists work on both engines.
    expect(config).toContain(`setvar:'${setting.replace(/ /g, '')}`);
  }
});

test('every setting the config file sets, and every one the client reads, is documented in docs/plugin.md', () => {
  const config = rules.filter((rule) => rule.file === 'machine-learning-config.conf').map((rule) => rule.actions).join(',');
  const client = readFileSync(path.join(PLUGIN_DIR, 'machine-learning-client.lua'), 'utf8');
  const docs = readFileSync(path.join(PLUGIN_DIR, '..', 'docs', 'plugin.md'), 'utf8');
  const names = new Set([
    ...[...config.matchAll(/tx\.machine-learning-plugin_([a-z_]+)=/g)].map((m) => m[1]),
    ...[...client.matchAll(/\btx\("([a-z_]+)"/g)].map((m) => m[1]),
  ]);
  expect(names.size).toBeGreaterThan(15);
  const undocumented = [...names].filter((name) => !docs.includes(`\`machine-learning-plugin_${name}\``));
  expect(undocumented).toEqual([]);
});

test("rules 9516590/9516591 join the settings and CRS's scores in the order the client splits them", () => {
  const after = readFileSync(path.join(PLUGIN_DIR, 'machine-learning-after.conf'), 'utf8');
  const client = readFileSync(path.join(PLUGIN_DIR, 'machine-learning-client.lua'), 'utf8');
  const joined = (name: string) => {
    const value = new RegExp(`setvar:'tx\\.machine-learning-plugin_${name}=([^']*)'`).exec(after)?.[1] ?? '';
    // %{tx.name} for a setting, %{VARIABLE} for a request variable (the client names it in lower case).
    return value.split('|').map((part) => /^%\{tx\.([a-z0-9_-]+)\}$/.exec(part)?.[1] ?? /^%\{([A-Z_]+)\}$/.exec(part)?.[1]?.toLowerCase());
  };
  const REQUEST_VARIABLES = new Set(['time_hour', 'time_day', 'reqbody_processor', 'request_body_length']);
  const list = (name: string) => [...(new RegExp(`local ${name} = \\{([^}]*)\\}`).exec(client)?.[1] ?? '').matchAll(/"([a-z0-9_]+)"/g)].map((m) => m[1]);
  const settings = list('SETTINGS');
  expect(settings.length).toBeGreaterThan(10);
  // ml_server_url comes last: it takes the rest of the value.
  expect(joined('settings')).toEqual([...settings, 'ml_server_url'].map((name) => (REQUEST_VARIABLES.has(name) ? name : `machine-learning-plugin_${name}`)));
  const scores = list('CRS_SCORES');
  expect(scores).toContain('blocking_inbound_anomaly_score');
  expect(joined('crs_scores')).toEqual(scores);
});

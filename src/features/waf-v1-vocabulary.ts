/**
 * The word lists, extension classes and patterns of `waf-v1` (docs/features.md). Frozen: changing any
 * of them changes the features, which needs a new extractor name (`waf-v2`) and retrained models.
 * The Python twin holds the same lists (examples/python/crs_ml_features.py); the parity test checks.
 */
const words = (list: string): ReadonlySet<string> => new Set(list.split(' '));

export const STATIC_EXT = words(
  'html htm css js mjs png jpg jpeg gif svg ico webp woff woff2 ttf eot otf txt pdf xml json map mp4 mp3 webm csv',
);
export const SCRIPT_EXT = words(
  'php php3 php4 php5 phtml phar asp aspx ashx asmx jsp jspx do action cgi pl py rb sh bat cmd exe dll cfm shtml',
);
export const SENSITIVE_EXT = words(
  'bak old orig save swp tmp sql db sqlite mdb ini conf cfg config env log git svn htaccess htpasswd ' +
    'key pem crt p12 yml yaml toml properties lock zip tar gz tgz rar 7z bz2 war jar',
);

/** Token families, in feature order: words_sql, words_xss, words_cmd, words_file, words_code. */
export const WORD_FAMILIES: readonly ReadonlySet<string>[] = [
  words(
    'select union insert update delete drop alter create truncate from where having group order limit ' +
      'offset sleep benchmark waitfor delay pg_sleep concat group_concat char chr ascii substring substr ' +
      'information_schema sysobjects syscolumns table_name column_name database version exec execute ' +
      'declare cast convert load_file outfile dumpfile xp_cmdshell null rlike regexp procedure',
  ),
  words(
    'script alert prompt confirm onerror onload onmouseover onfocus onclick onmouseenter ontoggle onbegin ' +
      'onanimationstart iframe svg img src javascript vbscript livescript document cookie window location ' +
      'eval fromcharcode expression srcdoc formaction xlink href innerhtml atob',
  ),
  words(
    'bash sh zsh cmd powershell whoami uname ls cat wget curl nc ncat netcat telnet ping nslookup ' +
      'ifconfig ipconfig chmod chown rm echo printf perl python ruby exec system passthru shell_exec popen ' +
      'proc_open kill sudo nohup crontab',
  ),
  words(
    'etc passwd shadow hosts boot win ini system32 windows proc self environ cmdline htaccess htpasswd ' +
      'git env config bash_history ssh id_rsa var tmp dev null',
  ),
  words(
    'phpinfo include require include_once require_once file_get_contents fopen readfile base64_decode ' +
      'gzinflate assert preg_replace create_function java lang runtime getruntime processbuilder jndi ' +
      'ldap rmi classloader getclass forname invoke constructor __proto__ prototype import os subprocess ' +
      '__import__ globals getattr',
  ),
];

// Case-sensitive patterns over argument values (and the body).
export const RE_PERCENT = /%[0-9A-Fa-f][0-9A-Fa-f]/g;
export const RE_UNICODE = /[\\%][uU][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]/g;
export const RE_HEX = /\\[xX][0-9A-Fa-f][0-9A-Fa-f]|0[xX][0-9A-Fa-f][0-9A-Fa-f]/g;
export const RE_ENTITY = /&#?[A-Za-z0-9]+;/g;

/** Words are maximal runs of [a-z0-9_] in ASCII-lowercased text. */
export const RE_WORD = /[a-z0-9_]+/g;

/**
 * Patterns over ASCII-lowercased path, names and values, in feature order (pattern_*). Repeats that
 * could restart at every letter of a long run are bounded, so matching stays linear in the text.
 */
export const PATTERNS: readonly RegExp[] = [
  /--|\/\*|\*\//g, // sql_comment
  /<[a-z!/?]/g, // tag_open
  /on[a-z]{1,32}[ \t\r\n/]{0,8}=/g, // event_handler
  /\.\.[/\\]/g, // traversal
  /\$\(|\$\{|`/g, // command_substitution
  /[a-z][a-z0-9+.-]{0,32}:\/?\//g, // scheme
  /['"][ \t\r\n)]*(?:or|and|union|select|having|order|group)(?![a-z0-9_])/g, // quote_break
];

/**
 * Characters of which every match of the pattern at the same index holds at least one: a text
 * holding none of them is skipped, which only saves time (most texts hold no `<`, `=`, `$`, quote
 * or `:`, and one scan for all of them costs less than a regex call per pattern).
 */
export const PATTERN_TRIGGERS: readonly string[] = ['-*', '<', '=', '.', '$`', ':', `'"`];

/** The same for the value patterns RE_PERCENT, RE_UNICODE, RE_HEX and RE_ENTITY, in that order. */
export const VALUE_PATTERN_TRIGGERS: readonly string[] = ['%', '\\%', '\\0', '&'];

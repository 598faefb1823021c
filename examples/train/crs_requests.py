"""CRS go-ftw regression tests -> parsed requests, the shape the ModSecurity Lua client sends.

Each test stage's `input` (method, uri, headers, data, or a base64 `encoded_request`) becomes
{method, path, args, files, sizes, hour, day[, body]} the way ModSecurity would fill the variables:
  path  = REQUEST_FILENAME: the URI before "?", as sent (not decoded);
  args  = ARGS: query-string and url-encoded/multipart form fields as ("ARGS:name", value), each
          side url-decoded ("+" is a space, %XX a byte) and read as UTF-8 with surrogateescape;
          a JSON body also becomes ARGS:json.<path> (ModSecurity's JSON body processor naming);
  files = FILES / FILES_SIZES from multipart parts that carry a filename;
  body  = any non-form body (JSON, XML, text...), raw, as plugin/machine-learning-client.lua sends it
          whenever REQBODY_PROCESSOR is neither URLENCODED nor MULTIPART.
Headers and cookies are not part of the contract, so attacks hidden there are invisible to the model
(`visible` says whether anything but the method reached args, path or body).

Run under /usr/bin/python3 (needs PyYAML, Debian python3-yaml).
"""
import base64
import glob
import json
import os
import random
import re
import urllib.parse

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
CRS_TESTS = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared', 'crs', 'tests', 'regression', 'tests'))
ATTACK_FAMILIES = ('REQUEST-93', 'REQUEST-94')
BORING_PATHS = frozenset(['', '/', '/get', '/post', '/index.html', '/anything'])


def decode_component(text_or_bytes):
    raw = text_or_bytes.encode('utf-8', 'surrogateescape') if isinstance(text_or_bytes, str) else text_or_bytes
    raw = raw.replace(b'+', b' ')
    return urllib.parse.unquote_to_bytes(raw).decode('utf-8', 'surrogateescape')


def parse_form(data):
    """a=1&b=2 -> [("ARGS:a", "1"), ("ARGS:b", "2")]; a part without "=" is a name with an empty value."""
    pairs = []
    for part in data.split('&'):
        if part == '':
            continue
        name, _, value = part.partition('=')
        pairs.append(('ARGS:' + decode_component(name), decode_component(value)))
    return pairs


def flatten_json(value, prefix, out):
    if isinstance(value, dict):
        for k, v in value.items():
            flatten_json(v, prefix + '.' + str(k), out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            flatten_json(v, prefix + '.' + str(i), out)
    else:
        out.append(('ARGS:' + prefix, '' if value is None else (json.dumps(value) if isinstance(value, bool) else str(value))))


def parse_multipart(data, boundary):
    args, files, sizes = [], [], []
    for part in data.split('--' + boundary):
        head, sep, content = part.replace('\r\n', '\n').partition('\n\n')
        if not sep:
            continue
        content = content[:-1] if content.endswith('\n') else content
        disposition = re.search(r'(?im)^content-disposition:(.*)$', head)
        if not disposition:
            continue
        name = re.search(r'\bname="([^"]*)"', disposition.group(1))
        filename = re.search(r'\bfilename="([^"]*)"', disposition.group(1))
        name = name.group(1) if name else ''
        if filename:
            files.append(('FILES:' + name, filename.group(1)))
            sizes.append(('FILES_SIZES:' + name, len(content.encode('utf-8', 'surrogateescape'))))
        else:
            args.append(('ARGS:' + name, content))
    return args, files, sizes


def header(headers, wanted):
    for k, v in (headers or {}).items():
        if str(k).lower() == wanted:
            return str(v)
    return ''


def to_request(method, uri, headers, data, rng):
    path, _, query = uri.partition('?')
    args = parse_form(query) if query else []
    files, sizes, body = [], [], None
    if data:
        ctype = header(headers, 'content-type').lower()
        if 'multipart/form-data' in ctype and 'boundary=' in ctype:
            boundary = header(headers, 'content-type').split('boundary=', 1)[1].strip().strip('"')
            more, files, sizes = parse_multipart(data, boundary)
            args += more
        elif 'json' in ctype:
            body = data  # the client sends non-form bodies raw, and ModSecurity's JSON processor also fills ARGS
            try:
                flatten_json(json.loads(data), 'json', args)
            except ValueError:
                pass
        elif ctype == '' or 'x-www-form-urlencoded' in ctype:
            args += parse_form(data)
        else:
            body = data
    request = {'method': method, 'path': path, 'args': args, 'files': files, 'sizes': sizes,
               'hour': rng.randrange(24), 'day': rng.randrange(1, 32)}
    if body is not None:
        request['body'] = body
    return request


def from_encoded(encoded, rng):
    raw = base64.b64decode(encoded).decode('utf-8', 'surrogateescape')
    head, _, data = raw.partition('\r\n\r\n')
    lines = head.split('\r\n')
    parts = lines[0].split(' ')
    headers = dict(line.split(':', 1) for line in lines[1:] if ':' in line)
    return to_request(parts[0], parts[1] if len(parts) > 1 else '/', headers, data, rng)


def crs_requests(seed=1):
    """Yields (request, meta) for every test stage; meta: file, test id, attack label, visible."""
    rng = random.Random(seed)
    for file in sorted(glob.glob(os.path.join(CRS_TESTS, '*', '*.yaml'))):
        family = os.path.basename(os.path.dirname(file))
        if not family.startswith('REQUEST-'):
            continue
        with open(file, encoding='utf-8') as stream:
            doc = yaml.safe_load(stream)
        for test in (doc or {}).get('tests') or []:
            for stage in test.get('stages') or []:
                stage = stage.get('stage', stage)
                spec = stage.get('input') or {}
                output = stage.get('output') or {}
                log = output.get('log') or {}
                expects = bool(log.get('expect_ids') or output.get('log_contains'))
                try:
                    if spec.get('encoded_request'):
                        request = from_encoded(spec['encoded_request'], rng)
                    else:
                        data = spec.get('data')
                        if isinstance(data, list):
                            data = '\r\n'.join(data)
                        request = to_request(str(spec.get('method', 'GET')), str(spec.get('uri', '/')),
                                             spec.get('headers'), data, rng)
                except (ValueError, IndexError, UnicodeError):
                    continue
                visible = bool(request['args'] or request['files'] or request.get('body')
                               or request['path'] not in BORING_PATHS)
                yield request, {
                    'file': os.path.relpath(file, CRS_TESTS), 'test': test.get('test_id'),
                    'attack': expects and family.startswith(ATTACK_FAMILIES), 'negative': not expects,
                    'visible': visible,
                }


def to_json_line(request):
    """The `features --input` line: objects keep repeated names; ASCII-only (lone surrogates escaped)."""
    def obj(pairs):
        return '{' + ','.join(json.dumps(k) + ':' + json.dumps(v) for k, v in pairs) + '}'
    line = '{"method":%s,"path":%s,"args":%s,"files":%s,"sizes":%s,"hour":%d,"day":%d' % (
        json.dumps(request['method']), json.dumps(request['path']), obj(request['args']),
        obj(request['files']), obj(request['sizes']), request['hour'], request['day'])
    if 'body' in request:
        line += ',"body":' + json.dumps(request['body'])
    return line + '}'

"""Python twin of src/features/payload-v1.ts: the texts ("items") of a request a payload model scores.

Pinned: Debian's /usr/bin/python3 (3.11); no third-party packages. The request is the JSON object
`crs-ml-server parse` prints (pairs as lists of [name, value]). Equal item for item to the TypeScript
function on test/fixtures/features/payload-v1/requests.jsonl (test/features/payload-v1.test.ts).
"""
import re

WINDOW = 1024
STEP = 896
SKIPPED_HEADERS = frozenset(['content-length', 'connection', 'keep-alive', 'te', 'upgrade-insecure-requests', 'dnt', 'priority'])
PERCENT = re.compile(r'%[0-9A-Fa-f]{2}')
PERCENT_BYTES = re.compile(rb'%([0-9A-Fa-f]{2})')


def percent_decode(text):
    """%XX -> byte over the UTF-8 (surrogateescape) bytes, read back with surrogateescape; None if not encodable."""
    try:
        raw = text.encode('utf-8', 'surrogateescape')
    except UnicodeEncodeError:
        return None
    return PERCENT_BYTES.sub(lambda m: bytes([int(m.group(1), 16)]), raw).decode('utf-8', 'surrogateescape')


def _windows(items, text):
    if len(text) <= WINDOW:
        items.append(text)
        return
    start = 0
    while True:
        items.append(text[start:start + WINDOW])
        if start + WINDOW >= len(text):
            break
        start += STEP


def _strip(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


def payload_items(request):
    """request: dict with path, args, files, and optionally headers, cookies, body (pairs as [name, value])."""
    items = []

    def push(text):
        if text == '':
            return
        _windows(items, text)
        if PERCENT.search(text):
            decoded = percent_decode(text)
            if decoded is not None and decoded != text:
                _windows(items, decoded)

    if request.get('path', '/') != '/':
        push(request['path'])
    for name, value in request.get('args', []):
        push(_strip(name, 'ARGS:'))
        push(value)
    for _, value in request.get('files', []):
        push(value)
    for name, value in request.get('headers', []) or []:
        if _strip(name, 'REQUEST_HEADERS:').lower() not in SKIPPED_HEADERS:
            push(value)
    for _, value in request.get('cookies', []) or []:
        push(value)
    if request.get('body') is not None:
        push(request['body'])
    return items

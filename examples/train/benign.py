"""Realistic benign traffic in the parsed-request shape (see crs_requests.py for the field rules).

Generated, not recorded: forms (login, sign-up, contact with free text), searches in several languages,
REST calls with JSON bodies (ARGS:json.* plus the raw body, as the client sends them), pagination and filters, uploads, static assets, long values
(tokens, base64 images, long comments). Free text deliberately contains what trips naive rules:
apostrophes (O'Brien, don't), parentheses, URLs, e-mail addresses, code-like words ("select a plan").
"""
import base64
import json
import random
import string

WORDS = ('the a to of and in is for on with this that it you we our your my please thanks '
         'delivery price size colour red blue green small large shoes shirt coffee table chair book '
         'ticket booking hotel room night city london paris berlin meeting tomorrow monday invoice '
         'account password reset plan menu profile my old address station off point writer food dot '
         'where is my parcel how much can I get when will it arrive great service').split()
# Words that are also attack tokens; real text uses them, but rarely (about 1 word in 40).
TRAP_WORDS = 'select from update delete drop union script cat echo where order by system null version alert'.split()
NAMES = ["Anna", "Ben", "Chloé", "Dmitri", "Émile", "Fatima", "Günther", "Hiro", "Ingrid", "José",
         "Kofi", "Łukasz", "María", "Nguyễn", "O'Brien", "Priya", "Søren", "Zoë", "D'Angelo", "Ōtani",
         "O'Connor", "N'Golo", "D'Souza", "Mary-Jane", "St. John", "Van der Berg"]
UNICODE_TEXT = ['Grüße aus München', 'Ça coûte 12,50 €', 'こんにちは世界', '你好，我想订一张票', 'Привет, как дела?',
                'مرحبا بالعالم', 'שלום עולם', 'γειά σου κόσμε', 'Ótimo produto 👍', 'I ❤️ this 😀🎉',
                'İstanbul’da hava güzel', 'naïve café résumé', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 text', 'ᚠᛇᚻ᛫ᛒᛦᚦ']
SEARCHES = ['red shoes', 'cheap flights to paris', "men's jackets", "women's boots", "kids' toys", "Macy's",
            "rock'n'roll", "'80s music", '"exact phrase"', "O'Reilly books", "don't starve", "l'oréal", 'iphone 15 (128gb)', 'how to reset password',
            'coffee & tea', 'c++ tutorial', 'best pizza near me', 'size 10-12', 'union square hotels',
            'order status', '50% off sale', 'a/b testing', 'rock & roll', 'select comfort mattress', 'drop shipping']
STATIC = ['/css/site.css', '/js/app.min.js', '/img/logo.png', '/favicon.ico', '/fonts/inter.woff2',
          '/static/bundle.8f3a2c.js', '/docs/manual.pdf', '/robots.txt', '/sitemap.xml', '/img/hero@2x.jpg']
PAGES = ['/', '/index.html', '/about', '/contact', '/products', '/blog/2024/05/hello-world', '/cart', '/checkout',
         '/account/settings', '/search', '/help/faq', '/login', '/register', '/news/article-1234.html', '/index.php',
         '/wp-login.php', '/shop/category/shoes', '/profile.aspx', '/forum/viewtopic.php', '/app/dashboard']


def sentence(rng, n=None):
    n = n or rng.randint(3, 18)
    text = ' '.join(rng.choice(TRAP_WORDS if rng.random() < 0.025 else WORDS) for _ in range(n)).capitalize()
    if rng.random() < 0.15:
        text = rng.choice(["I'm", "We're", "Don't", "It's", "Can't", "Let's", "You'll"]) + ' ' + text[0].lower() + text[1:]
    if rng.random() < 0.4:
        text += rng.choice(['.', '!', '?', ' :)', ' ;-)', " (thanks)", ", don't worry.", " - it's fine", ' — cheers', '...',
                            ' "as promised"', " at O'Hare", ' & more', ' #1', ' 100%', ' (see above)', ' <3', ' => ok'])
    if rng.random() < 0.2:
        text += ' ' + rng.choice(UNICODE_TEXT)
    return text


def email(rng):
    return '%s.%s%d@%s' % (rng.choice(NAMES).lower().replace("'", ''), rng.choice(WORDS), rng.randint(1, 99),
                           rng.choice(['example.com', 'mail.example.org', 'gmx.de', 'yahoo.co.jp']))


def token(rng, n):
    return ''.join(rng.choice(string.ascii_letters + string.digits + '-_') for _ in range(n))


def json_body(args):
    """The JSON text behind ARGS:json.* pairs: the Lua client sends a JSON body raw *and* as ARGS."""
    root = {}
    for name, value in args:
        if name.startswith('ARGS:json.'):
            *parents, leaf = name[len('ARGS:json.'):].split('.')
            node = root
            for key in parents:
                node = node.setdefault(key, {})
            node[leaf] = value

    def listify(node):
        if not isinstance(node, dict):
            return node
        node = {k: listify(v) for k, v in node.items()}
        if node and sorted(node) == [str(i) for i in range(len(node))] and len(node) < 10:
            return [node[str(i)] for i in range(len(node))]
        return node
    return json.dumps(listify(root), ensure_ascii=False)


HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 8, 9, 9, 9, 8, 9, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1]


def hour_day(rng):
    """A (hour, day) pair, busier in the daytime; train.py gives attacks the same distribution."""
    return rng.choices(range(24), weights=HOUR_WEIGHTS)[0], rng.randint(1, 31)


def req(rng, method, path, args=(), files=(), sizes=(), body=None):
    if body is None and any(name.startswith('ARGS:json.') for name, _ in args):
        body = json_body(args)
    hour, day = hour_day(rng)
    r = {'method': method, 'path': path, 'args': list(args), 'files': list(files), 'sizes': list(sizes),
         'hour': hour, 'day': day}
    if body is not None:
        r['body'] = body
    return r


def page_view(rng):
    args = []
    if rng.random() < 0.4:
        args = [('ARGS:utm_source', rng.choice(['google', 'newsletter', 'twitter'])), ('ARGS:utm_medium', 'cpc')]
    if rng.random() < 0.3:
        args.append(('ARGS:page', str(rng.randint(1, 40))))
    if rng.random() < 0.2:
        args.append(('ARGS:lang', rng.choice(['en', 'de', 'fr-CA', 'ja', 'pt_BR'])))
    return req(rng, rng.choice(['GET'] * 9 + ['HEAD']), rng.choice(PAGES), args)


def static(rng):
    args = [('ARGS:v', token(rng, 8))] if rng.random() < 0.3 else []
    return req(rng, 'GET', rng.choice(STATIC), args)


def search(rng):
    q = rng.choice(SEARCHES + UNICODE_TEXT + [sentence(rng, 3)])
    args = [('ARGS:q', q)]
    if rng.random() < 0.5:
        args += [('ARGS:sort', rng.choice(['price_asc', 'relevance', '-created_at'])), ('ARGS:limit', str(rng.choice([10, 20, 50])))]
    if rng.random() < 0.2:
        args += [('ARGS:filter[brand]', rng.choice(['acme', 'Müller & Söhne', 'B&O'])), ('ARGS:filter[size][]', '42')]
    return req(rng, 'GET', rng.choice(['/search', '/products/search', '/api/search', '/s']), args)


def login(rng):
    pw = rng.choice([token(rng, rng.randint(8, 20)), 'P@ssw0rd!' + str(rng.randint(1, 999)), 'correct horse battery staple',
                     "Tr0ub4dor&3", 'paßwort€2024', '#S3cure$' + token(rng, 6) + '%'])
    args = [('ARGS:username', rng.choice([email(rng), rng.choice(NAMES)])), ('ARGS:password', pw)]
    if rng.random() < 0.7:
        args.append(('ARGS:csrf_token', token(rng, 40)))
    if rng.random() < 0.3:
        args.append(('ARGS:remember', 'on'))
    return req(rng, 'POST', rng.choice(['/login', '/wp-login.php', '/account/signin', '/api/v1/auth/login']), args)


def contact(rng):
    name = rng.choice(NAMES) + ' ' + rng.choice(NAMES)
    message = '\n'.join(sentence(rng) for _ in range(rng.randint(1, 6)))
    if rng.random() < 0.2:
        message += '\nSee https://www.example.com/orders?id=%d&ref=mail for details.' % rng.randint(1000, 99999)
    if rng.random() < 0.1:
        message += '\n' + sentence(rng, 200)
    args = [('ARGS:name', name), ('ARGS:email', email(rng)), ('ARGS:subject', sentence(rng, 4)), ('ARGS:message', message)]
    if rng.random() < 0.3:
        args.append(('ARGS:phone', rng.choice(['+49 30 1234567', '(555) 010-4477', '+81-3-1234-5678'])))
    return req(rng, 'POST', rng.choice(['/contact', '/support/ticket', '/feedback.php', '/index.php']), args)


def signup(rng):
    first, last = rng.choice(NAMES), rng.choice(NAMES)
    args = [('ARGS:first_name', first), ('ARGS:last_name', last), ('ARGS:email', email(rng)),
            ('ARGS:password', token(rng, 14)), ('ARGS:password_confirm', token(rng, 14)),
            ('ARGS:birthday', '%04d-%02d-%02d' % (rng.randint(1950, 2008), rng.randint(1, 12), rng.randint(1, 28))),
            ('ARGS:address', '%d %s Street, Apt. %d' % (rng.randint(1, 999), rng.choice(WORDS).capitalize(), rng.randint(1, 40))),
            ('ARGS:country', rng.choice(['DE', 'US', 'JP', 'FR', 'BR'])), ('ARGS:terms', '1')]
    return req(rng, 'POST', rng.choice(['/register', '/signup', '/account/create']), args)


def rest(rng):
    kind = rng.random()
    rid = rng.randint(1, 10 ** 6)
    if kind < 0.35:
        return req(rng, 'GET', '/api/v%d/%s/%d' % (rng.randint(1, 3), rng.choice(['users', 'orders', 'items', 'posts']), rid),
                   [('ARGS:fields', 'id,name,created_at')] if rng.random() < 0.3 else [])
    if kind < 0.5:
        return req(rng, 'DELETE', '/api/v1/%s/%d' % (rng.choice(['cart/items', 'sessions', 'comments']), rid))
    args = [('ARGS:json.name', sentence(rng, 2)), ('ARGS:json.quantity', str(rng.randint(1, 9))),
            ('ARGS:json.price', '%d.%02d' % (rng.randint(1, 500), rng.randint(0, 99)))]
    if rng.random() < 0.5:
        args += [('ARGS:json.tags.0', rng.choice(WORDS)), ('ARGS:json.tags.1', rng.choice(WORDS))]
    if rng.random() < 0.4:
        args.append(('ARGS:json.description', sentence(rng, rng.randint(5, 40))))
    if rng.random() < 0.2:
        args.append(('ARGS:json.metadata.note', rng.choice(UNICODE_TEXT)))
    method = rng.choice(['POST', 'PUT', 'PATCH'])
    return req(rng, method, '/api/v1/%s%s' % (rng.choice(['orders', 'items', 'profile', 'comments']),
                                              '' if method == 'POST' else '/%d' % rid), args)


def upload(rng):
    kind = rng.choice([('avatar', 'me.jpg', 40_000), ('document', 'Invoice 2024-05.pdf', 300_000),
                       ('photo', 'IMG_20240512_101112.HEIC', 2_500_000), ('attachment', 'report (final).docx', 80_000),
                       ('file', 'données.csv', 12_000), ('image', 'screenshot.png', 500_000)])
    field, name, size = kind
    args = [('ARGS:title', sentence(rng, 3))] if rng.random() < 0.6 else []
    if rng.random() < 0.3:
        args.append(('ARGS:MAX_FILE_SIZE', '10485760'))
    return req(rng, 'POST', rng.choice(['/upload', '/profile/avatar', '/api/v1/files', '/media/new']), args,
               [('FILES:' + field, name)], [('FILES_SIZES:' + field, int(size * rng.uniform(0.2, 1.5)))])


def long_values(rng):
    kind = rng.random()
    if kind < 0.3:
        header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip('=')
        value = header + '.' + token(rng, rng.randint(60, 300)) + '.' + token(rng, 43)
        return req(rng, 'POST', '/api/v1/session/refresh', [('ARGS:token', value)])
    if kind < 0.55:
        blob = base64.b64encode(bytes(rng.randrange(256) for _ in range(rng.randint(500, 6000)))).decode()
        return req(rng, 'POST', '/api/v1/images', [('ARGS:json.data', 'data:image/png;base64,' + blob), ('ARGS:json.name', 'chart.png')])
    if kind < 0.8:
        text = '\n\n'.join(sentence(rng, rng.randint(20, 60)) for _ in range(rng.randint(5, 30)))
        return req(rng, 'POST', '/blog/post/%d/comments' % rng.randint(1, 999), [('ARGS:comment', text), ('ARGS:author', rng.choice(NAMES))])
    ids = ','.join(str(rng.randint(1, 99999)) for _ in range(rng.randint(50, 400)))
    return req(rng, 'GET', '/api/v2/items', [('ARGS:ids', ids)])


def misc(rng):
    kind = rng.random()
    if kind < 0.25:
        return req(rng, 'GET', '/redirect', [('ARGS:next', rng.choice(['/account', 'https://shop.example.com/cart?step=2', '/search?q=red+shoes']))])
    if kind < 0.5:
        return req(rng, 'OPTIONS', rng.choice(['/api/v1/orders', '/api/v1/items/7', '*']))
    if kind < 0.7:
        return req(rng, 'GET', '/calendar', [('ARGS:from', '2024-05-01T00:00:00+02:00'), ('ARGS:to', '2024-05-31T23:59:59Z'), ('ARGS:tz', 'Europe/Berlin')])
    if kind < 0.85:
        return req(rng, 'POST', '/newsletter', [('ARGS:email', email(rng)), ('ARGS:topics[]', 'news'), ('ARGS:topics[]', 'offers')])
    return req(rng, 'POST', '/graphql', [('ARGS:json.query', '{ user(id: %d) { name orders(first: 5) { id total } } }' % rng.randint(1, 999)),
                                         ('ARGS:json.variables', '')])


def single_field(rng):
    """One parameter, GET or POST: the shape of most CRS attack tests, and of much real traffic."""
    name, value = rng.choice([
        ('q', rng.choice(SEARCHES + UNICODE_TEXT)), ('comment', sentence(rng)), ('email', email(rng)),
        ('id', str(rng.randint(1, 10 ** 7))), ('token', token(rng, rng.choice([16, 32, 40]))),
        ('url', 'https://www.example.com/%s?ref=%d' % (rng.choice(WORDS), rng.randint(1, 999))),
        ('name', rng.choice(NAMES) + ' ' + rng.choice(NAMES)), ('text', sentence(rng, rng.randint(1, 30))),
        ('message', '\n'.join(sentence(rng) for _ in range(rng.randint(1, 4)))), ('page', str(rng.randint(1, 50))),
        ('file', rng.choice(['report.pdf', 'IMG_2041.jpg', 'notes.txt', 'data (1).csv'])),
        ('redirect', rng.choice(['/account', '/cart?step=2', 'https://shop.example.com/'])),
        ('description', sentence(rng, rng.randint(5, 25))), ('title', sentence(rng, 3)),
    ])
    method = rng.choice(['GET', 'POST', 'POST'])
    return req(rng, method, rng.choice(PAGES + ['/search', '/api/v1/items', '/comments', '/contact']), [('ARGS:' + name, value)])


GENERATORS = [(single_field, 30), (page_view, 20), (static, 12), (search, 14), (login, 8), (contact, 8), (signup, 5), (rest, 16),
              (upload, 5), (long_values, 5), (misc, 7)]


def benign_requests(n, seed=2):
    rng = random.Random(seed)
    makers = [g for g, w in GENERATORS for _ in range(w)]
    return [rng.choice(makers)(rng) for _ in range(n)]

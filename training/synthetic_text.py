"""Second-round synthetic benign values (REPORT.md, "Second evaluation"): generic generators for the kinds of
ordinary input the real training sources lack, written from general knowledge of web forms, not from any
test or held-out string.

Pinned: Debian's /usr/bin/python3 (3.11); no third-party packages. Deterministic for a given random.Random.

- rich text: what WYSIWYG editors, CMS and forums post (HTML with safe tags, links and entities; BBCode;
  Markdown; wiki markup; template placeholders of Jinja/Liquid/Handlebars/Mustache), in any letter case;
- multilingual text: random words in 12 scripts (CJK, Hangul, kana, Cyrillic, Greek, Arabic, Hebrew, Thai,
  Devanagari, Latin with diacritics), mixed with Latin words and digits, and the same text in the legacy
  encodings browsers still send (latin-1, cp1251, GBK, Shift-JIS, EUC-KR: invalid UTF-8, kept as
  surrogateescape) or mis-decoded (UTF-8 read as latin-1);
- log-like strings: tab- or space-separated fields (timestamps, IPs, URLs, status codes, key=value), stack
  trace lines, syslog lines, CSV rows, as users paste them into search boxes and support forms;
- credentials and numbers in general: passwords over the whole printable ASCII symbol set, passphrases,
  PINs of 4-8 digits (repeats and runs included), phone numbers in 15 national formats, card-like numbers,
  IBAN-like and order references;
- names with particles (van der, de, 't, d', di, al-, bin, Mac, Ó, von) and compound surnames.
"""
import random
import string

WORDS = ['order', 'delivery', 'price', 'blue', 'size', 'account', 'return', 'invoice', 'garden', 'holiday', 'recipe', 'music', 'school',
         'weather', 'train', 'ticket', 'hotel', 'cheap', 'best', 'review', 'how', 'to', 'fix', 'my', 'the', 'new', 'with', 'for', 'and',
         'update', 'download', 'photo', 'video', 'news', 'map', 'near', 'me', 'open', 'today', 'page', 'list', 'note', 'select', 'from',
         'where', 'table', 'script', 'style', 'link', 'image', 'file', 'path', 'user', 'admin', 'login', 'error', 'server', 'data']
SAFE_TAGS = ['p', 'b', 'i', 'u', 'em', 'strong', 'span', 'div', 'h1', 'h2', 'h3', 'blockquote', 'code', 'pre', 'small', 'sup', 'sub',
             'li', 'td', 'th', 'caption', 'figcaption', 'mark', 's', 'del', 'ins']
ATTRS = ['class="{w}"', 'id="{w}-{n}"', 'style="color:#{hex}"', 'style="text-align:center"', 'style="font-weight:bold"', 'title="{w} {w}"',
         'align="left"', 'width="{n}"', 'lang="en"', 'dir="rtl"', 'target="_blank"', 'rel="noopener"']
ENTITIES = ['&amp;', '&nbsp;', '&lt;', '&gt;', '&quot;', '&#39;', '&eacute;', '&copy;', '&euro;', '&mdash;', '&#8217;']
SCRIPTS = [(0x4E00, 0x9FA5, 1, 3), (0xAC00, 0xD7A3, 1, 4), (0x3041, 0x3096, 2, 5), (0x30A1, 0x30FA, 2, 5), (0x0430, 0x044F, 3, 9),
           (0x03B1, 0x03C9, 3, 9), (0x0627, 0x064A, 3, 7), (0x05D0, 0x05EA, 2, 6), (0x0E01, 0x0E2E, 2, 6), (0x0915, 0x0939, 2, 6)]
DIACRITICS = 'àáâäãåçèéêëìíîïñòóôöõøùúûüýÿßæœłńśźżčšžřěůőű'
CODECS = ['latin-1', 'cp1252', 'cp1251', 'gbk', 'shift_jis', 'euc-kr', 'big5', 'koi8-r', 'iso-8859-7']
PARTICLES = ['van', 'van der', 'van den', 'de', 'de la', 'del', 'di', 'da', 'du', 'von', 'von der', 'ter', "van 't", "d'", "O'", 'Mac',
             'Mc', 'Ó', 'Ní', 'al-', 'el-', 'bin', 'ibn', 'ben', 'St.', 'la', 'le']
SYLLABLES = ['an', 'ber', 'ka', 'lo', 'mi', 'ne', 'ri', 'sa', 'ta', 'vo', 'el', 'ja', 'ko', 'hu', 'dra', 'sten', 'berg', 'ton', 'ez',
             'ski', 'ova', 'sen', 'son', 'ley', 'ard', 'ier', 'ini', 'ello', 'ama', 'oku', 'hiro', 'yi', 'zhang', 'ng', 'oy']
PHONE_FORMATS = ['+1 ({a}) {b}-{c}', '{a}-{b}-{c}', '{a}.{b}.{c}', '+44 {d} {e} {f}', '0{d} {e}{f}', '+31 6 {g}', '06-{g}', '+31 20 {b} {c}',
                 '+33 {h} {h} {h} {h} {h}', '0{h} {h} {h} {h} {h}', '+49 {d} {g}', '+353 {h} {b} {c}', '+61 4{h} {b} {b}', '+81 {h}-{c}-{c}',
                 '+91 {e}{h} {e}{f}', '({d}) {e} {f}']
SYMBOLS = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'


def word(rng):
    return rng.choice(WORDS)


def words(rng, lo=1, hi=6):
    return ' '.join(word(rng) for _ in range(rng.randrange(lo, hi + 1)))


def recase(rng, text):
    return rng.choice([text, text, text.upper(), text.title(), text.lower()])


def fill(rng, template):
    return template.format(w=word(rng), n=rng.randrange(1, 999), hex='%06x' % rng.randrange(1 << 24))


def url(rng):
    host = rng.choice(['www.example.com', 'example.org', 'shop.example.net', 'blog.example.io', 'docs.example.dev', 'img.example.cdn'])
    path = '/'.join(word(rng) for _ in range(rng.randrange(0, 4)))
    query = rng.choice(['', f'?id={rng.randrange(999)}', f'?q={word(rng)}+{word(rng)}&page={rng.randrange(9)}', f'#{word(rng)}'])
    return f'{rng.choice(["https", "http"])}://{host}/{path}{query}'


def html_fragment(rng, depth=0):
    parts = []
    for _ in range(rng.randrange(1, 4)):
        kind = rng.randrange(9 if depth < 2 else 5)
        text = words(rng) + rng.choice(['', '', ' ' + rng.choice(ENTITIES) + ' ', '.', '!', '?', ','])
        if kind <= 2:
            parts.append(text)
        elif kind == 3:
            parts.append(rng.choice(['<br>', '<br/>', '<br />', '<hr>', '&nbsp;']))
        elif kind == 4:
            parts.append(f'<a href="{url(rng)}"' + rng.choice(['', ' target="_blank"', ' rel="nofollow"', ' title="' + words(rng) + '"']) + f'>{text}</a>')
        elif kind == 5:
            img = rng.choice(['/uploads/', '/media/', url(rng).rsplit('/', 1)[0] + '/']) + f'{word(rng)}-{rng.randrange(99)}.{rng.choice(["jpg", "png", "webp", "gif"])}'
            parts.append(f'<img src="{img}" alt="{words(rng)}"' + rng.choice(['>', ' />', f' width="{rng.randrange(50, 800)}">']))
        elif kind == 6:
            tag = rng.choice(['ul', 'ol'])
            parts.append(f'<{tag}>' + ''.join(f'<li>{html_fragment(rng, depth + 1)}</li>' for _ in range(rng.randrange(1, 4))) + f'</{tag}>')
        elif kind == 7:
            cells = ''.join(f'<td>{words(rng, 1, 2)}</td>' for _ in range(rng.randrange(1, 4)))
            parts.append(f'<table><tr>{cells}</tr></table>')
        else:
            tag = rng.choice(SAFE_TAGS)
            attr = (' ' + fill(rng, rng.choice(ATTRS))) if rng.random() < 0.4 else ''
            parts.append(f'<{tag}{attr}>{html_fragment(rng, depth + 1)}</{tag}>')
    return rng.choice(['', ' ', '\n']).join(parts)


def rich_text(rng):
    kind = rng.randrange(6)
    if kind <= 2:
        return recase(rng, html_fragment(rng))
    if kind == 3:
        tag = rng.choice(['b', 'i', 'u', 'quote', 'code', 'url=' + url(rng), 'color=red', 'size=4', 'img'])
        return f'[{tag}]{words(rng)}[/{tag.split("=")[0]}] {words(rng, 0, 4)}'
    if kind == 4:
        return rng.choice([f"'''{words(rng)}''' {words(rng)}", f'[[{words(rng, 1, 2)}|{words(rng, 1, 2)}]]', f'== {words(rng, 1, 3)} ==',
                           f'{{{{cite web|url={url(rng)}|title={words(rng)}}}}}', f'* {words(rng)}\n* {words(rng)}'])
    var = '.'.join(rng.choice(['user', 'item', 'order', 'page', 'product', 'name', 'title', 'price', 'count', 'date']) for _ in range(rng.randrange(1, 3)))
    return recase(rng, rng.choice([f'{{{{ {var} }}}}', f'{{{{{var}}}}}', f'{{% if {var} %}}{words(rng)}{{% endif %}}', f'{{{{#each {var}}}}}{words(rng)}{{{{/each}}}}',
                                   f'{{{{ {var}|{rng.choice(["upper", "escape", "date", "default"])} }}}}', f'{{% for x in {var} %}}{{{{ x }}}}{{% endfor %}}',
                                   f'Hello {{{{ {var} }}}}, {words(rng)}', f'%{rng.choice("sdf")} {words(rng)}', f'{words(rng)} %(name)s {words(rng)}',
                                   f'{{{rng.randrange(3)}}} {words(rng)}', f'<%= {var} %>', f'[% {var} %]', f'#{{{var}}}']))


def script_word(rng):
    lo, hi, a, b = rng.choice(SCRIPTS)
    return ''.join(chr(rng.randrange(lo, hi + 1)) for _ in range(rng.randrange(a, b + 1)))


def latin_word(rng):
    w = rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
    return ''.join(rng.choice(DIACRITICS) if c in 'aeiouyszcn' and rng.random() < 0.3 else c for c in w)


def multilingual(rng):
    lo, hi, a, b = rng.choice(SCRIPTS)
    mine = [(lo, hi, a, b)] if rng.random() < 0.8 else SCRIPTS
    out = []
    for _ in range(rng.randrange(1, 7)):
        r = rng.random()
        if r < 0.65:
            l2, h2, a2, b2 = rng.choice(mine)
            out.append(''.join(chr(rng.randrange(l2, h2 + 1)) for _ in range(rng.randrange(a2, b2 + 1))))
        elif r < 0.8:
            out.append(latin_word(rng))
        elif r < 0.9:
            out.append(word(rng))
        else:
            out.append(str(rng.randrange(2030)))
    sep = ' ' if lo > 0x3000 and rng.random() < 0.5 else rng.choice([' ', ' ', '', '、', '，', '+'])
    text = sep.join(out) + rng.choice(['', '', '?', '？', '。', '!'])
    kind = rng.randrange(5)
    if kind == 0:  # sent in a legacy encoding, kept by the server as surrogateescape
        for codec in rng.sample(CODECS, len(CODECS)):
            try:
                return text.encode(codec).decode('utf-8', 'surrogateescape'), 'multilingual-legacy'
            except UnicodeEncodeError:
                continue
    if kind == 1:  # mis-decoded: UTF-8 bytes read as latin-1 (mojibake)
        return text.encode('utf-8').decode('latin-1'), 'multilingual-mojibake'
    return text, 'multilingual'


def ip(rng):
    return '.'.join(str(rng.randrange(1, 255)) for _ in range(4))


def timestamp(rng):
    y, mo, d, h, mi, s = rng.randrange(2008, 2027), rng.randrange(1, 13), rng.randrange(1, 29), rng.randrange(24), rng.randrange(60), rng.randrange(60)
    months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
    return rng.choice([f'{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}', f'{y}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}.{rng.randrange(1000):03d}Z',
                       f'{d:02d}/{months[mo - 1]}/{y}:{h:02d}:{mi:02d}:{s:02d} +0000', f'{months[mo - 1]} {d:2d} {h:02d}:{mi:02d}:{s:02d}',
                       str(1200000000 + rng.randrange(6 * 10 ** 8))])


def log_line(rng):
    kind = rng.randrange(6)
    if kind == 0:
        fields = [timestamp(rng), ip(rng), rng.choice(['GET', 'POST', 'INFO', 'WARN', 'ERROR', 'DEBUG']), url(rng), str(rng.choice([200, 301, 302, 304, 404, 500])),
                  words(rng, 1, 3), str(rng.randrange(10 ** 6))]
        rng.shuffle(fields)
        return rng.choice(['\t', ' ', ' | ', ';', ',']).join(fields[:rng.randrange(2, 7)])
    if kind == 1:
        pkg = '.'.join(rng.choice(['com', 'org', 'example', 'app', 'service', 'util', 'core', 'web']) for _ in range(3))
        cls = word(rng).capitalize() + rng.choice(['Service', 'Controller', 'Handler', 'Repository', 'Util'])
        return rng.choice([f'at {pkg}.{cls}.{word(rng)}({cls}.java:{rng.randrange(1, 900)})', f'Exception in thread "main" java.lang.{rng.choice(["NullPointerException", "IllegalStateException", "IndexOutOfBoundsException"])}: {words(rng)}',
                           f'Traceback (most recent call last): File "/app/{word(rng)}.py", line {rng.randrange(1, 500)}, in {word(rng)}',
                           f'{rng.choice(["TypeError", "ValueError", "KeyError"])}: {words(rng)}', f'Caused by: {pkg}.{cls}Exception: {words(rng)}'])
    if kind == 2:
        return f'{timestamp(rng)} {rng.choice(["web01", "host-3", "srv", "localhost"])} {rng.choice(["sshd", "nginx", "kernel", "systemd", "cron", "app"])}[{rng.randrange(99999)}]: {words(rng, 2, 8)}'
    if kind == 3:
        return ','.join(rng.choice([word(rng), str(rng.randrange(9999)), f'"{words(rng, 1, 3)}"', timestamp(rng), '']) for _ in range(rng.randrange(2, 8)))
    if kind == 4:
        return ' '.join(f'{word(rng)}={rng.choice([str(rng.randrange(999)), word(rng), ip(rng), "true", "null", url(rng)])}' for _ in range(rng.randrange(2, 6)))
    return f'{url(rng)}\t{words(rng, 1, 4)}\t{rng.randrange(1, 50)}'


def credential(rng):
    kind = rng.randrange(8)
    if kind <= 1:
        pool = string.ascii_letters + string.digits + SYMBOLS
        return ''.join(rng.choice(pool) for _ in range(rng.randrange(6, 24))), 'passwords'
    if kind == 2:
        return rng.choice(WORDS).capitalize() + rng.choice(['', '@', '#', '!', '$']) + str(rng.randrange(10000)) + ''.join(rng.choice(SYMBOLS) for _ in range(rng.randrange(0, 4))), 'passwords'
    if kind == 3:
        return rng.choice(['-', ' ', '.', '_', '']).join(rng.choice(WORDS) for _ in range(rng.randrange(3, 6))) + rng.choice(['', '!', str(rng.randrange(99))]), 'passphrases'
    if kind == 4:
        n = rng.randrange(4, 9)
        d = rng.randrange(10)
        return rng.choice([''.join(str(rng.randrange(10)) for _ in range(n)), str(d) * n, ''.join(str((d + i) % 10) for i in range(n)),
                           ''.join(str((d - i) % 10) for i in range(n))]), 'pins'
    if kind == 5:
        digits = lambda k: ''.join(str(rng.randrange(10)) for _ in range(k))  # noqa: E731
        fmt = rng.choice(PHONE_FORMATS)
        return fmt.format(a=digits(3), b=digits(3), c=digits(4), d=digits(2), e=digits(4), f=digits(4), g=digits(8), h=digits(2)), 'phones'
    if kind == 6:
        return rng.choice([' ', '-', '']).join(''.join(str(rng.randrange(10)) for _ in range(4)) for _ in range(rng.choice([4, 4, 5]))), 'card-numbers'
    return rng.choice([f'{rng.choice(["NL", "DE", "FR", "IE", "GB"])}{rng.randrange(10, 99)} {"".join(rng.choice(string.ascii_uppercase) for _ in range(4))} {rng.randrange(10 ** 9, 10 ** 10)}',
                       f'#{rng.randrange(10 ** 5, 10 ** 8)}', f'ORD-{rng.randrange(10 ** 6)}', f'No. {rng.randrange(9999)}/{rng.randrange(2000, 2027)}']), 'references'


def person_name(rng):
    first = latin_word(rng).capitalize()
    last = latin_word(rng).capitalize()
    kind = rng.randrange(4)
    if kind == 0:
        particle = rng.choice(PARTICLES)
        glue = '' if particle.endswith(("'", '-')) else ' '
        return f'{first} {particle}{glue}{last}'
    if kind == 1:
        return f'{first} {last}-{latin_word(rng).capitalize()}'
    if kind == 2:
        return f'{last}, {first}'
    return f'{first} {rng.choice(string.ascii_uppercase)}. {last}'


def generate(rng):
    """Yields (value, label, class, file, where) rows: benign only."""
    for _ in range(3000):
        yield rich_text(rng), 0, 'benign', 'synthetic:rich-text', 'arg'
    for _ in range(3000):
        value, kind = multilingual(rng)
        yield value, 0, 'benign', 'synthetic:' + kind, 'arg'
    for _ in range(2000):
        yield log_line(rng), 0, 'benign', 'synthetic:log-lines', 'arg'
    for _ in range(2500):
        value, kind = credential(rng)
        yield value, 0, 'benign', 'synthetic:' + kind, 'arg'
    for _ in range(1000):
        yield person_name(rng), 0, 'benign', 'synthetic:names-particles', 'arg'

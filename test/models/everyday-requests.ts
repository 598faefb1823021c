/**
 * Everyday requests, written by hand before the bundled models were tuned (issue 11): shops, search,
 * logins, sign-ups, contact forms, APIs with JSON bodies, names with apostrophes, e-mails, addresses,
 * dates, tokens, with realistic headers and cookies. Every one must pass in mode 2.
 *
 * Each row: [what it is, "METHOD /path?query" as sent on the wire, extras]. The query string and a
 * form body are decoded as ModSecurity fills ARGS; a JSON body is also flattened into ARGS:json.*
 * as ModSecurity's JSON body processor does; headers and cookies are sent as contract v2 fields.
 */
import type { MlRequest } from '../../src/contract/ml-request';

interface Extras {
  /** a form body (application/x-www-form-urlencoded) */
  readonly form?: string;
  /** a JSON body */
  readonly json?: unknown;
  /** another raw body (XML, text) */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
  readonly cookies?: Record<string, string>;
  /** browser (default), mobile, api or curl: the base header set */
  readonly client?: 'browser' | 'mobile' | 'api' | 'curl';
}

type Row = readonly [what: string, line: string, extras?: Extras];

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

const CLIENT_HEADERS: Record<NonNullable<Extras['client']>, Record<string, string>> = {
  browser: {
    Host: 'shop.example.com',
    'User-Agent': CHROME,
    Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
    'Accept-Language': 'en-GB,en;q=0.9,fr;q=0.8',
    'Accept-Encoding': 'gzip, deflate, br',
    'Sec-Ch-Ua': '"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"',
    'Sec-Fetch-Site': 'same-origin',
    Referer: 'https://shop.example.com/',
  },
  mobile: {
    Host: 'm.example.com',
    'User-Agent': IPHONE,
    Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'Accept-Language': 'fr-FR,fr;q=0.9',
    'Accept-Encoding': 'gzip, deflate, br',
  },
  api: { Host: 'api.example.com', 'User-Agent': 'okhttp/4.12.0', Accept: 'application/json', Authorization: `Bearer ${JWT}` },
  curl: { Host: 'example.com', 'User-Agent': 'curl/8.5.0', Accept: '*/*' },
};

const SESSION = { PHPSESSID: 'q7v1k0c9m2f3h4j5l6n8p0r2t4', _ga: 'GA1.2.1234567890.1712345678', cookie_consent: 'accepted' };

export const EVERYDAY_ROWS: readonly Row[] = [
  // shops: browsing, filters, carts, checkout
  ['product list, page 2, sorted', 'GET /index.html?page=2&sort=price&lang=en&q=blue+running+shoes'],
  ['product filter by colour and size', 'GET /shop/shoes?id=42&color=blue&size=10'],
  ['product page by slug', 'GET /products/mens-leather-wallet-brown'],
  ['category with price range', 'GET /c/kitchen?min_price=20&max_price=150&brand=Bosch'],
  ['sort descending', 'GET /search?q=tv&order=desc&sort_by=rating'],
  ['add to cart', 'POST /cart/add', { form: 'product_id=8812&qty=2&variant=XL-blue' }],
  ['update quantity', 'POST /cart/update', { form: 'line=3&quantity=1' }],
  ['remove item', 'POST /cart/remove', { form: 'item_id=55123' }],
  ['apply coupon', 'POST /cart/coupon', { form: 'code=SUMMER-2024' }],
  ['apply coupon lowercase', 'POST /cart/coupon', { form: 'code=welcome10' }],
  ['shipping estimate', 'GET /shipping/estimate?postcode=SW1A+1AA&country=GB'],
  ['shipping estimate US', 'GET /shipping/estimate?zip=94105&country=US&state=CA'],
  ['checkout address', 'POST /checkout/address', { form: "name=Siobh%C3%A1n+O%27Sullivan&street=12+St.+Stephen%27s+Green&city=Dublin&postcode=D02+X285&country=IE" }],
  ['checkout address US', 'POST /checkout/address', { form: 'name=John+Smith&address1=1600+Amphitheatre+Pkwy&address2=Suite+200&city=Mountain+View&state=CA&zip=94043' }],
  ['checkout with apartment', 'POST /checkout/address', { form: 'line1=Flat+3%2C+27+King%27s+Road&city=London&postcode=SW3+4RP' }],
  ['gift message', 'POST /checkout/gift', { form: "message=Happy+birthday+Mum%21+Love%2C+Tom+%26+Ann+xx" }],
  ['delivery note', 'POST /checkout/notes', { form: "note=Please+leave+it+with+the+neighbour+at+no.+14+if+I%27m+out" }],
  ['payment method choice', 'POST /checkout/payment', { form: 'method=card&save_card=1' }],
  ['order confirmation', 'GET /order/confirmation?order=ORD-2024-000187&utm_source=email'],
  ['order history page', 'GET /account/orders?page=3&per_page=20'],
  ['wishlist add', 'POST /wishlist', { form: 'sku=AB-1234-XL' }],
  ['compare products', 'GET /compare?ids=101,204,377'],
  ['product review', 'POST /products/881/reviews', { form: "rating=4&title=Great+value&body=Comfy+shoes%2C+but+the+left+one+was+a+bit+tight.+I%27d+buy+again." }],
  ['review with quotes', 'POST /products/12/reviews', { form: 'rating=5&body=The+%2224%22+inch+version+is+%22perfect%22+for+my+desk' }],
  ['size guide', 'GET /help/size-guide?category=women&region=EU'],
  ['store locator', 'GET /stores?lat=53.3498&lng=-6.2603&radius=10km'],
  ['gift card balance', 'POST /giftcard/balance', { form: 'number=6006491234567890&pin=1234' }],
  ['newsletter signup', 'POST /newsletter', { form: 'email=mary.oneill%40example.ie&consent=on' }],
  ['product with ampersand', 'GET /search?q=table+%26+chairs+set'],
  ['product with inch mark', 'GET /search?q=27%22+monitor'],
  ['returns form', 'POST /returns', { form: "order=118273&reason=wrong_size&comment=Ordered+a+10%2C+it%27s+more+like+a+9" }],
  ['mobile product page', 'GET /p/iphone-case-clear?ref=home_banner', { client: 'mobile' }],
  ['mobile search', 'GET /search?q=chaussures+de+course+femme', { client: 'mobile' }],
  ['currency switch', 'GET /settings/currency?c=EUR&return=%2Fcart'],
  ['language switch', 'GET /?lang=de&redirect=%2Fde%2Fangebote'],
  ['tracking link', 'GET /track?carrier=dhl&tracking=JJD0099999999999'],
  ['select plan', 'GET /pricing?plan=select&billing=annual'],
  ['union jack flag product', 'GET /search?q=union+jack+flag'],
  ['drop-leaf table', 'GET /search?q=drop-leaf+table+oak'],
  ['script book', 'GET /books?q=script+writing+for+beginners'],

  // search
  ['search question', 'GET /search?q=how+to+cook+rice+in+a+pan'],
  ['search with apostrophe', "GET /search?q=children%27s+books+about+dinosaurs"],
  ['search with quotes', 'GET /search?q=%22the+old+man+and+the+sea%22+hemingway'],
  ['search French accents', 'GET /recherche?q=cr%C3%A8me+br%C3%BBl%C3%A9e+recette'],
  ['search German', 'GET /suche?begriff=Gr%C3%BC%C3%9Fe+Stra%C3%9Fe+M%C3%BCnchen'],
  ['search Chinese', 'GET /s?wd=%E5%8C%97%E4%BA%AC%E5%A4%A9%E6%B0%94'],
  ['search Japanese', 'GET /search?q=%E6%9D%B1%E4%BA%AC+%E3%83%A9%E3%83%BC%E3%83%A1%E3%83%B3'],
  ['search Russian', 'GET /search?text=%D0%BF%D0%BE%D0%B3%D0%BE%D0%B4%D0%B0+%D0%BC%D0%BE%D1%81%D0%BA%D0%B2%D0%B0'],
  ['search Arabic', 'GET /search?q=%D9%85%D8%B7%D8%B9%D9%85+%D9%82%D8%B1%D9%8A%D8%A8'],
  ['search emoji', 'GET /search?q=pizza+%F0%9F%8D%95+near+me'],
  ['search programming', 'GET /search?q=python+list+comprehension+if+else'],
  ['search SQL homework', 'GET /search?q=what+does+select+distinct+do'],
  ['search with plus sign', 'GET /search?q=c%2B%2B+tutorial'],
  ['search with hash', 'GET /search?q=c%23+async+await'],
  ['search with percent', 'GET /search?q=50%25+off+sale'],
  ['search with dollar', 'GET /search?q=laptops+under+%24500'],
  ['search with slash', 'GET /search?q=AC%2FDC+tickets'],
  ['search with colon', 'GET /search?q=star+wars%3A+a+new+hope'],
  ['search with parentheses', 'GET /search?q=jaws+(1975)+cast'],
  ['search with hyphens', 'GET /search?q=t-shirt+-kids'],
  ['search site operator', 'GET /search?q=site%3Aexample.com+returns+policy'],
  ['search long question', "GET /search?q=what%27s+the+difference+between+a+crocodile+and+an+alligator+and+which+one+lives+in+florida"],
  ['search name', "GET /people?name=Conan+O%27Brien"],
  ['search with ampersand brand', 'GET /search?q=Marks+%26+Spencer+opening+hours'],
  ['search autocomplete', 'GET /api/suggest?prefix=iph&limit=8', { client: 'api' }],
  ['search by date', 'GET /news?from=2024-01-01&to=2024-03-31&topic=economy'],
  ['search with page and facets', 'GET /jobs?q=nurse&location=Cork&type=full-time&salary_min=35000&page=4'],
  ['search recipe', 'GET /recipes?ingredients=eggs,flour,milk&diet=vegetarian'],
  ['search flight', 'GET /flights?from=DUB&to=JFK&depart=2024-07-14&return=2024-07-28&adults=2&children=1'],
  ['search hotel', 'GET /hotels?city=Paris&checkin=14%2F07%2F2024&checkout=18%2F07%2F2024&rooms=1'],

  // logins, accounts
  ['login form', 'POST /login', { form: 'username=jsmith&password=Tr0ub4dor%263&remember=1' }],
  ['login with email', 'POST /login', { form: 'email=anne-marie.dupont%40example.fr&password=correct+horse+battery+staple' }],
  ['login with symbols password', 'POST /login', { form: 'user=kowalski&pass=P%40ssw0rd%21%23%24' }],
  ['login password with quote', 'POST /login', { form: "user=dsouza&pass=it%27sMyPass99" }],
  ['login password with dashes', 'POST /login', { form: 'user=admin2&pass=blue--sky--42' }],
  ['login next param', 'GET /login?next=%2Faccount%2Fsettings%3Ftab%3Dsecurity'],
  ['logout', 'GET /logout?return_to=https%3A%2F%2Fshop.example.com%2F'],
  ['password reset request', 'POST /password/forgot', { form: 'email=ngozi.okafor%40example.ng' }],
  ['password reset token', 'GET /password/reset?token=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
  ['email verification', 'GET /verify-email?uid=MTIz&token=c0a-4f2a1d9e8b7c6a5f4e3d'],
  ['2fa code', 'POST /login/2fa', { form: 'code=492 817&trust_device=true' }],
  ['oauth callback', 'GET /oauth/callback?code=4%2F0AX4XfWh-abcdEFGHijkl&state=af0ifjsldkj&scope=email+profile'],
  ['oauth authorize', 'GET /oauth/authorize?response_type=code&client_id=s6BhdRkqt3&redirect_uri=https%3A%2F%2Fclient.example.org%2Fcb&scope=openid+email'],
  ['sign-up', 'POST /register', { form: "first_name=Se%C3%A1n&last_name=O%27Connor&email=sean.oconnor%40gmail.com&password=Gr33n-Fields!&dob=1990-03-17" }],
  ['sign-up hyphenated name', 'POST /register', { form: 'first_name=Jean-Luc&last_name=Picard-Dubois&email=jl%40example.fr&country=FR' }],
  ['sign-up with Dutch name', 'POST /register', { form: 'name=Pieter+van+der+Berg&email=pieter%40example.nl&phone=%2B31+20+123+4567' }],
  ['profile update', 'POST /account/profile', { form: "display_name=D%27Arcy&bio=Runner%2C+reader%2C+coffee+drinker.+I+don%27t+do+mornings.&website=https%3A%2F%2Fdarcy.example" }],
  ['profile bio with html-like text', 'POST /account/profile', { form: 'bio=I+love+%3C3+my+cat+and+math+(a+%3E+b)' }],
  ['change email', 'POST /account/email', { form: 'new_email=zoe.muller%2Bshop%40example.de&password=hunter2hunter2' }],
  ['address book', 'POST /account/addresses', { form: "label=Mum%27s+house&line1=4+Rue+de+l%27%C3%89glise&city=Montr%C3%A9al&province=QC&postal=H2X+1Y4" }],
  ['delete account', 'POST /account/delete', { form: 'confirm=DELETE&reason=Too+many+emails' }],
  ['preferences', 'POST /account/preferences', { form: 'newsletter=0&sms=1&theme=dark&timezone=Europe%2FDublin' }],
  ['session keepalive', 'GET /session/ping?t=1712345678901', { client: 'api' }],

  // contact and free text
  ['contact form', 'POST /contact', { form: "name=Mar%C3%ADa+Garc%C3%ADa&email=maria%40example.es&subject=Order+question&message=Hi%2C+my+order+%2312345+hasn%27t+arrived+yet.+Can+you+check%3F+Thanks%21" }],
  ['contact form long message', 'POST /contact', { form: "message=Hello%2C%0D%0A%0D%0AI+bought+a+kettle+last+week+and+it+stopped+working+after+two+days.+I%27ve+tried+another+socket+and+reset+it+as+the+manual+says+(page+4)+but+nothing+happens.+Could+you+send+a+replacement+or+refund+me%3F%0D%0A%0D%0ARegards%2C%0D%0APat+O%27Hara" }],
  ['support ticket with path', 'POST /support', { form: 'message=The+file+is+in+C%3A%5CUsers%5Cpat%5CDownloads+and+won%27t+open' }],
  ['support ticket mentions select', 'POST /support', { form: 'message=When+I+select+a+date+and+drop+the+file+into+the+box%2C+nothing+happens' }],
  ['support ticket with error text', 'POST /support', { form: 'message=It+says+%22Error+500%3A+internal+server+error%22+when+I+click+Pay' }],
  ['comment on blog', 'POST /blog/2024/05/summer-recipes/comments', { form: "author=Ola&email=ola%40example.no&comment=Tried+the+lemon+tart+-+delicious%21+Next+time+I%27ll+use+less+sugar+%3A)" }],
  ['comment with url', 'POST /blog/comments', { form: 'comment=See+also+https%3A%2F%2Fen.wikipedia.org%2Fwiki%2FLemon_tart+for+history' }],
  ['forum post', 'POST /forum/threads/881/reply', { form: "body=%3E+quoted+text%0AI+agree+with+you+-+it%27s+a+%22must-have%22.+5%2F5" }],
  ['survey', 'POST /survey', { form: 'q1=4&q2=yes&q3=Faster+delivery+please&q4=&nps=9' }],
  ['job application', 'POST /jobs/apply', { form: "name=Kwame+Mensah&email=kwame.m%40example.com&phone=%2B44+7700+900123&linkedin=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fkwame-mensah&cover=I%27m+excited+to+apply+for+the+role." }],
  ['booking form', 'POST /book', { form: 'date=2024-08-03&time=19%3A30&guests=4&name=Hiroshi+Tanaka&notes=One+high+chair+please' }],
  ['doctor appointment', 'POST /appointments', { form: 'patient=Fatima+Al-Farsi&dob=12%2F05%2F1985&reason=Annual+check-up&preferred=morning' }],
  ['event registration', 'POST /events/42/register', { form: "attendee=Chlo%C3%A9+L%27Heureux&company=L%27Or%C3%A9al&diet=vegan&tshirt=M" }],
  ['donation', 'POST /donate', { form: 'amount=25.00&currency=EUR&monthly=1&in_memory_of=Grandad+Joe' }],
  ['feedback with emoticons', 'POST /feedback', { form: 'text=Love+it+%3B-)+but+dark+mode+please+%5E_%5E' }],
  ['message with email and phone', 'POST /messages', { form: 'to=43&text=Call+me+on+%2B353+1+234+5678+or+mail+me+at+tom%40example.ie' }],
  ['translation request', 'POST /translate', { form: "text=Je+n%27ai+pas+re%C3%A7u+ma+commande&from=fr&to=en" }],

  // APIs with JSON bodies
  ['REST create order', 'POST /api/v1/orders', { client: 'api', json: { customer_id: 8812, items: [{ sku: 'AB-1234', qty: 2 }, { sku: 'CD-77', qty: 1 }], currency: 'EUR', notes: "Ring the bell, it's the blue door" } }],
  ['REST update profile', 'PUT /api/v1/users/me', { client: 'api', json: { first_name: 'Siobhán', last_name: "O'Neill", email: 'siobhan.oneill@example.ie', phone: '+353 87 123 4567' } }],
  ['REST address', 'POST /api/v1/addresses', { client: 'api', json: { line1: "12 King's Road", line2: 'Flat 3', city: 'London', postcode: 'SW3 4RP', country: 'GB', default: true } }],
  ['REST search', 'POST /api/search', { client: 'api', json: { query: 'red dress', filters: { size: ['S', 'M'], price: { min: 10, max: 80 } }, page: 1, sort: 'relevance' } }],
  ['REST login', 'POST /api/auth/login', { client: 'api', json: { username: 'mary.k', password: 'S3cure!Pass#2024' } }],
  ['REST refresh token', 'POST /api/auth/refresh', { client: 'api', json: { refresh_token: 'def50200a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6' } }],
  ['REST patch', 'PATCH /api/v1/tasks/881', { client: 'api', json: { done: true, completed_at: '2024-05-14T09:30:00Z' } }],
  ['REST comment', 'POST /api/v1/posts/12/comments', { client: 'api', json: { text: "Great article! I'd add that `const` isn't immutable, though.", reply_to: null } }],
  ['REST bulk ids', 'POST /api/v1/items/batch', { client: 'api', json: { ids: [101, 102, 103, 204, 377], fields: ['name', 'price'] } }],
  ['REST event tracking', 'POST /api/collect', { client: 'api', json: { event: 'page_view', url: 'https://shop.example.com/p/42?ref=nav', ts: 1712345678901, screen: '1920x1080', lang: 'en-GB' } }],
  ['REST webhook', 'POST /webhooks/payments', { client: 'api', json: { id: 'evt_1Nq2Rs', type: 'payment_intent.succeeded', data: { object: { amount: 2599, currency: 'eur', customer: 'cus_9s6XKzkNRiz8i3' } } } }],
  ['REST nested settings', 'PUT /api/v1/settings', { client: 'api', json: { notifications: { email: true, push: false }, locale: 'fr-CA', timezone: 'America/Montreal' } }],
  ['REST booking', 'POST /api/bookings', { client: 'api', json: { room: 'Deluxe Double', checkin: '2024-07-14', checkout: '2024-07-18', guests: [{ name: "Liam D'Souza" }, { name: 'Priya Patel' }] } }],
  ['REST geo', 'GET /api/v1/places?lat=40.7128&lon=-74.0060&radius=500&type=cafe', { client: 'api' }],
  ['REST pagination cursor', 'GET /api/v1/messages?cursor=eyJpZCI6MTIzNDV9&limit=50', { client: 'api' }],
  ['REST filter syntax', 'GET /api/v1/products?filter[category]=shoes&filter[price][lte]=100&sort=-created_at', { client: 'api' }],
  ['REST fields', 'GET /api/v1/users/42?fields=id,name,email&include=orders', { client: 'api' }],
  ['REST uuid', 'GET /api/v1/documents/3f2b8c1e-9d4a-4e7b-8c2d-1a2b3c4d5e6f', { client: 'api' }],
  ['REST delete', 'DELETE /api/v1/cart/items/55123', { client: 'api' }],
  ['GraphQL query', 'POST /graphql', { client: 'api', json: { query: 'query Product($id: ID!) { product(id: $id) { name price reviews(first: 5) { rating body } } }', variables: { id: '42' } } }],
  ['GraphQL mutation', 'POST /graphql', { client: 'api', json: { query: 'mutation AddToCart($sku: String!, $qty: Int!) { addToCart(sku: $sku, qty: $qty) { total } }', variables: { sku: 'AB-1234', qty: 2 } } }],
  ['JSON-RPC', 'POST /rpc', { client: 'api', json: { jsonrpc: '2.0', method: 'user.getProfile', params: { id: 42 }, id: 7 } }],
  ['JSON with unicode', 'POST /api/v1/notes', { client: 'api', json: { title: 'Réunion à 14h', body: 'Apporter le café ☕ et les croissants 🥐', tags: ['travail', 'équipe'] } }],
  ['JSON with markdown', 'POST /api/v1/notes', { client: 'api', json: { body: '# Shopping\n- milk\n- eggs (free range)\n- **bread**\n\n[list](https://example.com/list)' } }],
  ['JSON with base64 image', 'POST /api/v1/avatar', { client: 'api', json: { filename: 'me.png', data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==' } }],
  ['JSON mobile app telemetry', 'POST /api/v2/telemetry', { client: 'api', json: { app: 'com.example.shop', version: '5.12.1', os: 'Android 14', device: 'Pixel 8', crash: false } }],
  ['JSON feedback with apostrophes', 'POST /api/feedback', { client: 'api', json: { rating: 2, text: "Delivery was late and the driver didn't ring. Won't order again unless it's fixed." } }],
  ['JSON contact', 'POST /api/contact', { client: 'api', json: { name: 'Björn Ødegård', email: 'bjorn@example.no', message: 'Hei! Do you ship to Norway?' } }],
  ['JSON date range report', 'POST /api/reports', { client: 'api', json: { from: '01/04/2024', to: '30/04/2024', group_by: 'week', metrics: ['revenue', 'orders'] } }],
  ['XML order', 'POST /api/orders.xml', { client: 'api', raw: '<?xml version="1.0" encoding="UTF-8"?><order><id>1001</id><customer>Anne O\'Brien</customer><total currency="EUR">59.90</total></order>', headers: { 'Content-Type': 'application/xml' } }],
  ['SOAP request', 'POST /soap/StockQuote', { client: 'api', raw: '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><GetPrice><Item>Apples</Item></GetPrice></soap:Body></soap:Envelope>', headers: { 'Content-Type': 'application/soap+xml' } }],
  ['plain text body', 'POST /api/v1/notes/raw', { client: 'api', raw: 'Buy milk, eggs & bread.\nCall Mum at 6pm.', headers: { 'Content-Type': 'text/plain' } }],
  ['CSV upload body', 'POST /api/import', { client: 'api', raw: 'name,email,city\n"O\'Brien, Pat",pat@example.ie,Cork\nAnna Schmidt,anna@example.de,Berlin\n', headers: { 'Content-Type': 'text/csv' } }],

  // tokens, ids, dates, misc parameters
  ['JWT in query', `GET /embed?token=${JWT}`],
  ['base64 state', 'GET /sso/return?state=eyJyZXR1cm5fdG8iOiIvYWNjb3VudCJ9&nonce=n-0S6_WzA2Mj'],
  ['base64 with padding', 'GET /download?file=cmVwb3J0LTIwMjQtMDUucGRm&sig=dGhpc2lzYXNpZ25hdHVyZQ%3D%3D'],
  ['signed S3 url params', 'GET /files/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240514%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20240514T093000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024'],
  ['hex hash', 'GET /verify?sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['uuid param', 'GET /invite?id=123e4567-e89b-12d3-a456-426614174000'],
  ['API key param', 'GET /maps/api/js?key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY&libraries=places'],
  ['UTM parameters', 'GET /?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale_2024&utm_content=hero-button'],
  ['Google click id', 'GET /landing?gclid=EAIaIQobChMI8uGk6JqJ8wIVDOJ3Ch2X4gQfEAAYASAAEgK3PPD_BwE'],
  ['Facebook click id', 'GET /?fbclid=IwAR2F4zvX-0tbV8V7zqNn4Ra1bK3dHn5xQo8fS9Kp0YqL1w'],
  ['ISO date', 'GET /calendar?date=2024-02-29'],
  ['date with slashes', 'GET /reports?start=03/01/2024&end=03/31/2024'],
  ['datetime with timezone', 'GET /api/v1/events?since=2024-05-14T09:30:00%2B02:00', { client: 'api' }],
  ['time range', 'GET /availability?day=friday&from=09:00&to=17:30'],
  ['unix timestamp', 'GET /feed?after=1712345678&limit=25'],
  ['phone number', 'GET /lookup?phone=%2B1+(555)+010-9999'],
  ['IBAN', 'POST /payouts', { form: 'iban=DE89+3704+0044+0532+0130+00&bic=COBADEFFXXX&holder=J%C3%BCrgen+M%C3%BCller' }],
  ['credit card last four', 'GET /account/cards?last4=4242&brand=visa'],
  ['coordinates', 'GET /weather?q=48.8566,2.3522&units=metric'],
  ['color hex', 'GET /customise?color=%23ff8800&font=Open+Sans'],
  ['version string', 'GET /download?product=app&version=5.12.1-beta.2&os=macos'],
  ['file name param', 'GET /download?file=invoice_2024-05.pdf'],
  ['image resize', 'GET /img/products/881.jpg?w=640&h=480&fit=crop&q=80'],
  ['static asset with hash', 'GET /static/js/main.8f3a2b1c.chunk.js'],
  ['font file', 'GET /fonts/Inter-Regular.woff2?v=3.19'],
  ['favicon', 'GET /favicon.ico'],
  ['robots', 'GET /robots.txt'],
  ['sitemap', 'GET /sitemap.xml'],
  ['health check', 'GET /healthz', { client: 'curl' }],
  ['well-known', 'GET /.well-known/openid-configuration', { client: 'curl' }],
  ['RSS feed', 'GET /feed.xml?flav=rss20'],
  ['blog archive', 'GET /blog/2023/12/'],
  ['blog post slug with apostrophe', "GET /blog/what-we-learned-from-o'reilly-conf"],
  ['wiki page', 'GET /wiki/Caf%C3%A9_au_lait'],
  ['wiki page parentheses', 'GET /wiki/Mercury_(planet)'],
  ['map tiles', 'GET /tiles/14/8185/5448.png'],
  ['video embed', 'GET /embed/video?v=dQw4w9WgXcQ&t=42s&autoplay=0'],
  ['pagination offset', 'GET /api/v1/comments?offset=40&limit=20', { client: 'api' }],
  ['array params', 'GET /search?tags[]=summer&tags[]=linen&tags[]=sale'],
  ['nested form params', 'POST /account/settings', { form: 'user[name]=Ana+Lima&user[email]=ana%40example.br&user[prefs][lang]=pt-BR' }],
  ['boolean params', 'GET /list?in_stock=true&on_sale=false&show_all=1'],
  ['empty params', 'GET /search?q=&page=1&filter='],
  ['repeated params', 'GET /filter?color=red&color=blue&color=green'],
  ['redirect param same site', 'GET /go?url=%2Fpromo%2Fsummer'],
  ['return url full', 'GET /auth/login?returnUrl=https%3A%2F%2Fshop.example.com%2Fcheckout%3Fstep%3D2'],
  ['math expression in calculator', 'GET /calc?expr=(3%2B4)*2%2F7'],
  ['unit conversion', 'GET /convert?from=5+ft+10+in&to=cm'],
  ['percent discount', 'GET /deals?discount=30%25&category=garden'],
  ['scientific notation', 'GET /api/v1/measure?value=6.022e23&unit=mol', { client: 'api' }],
  ['negative numbers', 'GET /chart?min=-40&max=40&step=0.5'],
  ['semicolon separated', 'GET /dir?C=M;O=D'],
  ['long free text search', "GET /search?q=best+waterproof+hiking+boots+for+wide+feet+that+don%27t+hurt+on+long+walks+in+the+Scottish+Highlands+in+winter"],

  // realistic headers and cookies
  ['logged-in page with cookies', 'GET /account', { cookies: SESSION }],
  ['cart with cart cookie', 'GET /cart', { cookies: { ...SESSION, cart: '%7B%22items%22%3A3%7D', currency: 'EUR' } }],
  ['consent cookie base64', 'GET /', { cookies: { consent: 'eyJuZWNlc3NhcnkiOnRydWUsImFuYWx5dGljcyI6ZmFsc2V9', lang: 'en' } }],
  ['optanon consent cookie', 'GET /', { cookies: { OptanonConsent: 'isGpcEnabled=0&datestamp=Tue+May+14+2024+09%3A30%3A00+GMT%2B0100&version=202401.1.0&groups=C0001%3A1%2CC0002%3A0' } }],
  ['Rails session cookie', 'GET /dashboard', { cookies: { _app_session: 'Zm9vYmFyYmF6cXV4--3a7bd3e2360a3d29eea436fcfb7e44c735d117c4' } }],
  ['JWT cookie', 'GET /api/v1/me', { client: 'api', cookies: { access_token: JWT } }],
  ['Google Analytics cookies', 'GET /blog', { cookies: { _ga: 'GA1.1.987654321.1712345678', _ga_ABC123: 'GS1.1.1712345678.3.1.1712345999.0.0.0', _gid: 'GA1.2.111222333.1712345678' } }],
  ['Cloudflare cookie', 'GET /', { cookies: { __cf_bm: 'kZt9yqF3bQ.xQ0-1712345678-1.0.1.1-5fG8hJ2kL4mN6pQ8rS0tU2vW4xY6zA8bC0dE2fG4hI6jK8lM0nO2pQ4rS6tU8vW0' } }],
  ['preferences cookie with json', 'GET /', { cookies: { prefs: '{"theme":"dark","fontSize":14}' } }],
  ['recently viewed cookie', 'GET /', { cookies: { recently_viewed: '101|204|377|881' } }],
  ['Referer from Google', 'GET /p/42', { headers: { Referer: 'https://www.google.com/search?q=blue+running+shoes&oq=blue+run&sourceid=chrome&ie=UTF-8' } }],
  ['Referer with apostrophe search', 'GET /p/42', { headers: { Referer: "https://www.bing.com/search?q=children's+raincoat&form=QBLH" } }],
  ['X-Forwarded-For chain', 'GET /', { headers: { 'X-Forwarded-For': '203.0.113.7, 198.51.100.23', 'X-Forwarded-Proto': 'https' } }],
  ['X-Requested-With', 'GET /api/cart/count', { headers: { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json, text/javascript, */*; q=0.01' } }],
  ['CSRF token header', 'POST /account/profile', { form: 'display_name=Tom', headers: { 'X-CSRF-Token': 'i8XNjC4b8KVok4uw5RftR38Wgp2BFwql' } }],
  ['If-None-Match', 'GET /static/app.css', { headers: { 'If-None-Match': 'W/"5e-18f3a2b1c00"', 'If-Modified-Since': 'Tue, 14 May 2024 09:30:00 GMT' } }],
  ['Range request', 'GET /videos/intro.mp4', { headers: { Range: 'bytes=0-1048575' } }],
  ['Origin CORS', 'OPTIONS /api/v1/orders', { client: 'api', headers: { Origin: 'https://shop.example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,authorization' } }],
  ['Firefox headers', 'GET /', { headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0', Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', DNT: '1' } }],
  ['Safari macOS', 'GET /', { headers: { 'User-Agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15' } }],
  ['Edge', 'GET /', { headers: { 'User-Agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51' } }],
  ['Android Chrome', 'GET /', { headers: { 'User-Agent': 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36' } }],
  ['Googlebot', 'GET /products/42', { headers: { 'User-Agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' } }],
  ['Facebook crawler', 'GET /blog/post-1', { headers: { 'User-Agent': 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)' } }],
  ['python requests', 'GET /api/v1/status', { client: 'api', headers: { 'User-Agent': 'python-requests/2.31.0' } }],
  ['Postman', 'GET /api/v1/status', { client: 'api', headers: { 'User-Agent': 'PostmanRuntime/7.37.3', 'Postman-Token': '9c8b7a6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d' } }],
  ['wget', 'GET /downloads/setup.exe', { client: 'curl', headers: { 'User-Agent': 'Wget/1.21.4' } }],
  ['Go client', 'GET /api/v1/health', { client: 'api', headers: { 'User-Agent': 'Go-http-client/2.0' } }],
  ['Basic auth header', 'GET /admin/reports', { client: 'curl', headers: { Authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' } }],
  ['API key header', 'GET /api/v1/products', { client: 'api', headers: { 'X-Api-Key': 'sk_live_51HqLyjWDarjtT1zdp7dcXw9rN4T', 'X-Api-Version': '2024-04-10' } }],
  ['tracing headers', 'GET /api/v1/orders', { client: 'api', headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'X-Request-Id': 'f058ebd6-02f7-4d3f-942e-904344e8cde5' } }],
  ['Content-Type with charset', 'POST /api/v1/notes', { client: 'api', json: { text: 'hello' }, headers: { 'Content-Type': 'application/json; charset=utf-8' } }],
  ['multipart-like content type', 'POST /upload', { headers: { 'Content-Type': 'multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW' }, form: 'title=Holiday+photos' }],
  ['Accept-Language many', 'GET /', { headers: { 'Accept-Language': 'de-CH,de;q=0.9,fr-CH;q=0.8,fr;q=0.7,it;q=0.6,en-US;q=0.5,en;q=0.4' } }],
  ['Cache-Control', 'GET /news', { headers: { 'Cache-Control': 'no-cache', Pragma: 'no-cache' } }],
  ['Sec-Fetch headers', 'GET /', { headers: { 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-User': '?1', 'Upgrade-Insecure-Requests': '1' } }],
  ['Sec-CH-UA platform', 'GET /', { headers: { 'Sec-Ch-Ua-Platform': '"Windows"', 'Sec-Ch-Ua-Mobile': '?0' } }],
  ['Forwarded header', 'GET /', { headers: { Forwarded: 'for=192.0.2.60;proto=https;by=203.0.113.43' } }],
  ['Via header', 'GET /', { headers: { Via: '1.1 varnish (Varnish/7.4), 1.1 vegur' } }],
  ['mobile with app cookie', 'GET /m/home', { client: 'mobile', cookies: { app_ver: '5.12.1', device_id: 'A1B2C3D4-E5F6-7890-ABCD-EF1234567890' } }],
  ['Referer with path params', 'GET /p/881', { headers: { Referer: 'https://shop.example.com/c/shoes?color=blue&size=10&sort=price' } }],
  ['Referer from social', 'GET /blog/post-1', { headers: { Referer: 'https://t.co/AbCdEf123' } }],
  ['Referer from email client', 'GET /promo', { headers: { Referer: 'https://mail.google.com/' } }],

  // more names, emails and addresses in GETs
  ['name O\'Brien alone', "GET /?name=O'Brien"],
  ['name with encoded apostrophe', 'GET /customers?last_name=O%27Neill&first_name=Aoife'],
  ['name D\'Angelo', "GET /staff?name=D'Angelo"],
  ['name N\'Diaye', "GET /players?q=N'Golo+Kant%C3%A9"],
  ['name with typographic apostrophe', 'GET /authors?name=O%E2%80%99Connor'],
  ['name Dell\'Acqua', "GET /search?q=Dell'Acqua+Bianca"],
  ['Irish name fada', 'GET /people?name=%C3%93+Ceallaigh'],
  ['email param', 'GET /unsubscribe?email=j.doe%2Bnews%40example.co.uk&list=weekly'],
  ['email with apostrophe', "GET /invite?email=o'hara.pat%40example.com"],
  ['email with dash domain', 'GET /lookup?email=ann%40uni-example.edu'],
  ['address with comma and hash', 'GET /geocode?address=221B+Baker+Street%2C+London+NW1+6XE'],
  ['address with unit', 'GET /geocode?address=Apt+%234%2C+350+5th+Ave%2C+New+York%2C+NY+10118'],
  ['address French', 'GET /geocode?adresse=8+Rue+de+l%27Universit%C3%A9%2C+75007+Paris'],
  ['address German', 'GET /geocode?adresse=Stra%C3%9Fe+des+17.+Juni+135%2C+10623+Berlin'],
  ['address Japanese', 'GET /geocode?address=%E6%9D%B1%E4%BA%AC%E9%83%BD%E6%B8%8B%E8%B0%B7%E5%8C%BA'],
  ['postcode only', 'GET /delivery?postcode=EH1+1YZ'],
  ['company with ampersand', "GET /suppliers?name=Johnson+%26+Johnson"],
  ['company with apostrophe', "GET /brands?q=McDonald's"],
  ['company with dot com', 'GET /partners?q=Booking.com'],
  ['title with colon and quotes', 'GET /movies?title=Dr.+Strangelove+or%3A+How+I+Learned+to+Stop+Worrying'],
  ['song title with apostrophe', "GET /music?q=Don't+Stop+Me+Now"],
  ['book title with semicolon', 'GET /books?title=Eats%2C+Shoots+%26+Leaves%3B+the+zero+tolerance+approach'],
];

/** Parses a row into the request the Lua client would send (contract v2). */
export function everydayRequest([, line, extras = {}]: Row): MlRequest {
  const [method, target] = line.split(' ', 2);
  const [rawPath, query = ''] = target.split(/\?(.*)/s, 2);
  const args: Array<[string, string]> = formPairs(query);
  let body: string | undefined;
  if (extras.form !== undefined) args.push(...formPairs(extras.form));
  if (extras.json !== undefined) {
    body = JSON.stringify(extras.json);
    flattenJson(extras.json, 'json', args);
  }
  if (extras.raw !== undefined) body = extras.raw;
  const headers = { ...CLIENT_HEADERS[extras.client ?? 'browser'], ...extras.headers };
  if (extras.json !== undefined && headers['Content-Type'] === undefined) headers['Content-Type'] = 'application/json';
  if (extras.form !== undefined && headers['Content-Type'] === undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  const cookies = extras.cookies ?? {};
  if (Object.keys(cookies).length > 0) headers.Cookie = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');
  return {
    method,
    path: decodeURIComponent(rawPath),
    args,
    files: [],
    sizes: [],
    hour: 12,
    day: 15,
    version: 2,
    ...(body === undefined ? {} : { body }),
    headers: Object.entries(headers).map(([k, v]) => [`REQUEST_HEADERS:${k}`, v] as const),
    cookies: Object.entries(cookies).map(([k, v]) => [`REQUEST_COOKIES:${k}`, v] as const),
  };
}

function formPairs(text: string): Array<[string, string]> {
  if (text === '') return [];
  return text.split('&').map((part) => {
    const [name, value = ''] = part.split(/=(.*)/s, 2);
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    return [`ARGS:${decode(name)}`, decode(value)];
  });
}

function flattenJson(value: unknown, prefix: string, out: Array<[string, string]>): void {
  if (Array.isArray(value)) value.forEach((v, i) => flattenJson(v, `${prefix}.${i}`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) flattenJson(v, `${prefix}.${k}`, out);
  else out.push([`ARGS:${prefix}`, value === null ? '' : String(value)]);
}

// The dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core,
// against a `canarytrap serve` started here with real hits made by curl, dig and swaks.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { Scratch, screenshots, waitFor } from './harness.mjs';

let ct;
let browser;
let httpCanary;
let smtpCanary;
let dnsCanary;
const xssRequests = [];

before(async () => {
  mkdirSync(screenshots, { recursive: true });
  ct = await new Scratch().start();
  // Minted through the API, which tells the listeners at once.
  const mint = async (body) => (await ct.api('POST', '/canaries', { body })).json.items[0];
  httpCanary = await mint({ kind: 'http', copy: 'prod-db', memo: 'users table avatars' });
  smtpCanary = await mint({ kind: 'smtp', copy: 'prod-db' });
  dnsCanary = await mint({ kind: 'dns', copy: 'backup-2026' });
  // A partner export with planted fake people: the copies page shows their placements.
  const people = path.join(ct.dir, 'partner-export.csv');
  writeFileSync(people, (await ct.ct(['fake', '--locale', 'en_US', '--count', '20', '--format', 'csv', '--seed', '7'])).stdout);
  await ct.ct(['plant', '--target', `file:${people}`, '--copy', 'vendor-export', '--count', '3']);
  const payloadUrl = `http://127.0.0.1:${ct.ports.xss}/ua.png`;
  // Attacker-controlled text that would run if it were ever treated as HTML.
  ct.xssUserAgent = `<script>alert('ua')</script><img src=${payloadUrl} onerror=alert(1)>`;
  ct.xssSubject = `<img src=http://127.0.0.1:${ct.ports.xss}/subject.png onerror=alert(2)>`;
  await ct.curlTrigger(httpCanary.value, ct.xssUserAgent);
  await ct.mail(smtpCanary.value, ct.xssSubject);
  await ct.dig(dnsCanary.value);
  await waitFor('two incidents', async () => (await ct.api('GET', '/incidents')).json.items.length === 2);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (ct) await ct.stop();
});

// A page that records dialogs and any request to the payload port.
async function newPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.dialogs = [];
  page.on('dialog', async (d) => { page.dialogs.push(d.message()); await d.dismiss(); });
  page.on('request', (r) => { if (r.url().includes(`:${ct.ports.xss}`)) xssRequests.push(r.url()); });
  page.on('pageerror', (e) => { page.errors = (page.errors || []).concat(String(e)); });
  return page;
}

async function login(page, key) {
  await page.goto(`${ct.admin}/`);
  await page.fill('#login-key', key);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#nav:not([hidden])');
}

const shot = (page, name) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });

test('logging in with an admin key shows the seeded incidents, newest first', async () => {
  const page = await newPage();
  await page.goto(`${ct.admin}/`);
  // The login form is shown once the page has asked for a session and has none: waited for,
  // not checked at once (the check raced that request).
  await page.waitForSelector('#login', { state: 'visible' });
  await page.fill('#login-key', 'ctk_not_a_key');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#login-error:has-text("unknown or revoked key")');
  await page.fill('#login-key', ct.adminKey);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('.incident-link');
  const copies = await page.$$eval('tbody tr td:nth-child(2)', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(copies.sort(), ['backup-2026', 'prod-db']);
  assert.equal(await page.textContent('#badge-incidents'), '2');
  assert.match(await page.textContent('#who-name'), /analyst \(admin\)/);
  // Times in the viewer's zone, the exact UTC time on hover.
  const title = await page.getAttribute('tbody time', 'title');
  assert.match(title, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \(UTC\)$/);
  // The session cookie is HttpOnly and strict: scripts cannot read it.
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'ct_session');
  assert.ok(session && session.httpOnly && session.sameSite === 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '');
  await shot(page, 'incidents');
  await page.context().close();
});

test('an incident shows its evidence; attacker text is shown as text and runs nothing', async () => {
  const page = await newPage();
  await login(page, ct.adminKey);
  await page.click('tr:has-text("prod-db") .incident-link');
  await page.waitForSelector('h1:has-text("prod-db")');
  const body = await page.textContent('main');
  assert.ok(body.includes(ct.xssUserAgent), 'the user agent appears verbatim');
  assert.ok(body.includes(ct.xssSubject), 'the mail subject appears verbatim');
  assert.ok(body.includes(httpCanary.value.slice(0, 50)));
  assert.equal(await page.locator('main img').count(), 0, 'no <img> was created from the payloads');
  assert.equal(await page.locator('main script').count(), 0);
  await page.waitForTimeout(500);
  assert.deepEqual(page.dialogs, [], 'no alert() ran');
  assert.deepEqual(xssRequests, [], 'nothing fetched the payload URLs');
  assert.equal(page.errors, undefined);
  await shot(page, 'incident-detail');

  // Acknowledge, then close: the state follows and the list shows it.
  await page.click('#incident-acknowledge');
  await page.waitForSelector('.facts .pill:has-text("acknowledged")');
  await page.click('#incident-close');
  await page.waitForSelector('.facts .pill:has-text("closed")');
  const incidents = (await ct.api('GET', '/incidents?state=closed')).json.items;
  assert.deepEqual(incidents.map((i) => i.copy), ['prod-db']);
  await page.context().close();
});

test('hits: the timeline is drawn and the table filters by channel', async () => {
  const page = await newPage();
  await login(page, ct.adminKey);
  await page.goto(`${ct.admin}/#/hits`);
  await page.waitForSelector('#hits-chart svg rect.bar');
  const channels = async () => page.$$eval('#hits-results tbody tr td:nth-child(2)', (tds) => tds.map((t) => t.textContent));
  await page.waitForSelector('#hits-results tbody tr');
  assert.ok((await channels()).includes('dns') && (await channels()).includes('smtp'));
  await page.selectOption('#hits-filter select[name=channel]', 'smtp');
  await page.click('#hits-filter button[type=submit]');
  await waitFor('only smtp rows', async () => {
    const c = await channels();
    return c.length > 0 && c.every((x) => x === 'smtp');
  });
  await page.selectOption('#hits-filter select[name=copy]', 'backup-2026');
  await page.click('#hits-filter button[type=submit]');
  await page.waitForSelector('#hits-results .empty');
  await shot(page, 'hits');
  await page.context().close();
});

test('mint a canary from the form; it is registered and resolves at once', async () => {
  const page = await newPage();
  await login(page, ct.adminKey);
  await page.goto(`${ct.admin}/#/mint`);
  await page.selectOption('#mint-kind', 'dns');
  await page.fill('#mint-copy', 'vendor-acme-export');
  await page.fill('#mint-memo', 'sent to ACME on Tuesday');
  await page.fill('#mint-count', '2');
  await page.click('#mint-form button[type=submit]');
  await page.waitForSelector('#mint-result tbody tr');
  const values = await page.$$eval('#mint-result tbody tr td:nth-child(4)', (tds) => tds.map((t) => t.textContent));
  assert.equal(values.length, 2);
  for (const v of values) assert.match(v, /^[a-z0-9]{16,}\.canary\.example\.net$/);
  const listed = (await ct.api('GET', '/canaries?copy=vendor-acme-export')).json.items.map((c) => c.value);
  assert.deepEqual(listed.sort(), values.sort());
  // The listeners were told: the new name is answered and recorded without a restart.
  const dig = await ct.dig(values[0]);
  assert.match(dig.stdout, /status: NOERROR/);
  await waitFor('the hit on the new canary', async () =>
    (await ct.api('GET', '/hits?copy=vendor-acme-export')).json.items.length > 0, 5000);
  await shot(page, 'mint');
  await page.goto(`${ct.admin}/#/copies`);
  await page.click('button[data-copy="vendor-acme-export"]');
  await page.waitForSelector('#copy-canaries h2:has-text("vendor-acme-export")');
  assert.equal(await page.locator('#copy-canaries tbody tr').count(), 2);
  await shot(page, 'copies');
  await page.context().close();
});

test('a slow page does not replace the page the user moved to meanwhile', async () => {
  const page = await newPage();
  // The incidents list (shown at login) and the summary answer late, as on a slow link: the
  // user has already opened the mint form and is typing when they arrive.
  let releaseSlow;
  const slowGate = new Promise((resolve) => { releaseSlow = resolve; });
  let held = 0;
  let answered = 0;
  const slowApi = /\/api\/v1\/(incidents|summary)(\?|$)/;
  await page.route(slowApi, async (route) => {
    held += 1;
    await slowGate;
    await route.continue();
  });
  page.on('requestfinished', (r) => { if (slowApi.test(r.url())) answered += 1; });
  await login(page, ct.adminKey);
  await page.goto(`${ct.admin}/#/mint`);
  await page.fill('#mint-copy', 'typed-while-loading');
  await waitFor('a request held back', async () => held > 0, 5000);
  releaseSlow();
  await waitFor('the held requests answered', async () => answered >= held, 5000);
  await page.unroute(slowApi);
  // Let the late page finish whatever it would do with the answer.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
  assert.equal(await page.textContent('#page h1'), 'Mint canaries');
  assert.equal(await page.inputValue('#mint-copy'), 'typed-while-loading');
  await page.context().close();
});

test('upload a leaked file and read its attribution', async () => {
  const dump = path.join(ct.dir, 'leak-sample.csv');
  writeFileSync(dump, `id,email,avatar\n1,alice@example.org,https://cdn.example.org/a.png\n2,${smtpCanary.value.toUpperCase()},${httpCanary.value}\n3,bob@example.org,\n`);
  const page = await newPage();
  await login(page, ct.adminKey);
  await page.goto(`${ct.admin}/#/scan`);
  await page.setInputFiles('#scan-file', dump);
  await page.check('#scan-record');
  await page.click('#scan-form button[type=submit]');
  await page.waitForSelector('#scan-verdict');
  assert.equal((await page.textContent('#scan-copy')).trim(), 'prod-db');
  assert.match(await page.textContent('#scan-verdict'), /prod-db/);
  assert.match(await page.textContent('.scan-file h2'), /leak-sample\.csv/);
  await shot(page, 'scan');
  // --record: the scan hits are there, attributed to the file by name.
  const scanHits = (await ct.api('GET', '/hits?channel=scan')).json.items;
  assert.equal(scanHits.length, 2);
  assert.ok(scanHits.every((h) => h.source === 'leak-sample.csv'));
  // The incident they belong to shows the theft window the scan worked out.
  const open = (await ct.api('GET', '/incidents?state=open')).json.items.find((i) => i.copy === 'prod-db');
  await page.goto(`${ct.admin}/#/incidents/${open.id}`);
  await page.waitForSelector('#theft-window time');
  assert.match(await page.textContent('#theft-window'), /^taken after .+ and before now$/);
  await page.context().close();
});

test('a failed alert is shown with its error and delivered after a retry', async () => {
  // The receiver answered 400 to every attempt: after three, the alerts failed.
  await waitFor('failed alerts', async () => (await ct.api('GET', '/alerts?state=failed')).json.items.length >= 2, 20000);
  writeFileSync(path.join(ct.dir, 'hook.mode'), 'ok\n');
  const page = await newPage();
  await login(page, ct.adminKey);
  await page.goto(`${ct.admin}/#/alerts`);
  await page.waitForSelector('td:has-text("soc")');
  assert.match(await page.textContent('main'), /HTTP 400/);
  // Failed deliveries make the destination's health anything but ok (failing while the
  // latest alert is not getting through, degraded once it is).
  const health = (await page.textContent('tr:has-text("soc") td:nth-child(4)')).trim();
  assert.ok(['failing', 'degraded'].includes(health), health);
  await shot(page, 'alerts');
  const failed = (await ct.api('GET', '/alerts?state=failed')).json.items;
  const first = failed[failed.length - 1].id;
  await page.click(`button[data-retry="${first}"]`);
  await page.waitForSelector('#status:has-text("queued again")');
  await waitFor('the retried alert delivered', async () => {
    const a = (await ct.api('GET', '/alerts?state=delivered')).json.items;
    return a.some((x) => x.id === first);
  }, 15000);
  await page.reload();
  await page.waitForSelector(`tr:has-text("${first}") .pill.ok`);
  // The test button reaches the receiver too.
  await page.click('button[data-test="soc"]');
  await page.waitForSelector('#status:has-text("Test alert delivered to soc")');
  await page.context().close();
});

test('a viewer key reads but cannot change anything', async () => {
  const page = await newPage();
  await login(page, ct.viewerKey);
  await page.goto(`${ct.admin}/#/mint`);
  await page.waitForSelector('text=needs an admin key');
  await page.goto(`${ct.admin}/#/alerts`);
  await page.waitForSelector('td:has-text("soc")');
  assert.equal(await page.isVisible('button[data-test="soc"]'), false);
  // Even with a forged request from the page itself, the server refuses.
  const status = await page.evaluate(async () => {
    const me = await (await fetch('/api/v1/me')).json();
    const r = await fetch('/api/v1/canaries', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token }, body: '{"kind":"dns"}' });
    return r.status;
  });
  assert.equal(status, 403);
  await page.context().close();
});

test('a cookie without the CSRF token cannot mutate; logging out ends the session', async () => {
  const page = await newPage();
  await login(page, ct.adminKey);
  const status = await page.evaluate(async () => (await fetch('/api/v1/canaries', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"kind":"dns"}',
  })).status);
  assert.equal(status, 403);
  await page.click('#logout');
  await page.waitForSelector('#login:not([hidden])');
  const after = await page.evaluate(async () => (await fetch('/api/v1/summary')).status);
  assert.equal(after, 401);
  await page.context().close();
});

test('copies list their canaries with where they were planted', async () => {
  const page = await newPage();
  await login(page, ct.adminKey);
  await page.goto(`${ct.admin}/#/copies`);
  await page.click('button[data-copy="vendor-export"]');
  await page.waitForSelector('#copy-canaries h2:has-text("vendor-export")');
  const rows = page.locator('#copy-canaries tbody tr');
  assert.equal(await rows.count(), 3);
  for (let i = 0; i < 3; i++) assert.match(await rows.nth(i).textContent(), /partner-export\.csv · row \d+/);
  await shot(page, 'copies-placements');
  await page.context().close();
});

test('a new incident appears on the open page without a reload', async () => {
  const page = await newPage();
  await login(page, ct.adminKey);
  await page.goto(`${ct.admin}/#/incidents`);
  await page.waitForSelector('.incident-link');
  const live = (await ct.api('POST', '/canaries', { body: { kind: 'dns', copy: 'live-copy' } })).json.items[0];
  await ct.dig(live.value);
  // The page polls every 5 s and re-renders when the registry changed.
  await page.waitForSelector('tr:has-text("live-copy")', { timeout: 12000 });
  await page.context().close();
});

test('works at phone width', async () => {
  const page = await newPage({ width: 390, height: 844 });
  await login(page, ct.adminKey);
  await page.goto(`${ct.admin}/#/incidents`);
  await page.selectOption('#incident-state', 'all');
  await page.waitForSelector('.incident-link');
  // Nothing but the tables' own scroll boxes is wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the viewport`);
  await shot(page, 'incidents-phone');
  await page.goto(`${ct.admin}/#/hits`);
  await page.waitForSelector('#hits-chart svg');
  await shot(page, 'hits-phone');
  await page.context().close();
});

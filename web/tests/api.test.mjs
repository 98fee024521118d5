// The admin API without a browser: authentication, roles, the public listeners' silence on
// /api/, the OpenAPI document (valid, and every operation in it answered by the server),
// and the limit on failed logins (last: it locks this address out).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Scratch, repo } from './harness.mjs';

let ct;
before(async () => { ct = await new Scratch().start(); });
after(async () => { if (ct) await ct.stop(); });

test('every API route but the login and the document needs a key', async () => {
  for (const p of ['/me', '/summary', '/copies', '/canaries', '/hits', '/incidents', '/alerts', '/alerts/destinations', '/stats/hits', '/placements']) {
    const r = await ct.api('GET', p, { key: null });
    assert.equal(r.status, 401, p);
    assert.equal(r.json.error.code, 'unauthorized');
    assert.match(r.headers.get('www-authenticate'), /^Bearer/);
  }
  assert.equal((await ct.api('GET', '/summary', { key: 'ctk_wrong' })).status, 401);
  assert.equal((await ct.api('GET', '/summary')).status, 200);
  assert.equal((await ct.api('GET', '/summary', { key: ct.viewerKey })).status, 200);
});

test('viewer keys cannot mutate; admin keys can', async () => {
  const mutations = [['POST', '/canaries', { kind: 'dns' }], ['POST', '/incidents/1/acknowledge'], ['POST', '/incidents/1/close'],
    ['POST', '/alerts/alrt_x/retry'], ['POST', '/alerts/destinations/soc/test'], ['POST', '/scan', { path: '/etc/hostname' }]];
  for (const [m, p, body] of mutations) {
    const r = await ct.api(m, p, { key: ct.viewerKey, body });
    assert.equal(r.status, 403, `${m} ${p}`);
  }
  const minted = await ct.api('POST', '/canaries', { body: { kind: 'smtp', copy: 'api-test', count: 3 } });
  assert.equal(minted.status, 201);
  assert.equal(minted.json.items.length, 3);
  const bad = await ct.api('POST', '/canaries', { body: { kind: 'nope' } });
  assert.equal(bad.status, 400);
  assert.equal((await ct.api('POST', '/canaries', { body: { kind: 'dns', count: 100000 } })).status, 400);
  assert.equal((await ct.api('GET', '/hits?since=yesterday-ish')).status, 400);
  assert.equal((await ct.api('GET', '/incidents/999')).status, 404);
  assert.equal((await ct.api('GET', '/nope')).status, 404);
  assert.equal((await ct.api('PUT', '/copies')).status, 405);
});

test('paging follows next_cursor to the end without repeats', async () => {
  await ct.api('POST', '/canaries', { body: { kind: 'dns', copy: 'paging', count: 25 } });
  const seen = [];
  let cursor = '';
  for (let i = 0; i < 10; i++) {
    const r = await ct.api('GET', `/canaries?copy=paging&limit=10${cursor ? `&cursor=${cursor}` : ''}`);
    seen.push(...r.json.items.map((c) => c.id));
    cursor = r.json.next_cursor;
    if (!cursor) break;
  }
  assert.equal(seen.length, 25);
  assert.equal(new Set(seen).size, 25);
});

test('the public listeners answer nothing under /api/, whatever the Host', async () => {
  for (const host of ['localhost', `127.0.0.1:${ct.ports.admin}`, 'canary.example.net']) {
    for (const p of ['/api/v1/summary', '/api/v1/openapi.json', '/api/', '/api']) {
      const res = await fetch(`http://127.0.0.1:${ct.ports.http}${p}`, { headers: { Host: host, Authorization: `Bearer ${ct.adminKey}` } });
      assert.equal(res.status, 404, `${host} ${p}`);
      assert.equal(await res.text(), '');
    }
  }
});

test('the OpenAPI document is valid and the server answers every operation in it', async () => {
  const doc = JSON.parse(readFileSync(path.join(repo, 'web', 'openapi.json'), 'utf8'));
  const served = await ct.api('GET', '/openapi.json', { key: null });
  assert.equal(served.status, 200);
  assert.deepEqual(served.json, doc);
  const validator = new Validator();
  const result = await validator.validate(doc);
  assert.equal(result.valid, true, JSON.stringify(result.errors));
  let operations = 0;
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      operations += 1;
      const concrete = p.replace('/api/v1', '').replace('{id}', '1').replace('{name}', 'soc');
      const r = await ct.api(method.toUpperCase(), concrete, { key: null, body: method === 'get' ? undefined : {} });
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      if (isPublic) assert.notEqual(r.status, 404, `${method} ${p}`);
      else assert.equal(r.status, 401, `${method} ${p}: a documented route that needs a key`);
    }
  }
  // And the other way round: the server's routes (src/admin/api.cpp) are all documented.
  const source = readFileSync(path.join(repo, 'src', 'admin', 'api.cpp'), 'utf8');
  const routes = [...source.matchAll(/\{"(GET|POST|DELETE)", "(\/api\/v1\/[^"]*)", Access::/g)].map((m) => `${m[1].toLowerCase()} ${m[2]}`);
  assert.equal(routes.length, operations);
  for (const r of routes) {
    const [m, p] = r.split(' ');
    assert.ok(doc.paths[p] && doc.paths[p][m], `${r} is served but not documented`);
  }
});

test('the dashboard is served with a strict Content-Security-Policy', async () => {
  const res = await fetch(`${ct.admin}/`);
  assert.equal(res.status, 200);
  const csp = res.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  const html = await res.text();
  assert.doesNotMatch(html, /<script>(?!<\/script>)/, 'no inline script');
  for (const p of ['/tests/api.test.mjs', '/package.json', '/../canarytrap.toml', '/%2e%2e/README.md', '/.hidden']) {
    assert.equal((await fetch(`${ct.admin}${p}`)).status, 404, p);
  }
});

// One raw exchange on a fresh connection: what the server answers to bytes no client
// library would send.
function raw(port, bytes) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => { got += d.toString('latin1'); });
    s.on('end', () => resolve(got));
    s.on('error', () => resolve(got));
    s.write(bytes);
    setTimeout(() => { s.destroy(); resolve(got); }, 5000);
  });
}

test('bad requests and oversized bodies get a clear status, and the server carries on', async () => {
  const port = ct.ports.admin;
  assert.match(await raw(port, 'NONSENSE\r\n\r\n'), /^HTTP\/1\.1 400/);
  assert.match(await raw(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`), /^HTTP\/1\.1 400/);
  const big = 'x'.repeat(2 * 1024 * 1024);
  // JSON bodies: 1 MiB at most.
  const json = await fetch(`${ct.admin}/api/v1/canaries`, { method: 'POST', headers: { Authorization: `Bearer ${ct.adminKey}`, 'Content-Type': 'application/json' }, body: `{"memo":"${big}"}` });
  assert.equal(json.status, 413);
  // Uploads: up to admin.upload_limit_mib (1 MiB here); checked before the body is read.
  const upload = (key) => fetch(`${ct.admin}/api/v1/scan?name=big.csv`, { method: 'POST', headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), 'Content-Type': 'application/octet-stream' }, body: big });
  assert.equal((await upload(ct.adminKey)).status, 413);
  assert.equal((await upload(ct.viewerKey)).status, 403);
  assert.equal((await upload(null)).status, 401);
  const small = await fetch(`${ct.admin}/api/v1/scan?name=small.csv`, { method: 'POST', headers: { Authorization: `Bearer ${ct.adminKey}`, 'Content-Type': 'application/octet-stream' }, body: 'id,email\n1,nobody@example.org\n' });
  assert.equal(small.status, 200);
  const report = await small.json();
  assert.equal(report.schema, 'canarytrap.scan.v1');
  assert.equal(report.files[0].path, 'small.csv');
  assert.equal(report.files[0].canaries_found, 0);
  // A file already on the server, named by its path.
  const canary = (await ct.api('POST', '/canaries', { body: { kind: 'smtp', copy: 'server-side' } })).json.items[0];
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${ct.dir}/export.jsonl`, `{"email":"${canary.value.toUpperCase()}"}\n{"email":"someone@example.org"}\n`);
  const onServer = await ct.api('POST', '/scan', { body: { path: `${ct.dir}/export.jsonl` } });
  assert.equal(onServer.status, 200);
  assert.equal(onServer.json.files[0].canaries_found, 1);
  assert.equal(onServer.json.files[0].copy, 'server-side');
  assert.equal((await ct.api('POST', '/scan', { body: { path: 'relative/file' } })).status, 400);
  assert.equal((await ct.api('POST', '/scan', { body: { path: '/no/such/file' } })).status, 404);
  // Nothing is left behind in the upload folder.
  const { readdirSync } = await import('node:fs');
  assert.deepEqual(readdirSync(`${ct.dir}/.canarytrap-uploads`), []);
  assert.equal((await ct.api('GET', '/summary')).status, 200);
});

test('failed logins are limited per address', async () => {
  const codes = [];
  for (let i = 0; i < 7; i++) {
    codes.push((await ct.api('POST', '/session', { key: null, body: { key: `ctk_guess_${i}` } })).status);
  }
  assert.deepEqual(codes, [401, 401, 401, 401, 401, 429, 429]);
  const limited = await ct.api('POST', '/session', { key: null, body: { key: ct.adminKey } });
  assert.equal(limited.status, 429, 'even the right key waits');
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
  // Bearer keys are not logins: the API keeps working for scripts.
  assert.equal((await ct.api('GET', '/summary')).status, 200);
});

// A scratch canarytrap for the browser tests: `canarytrap init` in a temporary folder, keys,
// canaries, a real webhook receiver (tests/support/webhook_receiver.py) and `canarytrap
// serve` on free loopback ports; real clients (curl, dig, swaks) make the hits.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, appendFileSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = path.dirname(new URL(import.meta.url).pathname);
export const repo = path.resolve(here, '..', '..');
export const bin = process.env.CANARYTRAP_BIN || path.join(repo, 'build', 'src', 'canarytrap');
export const screenshots = process.env.CT_SCREENSHOT_DIR || path.join(repo, 'build', 'web-screenshots');

export async function freePort() {
  // Below the ephemeral range, like the C++ tests: a kernel-chosen port could be taken by
  // a client's source port meanwhile. Checked free for TCP and UDP.
  for (;;) {
    const port = 10000 + Math.floor(Math.random() * 22000);
    const ok = await new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what, fn, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

export class Scratch {
  async start() {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'ct-web-'));
    this.ports = {};
    for (const p of ['dns', 'http', 'smtp', 'admin', 'hook', 'xss']) this.ports[p] = await freePort();
    await this.ct(['init', '--dir', this.dir, '--zone', 'canary.example.net', '--mail-domain', 'mail.example.net']);
    // A generic webhook destination that refuses (400) until the test lets it accept.
    writeFileSync(path.join(this.dir, 'hook.secret'), 'a-test-secret-for-the-receiver\n');
    writeFileSync(path.join(this.dir, 'hook.mode'), '400\n');
    const toml = path.join(this.dir, 'canarytrap.toml');
    const text = readFileSync(toml, 'utf8').replace('[alerts]\n', '[alerts]\nallow_private = "true"\nretry_max_delay = "1s"\ntimeout = "2s"\n');
    writeFileSync(toml, `${text}\n[[alert]]\nname = "soc"\nkind = "generic"\nurl = "http://127.0.0.1:${this.ports.hook}/hook"\nsecret_file = "hook.secret"\n`);
    this.env = { ...process.env, CANARYTRAP_CONFIG: toml };
    this.adminKey = (await this.ct(['keys', 'create', '--name', 'analyst', '--role', 'admin'])).stdout.trim();
    this.viewerKey = (await this.ct(['keys', 'create', '--name', 'auditor', '--role', 'viewer'])).stdout.trim();
    this.receiver = spawn('python3', [path.join(repo, 'tests', 'support', 'webhook_receiver.py'), String(this.ports.hook),
      path.join(this.dir, 'hook.secret'), path.join(this.dir, 'hook.mode'), path.join(this.dir, 'hook.log')], { stdio: 'ignore' });
    this.serveLog = path.join(this.dir, 'serve.log');
    this.serve = spawn(bin, ['serve', '--dns', `127.0.0.1:${this.ports.dns}`, '--http', `127.0.0.1:${this.ports.http}`,
      '--smtp', `127.0.0.1:${this.ports.smtp}`, '--metrics', '', '--admin', `127.0.0.1:${this.ports.admin}`, '--threads', '2'],
    // A 1 MiB upload limit, so that the tests can pass it cheaply.
    { env: { ...this.env, CANARYTRAP_ADMIN_UPLOAD_LIMIT_MIB: '1' }, cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    this.serve.stderr.on('data', (d) => appendFileSync(this.serveLog, d));
    this.admin = `http://127.0.0.1:${this.ports.admin}`;
    await waitFor('serve to listen', async () => (await fetch(`${this.admin}/`)).ok);
    return this;
  }

  async ct(args) {
    return run(bin, args, { env: this.env || process.env, cwd: this.dir, maxBuffer: 64 << 20 });
  }

  async stop() {
    for (const p of [this.serve, this.receiver]) {
      if (p && p.exitCode === null) {
        p.kill('SIGTERM');
        await new Promise((r) => { p.once('exit', r); setTimeout(r, 5000); });
      }
    }
    if (process.env.CT_KEEP_SCRATCH) console.log(`scratch kept in ${this.dir}`);
    else rmSync(this.dir, { recursive: true, force: true });
  }

  // The API with a bearer key.
  async api(method, p, { key = this.adminKey, body, headers = {} } = {}) {
    const res = await fetch(`${this.admin}/api/v1${p}`, {
      method,
      headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: res.status, json, text, headers: res.headers };
  }

  async curlTrigger(url, userAgent) {
    const u = new URL(url);
    return run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', `Host: ${u.host}`, '-A', userAgent,
      `http://127.0.0.1:${this.ports.http}${u.pathname}`]);
  }

  async mail(to, subject) {
    return run('swaks', ['--server', `127.0.0.1:${this.ports.smtp}`, '--to', to, '--from', 'attacker@example.org',
      '--header', `Subject: ${subject}`, '--body', 'hello']);
  }

  async dig(name) {
    return run('dig', ['@127.0.0.1', '-p', String(this.ports.dns), '+tries=1', '+time=3', name, 'A']);
  }
}

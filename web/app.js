// The dashboard: log in with an API key, then one page per hash route (#/incidents, …).
// No framework and no build step: ES modules served as they are.
import { api, ApiError, setCsrf } from './api.js';
import { clear, h } from './dom.js';
import { alertsPage } from './pages/alerts.js';
import { copiesPage } from './pages/copies.js';
import { hitsPage } from './pages/hits.js';
import { incidentPage, incidentsPage } from './pages/incidents.js';
import { mintPage } from './pages/mint.js';
import { scanPage } from './pages/scan.js';

const state = { me: null, summary: null, route: '', live: false };
const $ = (id) => document.getElementById(id);

// Pages that show lists refresh themselves when the registry changes; forms do not.
const routes = [
  { re: /^#\/incidents\/(\d+)$/, page: 'incidents', live: true, render: (el, m) => incidentPage(el, ctx(), m[1]) },
  { re: /^#\/incidents$/, page: 'incidents', live: true, render: (el) => incidentsPage(el, ctx()) },
  { re: /^#\/hits$/, page: 'hits', live: true, render: (el) => hitsPage(el, ctx()) },
  { re: /^#\/copies$/, page: 'copies', live: false, render: (el) => copiesPage(el, ctx()) },
  { re: /^#\/mint$/, page: 'mint', live: false, render: (el) => mintPage(el, ctx()) },
  { re: /^#\/scan$/, page: 'scan', live: false, render: (el) => scanPage(el, ctx()) },
  { re: /^#\/alerts$/, page: 'alerts', live: true, render: (el) => alertsPage(el, ctx()) },
];

function ctx() {
  return { isAdmin: state.me && state.me.role === 'admin', notify, refreshSummary };
}

export function notify(message, kind = 'info') {
  const el = $('status');
  clear(el, h('span', { class: kind }, message));
  el.dataset.kind = kind;
}

function showLogin(message) {
  state.me = null;
  state.route = '';
  $('nav').hidden = true;
  $('who').hidden = true;
  $('page').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message || '';
  $('login-key').focus();
}

function showApp() {
  $('login').hidden = true;
  $('nav').hidden = false;
  $('who').hidden = false;
  $('page').hidden = false;
  $('who-name').textContent = `${state.me.name} (${state.me.role})`;
  document.body.classList.toggle('viewer', state.me.role !== 'admin');
}

// Each render builds its page in a fresh container and shows it only if no later render
// began meanwhile: pages load data first, so an earlier, slower render (a poll, the page
// shown at login) must not replace the page the user has since moved to or is typing in.
let renderSeq = 0;

async function render({ force = false } = {}) {
  if (!state.me) return;
  const hash = window.location.hash || '#/incidents';
  const route = routes.find((r) => r.re.test(hash));
  if (!route) {
    window.location.hash = '#/incidents';
    return;
  }
  // A hashchange to the page already shown (or being built) changes nothing.
  if (!force && hash === state.route) return;
  const seq = ++renderSeq;
  state.route = hash;
  state.live = route.live;
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', a.dataset.page === route.page);
    if (a.dataset.page === route.page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const el = h('div', { class: 'page-body' });
  try {
    await route.render(el, hash.match(route.re));
  } catch (e) {
    if (seq === renderSeq) handleError(e);
    return;
  }
  if (seq === renderSeq) $('page').replaceChildren(el);
}

function handleError(e) {
  if (e instanceof ApiError && e.status === 401) {
    showLogin('Your session ended. Log in again.');
    return;
  }
  notify(e.message || String(e), 'error');
}

async function refreshSummary() {
  const s = await api('GET', '/summary');
  const before = state.summary;
  state.summary = s;
  const open = s.incidents.open;
  $('badge-incidents').hidden = open === 0;
  $('badge-incidents').textContent = String(open);
  $('badge-alerts').hidden = s.alerts.failed === 0;
  $('badge-alerts').textContent = String(s.alerts.failed);
  return before && (before.last_hit_id !== s.last_hit_id || before.incidents.open !== s.incidents.open ||
    before.incidents.acknowledged !== s.incidents.acknowledged || before.alerts.failed !== s.alerts.failed ||
    before.alerts.pending !== s.alerts.pending);
}

// Live updates by polling a small summary: pages re-render only when something changed.
async function poll() {
  if (state.me && !document.hidden) {
    try {
      const changed = await refreshSummary();
      if (changed && state.live && !document.querySelector('#page [data-busy]')) await render({ force: true });
    } catch (e) {
      handleError(e);
    }
  }
  window.setTimeout(poll, 5000);
}

async function start() {
  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const key = $('login-key').value.trim();
    try {
      const r = await api('POST', '/session', { body: { key } });
      setCsrf(r.csrf_token);
      state.me = r;
      $('login-key').value = '';
      showApp();
      // The page first (a hashchange renders it when there was no route yet), then the badges.
      if (!window.location.hash) window.location.hash = '#/incidents';
      else render({ force: true });
      await refreshSummary();
    } catch (e) {
      $('login-error').textContent = e.status === 429 || e.status === 401 ? e.message : `Login failed: ${e.message}`;
    }
  });
  $('logout').addEventListener('click', async () => {
    try {
      await api('DELETE', '/session');
    } finally {
      setCsrf('');
      showLogin('Logged out.');
    }
  });
  window.addEventListener('hashchange', () => render());
  try {
    const me = await api('GET', '/me');
    if (me.via !== 'session') throw new ApiError(401, 'unauthorized', '');
    setCsrf(me.csrf_token);
    state.me = me;
    showApp();
    render({ force: true });
    await refreshSummary();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) showLogin('');
    else handleError(e);
  }
  window.setTimeout(poll, 5000);
}

start();

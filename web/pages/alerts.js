// Alerts: each destination's health (is the latest alert getting through?), a test button,
// and the deliveries, with failed ones to send again.
import { api } from '../api.js';
import { clear, clip, h, pill, table, time } from '../dom.js';

let stateFilter = '';

function healthPill(hl) {
  return pill(hl, hl === 'ok' ? 'ok' : hl === 'idle' ? 'muted' : hl === 'degraded' ? 'warn' : 'bad');
}

export async function alertsPage(el, ctx) {
  const [dest, deliveries] = await Promise.all([
    api('GET', '/alerts/destinations'),
    api('GET', '/alerts', { query: { state: stateFilter, limit: 200 } }),
  ]);
  const test = (name) => h('button', { type: 'button', class: 'admin-only', dataset: { test: name }, onclick: async () => {
    try {
      const r = await api('POST', `/alerts/destinations/${encodeURIComponent(name)}/test`);
      ctx.notify(r.delivered ? `Test alert delivered to ${name} (HTTP ${r.status}).` : `Test alert to ${name} failed: ${r.error}`, r.delivered ? 'info' : 'error');
    } catch (e) {
      ctx.notify(e.message, 'error');
    }
  } }, 'Send test');
  const retry = (id) => h('button', { type: 'button', class: 'admin-only', dataset: { retry: id }, onclick: async () => {
    try {
      await api('POST', `/alerts/${encodeURIComponent(id)}/retry`);
      ctx.notify(`Alert ${id} queued again.`);
      await ctx.refreshSummary();
      await alertsPage(el, ctx);
    } catch (e) {
      ctx.notify(e.message, 'error');
    }
  } }, 'Retry');
  const select = h('select', { id: 'alerts-state', 'aria-label': 'Delivery state' },
    [['', 'all'], ['pending', 'pending'], ['delivered', 'delivered'], ['failed', 'failed']]
      .map(([v, l]) => h('option', { value: v, selected: v === stateFilter }, l)));
  select.addEventListener('change', () => {
    stateFilter = select.value;
    alertsPage(el, ctx).catch((e) => ctx.notify(e.message, 'error'));
  });
  clear(el,
    h('h1', {}, 'Alerts'),
    h('h2', {}, 'Destinations'),
    table(['Name', 'Kind', 'Address', 'Health', 'Delivered', 'Pending', 'Failed', 'Last', ''], dest.items.map((d) => [
      h('strong', {}, d.name), d.kind || '—', clip(d.address || '(no longer configured)', 50), healthPill(d.health),
      String(d.delivered), String(d.pending), String(d.failed),
      d.last_alert ? h('span', {}, time(d.last_alert.created_at), d.last_alert.last_error ? h('div', { class: 'error' }, clip(d.last_alert.last_error, 60)) : '') : '—',
      d.configured ? test(d.name) : '']), { empty: 'No destinations. Add [[alert]] blocks to canarytrap.toml (docs/webhooks.md) and restart.' }),
    h('div', { class: 'page-head' }, h('h2', {}, 'Deliveries'), h('div', { class: 'tools' }, select)),
    table(['Alert', 'Event', 'Incident', 'Destination', 'State', 'Attempts', 'Created', 'Last error', ''], deliveries.items.map((a) => [
      h('span', { class: 'mono' }, a.id), a.event, a.incident ? h('a', { href: `#/incidents/${a.incident}` }, `#${a.incident}`) : '—', a.destination,
      pill(a.state, a.state === 'delivered' ? 'ok' : a.state === 'failed' ? 'bad' : 'warn'), String(a.attempts), time(a.created_at),
      a.last_error ? clip(a.last_status && !a.last_error.startsWith('HTTP ') ? `HTTP ${a.last_status}: ${a.last_error}` : a.last_error, 60) : '',
      a.state === 'failed' ? retry(a.id) : '']), { empty: 'No alerts yet.' }));
}

// Hits: a timeline by channel (SVG) and a filterable table, newest first, paged by cursor.
import { api } from '../api.js';
import { timeline } from '../chart.js';
import { clear, clip, field, h, pill, table, time } from '../dom.js';

const filters = { copy: '', channel: '', automated: '', since: '', until: '' };
let range = '7d';

// The attacker-controlled part of a hit, as text: the DNS name, the URL and user agent, the
// mail subject and sender.
export function hitSummary(x) {
  const d = x.details || {};
  const parts = [];
  if (d.qname) parts.push(`${d.qtype || ''} ${d.qname}`.trim());
  if (d.target) parts.push(`${d.method || 'GET'} ${d.target}`);
  if (d.user_agent) parts.push(`UA: ${d.user_agent}`);
  if (d.subject) parts.push(`Subject: ${d.subject}`);
  if (d.from || d.mail_from) parts.push(`From: ${d.from || d.mail_from}`);
  if (d.file) parts.push(`File: ${d.file}`);
  return h('div', { class: 'hit-what' }, parts.map((p) => h('div', {}, clip(p, 100))));
}

export async function hitsPage(el, ctx) {
  const copies = await api('GET', '/copies');
  const rangeSel = h('select', { id: 'hits-range', 'aria-label': 'Chart range' },
    [['24h', 'Last 24 hours', 'hour'], ['7d', 'Last 7 days', 'hour'], ['30d', 'Last 30 days', 'day']]
      .map(([v, label]) => h('option', { value: v, selected: v === range }, label)));
  const chartBox = h('div', { class: 'chart', id: 'hits-chart' });
  const drawChart = async () => {
    const bucket = range === '30d' ? 'day' : 'hour';
    const stats = await api('GET', '/stats/hits', { query: { since: range, bucket } });
    clear(chartBox, timeline(stats));
  };
  rangeSel.addEventListener('change', () => {
    range = rangeSel.value;
    drawChart().catch((e) => ctx.notify(e.message, 'error'));
  });

  const copySel = h('select', { name: 'copy' }, h('option', { value: '' }, 'any copy'),
    copies.items.map((c) => h('option', { value: c.name, selected: c.name === filters.copy }, c.name)));
  const channelSel = h('select', { name: 'channel' },
    [['', 'any channel'], ['dns', 'dns'], ['http', 'http'], ['smtp', 'smtp'], ['scan', 'scan']]
      .map(([v, l]) => h('option', { value: v, selected: v === filters.channel }, l)));
  const autoSel = h('select', { name: 'automated' },
    [['', 'people and bots'], ['false', 'people only'], ['true', 'automated only']]
      .map(([v, l]) => h('option', { value: v, selected: v === filters.automated }, l)));
  const since = h('input', { name: 'since', value: filters.since, placeholder: '24h or 2026-11-01T00:00:00Z' });
  const until = h('input', { name: 'until', value: filters.until, placeholder: 'RFC 3339 time' });
  const results = h('div', { id: 'hits-results' });
  const form = h('form', { class: 'filters', id: 'hits-filter' },
    field('Copy', copySel), field('Channel', channelSel), field('Who', autoSel), field('Since', since),
    field('Until', until), h('button', { type: 'submit' }, 'Filter'));

  let cursor = null;
  let rows = [];
  const load = async (more) => {
    if (!more) {
      rows = [];
      cursor = null;
    }
    const page = await api('GET', '/hits', { query: { ...filters, limit: 100, cursor: more ? cursor : '' } });
    cursor = page.next_cursor;
    rows = rows.concat(page.items.map((x) => [time(x.at), pill(x.channel, `ch-${x.channel}`), x.copy || '—',
      clip(x.source, 40), clip(x.value, 60), hitSummary(x), x.automated ? pill('automated', 'muted') : '']));
    clear(results,
      table(['When', 'Channel', 'Copy', 'From', 'Value', 'What was seen', ''], rows, {
        empty: 'No hits match. Hits appear when a planted hostname is resolved, a URL fetched, an address mailed, or a scan finds a canary.',
      }),
      cursor ? h('button', { type: 'button', id: 'hits-more', onclick: () => load(true).catch((e) => ctx.notify(e.message, 'error')) }, 'Load more') : null);
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    Object.assign(filters, { copy: copySel.value, channel: channelSel.value, automated: autoSel.value,
      since: since.value.trim(), until: until.value.trim() });
    load(false).catch((e) => ctx.notify(e.message, 'error'));
  });

  clear(el,
    h('div', { class: 'page-head' }, h('h1', {}, 'Hits'), h('div', { class: 'tools' }, rangeSel)),
    chartBox, form, results);
  await Promise.all([drawChart(), load(false)]);
}

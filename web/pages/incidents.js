// Incidents first: which copy leaked, since when, how sure, through which channels, the
// evidence, and the theft window the scans of leaked files narrowed down.
import { api } from '../api.js';
import { ago, clear, clip, h, pill, table, time } from '../dom.js';
import { hitSummary } from './hits.js';

const STATES = ['open', 'acknowledged', 'closed'];
let stateFilter = 'open';

function confidencePill(c) {
  return pill(`${c} confidence`, c === 'high' ? 'bad' : 'muted');
}

function statePill(s) {
  return pill(s, s === 'open' ? 'bad' : s === 'acknowledged' ? 'warn' : 'ok');
}

export async function incidentsPage(el, ctx) {
  const data = await api('GET', '/incidents', { query: { state: stateFilter === 'all' ? '' : stateFilter, limit: 200 } });
  const select = h('select', { id: 'incident-state', 'aria-label': 'Incident state' },
    ['all', ...STATES].map((s) => h('option', { value: s, selected: s === stateFilter }, s)));
  select.addEventListener('change', () => {
    stateFilter = select.value;
    incidentsPage(el, ctx).catch((e) => ctx.notify(e.message, 'error'));
  });
  const rows = data.items.map((i) => [
    h('a', { href: `#/incidents/${i.id}`, class: 'incident-link' }, `#${i.id}`),
    h('strong', {}, i.copy),
    statePill(i.state),
    confidencePill(i.confidence),
    h('span', {}, time(i.opened_at), h('br'), h('small', { class: 'muted' }, ago(i.opened_at))),
    time(i.last_hit_at),
    String(i.hits),
    String(i.canaries),
    i.channels.map((c) => pill(c, `ch-${c}`)),
  ]);
  clear(el,
    h('div', { class: 'page-head' }, h('h1', {}, 'Incidents'), h('div', { class: 'tools' }, select)),
    table(['#', 'Copy that leaked', 'State', 'Confidence', 'Since', 'Last hit', 'Hits', 'Canaries', 'Channels'], rows, {
      empty: stateFilter === 'open'
        ? 'No open incidents. An incident opens when a canary of a copy is resolved, fetched, mailed or found in a scan.'
        : 'No incidents in this state.',
    }));
}

export async function incidentPage(el, ctx, id) {
  const i = await api('GET', `/incidents/${id}`);
  const actions = h('div', { class: 'tools admin-only' });
  const act = (verb, label) => h('button', {
    type: 'button',
    id: `incident-${verb}`,
    onclick: async () => {
      try {
        await api('POST', `/incidents/${id}/${verb}`);
        ctx.notify(`Incident #${id} ${verb === 'close' ? 'closed' : 'acknowledged'}.`);
        await ctx.refreshSummary();
        await incidentPage(el, ctx, id);
      } catch (e) {
        ctx.notify(e.message, 'error');
      }
    },
  }, label);
  if (ctx.isAdmin && i.state === 'open') actions.append(act('acknowledge', 'Acknowledge'));
  if (ctx.isAdmin && i.state !== 'closed') actions.append(act('close', 'Close'));

  const w = i.theft_window;
  const windowText = w.after || w.before
    ? h('span', {}, 'taken after ', time(w.after), ' and before ', w.before ? time(w.before) : 'now')
    : h('span', { class: 'muted' }, 'not dated yet: scan a leaked file of this copy to narrow it down');

  const evidence = i.evidence.map((x) => [time(x.at), pill(x.channel, `ch-${x.channel}`), clip(x.source, 40),
    clip(x.value, 60), hitSummary(x), x.automated ? pill(`automated: ${x.automated_reason || ''}`, 'muted') : '']);
  const canaries = i.canaries_detail.map((c) => [
    `#${c.id}`, c.kind, clip(c.value, 70), c.copy || '—',
    c.placements.length ? c.placements.map((p) => h('div', {}, clip(`${p.copy}: ${p.target}${p.table ? ` (${p.table})` : ''} row ${p.row_key}`, 90))) : h('span', { class: 'muted' }, 'minted, not planted'),
  ]);
  clear(el,
    h('p', {}, h('a', { href: '#/incidents' }, '← Incidents')),
    h('div', { class: 'page-head' },
      h('h1', {}, `Incident #${i.id}: copy `, h('span', { class: 'copy-name' }, i.copy), ' leaked'),
      actions),
    h('dl', { class: 'facts' },
      h('dt', {}, 'State'), h('dd', {}, statePill(i.state)),
      h('dt', {}, 'Confidence'), h('dd', {}, confidencePill(i.confidence),
        i.confidence === 'low' ? h('small', { class: 'muted' }, ' every hit so far looks automated (scanners, link previews)') : ''),
      h('dt', {}, 'Since'), h('dd', {}, time(i.opened_at), ` (${ago(i.opened_at)})`),
      h('dt', {}, 'Last hit'), h('dd', {}, time(i.last_hit_at)),
      h('dt', {}, 'Channels'), h('dd', {}, i.channels.map((c) => pill(c, `ch-${c}`))),
      h('dt', {}, 'Hits'), h('dd', {}, `${i.hits} on ${i.canaries} canar${i.canaries === 1 ? 'y' : 'ies'}`),
      h('dt', {}, 'Theft window'), h('dd', { id: 'theft-window' }, windowText)),
    h('h2', {}, 'Evidence'),
    i.hits > i.hits_shown ? h('p', { class: 'muted' }, `The first ${i.hits_shown} of ${i.hits} hits.`) : null,
    table(['When', 'Channel', 'From', 'Value', 'What was seen', ''], evidence, { empty: 'No hits.' }),
    h('h2', {}, 'Canaries involved'),
    table(['#', 'Kind', 'Value', 'Copy', 'Planted in'], canaries, { empty: 'No canaries.' }));
}

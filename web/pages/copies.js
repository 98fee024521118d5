// Copies and their canaries: each copy (production, backup, a partner's export), where it
// came from, and the canaries planted or minted in it with their placements.
import { api } from '../api.js';
import { clear, clip, h, table, time } from '../dom.js';

let selected = '';

export async function copiesPage(el, ctx) {
  const copies = await api('GET', '/copies');
  if (!selected && copies.items.length) selected = copies.items[0].name;
  const list = table(['Copy', 'Derived from', 'Since', 'Created', ''], copies.items.map((c) => [
    h('strong', {}, c.name), c.derived_from || '—', c.derived_at ? time(c.derived_at) : '—', time(c.created_at),
    h('button', { type: 'button', class: 'link', dataset: { copy: c.name }, onclick: () => { selected = c.name; showCanaries(); } }, 'Show canaries'),
  ]), { empty: 'No copies yet. Mint canaries for a copy here, or plant them with canarytrap plant --copy NAME.' });
  const canaryBox = h('div', { id: 'copy-canaries' });
  clear(el, h('div', { class: 'page-head' }, h('h1', {}, 'Copies & canaries')), list, canaryBox);

  let cursor = null;
  let rows = [];
  async function showCanaries(more = false) {
    if (!selected) return;
    if (!more) {
      rows = [];
      cursor = null;
    }
    const page = await api('GET', '/canaries', { query: { copy: selected, limit: 100, cursor: more ? cursor : '' } });
    cursor = page.next_cursor;
    rows = rows.concat(page.items.map((c) => [`#${c.id}`, c.kind, clip(c.value, 70), clip(c.memo, 40), time(c.created_at),
      c.placements.length
        ? c.placements.map((p) => h('div', {}, clip(`${p.target}${p.table ? ` · ${p.table}` : ''} · row ${p.row_key}`, 80), ' ', time(p.planted_at),
          p.retired_at ? h('small', { class: 'muted' }, ' (removed)') : ''))
        : h('span', { class: 'muted' }, 'minted for this copy')]));
    clear(canaryBox, h('h2', {}, 'Canaries of ', h('span', { class: 'copy-name' }, selected)),
      table(['#', 'Kind', 'Value', 'Memo', 'Created', 'Placements'], rows, { empty: 'This copy holds no canaries.' }),
      cursor ? h('button', { type: 'button', onclick: () => showCanaries(true).catch((e) => ctx.notify(e.message, 'error')) }, 'Load more') : null);
  }
  await showCanaries();
}

// Mint: new canaries for a copy (a DNS name, a URL, an e-mail address, or a whole fake
// person's triggers) to paste wherever that copy goes.
import { api } from '../api.js';
import { clear, clip, field, h, table } from '../dom.js';

export async function mintPage(el, ctx) {
  if (!ctx.isAdmin) {
    clear(el, h('h1', {}, 'Mint'), h('p', { class: 'empty' }, 'Minting needs an admin key; this session uses a viewer key.'));
    return;
  }
  const kind = h('select', { name: 'kind', id: 'mint-kind' },
    [['dns', 'DNS name'], ['http', 'URL'], ['smtp', 'E-mail address'], ['record', 'Person record (e-mail + photo URL)']]
      .map(([v, l]) => h('option', { value: v }, l)));
  const copy = h('input', { name: 'copy', id: 'mint-copy', placeholder: 'e.g. vendor-acme-export', required: true, pattern: '[A-Za-z0-9._-]+' });
  const memo = h('input', { name: 'memo', id: 'mint-memo', placeholder: 'where these go' });
  const count = h('input', { name: 'count', id: 'mint-count', type: 'number', min: 1, max: 1000, value: 1 });
  const out = h('div', { id: 'mint-result' });
  const form = h('form', { class: 'card', id: 'mint-form' },
    field('Kind', kind), field('Copy', copy, 'Created if new. One copy per database, backup or partner export.'),
    field('Memo', memo), field('How many', count), h('button', { type: 'submit' }, 'Mint'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    form.dataset.busy = '1';
    try {
      const r = await api('POST', '/canaries', { body: { kind: kind.value, copy: copy.value.trim(), memo: memo.value, count: Number(count.value) } });
      clear(out, h('h2', {}, `Minted ${r.items.length}`),
        table(['#', 'Kind', 'Copy', 'Value'], r.items.map((c) => [`#${c.id}`, c.kind, c.copy || '—', clip(c.value, 200)])));
      ctx.notify(`Minted ${r.items.length} ${kind.value} canar${r.items.length === 1 ? 'y' : 'ies'} for ${copy.value.trim()}.`);
    } catch (e) {
      ctx.notify(e.message, 'error');
    } finally {
      delete form.dataset.busy;
    }
  });
  clear(el, h('h1', {}, 'Mint canaries'), form, out);
}

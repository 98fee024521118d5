// Scan: upload a leaked file (or name one already on the server) and read which copy it
// came from and when it was taken.
import { api } from '../api.js';
import { clear, clip, field, h, pill, table, time } from '../dom.js';

function pct(x) {
  return `${(x * 100).toPrecision(3)}%`;
}

export function scanReport(r) {
  return r.files.map((f) => h('section', { class: 'card scan-file' },
    h('h2', {}, clip(f.path, 80)),
    f.error ? h('p', { class: 'error' }, `Error: ${f.error} (matches before it are kept)`) : null,
    h('p', { class: 'verdict', id: 'scan-verdict' }, f.verdict),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Copy'), h('dd', { id: 'scan-copy' }, f.copy ? h('strong', {}, f.copy) : h('span', { class: 'muted' }, f.candidates.length ? `ambiguous: ${f.candidates.join(', ')}` : 'none')),
      h('dt', {}, 'Canaries found'), h('dd', {}, String(f.canaries_found)),
      h('dt', {}, 'Taken'), h('dd', { id: 'scan-window' }, f.window
        ? h('span', {}, 'after ', time(f.window.after), ' and before ', f.window.before ? time(f.window.before) : 'now',
          f.window.before ? h('small', { class: 'muted' }, ` (${f.window.absent_later} canaries planted later are absent; by chance: ${pct(f.window.absence_by_chance)})`) : '')
        : h('span', { class: 'muted' }, '—')),
      h('dt', {}, 'File'), h('dd', {}, `${f.lines} lines, ${(f.bytes / 1e6).toFixed(2)} MB${f.compression ? `, ${f.compression}` : ''}${f.encoding ? `, ${f.encoding}` : ''}, ${f.seconds.toFixed(2)} s`),
      h('dt', {}, 'SHA-256'), h('dd', {}, clip(f.sha256, 64))),
    f.copies.length ? table(['Copy', 'Found', 'Expected', 'Own', 'Only there', 'Explains all'], f.copies.map((c) => [
      h('strong', {}, c.copy), String(c.found), String(c.expected), String(c.own_found), String(c.exclusive_found),
      c.explains_all ? pill('yes', 'ok') : pill('no', 'muted')]), { caption: 'Evidence per copy' }) : null,
    f.none_found.length ? table(['Copy', 'Canaries', 'Rows', 'File as a sample', 'P(no canary by chance)'], f.none_found.map((n) => [
      n.copy, String(n.canaries), n.rows === null ? '—' : String(n.rows), pct(n.sample_fraction), pct(n.probability_of_none)]),
    { caption: 'No canary found: how likely that is for a sample of each copy' }) : null,
    f.weak_matches.length ? h('p', { class: 'muted' }, `${f.weak_matches.length} more canaries matched by one passive value only (a real person may share it; not counted).`) : null));
}

export async function scanPage(el, ctx) {
  if (!ctx.isAdmin) {
    clear(el, h('h1', {}, 'Scan'), h('p', { class: 'empty' }, 'Scanning needs an admin key; this session uses a viewer key.'));
    return;
  }
  const file = h('input', { type: 'file', id: 'scan-file', name: 'file', required: true });
  const record = h('input', { type: 'checkbox', id: 'scan-record', name: 'record' });
  const out = h('div', { id: 'scan-result' });
  const form = h('form', { class: 'card', id: 'scan-form' },
    field('Leaked file (CSV, SQL dump, JSON lines, any text; gzip, zstd or xz)', file),
    h('div', { class: 'field inline' }, record, h('label', { for: 'scan-record' }, 'Record the canaries found as hits (opens an incident and alerts)')),
    h('button', { type: 'submit' }, 'Upload and scan'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = file.files[0];
    if (!f) return;
    form.dataset.busy = '1';
    clear(out, h('p', { class: 'muted' }, `Scanning ${f.name}…`));
    try {
      const r = await api('POST', '/scan', { raw: f, query: { name: f.name, record: record.checked ? 'true' : 'false' } });
      clear(out, scanReport(r));
      if (record.checked) await ctx.refreshSummary();
    } catch (e) {
      clear(out);
      ctx.notify(e.message, 'error');
    } finally {
      delete form.dataset.busy;
    }
  });
  clear(el, h('h1', {}, 'Scan a leaked file'), form, out);
}

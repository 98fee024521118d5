// The hits timeline: stacked bars per time bucket, one colour per channel, drawn as SVG
// elements (no canvas, no library). Bars carry <title>s with the exact counts.
const SVG = 'http://www.w3.org/2000/svg';
const CHANNELS = ['dns', 'http', 'smtp', 'scan'];

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

export function timeline(stats) {
  const step = stats.bucket_seconds * 1000;
  const start = Math.floor(new Date(stats.since).getTime() / step) * step;
  const end = Math.floor(Date.now() / step) * step;
  const n = Math.max(1, Math.round((end - start) / step) + 1);
  const counts = Array.from({ length: n }, () => ({ dns: 0, http: 0, smtp: 0, scan: 0 }));
  for (const b of stats.buckets) {
    const i = Math.round((new Date(b.start).getTime() - start) / step);
    if (i >= 0 && i < n && b.channel in counts[i]) counts[i][b.channel] += b.hits;
  }
  const totals = counts.map((c) => CHANNELS.reduce((a, k) => a + c[k], 0));
  const max = Math.max(1, ...totals);
  const W = 800, H = 160, left = 36, bottom = 20, top = 8;
  const bw = (W - left) / n;
  const y = (v) => H - bottom - (v / max) * (H - bottom - top);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'timeline', 'aria-label': 'Hits over time by channel' });
  svg.append(s('title', {}, `Hits per ${stats.bucket} since ${new Date(stats.since).toLocaleString()}`));
  svg.append(s('line', { x1: left, y1: H - bottom, x2: W, y2: H - bottom, class: 'axis' }));
  svg.append(s('text', { x: left - 4, y: top + 8, class: 'tick', 'text-anchor': 'end' }, max));
  svg.append(s('text', { x: left - 4, y: H - bottom, class: 'tick', 'text-anchor': 'end' }, 0));
  counts.forEach((c, i) => {
    let acc = 0;
    for (const ch of CHANNELS) {
      if (!c[ch]) continue;
      const y0 = y(acc), y1 = y(acc + c[ch]);
      acc += c[ch];
      const when = new Date(start + i * step);
      svg.append(s('rect', { x: left + i * bw + 0.5, y: y1, width: Math.max(bw - 1, 1), height: Math.max(y0 - y1, 1), class: `bar ch-${ch}` },
        s('title', {}, `${when.toLocaleString()}: ${c[ch]} ${ch}`)));
    }
  });
  const labels = [0, Math.floor(n / 2), n - 1];
  for (const i of labels) {
    const when = new Date(start + i * step);
    const text = stats.bucket === 'day' ? when.toLocaleDateString() : when.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit' });
    const anchor = i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle';
    svg.append(s('text', { x: i === n - 1 ? W : left + i * bw, y: H - 4, class: 'tick', 'text-anchor': anchor }, text));
  }
  const legend = document.createElement('div');
  legend.className = 'legend';
  for (const ch of CHANNELS) {
    const item = document.createElement('span');
    item.className = `key ch-${ch}`;
    item.textContent = ch;
    legend.append(item);
  }
  const wrap = document.createElement('div');
  if (!totals.some((t) => t > 0)) {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = 'No hits in this period.';
    wrap.append(p);
  }
  wrap.append(svg, legend);
  return wrap;
}

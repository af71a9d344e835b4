/**
 * Standalone SVG charts for `en2py experiment report`: the README shows them as
 * images (GitHub renders SVG). Hand-written rather than a chart library because
 * the libraries that render SVG in Node need a DOM or a headless browser, and we
 * need only two simple chart types: line charts (training curves) and small
 * multiples of bar charts (one panel per metric). The output is deterministic
 * (same input, same string) so regenerated plots diff cleanly in git.
 */

/** Okabe-Ito (colourblind-safe) first, then Tableau and Paul Tol colours that stay apart from them; no yellow (unreadable on white). */
export const PALETTE: readonly string[] = Object.freeze([
  '#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000',
  '#9C755F', '#882255', '#999933', '#79706E', '#E15759',
]);

export interface LineSeries { name: string; points: Array<[number, number]>; dashed?: boolean; color?: string }
export interface LineChartOptions {
  title: string; xLabel: string; yLabel: string; series: LineSeries[]; width?: number; height?: number;
  /** optional y range */ yMin?: number; yMax?: number;
}
export interface BarPanel {
  title: string; /** value label suffix, e.g. '%' */ unit?: string;
  /** one per category; null = not measured, drawn as 'n/a' */ values: Array<number | null>; decimals?: number;
}
export interface BarChartOptions { title: string; /** same order in every panel */ categories: string[]; panels: BarPanel[]; width?: number }

/** Coordinates rounded to 2 decimals; String() drops trailing zeros and prints -0 as "0". */
const r2 = (x: number): string => String(Math.round(x * 100) / 100);

/** Escape for XML text and attribute values, dropping the control characters XML 1.0 forbids. */
export function escapeXml(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * Estimated width of sans-serif text. There is no font metrics API without a DOM;
 * 0.62 em per character matches DejaVu Sans (Linux's wide default) and leaves
 * room with narrower fonts (Helvetica, Arial), so layouts err on the roomy side.
 */
const textW = (s: string, size: number): number => [...s].length * size * 0.62;
/** Shorten text with an ellipsis to fit maxPx. */
function fit(s: string, maxPx: number, size: number): string {
  const chars = [...s];
  const max = Math.max(1, Math.floor(maxPx / (size * 0.62)));
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}
const maxOf = (xs: number[], empty = 0): number => xs.reduce((m, x) => Math.max(m, x), xs.length ? -Infinity : empty);
const minOf = (xs: number[], empty = 0): number => xs.reduce((m, x) => Math.min(m, x), xs.length ? Infinity : empty);

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${r2(x)}" y="${r2(y)}"${attrs ? ' ' + attrs : ''}>${escapeXml(s)}</text>`;
}
const line = (x1: number, y1: number, x2: number, y2: number, attrs = ''): string =>
  `<line x1="${r2(x1)}" y1="${r2(y1)}" x2="${r2(x2)}" y2="${r2(y2)}"${attrs ? ' ' + attrs : ''}/>`;

function svgDoc(w: number, h: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${r2(w)}" height="${r2(h)}" viewBox="0 0 ${r2(w)} ${r2(h)}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    // An opaque background: GitHub's dark mode would otherwise show dark text on a dark page.
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    text(16, 28, title, 'font-size="16" font-weight="bold" fill="#222"'),
    ...body, '</svg>', '',
  ].join('\n');
}

export interface Ticks { lo: number; hi: number; step: number; ticks: number[]; decimals: number }
/**
 * About `target` ticks at 1, 2 or 5 × 10^k steps; [lo, hi] covers [min, max] and
 * ends on ticks. Equal min and max are widened first, so scales never divide by zero.
 */
export function niceTicks(min: number, max: number, target = 5): Ticks {
  if (!(max > min)) { const pad = min === 0 ? 1 : Math.abs(min) * 0.1; min -= pad; max += pad; }
  const raw = (max - min) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  // The epsilons absorb float noise (0.3 / 0.1 = 2.9999999999999996).
  const k0 = Math.floor(min / step + 1e-9), k1 = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  for (let k = k0; k <= k1; k++) ticks.push(Number((k * step).toPrecision(12)));
  return { lo: ticks[0], hi: ticks[ticks.length - 1], step, ticks, decimals: Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) };
}

/** The y scale: nice ticks, except that a given yMin/yMax is kept exactly (ignored when contradictory). */
function yScale(ys: number[], yMin?: number, yMax?: number): Ticks {
  const dLo = minOf(ys, 0), dHi = maxOf(ys, 1);
  let lo = yMin ?? dLo, hi = yMax ?? dHi;
  if (!(hi > lo)) { if (yMin !== undefined || yMax !== undefined) return yScale(ys); lo = dLo; hi = dHi; }
  const t = niceTicks(lo, hi, 6);
  const L = yMin ?? t.lo, H = yMax ?? t.hi, eps = t.step * 1e-6;
  return { ...t, lo: L, hi: H, ticks: t.ticks.filter((v) => v >= L - eps && v <= H + eps) };
}

/** Short deterministic id (FNV-1a of the input), so several charts inlined in one page don't share clip ids. */
function idOf(o: unknown): string {
  let h = 0x811c9dc5;
  for (const c of JSON.stringify(o)) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return 'c' + h.toString(36);
}

export function lineChart(o: LineChartOptions): string {
  const series = o.series.map((s, i) => ({
    name: s.name, dashed: !!s.dashed, color: s.color ?? PALETTE[i % PALETTE.length],
    points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).sort((a, b) => a[0] - b[0]),
  }));
  const all = series.flatMap((s) => s.points);
  const yt = yScale(all.map((p) => p[1]), o.yMin, o.yMax);
  const yLabels = yt.ticks.map((v) => v.toFixed(yt.decimals));

  // Layout: title on top, y label and tick labels on the left, legend in its own column on the right.
  const ML = 16 + 14 + 10 + maxOf(yLabels.map((l) => textW(l, 11))) + 8;
  const names = series.map((s) => fit(s.name, 300, 12));
  const LW = series.length ? 20 + 28 + 6 + maxOf(names.map((n) => textW(n, 12))) + 16 : 0;
  const MT = 48, MB = 56, ROW = 18;
  const W = Math.max(o.width ?? 760, ML + 240 + LW + 16, textW(o.title, 16) + 32);
  const H = Math.max(o.height ?? 420, MT + series.length * ROW + 16, MT + MB + 140);
  const pw = W - ML - LW - 16, ph = H - MT - MB;
  const xt = niceTicks(minOf(all.map((p) => p[0]), 0), maxOf(all.map((p) => p[0]), 1), Math.max(2, Math.min(10, Math.floor(pw / 90))));
  const X = (x: number): number => ML + ((x - xt.lo) / (xt.hi - xt.lo)) * pw;
  const Y = (y: number): number => MT + ph - ((y - yt.lo) / (yt.hi - yt.lo)) * ph;
  const id = idOf(o);

  const out: string[] = [
    // The clip box is 3 px larger than the plot so lines along its edge keep their full width.
    `<clipPath id="${id}"><rect x="${r2(ML - 3)}" y="${r2(MT - 3)}" width="${r2(pw + 6)}" height="${r2(ph + 6)}"/></clipPath>`,
    `<g class="grid" stroke="#e5e5e5" stroke-width="1">`,
    ...yt.ticks.map((v) => line(ML, Y(v), ML + pw, Y(v))),
    ...xt.ticks.map((v) => line(X(v), MT, X(v), MT + ph)),
    '</g>',
    `<g class="axes" stroke="#444" stroke-width="1">${line(ML, MT, ML, MT + ph)}${line(ML, MT + ph, ML + pw, MT + ph)}</g>`,
    `<g class="y-ticks" font-size="11" fill="#444" text-anchor="end">`,
    ...yt.ticks.map((v, i) => text(ML - 6, Y(v) + 4, yLabels[i])),
    '</g>',
    `<g class="x-ticks" font-size="11" fill="#444" text-anchor="middle">`,
    ...xt.ticks.map((v) => text(X(v), MT + ph + 16, v.toFixed(xt.decimals))),
    '</g>',
    text(ML + pw / 2, H - 14, o.xLabel, 'class="x-label" text-anchor="middle" fill="#222"'),
    text(0, 0, o.yLabel, `class="y-label" text-anchor="middle" fill="#222" transform="translate(${r2(16 + 12)} ${r2(MT + ph / 2)}) rotate(-90)"`),
    `<g clip-path="url(#${id})" fill="none" stroke-width="2" stroke-linejoin="round" stroke-linecap="round">`,
  ];
  for (const s of series) {
    if (!s.points.length) continue;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<polyline class="series" stroke="${escapeXml(s.color)}"${dash} points="${s.points.map(([x, y]) => `${r2(X(x))},${r2(Y(y))}`).join(' ')}"/>`);
    // A one-point polyline draws nothing: mark the point.
    if (s.points.length === 1) out.push(`<circle cx="${r2(X(s.points[0][0]))}" cy="${r2(Y(s.points[0][1]))}" r="3" fill="${escapeXml(s.color)}"/>`);
  }
  out.push('</g>');
  if (!all.length) out.push(text(ML + pw / 2, MT + ph / 2, 'no data', 'class="no-data" text-anchor="middle" fill="#888" font-size="14"'));

  const lx = ML + pw + 20;
  out.push(`<g class="legend" fill="#222">`);
  series.forEach((s, i) => {
    const y = MT + i * ROW + 9;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<g class="legend-entry">${line(lx, y, lx + 28, y, `stroke="${escapeXml(s.color)}" stroke-width="2"${dash}`)}${text(lx + 34, y + 4, names[i])}</g>`);
  });
  out.push('</g>');
  return svgDoc(W, H, o.title, out);
}

/** Default value-label decimals: fewer as values grow (123, 12.3, 1.23). */
const autoDecimals = (vals: number[]): number => { const m = maxOf(vals.map(Math.abs)); return m >= 100 ? 0 : m >= 10 ? 1 : 2; };

export function barChart(o: BarChartOptions): string {
  const C = o.categories.length;
  if (!C || !o.panels.length) {
    return svgDoc(Math.max(o.width ?? 480, textW(o.title, 16) + 32), 120, o.title, [text(16, 76, 'no data', 'class="no-data" fill="#888" font-size="14"')]);
  }
  const panels = o.panels.map((p) => {
    if (p.values.length !== C) throw new Error(`bar chart panel "${p.title}" has ${p.values.length} values for ${C} categories`);
    const vals = p.values.map((v) => (v !== null && Number.isFinite(v) ? v : null));
    const nums = vals.filter((v): v is number => v !== null);
    const lo = Math.min(0, minOf(nums)), hi = Math.max(0, maxOf(nums));
    const t = niceTicks(lo, hi > lo ? hi : 1, 4);
    const d = p.decimals ?? autoDecimals(nums);
    return { title: p.title, vals, t, labels: vals.map((v) => (v === null ? 'n/a' : v.toFixed(d) + (p.unit ?? ''))) };
  });
  const cats = o.categories.map((c) => fit(c, 180, 11));

  // Sizes: a bar slot fits its value label; category labels hang at 45° below the
  // bars, so they need height (catDrop) and, under the first bars, room on the left.
  const S = Math.SQRT1_2, PAD = 16, TITLE_H = 22, HEADROOM = 16, PLOT_H = 150;
  const PL = maxOf(panels.flatMap((p) => p.t.ticks.map((v) => textW(v.toFixed(p.t.decimals), 10)))) + 10;
  const slotMin = Math.max(24, maxOf(panels.flatMap((p) => p.labels.map((l) => textW(l, 10)))) + 8);
  const catW = maxOf(cats.map((c) => textW(c, 11)));
  // Negative bars put their value label below the bar end: leave it room above the category labels.
  const FOOT = panels.some((p) => p.t.lo < 0) ? 14 : 0;
  const catDrop = FOOT + 14 + catW * S + 10;
  const padL = PAD + Math.max(0, catW * S + 6 - slotMin / 2 - PL);
  const panelMin = PL + C * slotMin + 24;
  const W0 = Math.max(o.width ?? 960, textW(o.title, 16) + 32);
  const cols = Math.max(1, Math.min(panels.length, Math.floor((W0 - padL - PAD) / panelMin)));
  const panelW = Math.max(panelMin, (W0 - padL - PAD) / cols);
  const W = padL + PAD + cols * panelW;
  const panelH = TITLE_H + HEADROOM + PLOT_H + catDrop;
  const H = 44 + Math.ceil(panels.length / cols) * panelH + 8;
  const slot = (panelW - PL - 24) / C, barW = Math.min(slot * 0.7, 56);

  const out: string[] = [];
  panels.forEach((p, k) => {
    const px = padL + (k % cols) * panelW, py = 44 + Math.floor(k / cols) * panelH;
    const x0 = px + PL, top = py + TITLE_H + HEADROOM, bottom = top + PLOT_H;
    const Y = (v: number): number => bottom - ((v - p.t.lo) / (p.t.hi - p.t.lo)) * PLOT_H;
    const cx = (i: number): number => x0 + (i + 0.5) * slot;
    out.push(`<g class="panel">`, text(x0, py + 16, fit(p.title, panelW - PL - 8, 13), 'class="panel-title" font-size="13" font-weight="bold" fill="#222"'));
    out.push(`<g class="grid" stroke="#e5e5e5">${p.t.ticks.map((v) => line(x0, Y(v), x0 + C * slot, Y(v))).join('')}</g>`);
    out.push(`<g class="y-ticks" font-size="10" fill="#444" text-anchor="end">${p.t.ticks.map((v) => text(x0 - 5, Y(v) + 3.5, v.toFixed(p.t.decimals))).join('')}</g>`);
    out.push(line(x0, top, x0, bottom, 'stroke="#444"'), line(x0, Y(0), x0 + C * slot, Y(0), 'stroke="#444"'));
    p.vals.forEach((v, i) => {
      if (v === null) {
        out.push(text(cx(i), Y(0) - 4, 'n/a', 'class="na" font-size="10" font-style="italic" fill="#888" text-anchor="middle"'));
        return;
      }
      const color = PALETTE[i % PALETTE.length];
      out.push(`<rect class="bar" x="${r2(cx(i) - barW / 2)}" y="${r2(Y(Math.max(v, 0)))}" width="${r2(barW)}" height="${r2(Math.abs(Y(v) - Y(0)))}" fill="${color}"><title>${escapeXml(`${o.categories[i]}: ${p.labels[i]}`)}</title></rect>`);
      out.push(text(cx(i), v >= 0 ? Y(v) - 4 : Y(v) + 12, p.labels[i], 'class="value" font-size="10" fill="#222" text-anchor="middle"'));
    });
    // Category labels end just below their bar and run down-left at 45°: parallel, so they never overlap.
    out.push(`<g class="categories" font-size="11" fill="#222" text-anchor="end">`);
    cats.forEach((c, i) => {
      const ax = cx(i) + 3, ay = bottom + FOOT + 14;
      out.push(text(ax, ay, c, `class="cat" transform="rotate(-45 ${r2(ax)} ${r2(ay)})"`));
    });
    out.push('</g>', '</g>');
  });
  return svgDoc(W, H, o.title, out);
}

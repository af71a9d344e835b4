import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { barChart, lineChart, niceTicks, PALETTE, type LineChartOptions } from '../../src/report/svg.js';
import { NO_PYTHON } from '../helpers.js';
import { sampleBarChart, sampleLineChart } from './samples.js';

const count = (s: string, re: RegExp): number => (s.match(re) ?? []).length;
/** Text contents of the <text> elements inside the first multi-line <g class="NAME"> (closed by a line "</g>"). */
function groupTexts(svg: string, name: string): string[] {
  const g = new RegExp(`<g class="${name}"[^>]*>([\\s\\S]*?)\\n</g>`).exec(svg);
  assert.ok(g, `group ${name} present`);
  return [...g[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}
const attr = (svg: string, name: string): number => Number(new RegExp(`<svg [^>]*\\b${name}="([^"]+)"`).exec(svg)![1]);

/** A small well-formedness check that needs no parser: tags balance and every & starts an entity. */
function assertBalanced(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (!m[1]) stack.push(m[2]);
    else assert.equal(stack.pop(), m[2], `closing </${m[2]}>`);
  }
  assert.deepEqual(stack, [], 'every tag is closed');
  assert.equal(count(svg, /&(?!(amp|lt|gt|quot|apos);)/g), 0, 'bare &');
  assert.equal(count(svg, /<svg /g), 1);
}

const NASTY = 'a<b & "c" \'d\' > e\u0001';
function charts(): Array<[string, string]> {
  return [
    ['line sample', lineChart(sampleLineChart())],
    ['bar sample', barChart(sampleBarChart())],
    ['line nasty', lineChart({ title: NASTY, xLabel: NASTY, yLabel: NASTY, series: [{ name: NASTY, points: [[0, 1], [1, 2]], color: '"><x' }] })],
    ['bar nasty', barChart({ title: NASTY, categories: [NASTY, 'b'], panels: [{ title: NASTY, unit: '<%>', values: [1, null] }] })],
    ['line empty', lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [] })],
    ['bar empty', barChart({ title: 't', categories: [], panels: [] })],
  ];
}

test('every chart is a balanced SVG document with a white background, fonts and a viewBox', () => {
  for (const [name, svg] of charts()) {
    assertBalanced(svg);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="[\d.]+" height="[\d.]+" viewBox="0 0 [\d.]+ [\d.]+" font-family="sans-serif"/, name);
    assert.match(svg, /<rect width="100%" height="100%" fill="#ffffff"\/>/, name);
    assert.doesNotMatch(svg, /NaN|Infinity|undefined/, name);
  }
});

test('every chart parses as XML (Python minidom)', { skip: NO_PYTHON }, () => {
  for (const [name, svg] of charts()) {
    const r = spawnSync(process.env.EN2PY_PYTHON || 'python3', ['-c', 'import sys,xml.dom.minidom; d = xml.dom.minidom.parseString(sys.stdin.buffer.read()); print(d.documentElement.tagName)'], { input: svg, encoding: 'utf8' });
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    assert.equal(r.stdout.trim(), 'svg');
  }
});

test('text and attribute values are escaped, and XML-illegal control characters dropped', () => {
  const [, line] = charts()[2];
  const [, bar] = charts()[3];
  const escaped = 'a&lt;b &amp; &quot;c&quot; &apos;d&apos; &gt; e<';
  assert.ok(count(line, new RegExp(escaped, 'g')) >= 4, 'title, both axis labels and the legend');
  assert.ok(line.includes('stroke="&quot;&gt;&lt;x"'), 'a colour cannot break out of its attribute');
  assert.ok(bar.includes('1.00&lt;%&gt;'), 'the unit of a value label');
  for (const svg of [line, bar]) {
    assert.ok(!svg.includes('a<b') && !svg.includes('\u0001'));
  }
});

test('nice ticks: 1, 2 or 5 × 10^k steps that cover the data', () => {
  const cases: Array<[number, number]> = [[0, 1], [0.93, 5.07], [-3.2, 41], [1, 30], [1e-4, 3e-4], [12345, 98765], [0.1, 0.3], [-5, -1], [7, 7], [0, 0]];
  for (const [min, max] of cases) {
    const t = niceTicks(min, max, 6);
    const mantissa = t.step / 10 ** Math.floor(Math.log10(t.step) + 1e-9);
    assert.ok([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9), `step ${t.step} for [${min}, ${max}]`);
    assert.ok(t.lo <= min && t.hi >= max, `[${t.lo}, ${t.hi}] covers [${min}, ${max}]`);
    assert.ok(t.hi > t.lo, 'a non-empty range even for equal values');
    assert.ok(t.ticks.length >= 3 && t.ticks.length <= 13, `${t.ticks.length} ticks for [${min}, ${max}]`);
    t.ticks.forEach((v, i) => {
      assert.equal(v, Number((t.lo + i * t.step).toPrecision(12)), 'evenly spaced, no float noise');
      assert.equal(Number(v.toFixed(t.decimals)), v, `${v} prints exactly with ${t.decimals} decimals`);
    });
  }
  assert.deepEqual(niceTicks(0.1, 0.3, 2).ticks, [0.1, 0.2, 0.3]);
  assert.deepEqual(niceTicks(0, 97, 5).ticks, [0, 20, 40, 60, 80, 100]);
});

const base = (series: LineChartOptions['series'], more: Partial<LineChartOptions> = {}): LineChartOptions => ({ title: 'T', xLabel: 'epoch', yLabel: 'loss', series, ...more });

test('line chart: one polyline per non-empty series, a legend entry for every series, colours and dashes', () => {
  const svg = lineChart(base([
    { name: 'a valid', points: [[1, 3], [2, 2], [3, 1.5]] },
    { name: 'a train', points: [[1, 2.5], [2, 1.8], [3, 1.2]], dashed: true },
    { name: 'never measured', points: [] },
    { name: 'custom', points: [[1, 1], [3, 2]], color: '#123456' },
  ]));
  assert.equal(count(svg, /<polyline /g), 3);
  assert.equal(count(svg, /<g class="legend-entry">/g), 4);
  assert.deepEqual(groupTexts(svg, 'legend'), ['a valid', 'a train', 'never measured', 'custom']);
  const strokes = [...svg.matchAll(/<polyline class="series" stroke="([^"]+)"( stroke-dasharray)?/g)].map((m) => [m[1], !!m[2]]);
  assert.deepEqual(strokes, [[PALETTE[0], false], [PALETTE[1], true], ['#123456', false]], 'PALETTE by series index unless a colour is given');
  // The y tick labels are nice numbers whose range covers the data.
  const ys = groupTexts(svg, 'y-ticks').map(Number);
  assert.ok(ys[0] <= 1 && ys[ys.length - 1] >= 3, `y ticks ${ys}`);
  const xs = groupTexts(svg, 'x-ticks').map(Number);
  assert.ok(xs[0] <= 1 && xs[xs.length - 1] >= 3, `x ticks ${xs}`);
  assert.deepEqual(groupTexts(svg, 'y-ticks'), ['1.0', '1.5', '2.0', '2.5', '3.0']);
  // Every coordinate has at most 2 decimals.
  for (const m of svg.matchAll(/ (?:x|y|x1|y1|x2|y2|cx|cy|width|height|points)="([^"]*)"/g)) {
    for (const n of m[1].split(/[ ,]/)) assert.match(n, /^(-?\d+(\.\d{1,2})?|100%)$/, `coordinate ${n}`);
  }
});

test('line chart: the legend sits right of the plot and the SVG grows to fit 20 series', () => {
  const o = sampleLineChart();
  const series = [...o.series, { name: 'extra one', points: [[1, 2]] as Array<[number, number]> }, { name: 'extra two', points: [] }];
  const svg = lineChart({ ...o, series, height: 300 });
  assert.equal(count(svg, /<g class="legend-entry">/g), 20);
  const height = attr(svg, 'height'), width = attr(svg, 'width');
  const legendYs = [...svg.matchAll(/<g class="legend-entry"><line [^>]*y1="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.ok(legendYs[19] + 9 <= height, `last legend row at ${legendYs[19]} fits height ${height}`);
  const plotRight = Number(/<g class="axes"[^>]*>[^\n]*x2="([\d.]+)"[^\n]*<\/g>/.exec(svg)![1]);
  const legendLeft = Number(/<g class="legend-entry"><line x1="([\d.]+)"/.exec(svg)![1]);
  assert.ok(legendLeft > plotRight && legendLeft < width, `legend at x ${legendLeft}, plot ends at ${plotRight}`);
});

test('line chart edge cases: NaN and Infinity skipped, one point, flat values, an empty series list, a fixed y range', () => {
  const skipped = lineChart(base([{ name: 's', points: [[1, NaN], [2, Infinity], [NaN, 2], [3, 1], [-Infinity, 4]] }]));
  assert.equal(count(skipped, /<polyline /g), 1);
  assert.equal(count(skipped, /<circle /g), 1, 'a single point gets a marker');
  assert.doesNotMatch(skipped, /NaN|Infinity/);

  const flat = lineChart(base([{ name: 'flat', points: [[1, 0.5], [2, 0.5], [3, 0.5]] }]));
  assert.doesNotMatch(flat, /NaN|Infinity/);
  const ft = groupTexts(flat, 'y-ticks').map(Number);
  assert.ok(ft.length >= 3 && ft[0] < 0.5 && ft[ft.length - 1] > 0.5, `flat ticks ${ft}`);
  assert.doesNotMatch(lineChart(base([{ name: 'zero', points: [[5, 0], [5, 0]] }])), /NaN|Infinity/, 'one x value, y = 0');

  for (const empty of [lineChart(base([])), lineChart(base([{ name: 'nothing', points: [[NaN, 1]] }]))]) {
    assert.match(empty, /class="no-data"[^>]*>no data</);
    assert.equal(count(empty, /<polyline /g), 0);
    assert.match(empty, /<g class="axes"/);
    assert.ok(groupTexts(empty, 'y-ticks').length >= 2);
  }
  assert.equal(count(lineChart(base([])), /<g class="legend-entry">/g), 0);

  const fixed = lineChart(base([{ name: 's', points: [[1, 0.31], [2, 0.97]] }], { yMin: 0, yMax: 1 }));
  assert.deepEqual(groupTexts(fixed, 'y-ticks'), ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
  assert.match(fixed, /clip-path="url\(#c\w+\)"/, 'points outside a given range are clipped');
  const contradictory = lineChart(base([{ name: 's', points: [[1, 2], [2, 3]] }], { yMin: 5, yMax: 1 }));
  assert.doesNotMatch(contradictory, /NaN|Infinity/);
  assert.deepEqual(groupTexts(contradictory, 'y-ticks').map(Number).filter((v) => v >= 2 && v <= 3).length > 0, true);
});

test('bar chart: a bar per measured value, n/a per null, one colour per category in every panel', () => {
  const o = sampleBarChart();
  const svg = barChart(o);
  const values = o.panels.flatMap((p) => p.values);
  assert.equal(count(svg, /<rect class="bar"/g), values.filter((v) => v !== null).length);
  assert.equal(count(svg, /class="na"[^>]*>n\/a</g), values.filter((v) => v === null).length);
  assert.equal(count(svg, /<g class="panel">/g), 6);
  assert.equal(count(svg, /class="cat"/g), 6 * 9, 'every panel labels its bars');
  for (const [i, name] of o.categories.entries()) {
    const fills = [...svg.matchAll(/<rect class="bar" [^>]*fill="([^"]+)"><title>([^<]*):/g)].filter((m) => m[2] === name).map((m) => m[1]);
    assert.ok(fills.length >= 5 && fills.every((f) => f === PALETTE[i]), `${name}: ${fills}`);
  }
  assert.match(svg, />34\.8%</, 'value labels carry the unit');
  assert.match(svg, />0\.664</, 'and the requested decimals');
  assert.match(svg, /rotate\(-45 /, 'long category names are rotated');

  const odd = barChart({ title: 't', categories: ['a', 'b', 'c', 'd'], panels: [{ title: 'p', values: [NaN, -2, 0, Infinity] }, { title: 'zeros', values: [0, 0, null, 0] }] });
  assert.equal(count(odd, /<rect class="bar"/g), 2 + 3, 'NaN and Infinity are n/a');
  assert.equal(count(odd, /class="na"/g), 3);
  assert.doesNotMatch(odd, /NaN|Infinity/);
  assert.match(odd, />-2\.00</);
  assert.throws(() => barChart({ title: 't', categories: ['a', 'b'], panels: [{ title: 'short', values: [1] }] }), /panel "short" has 1 values for 2 categories/);
  assert.match(barChart({ title: 't', categories: [], panels: [{ title: 'p', values: [] }] }), />no data</);
});

test('output is deterministic, and PALETTE has at least 10 distinct colours', () => {
  assert.equal(lineChart(sampleLineChart()), lineChart(sampleLineChart()));
  assert.equal(barChart(sampleBarChart()), barChart(sampleBarChart()));
  assert.ok(PALETTE.length >= 10);
  assert.equal(new Set(PALETTE.map((c) => c.toLowerCase())).size, PALETTE.length);
  for (const c of PALETTE) assert.match(c, /^#[0-9A-F]{6}$/i);
});

// The charts' layout in a real browser (Debian's Chromium driven by playwright-core,
// as in test/server/browser.test.ts): every text inside the picture, no two texts
// overlapping (legend labels, rotated category labels, value labels...).
// Skips when /usr/bin/chromium is absent, unless EN2PY_REQUIRE_BROWSER=1 (CI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { barChart, lineChart } from '../../src/report/svg.js';
import { browserSkipReason, launchBrowser } from '../server/fixtures.js';
import { sampleBarChart, sampleLineChart } from './samples.js';

interface Label { cls: string; group: string; text: string; quad: Array<[number, number]>; rect: { left: number; top: number; right: number; bottom: number } }
interface Layout { svg: { left: number; top: number; right: number; bottom: number }; plot?: { right: number }; legend?: { left: number }; labels: Label[] }

/**
 * Every <text> of the index-th SVG: its class, its group's class, and its box as a quad
 * in page coordinates (rotation included). Browser-side code as a string: the project
 * compiles without the DOM typings.
 */
async function layout(page: Page, index: number): Promise<Layout> {
  return page.evaluate(`(() => {
    const svg = document.querySelectorAll('svg')[${index}];
    const box = (e) => { const r = e.getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom }; };
    const labels = [...svg.querySelectorAll('text')].map((t) => {
      const b = t.getBBox(), m = t.getScreenCTM();
      const quad = [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
        .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
      return { cls: t.getAttribute('class') ?? '', group: t.closest('g')?.getAttribute('class') ?? '', text: t.textContent, quad, rect: box(t) };
    });
    const axes = svg.querySelector('g.axes'), legend = svg.querySelector('g.legend');
    return { svg: box(svg), plot: axes ? box(axes) : undefined, legend: legend ? box(legend) : undefined, labels };
  })()`) as Promise<Layout>;
}

/** Separating-axis test for two convex quads, with a pixel of tolerance for glyph boxes that merely touch. */
function overlap(a: Array<[number, number]>, b: Array<[number, number]>, tol = 1): boolean {
  for (const q of [a, b]) {
    for (let i = 0; i < 4; i++) {
      const [x1, y1] = q[i], [x2, y2] = q[(i + 1) % 4];
      const n = [y1 - y2, x2 - x1], len = Math.hypot(n[0], n[1]);
      const proj = (p: Array<[number, number]>): number[] => p.map(([x, y]) => (x * n[0] + y * n[1]) / len);
      const pa = proj(a), pb = proj(b);
      if (Math.max(...pa) - tol <= Math.min(...pb) || Math.max(...pb) - tol <= Math.min(...pa)) return false;
    }
  }
  return true;
}

function assertNoOverlaps(labels: Label[], what: string): void {
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      assert.ok(!overlap(labels[i].quad, labels[j].quad), `${what}: "${labels[i].text}" overlaps "${labels[j].text}"`);
    }
  }
}

test('charts in Chromium: every text inside the SVG, legend beside the plot, no overlapping labels', { skip: browserSkipReason() }, async (t) => {
  const browser = await launchBrowser({ width: 1400, height: 1000 });
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  const line = lineChart(sampleLineChart());
  const bar = barChart(sampleBarChart());
  // Long unit labels force one column, short ones give several: check both layouts.
  const narrow = sampleBarChart();
  narrow.panels.forEach((p) => { p.unit = p.unit ? p.unit.trim().slice(0, 1) : p.unit; });
  // Negative, zero and missing values: the label under a negative bar must clear the category labels.
  const odd = barChart({ title: 'odd values', categories: ['a', 'bb', 'ccc'], panels: [{ title: 'p', values: [-2, 0, null] }, { title: 'q', values: [null, null, null] }] });
  await page.setContent(`<!doctype html><body style="margin:0">${line}<br>${bar}<br>${barChart(narrow)}<br>${odd}</body>`);

  for (let i = 0; i < 4; i++) {
    const l = await layout(page, i);
    assert.ok(l.labels.length > 10, 'texts found');
    for (const x of l.labels) {
      const r = x.rect;
      assert.ok(r.left >= l.svg.left - 0.5 && r.right <= l.svg.right + 0.5 && r.top >= l.svg.top - 0.5 && r.bottom <= l.svg.bottom + 0.5,
        `chart ${i}: "${x.text}" (${JSON.stringify(r)}) lies inside the SVG (${JSON.stringify(l.svg)})`);
    }
    assertNoOverlaps(l.labels, `chart ${i}`);
    if (i === 0) {
      const legend = l.labels.filter((x) => x.group === 'legend-entry');
      assert.equal(legend.length, 18);
      assertNoOverlaps(legend, 'legend');
      assert.ok(l.legend!.left > l.plot!.right, 'the legend is right of the plot');
    } else if (i < 3) {
      const cats = l.labels.filter((x) => x.cls === 'cat');
      assert.equal(cats.length, 9 * 6);
      assertNoOverlaps(cats, `chart ${i} category labels`);
      assert.ok(l.labels.filter((x) => x.cls === 'na').length === 1);
    }
  }
  const columns = await page.evaluate(`[...document.querySelectorAll('svg')].slice(1, 3)
    .map((s) => new Set([...s.querySelectorAll('.panel-title')].map((e) => e.getAttribute('x'))).size)`) as number[];
  assert.ok(columns[1] > 1, `short value labels: panels side by side (${columns})`);
});

// Takes the README's screenshot of the page (docs/screenshot.png) with a real model:
//   node dist/test/server/screenshot.js --model DIR [--out docs/screenshot.png] [--prompt "..."]...
// Serves DIR on a free port of 127.0.0.1, asks each prompt in Chromium (the last one
// with its alternatives and attention view open) and saves the window.
import { parseArgs } from 'node:util';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createApp, listen } from '../../src/server/app.js';
import { WorkerGenerator } from '../../src/server/workerGenerator.js';
import { repoRoot } from '../helpers.js';
import { launchBrowser } from './fixtures.js';
import { askInPage } from './page.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    out: { type: 'string', default: path.join(repoRoot(), 'docs', 'screenshot.png') },
    prompt: { type: 'string', multiple: true },
    width: { type: 'string', default: '1200' },
    height: { type: 'string', default: '1500' },
  },
});
if (!values.model) throw new Error('give --model DIR');
// By default the first two example prompts (src/server/public/examples.json), whose answers the tests check.
const examples = (JSON.parse(readFileSync(path.join(repoRoot(), 'src', 'server', 'public', 'examples.json'), 'utf8')) as { examples: Array<{ prompt: string }> }).examples;
const prompts = values.prompt ?? examples.slice(0, 2).map((e) => e.prompt);

const app = createApp(await WorkerGenerator.start(values.model));
const { url } = await listen(app.server, 0, '127.0.0.1');
const browser = await launchBrowser({ width: Number(values.width), height: Number(values.height) });
try {
  const page = await browser.context.newPage();
  await page.goto(url);
  await page.locator('#model-info', { hasText: 'parameters' }).waitFor({ state: 'attached' }); // hidden at phone width
  for (const [i, prompt] of prompts.entries()) {
    const last = i === prompts.length - 1;
    const r = await askInPage(page, prompt, { openAlternatives: last, timeout: 120_000 });
    console.log(`${prompt}: ${r.mark}, ${r.alternatives} alternatives, attention ${r.attentionRows}x${r.attentionWords.length}\n${r.code}`);
    if (!last) await page.locator('.msg.result').nth(i).locator('details.more', { hasText: 'Attention' }).locator('summary').click();
  }
  await page.waitForTimeout(400); // let the smooth scroll settle
  mkdirSync(path.dirname(values.out), { recursive: true });
  await page.screenshot({ path: values.out });
  console.log(`saved ${values.out}`);
} finally {
  await browser.close();
  app.server.close();
}

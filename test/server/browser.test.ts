// The web page in a real browser (Debian's Chromium driven by playwright-core):
// type a sentence, get highlighted code with its parse mark, open the attention
// heat map, see the page's messages for an empty and an over-long prompt (refused,
// not cut), the example buttons and an unclipped placeholder at phone width, and save a screenshot;
// the tests box: which candidate passed and how many ran, none passing, a test that is not Python.
// Skips when /usr/bin/chromium is absent, unless EN2PY_REQUIRE_BROWSER=1 (CI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadModel, saveModel } from '../../src/model/bundle.js';
import { Seq2SeqTransformer } from '../../src/model/transformer.js';
import { writeEnsemble } from '../../src/model/ensemble.js';
import { averageEpochs } from '../../src/train/average.js';
import { NO_PYTHON, repoRoot, tempDir } from '../helpers.js';
import { browserSkipReason, launchBrowser, serveModel, trainTinyModel } from './fixtures.js';
import { askInPage } from './page.js';

test('serve page: a sentence in, highlighted code, parse mark and attention out (Chromium)', { skip: NO_PYTHON ?? browserSkipReason() }, async (t) => {
  const dir = tempDir(t);
  const url = await serveModel(t, trainTinyModel(dir), { maxPromptChars: 120, log: () => {} });

  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  // Nothing may leave the machine: every request goes to our server.
  page.on('request', (r) => { if (!r.url().startsWith(url)) problems.push(`request outside the server: ${r.url()}`); });

  await page.goto(url);
  assert.equal(await page.title(), 'en2py — English to Python');
  await page.locator('#model-info', { hasText: 'parameters' }).waitFor({ timeout: 10_000 });
  assert.match(await page.locator('#model-info').innerText(), /model model · 16\.3 k parameters · 1\+1 layers, d 16/);

  // The example buttons are the prompts the examples test checks; the note says how code is checked.
  const examples = (JSON.parse(readFileSync(path.join(repoRoot(), 'src', 'server', 'public', 'examples.json'), 'utf8')) as { examples: Array<{ prompt: string }> }).examples;
  await page.locator('button.example').first().waitFor();
  assert.deepEqual(await page.locator('button.example').allInnerTexts(), examples.map((e) => e.prompt));
  assert.match(await page.locator('#empty .note').innerText(), /python3's compile\(\)/);
  assert.doesNotMatch(await page.locator('body').innerText(), /ast\.parse/);
  // At phone width the whole placeholder fits in the box (it wraps to a second line there).
  await page.setViewportSize({ width: 360, height: 700 });
  const placeholderFits = await page.locator('#prompt').evaluate((box) => {
    const area = box as unknown as { value: string; placeholder: string; scrollHeight: number; clientHeight: number };
    area.value = area.placeholder; // measured as text, which wraps as the placeholder does
    const fits = area.scrollHeight <= area.clientHeight;
    area.value = '';
    return fits;
  });
  assert.ok(placeholderFits, 'the placeholder is cut off at phone width');
  await page.setViewportSize({ width: 1100, height: 900 });

  const sentence = 'write a python function to add 3 to a number';
  const r = await askInPage(page, sentence, { openAlternatives: true });
  assert.equal(r.prompt, sentence);
  assert.ok(r.code.trim().length > 0, 'shows code');
  assert.match(r.mark, /^(✓ compiles|✗ does not compile)$/);
  // The page shows what the API answers for the same request (the model is deterministic with beam search).
  const api = await (await fetch(`${url}api/generate`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt: sentence, beam: 5 }) })).json() as { code: string; valid: boolean; alternatives: string[]; tokens: string[] };
  assert.equal(r.code.trim(), api.code.trim());
  assert.equal(r.mark, api.valid ? '✓ compiles' : '✗ does not compile');
  assert.equal(r.alternatives, api.alternatives.length);
  assert.ok(r.attentionRows >= api.tokens.length && r.attentionRows > 0, `attention rows ${r.attentionRows}`);
  assert.deepEqual(r.attentionWords, sentence.split(' '));
  assert.ok(await page.locator('.msg.result').first().locator('button.copy').first().isVisible(), 'copy button');
  assert.ok(await page.locator('.code-panel.main pre.code span[class^="tok-"]').count() > 0, 'code is highlighted');
  const cellColour = await page.locator('table.heatmap td').first().evaluate((td) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(td).backgroundColor);
  assert.match(cellColour, /^rgba?\(59, 91, 219/, 'heat map cells are coloured by weight');

  // The page's own messages: nothing is sent for an empty or over-long prompt, and the page says why.
  const message = page.locator('#prompt-message');
  assert.equal(await message.isVisible(), false, 'no message before a problem');
  await page.locator('#send').click(); // an empty box
  await message.waitFor({ state: 'visible' });
  assert.match(await message.innerText(), /^Type a description of the code you want first/);
  await page.locator('#prompt').fill('   ');
  await page.locator('#prompt').press('Enter'); // Enter on spaces
  assert.match(await message.innerText(), /^Type a description of the code you want first/);
  await page.locator('#prompt').fill('write a python function');
  assert.equal(await message.isVisible(), false, 'the message goes once there is text');
  // The limit is the server's --max-prompt (120 here), shown with a live count; a longer prompt is refused, not cut.
  assert.equal(await page.locator('#prompt-count').innerText(), '23 / 120');
  await page.locator('#prompt').fill('add '.repeat(40));
  assert.equal(await page.locator('#prompt-count').innerText(), '160 / 120');
  assert.ok(await page.locator('#prompt-count.over').count(), 'the count turns red past the limit');
  assert.equal(await message.innerText(), 'The description is 40 characters over the limit of 120: shorten it to send.');
  await page.locator('#prompt').press('Enter');
  assert.equal(await page.locator('#prompt').inputValue(), 'add '.repeat(40), 'the prompt stays for editing, uncut');
  await page.locator('#prompt').fill('add '.repeat(30));
  assert.equal(await message.isVisible(), false, 'the message goes once the prompt fits');
  assert.equal(await page.locator('.msg.user').count(), 1, 'nothing refused was sent');
  assert.equal(await page.locator('.msg.error').count(), 0);

  const shot = path.join(process.env.EN2PY_SCREENSHOT_DIR ?? dir, 'page.png');
  await page.screenshot({ path: shot, fullPage: true });
  assert.ok(statSync(shot).size > 10_000, 'screenshot saved');
  assert.deepEqual(problems, []);
});

test('serve page: an averaged model is introduced by its epochs, an ensemble by its members, not a run\'s best epoch (Chromium)', { skip: NO_PYTHON ?? browserSkipReason() }, async (t) => {
  const dir = tempDir(t);
  const run = trainTinyModel(dir);
  const averaged = path.join(dir, 'averaged');
  averageEpochs(run, [2, 3], averaged);
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  /** Serve the model directory, open the page, and read the header that introduces the model. */
  const modelInfo = async (modelDir: string): Promise<string> => {
    const url = await serveModel(t, modelDir, { log: () => {} });
    await page.goto(url);
    await page.locator('#model-info', { hasText: 'parameters' }).waitFor({ timeout: 10_000 });
    return page.locator('#model-info').innerText();
  };
  const info = await modelInfo(averaged);
  assert.match(info, /mean of epochs 2–3/);
  assert.doesNotMatch(info, /valid ppl|epoch \d/);

  // An ensemble names its members' count, not one member's epochs.
  const ensemble = path.join(dir, 'ensemble');
  writeEnsemble([averaged, run], ensemble);
  const ensembleInfo = await modelInfo(ensemble);
  assert.match(ensembleInfo, /ensemble of 2 × [\d.]+ k parameters/);
  assert.doesNotMatch(ensembleInfo, /mean of epochs|valid ppl/);

  // Members of different sizes are named one by one, with each width.
  const small = loadModel(run);
  const wide = path.join(dir, 'wide');
  mkdirSync(wide);
  const wideModel = new Seq2SeqTransformer({ ...small.model.config, dModel: small.model.config.dModel * 2 }, 9);
  saveModel(wide, wideModel, small.srcVocab, small.tgtVocab, { training: small.config.training });
  const mixed = path.join(dir, 'mixed');
  writeEnsemble([run, wide], mixed);
  const mixedInfo = await modelInfo(mixed);
  const count = (n: number) => `${(n / 1e3).toFixed(1)} k`;
  assert.ok(mixedInfo.includes(`ensemble of ${count(small.model.parameterCount())} + ${count(wideModel.parameterCount())} parameters`), mixedInfo);
  assert.match(mixedInfo, new RegExp(`d ${small.model.config.dModel}/${small.model.config.dModel * 2}`));
});

test('serve page: the tests box says which candidate passed and how many ran, or that none did (Chromium)', { skip: NO_PYTHON ?? browserSkipReason() }, async (t) => {
  const dir = tempDir(t);
  // Trained long enough that its beams are Python that runs ("def add_6(x):\n    return x + 4"), so a test can pass.
  const url = await serveModel(t, trainTinyModel(dir, 40), { log: () => {} });
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`)); // (the refused test below logs its 400 to the console)
  await page.goto(url);
  await page.locator('#model-info', { hasText: 'parameters' }).waitFor({ timeout: 10_000 });
  await page.locator('details.tests-box summary').click();

  const sentence = 'write a python function to add 3 to a number';
  /** Type the tests and the sentence, send, and return the answer's card once it is there. */
  const ask = async (tests: string) => {
    await page.locator('#tests').fill(tests);
    const before = await page.locator('.msg.result, .msg.error').count();
    await page.locator('#prompt').fill(sentence);
    await page.locator('#prompt').press('Enter');
    const answer = page.locator('.msg.result, .msg.error').nth(before);
    await answer.waitFor({ timeout: 60_000 });
    return answer;
  };
  const api = async (tests: string[]) => (await fetch(`${url}api/generate`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt: sentence, beam: 5, tests }) })).json() as Promise<{ code: string; tests: { passed: boolean; origin: string; note: string } }>;

  // Every candidate that runs and defines one function returning a value passes this test (the tests' f is bound to it).
  const passing = await ask('assert f(1) is not None');
  const expected = await api(['assert f(1) is not None']);
  assert.ok(expected.tests.passed && expected.tests.origin === 'beam', `a beam of the fixture model should pass: ${expected.tests.note}`);
  // A beam passed, so no sample was drawn: the page's request gave the same answer as this one.
  assert.equal(await passing.locator('.meta .tests-ok').innerText(), expected.tests.note);
  assert.match(expected.tests.note, /^passed the 1 test: candidate \d+ \(beam\), after running \d+ distinct candidates? \(at most 10\); the tests' f is bound to add_\d+\./);
  assert.equal((await passing.locator('.code-panel.main pre.code').innerText()).trim(), expected.code.trim());

  // Two lines are two tests, and the second never passes: the page says no candidate did, and how many ran.
  const failing = await ask('assert f(1) == 4\nassert 1 == 2');
  assert.equal(await failing.locator('.meta .tests-ok').count(), 0);
  assert.match(await failing.locator('.meta .warn', { hasText: 'candidate' }).innerText(),
    /^NO candidate passed the 2 tests \(\d+ distinct of 10 candidates run\); this is the most likely candidate, which fails them/);

  // A test that is not Python is refused by the server, and the page shows its message.
  const refused = await ask('assert f(3) = 6');
  assert.ok(await refused.evaluate((n) => n.classList.contains('error')), 'shown as an error');
  assert.match(await refused.innerText(), /^test "assert f\(3\) = 6": not valid Python.*expected a statement such as "assert f\(3\) == 6"$/s);
  assert.deepEqual(problems, []);
});

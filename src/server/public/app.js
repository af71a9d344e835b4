// The en2py page: a history of prompts and generated code. Everything the model
// writes is put in the page with textContent (never innerHTML), so generated code
// can never become markup or script.
const $ = (sel) => document.querySelector(sel);
const history = $('#history');
const form = $('#prompt-form');
const promptBox = $('#prompt');
const sendButton = $('#send');
const promptMessage = $('#prompt-message');
const promptCount = $('#prompt-count');
/** The longest prompt the server accepts (its --max-prompt); /api/model says, 500 until it has. */
let maxPromptChars = 500;
const EXAMPLE_HINT = 'e.g. “write a python function to add two numbers”';

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatCount(n) {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n);
}

async function loadModelInfo() {
  const box = $('#model-info');
  try {
    const res = await fetch('/api/model');
    const m = await res.json();
    if (m.limits && Number.isInteger(m.limits.maxPromptChars)) {
      maxPromptChars = m.limits.maxPromptChars;
      updateCount();
    }
    const c = m.config;
    const training = m.training || {};
    const sizes = Array.isArray(m.members) ? m.members : [{ parameters: m.parameters, config: c }];
    const members = sizes.length;
    // Members may differ in size (a wider model with seed-sized ones): name each when they do.
    const same = sizes.every((s) => s.parameters === sizes[0].parameters);
    const size = members === 1 ? `${formatCount(m.parameters)} parameters`
      : same ? `ensemble of ${members} × ${formatCount(m.parameters)} parameters`
        : `ensemble of ${sizes.map((s) => formatCount(s.parameters)).join(' + ')} parameters`;
    const dims = [...new Set(sizes.map((s) => s.config.dModel))].join('/');
    const parts = [`model ${m.name}`, size, `${c.encoderLayers}+${c.decoderLayers} layers, d ${dims}`];
    const metrics = m.metrics || {};
    const averaged = training.averagedEpochs;
    if (members > 1) {
      // An ensemble's metrics are its first member's run's: name no epoch or perplexity of one member.
      box.textContent = parts.join(' · ');
      box.title = JSON.stringify(training.ensembleMembers, null, 1);
      return;
    }
    if (Array.isArray(averaged) && averaged.length) {
      // An averaged model's metrics are those of its run's best single epoch, not its own: name the epochs instead.
      parts.push(`mean of epochs ${averaged[0]}–${averaged[averaged.length - 1]}`);
    } else {
      if (typeof metrics.epoch === 'number') parts.push(`epoch ${metrics.epoch}`);
      if (typeof metrics.valid_ppl === 'number') parts.push(`valid ppl ${metrics.valid_ppl.toFixed(1)}`);
    }
    box.textContent = parts.join(' · ');
    box.title = JSON.stringify(metrics, null, 1);
  } catch {
    box.textContent = 'model info unavailable';
  }
}

/** A <pre><code> block from highlight spans ([class, text] pairs from the server). */
function codeBlock(spans, code) {
  const pre = el('pre', 'code');
  const codeEl = el('code');
  if (Array.isArray(spans) && spans.length) {
    for (const [cls, text] of spans) {
      if (cls) codeEl.append(el('span', `tok-${cls}`, text));
      else codeEl.append(document.createTextNode(text));
    }
  } else {
    codeEl.textContent = code;
  }
  pre.append(codeEl);
  return pre;
}

function validityMark(valid, message) {
  if (valid === null || valid === undefined) return el('span', 'mark unknown', '? not checked');
  const mark = el('span', valid ? 'mark ok' : 'mark bad', valid ? '✓ compiles' : '✗ does not compile');
  mark.dataset.valid = String(valid);
  if (!valid && message) mark.title = message;
  return mark;
}

async function copyText(text, button) {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    // Clipboard API refused (e.g. not a secure context): fall back to a selection.
    const area = el('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    area.remove();
  }
  const old = button.textContent;
  button.textContent = ok ? 'Copied' : 'Copy failed';
  button.classList.toggle('done', ok);
  setTimeout(() => { button.textContent = old; button.classList.remove('done'); }, 1200);
}

function copyButton(text) {
  const b = el('button', 'copy', 'Copy');
  b.type = 'button';
  b.title = 'Copy the code';
  b.addEventListener('click', () => copyText(text, b));
  return b;
}

function codePanel(code, spans, valid, message, extraClass) {
  const panel = el('div', `code-panel ${extraClass || ''}`);
  const bar = el('div', 'code-bar');
  bar.append(validityMark(valid, message), copyButton(code));
  panel.append(bar, codeBlock(spans, code));
  if (!valid && message) panel.append(el('div', 'syntax-error', message));
  return panel;
}

/** Heat map of cross-attention: output tokens (rows) against source words (columns). */
function attentionView(words, tokens, attention) {
  const wrap = el('div', 'attention');
  const table = el('table', 'heatmap');
  const head = el('tr');
  head.append(el('th', 'corner', 'output ↓ / source →'));
  words.forEach((w) => {
    const th = el('th', 'src');
    th.append(el('span', '', w));
    head.append(th);
  });
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  // Shade from the smallest to the largest weight in the map: a diffuse map (weights all near
  // 1/words) still shows where attention leans; the legend gives the range.
  const flat = attention.flatMap((row) => row.slice(0, words.length));
  const lo = Math.min(...flat);
  const hi = Math.max(...flat);
  const shade = (w) => 0.06 + 0.94 * (hi > lo ? (w - lo) / (hi - lo) : 1);
  attention.forEach((row, i) => {
    const tr = el('tr');
    const label = tokens[i] ?? '<eos>';
    tr.append(el('th', 'tgt', label));
    const peak = Math.max(...row);
    row.slice(0, words.length).forEach((w, j) => {
      const td = el('td');
      td.style.backgroundColor = `rgba(59, 91, 219, ${shade(w).toFixed(3)})`;
      if (w === peak) td.classList.add('peak');
      td.title = `${label} → ${words[j]}: ${(w * 100).toFixed(1)}%`;
      tr.append(td);
    });
    tbody.append(tr);
  });
  table.append(thead, tbody);
  wrap.append(table);
  const spread = hi - lo < 0.05 ? ' The weights are nearly uniform: this layer barely looks at particular words.' : '';
  wrap.append(el('p', 'legend', `Last decoder layer’s attention over the sentence, averaged over heads: darker = more attention while writing that token. Shading runs from ${lo.toFixed(2)} (lightest) to ${hi.toFixed(2)} (darkest); hover a cell for its value.${spread}`));
  return wrap;
}

function details(summary, content, open) {
  const d = el('details', 'more');
  d.append(el('summary', '', summary), content);
  if (open) d.open = true;
  return d;
}

function addUserMessage(prompt) {
  $('#empty')?.remove();
  const msg = el('div', 'msg user');
  msg.append(el('div', 'bubble', prompt));
  history.append(msg);
  return msg;
}

function addPending() {
  const msg = el('div', 'msg bot pending');
  const card = el('div', 'card');
  card.append(el('div', 'thinking', 'generating…'));
  msg.append(card);
  history.append(msg);
  msg.scrollIntoView({ block: 'end', behavior: 'smooth' });
  return msg;
}

function renderResult(msg, r) {
  msg.classList.remove('pending');
  msg.classList.add('result');
  const card = el('div', 'card');
  card.append(codePanel(r.code, r.highlight?.code, r.valid, r.syntaxError, 'main'));
  const meta = el('div', 'meta');
  meta.append(el('span', '', `${r.tokens.length} tokens`), el('span', '', `${Math.round(r.ms)} ms`));
  if (r.queuedMs > 50) meta.append(el('span', '', `waited ${Math.round(r.queuedMs)} ms`));
  if (r.truncated) meta.append(el('span', 'warn', 'sentence cut to the model’s length'));
  // What the user's tests chose: the note says whether any candidate passed (pass@N with filtering, not pass@1).
  if (r.tests) meta.append(el('span', r.tests.passed ? 'tests-ok' : 'warn', r.tests.note));
  const unknown = r.words.filter((w) => w === '<unk>').length;
  if (unknown) meta.append(el('span', 'warn', `${unknown} unknown word${unknown > 1 ? 's' : ''}`));
  card.append(meta);
  if (r.alternatives.length) {
    const list = el('div', 'alternatives');
    r.alternatives.forEach((code, i) => list.append(codePanel(code, r.highlight?.alternatives?.[i], r.alternativesValid[i], undefined, 'alt')));
    card.append(details(`${r.alternatives.length} alternative${r.alternatives.length > 1 ? 's' : ''}`, list, false));
  }
  // The tokens and attention are those of the code shown, also when the rerank chose a less likely candidate.
  if (r.attention.length) card.append(details('Attention', attentionView(r.words, r.tokens, r.attention), false));
  msg.replaceChildren(card);
}

function renderError(msg, message) {
  msg.classList.remove('pending');
  msg.classList.add('error');
  const card = el('div', 'card');
  card.append(el('div', 'error-text', message));
  msg.replaceChildren(card);
}

/**
 * The tests box: one test per line, or the whole box as one test when a line is
 * indented (a loop or a helper spans lines). [] when it is empty.
 */
function testsOf(text) {
  const lines = text.split('\n').filter((l) => l.trim());
  if (!lines.length) return [];
  return lines.some((l) => /^\s/.test(l)) ? [text] : lines;
}

function requestBody(prompt) {
  const body = { prompt };
  const tests = testsOf($('#tests').value);
  // With tests the server tries the beams, then samples: it takes no sample count.
  if (tests.length) {
    body.tests = tests;
    body.beam = Number($('#beam').value) || 5;
  } else if ($('#sample').checked) {
    body.samples = Number($('#samples').value) || 4;
    body.temperature = Number($('#temperature').value) || 0.8;
  } else {
    body.beam = Number($('#beam').value) || 5;
  }
  return body;
}

/** Says in the page what is wrong with the prompt (or clears the message with ''). */
function showPromptMessage(text) {
  promptMessage.textContent = text;
  promptMessage.hidden = !text;
  promptBox.setAttribute('aria-invalid', String(Boolean(text)));
}

/** Why the prompt cannot be sent, or '' when it can. Over-long prompts are refused, never cut. */
function promptProblem(prompt) {
  if (!prompt.trim()) return `Type a description of the code you want first, ${EXAMPLE_HINT}.`;
  if (prompt.length > maxPromptChars) {
    const over = prompt.length - maxPromptChars;
    return `The description is ${over.toLocaleString('en-US')} character${over > 1 ? 's' : ''} over the limit of ${maxPromptChars.toLocaleString('en-US')}: shorten it to send.`;
  }
  return '';
}

/** The live count under the box: characters typed / the limit, red past it. */
function updateCount() {
  const n = promptBox.value.length;
  promptCount.textContent = `${n.toLocaleString('en-US')} / ${maxPromptChars.toLocaleString('en-US')}`;
  promptCount.classList.toggle('over', n > maxPromptChars);
  // A message about the length goes away as soon as the prompt fits; one about an empty box as soon as there is text.
  if (!promptMessage.hidden && !promptProblem(promptBox.value)) showPromptMessage('');
  else if (n > maxPromptChars) showPromptMessage(promptProblem(promptBox.value));
}

let busy = false;
async function submit(prompt) {
  if (busy) return;
  const problem = promptProblem(prompt);
  if (problem) {
    showPromptMessage(problem);
    promptBox.focus();
    return;
  }
  showPromptMessage('');
  prompt = prompt.trim();
  busy = true;
  sendButton.disabled = true;
  addUserMessage(prompt);
  const pending = addPending();
  promptBox.value = '';
  autosize();
  updateCount();
  try {
    const res = await fetch('/api/generate', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(requestBody(prompt)),
    });
    const data = await res.json().catch(() => ({ error: `the server answered ${res.status}` }));
    if (!res.ok) renderError(pending, data.error || `error ${res.status}`);
    else renderResult(pending, data);
  } catch (err) {
    renderError(pending, `could not reach the server (${err.message})`);
  } finally {
    busy = false;
    sendButton.disabled = false;
    pending.scrollIntoView({ block: 'end', behavior: 'smooth' });
    promptBox.focus();
  }
}

function autosize() {
  promptBox.style.height = 'auto';
  promptBox.style.height = `${Math.min(promptBox.scrollHeight, 160)}px`;
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  submit(promptBox.value);
});
promptBox.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submit(promptBox.value);
  }
});
promptBox.addEventListener('input', () => {
  autosize();
  updateCount();
});
$('#sample').addEventListener('change', (e) => {
  const on = e.target.checked;
  document.querySelectorAll('.sampling').forEach((n) => { n.hidden = !on; });
  $('#beam').disabled = on;
});
/** The example buttons, from /examples.json: prompts whose answers the tests run against the default model. */
async function loadExamples() {
  const box = $('#examples');
  if (!box) return;
  try {
    const examples = await (await fetch('/examples.json')).json();
    for (const { prompt } of examples.examples) {
      const b = el('button', 'example', prompt);
      b.type = 'button';
      b.addEventListener('click', () => submit(prompt));
      box.append(b);
    }
  } catch {
    // no examples: the box stays empty
  }
}

loadModelInfo();
loadExamples();
updateCount();
promptBox.focus();

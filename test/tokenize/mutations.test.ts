// Deterministic mutations of the fixtures: the lexer either lexes or throws a
// PyTokenizeError (never another error), and re-indenting or detokenizing what it
// lexed gives back the same tokens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lexPython, PyTokenizeError, type PyToken } from '../../src/tokenize/pyLexer.js';
import { detokenizePython } from '../../src/tokenize/pyDetokenize.js';
import { reindentPython } from '../../src/data/reindent.js';
import { seededRandom } from '../../src/data/split.js';
import { FIXTURES } from './fixtures.js';

const key = (ts: PyToken[]) => ts.map((t) => `${t.type}:${t.value}`).join('\u0001');
const CHARS = ' \t\n\\\'"#()[]{}:=-+*.,fbr0123456789x_';

test('mutated sources lex or fail cleanly, and round-trip when they lex', () => {
  const rand = seededRandom(42);
  const sources = Object.values(FIXTURES);
  let lexed = 0;
  for (let n = 0; n < 3000; n++) {
    let src = sources[Math.floor(rand() * sources.length)];
    for (let k = 0; k < 1 + Math.floor(rand() * 3); k++) {
      const at = Math.floor(rand() * (src.length + 1));
      src = rand() < 0.5 ? src.slice(0, at) + CHARS[Math.floor(rand() * CHARS.length)] + src.slice(at) : src.slice(0, at) + src.slice(at + 1);
    }
    let tokens: PyToken[];
    try {
      tokens = lexPython(src);
    } catch (e) {
      assert.ok(e instanceof PyTokenizeError, `${JSON.stringify(src)}: ${String(e)}`);
      continue;
    }
    lexed++;
    assert.equal(key(lexPython(reindentPython(src))), key(tokens), `reindent changed tokens of ${JSON.stringify(src)}`);
    assert.equal(key(lexPython(detokenizePython(tokens))), key(tokens), `detokenize changed tokens of ${JSON.stringify(src)}`);
  }
  assert.ok(lexed > 500, `only ${lexed} mutations lexed`);
});

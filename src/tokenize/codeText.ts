// The two calls models need: code text → model token strings, and back.
import { lexPython } from './pyLexer.js';
import { detokenizePython } from './pyDetokenize.js';
import { decodeCode, encodeCode, type TokenSet } from './subword.js';

/** Code text → model strings ("<nl>", "<indent>", subword pieces). Comments are dropped. Throws PyTokenizeError. */
export function codeToModelTokens(code: string, vocab?: TokenSet): string[] {
  return encodeCode(lexPython(code), vocab);
}

/** Model strings → PEP 8-looking code text. */
export function modelTokensToCode(pieces: readonly string[]): string {
  return detokenizePython(decodeCode(pieces));
}

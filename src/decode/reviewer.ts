/**
 * Coder-Reviewer reranking (Zhang et al. 2022, "Coder Reviewer Reranking for Code Generation"):
 * the coder (the English → Python model) proposes candidates with log p(code | sentence); a
 * reviewer, a Python → English model trained on the same pairs turned round (model.direction
 * py2en), scores how well each candidate explains the sentence, log p(sentence | code). A
 * candidate that is likely but ignores half the sentence (a common failure of a small coder)
 * explains the sentence badly, so the product of the two prefers the program that says what
 * was asked.
 *
 * Both are per token: the coder's log-probability over its tokens and end, the reviewer's
 * over the sentence's words and end (the same sentence for every candidate, so its length
 * cancels out of the choice).
 */
import type { LoadedModel } from '../model/bundle.js';
import { encodePairs, type Example } from '../train/data.js';
import { teacherForced } from '../train/teacherForced.js';

/** Code longer than this many tokens is cut before the reviewer reads it (the training runs' maxTgtLen). */
const REVIEWER_MAX_CODE = 256;

/**
 * log p(sentence | code) per sentence token, for each candidate under the reviewer. A
 * candidate the Python lexer cannot read (an unterminated string, say) gets -Infinity.
 */
export function reviewerLogProbs(reviewer: LoadedModel, sentence: string, codes: readonly string[]): number[] {
  const numberSlots = reviewer.model.config.numberSlots ?? false;
  const out = new Array<number>(codes.length).fill(-Infinity);
  const examples: Example[] = [];
  const at: number[] = [];
  codes.forEach((code, i) => {
    try { // encodePairs lexes the code; one unreadable candidate must not stop the others
      const [ex] = encodePairs([{ id: String(i), description: sentence, code }], reviewer.srcVocab, reviewer.tgtVocab,
        REVIEWER_MAX_CODE, reviewer.model.config.maxLen, { numberSlots, reverse: true }).examples;
      examples.push(ex);
      at.push(i);
    } catch {
      // stays -Infinity
    }
  });
  if (examples.length === 0) return out;
  teacherForced(reviewer.members, examples).perExample.forEach((e, k) => (out[at[k]] = -e.lossSum / e.tokens));
  return out;
}

/** The coder's log p(code | sentence) per token: its log-probability over its tokens and the end. */
export function coderLogProbPerToken(c: { logProb: number; tokens: readonly string[] }): number {
  return c.logProb / (c.tokens.length + 1);
}

/**
 * The index of the candidate with the highest coder + reviewer score (per token, as above),
 * among those `eligible` allows (e.g. the ones that parse); the first eligible on ties, -1 if none.
 */
export function chooseCoderReviewer(coder: readonly number[], reviewer: readonly number[], eligible: (i: number) => boolean = () => true): number {
  let best = -1;
  for (let i = 0; i < coder.length; i++) {
    if (!eligible(i) || !Number.isFinite(coder[i] + reviewer[i])) continue;
    if (best < 0 || coder[i] + reviewer[i] > coder[best] + reviewer[best]) best = i;
  }
  return best;
}

/**
 * Teacher-forced scores of a model on encoded examples: the decoder is fed the
 * gold prefix and each next token is scored. Per example and pooled:
 *  - loss: mean plain cross-entropy (nats) over non-pad target positions, EOS
 *    included, in en2py model tokens (the same number `evaluateLoss` gives);
 *  - token accuracy: share of those positions where the decoder's argmax is
 *    the gold id.
 * For an ensemble, the scores are of its mean distribution (src/model/ensemble.ts).
 */
import { logMeanProbabilities, membersOf, type Models } from '../model/ensemble.js';
import { noGrad, tidy } from '../tensor/index.js';
import { PAD } from '../tokenize/vocab.js';
import { collate, type Example } from './data.js';

export interface TeacherForcedExample {
  id: string;
  /** Summed cross-entropy (nats) over the example's target tokens. */
  lossSum: number;
  /** Target tokens scored (non-pad, EOS included). */
  tokens: number;
  /** Positions where argmax equals the gold id. */
  correct: number;
}

export interface TeacherForcedResult {
  /** In the order of the examples given. */
  perExample: TeacherForcedExample[];
  lossSum: number;
  tokens: number;
  correct: number;
  /** lossSum / tokens (NaN with no tokens). */
  loss: number;
  perplexity: number;
  /** correct / tokens (NaN with no tokens). */
  tokenAccuracy: number;
}

export function teacherForced(
  models: Models,
  examples: readonly Example[],
  opts: { batchSize?: number; onBatch?: (done: number, total: number) => void } = {},
): TeacherForcedResult {
  const batchSize = opts.batchSize ?? 32;
  const members = membersOf(models);
  const was = members.map((m) => m.training);
  for (const m of members) m.training = false;
  const V = members[0].config.tgtVocab;
  const row = new Float64Array(V);
  const order = examples.map((_, i) => i).sort((a, b) => examples[a].tgt.length - examples[b].tgt.length);
  const perExample: TeacherForcedExample[] = examples.map((e) => ({ id: e.id, lossSum: 0, tokens: 0, correct: 0 }));
  try {
    for (let i = 0; i < order.length; i += batchSize) {
      const rows = order.slice(i, i + batchSize);
      const batch = collate(rows.map((r) => examples[r]));
      noGrad(() => tidy(() => {
        const logits = members.map((m) => {
          const { memory, mask } = m.encode(batch.src, batch.batch, batch.srcLen);
          return m.decode(batch.tgtIn, batch.batch, batch.tgtLen, memory, mask).data;
        });
        rows.forEach((r, b) => {
          const rec = perExample[r];
          for (let t = 0; t < batch.tgtLen; t++) {
            const gold = batch.tgtOut[b * batch.tgtLen + t];
            if (gold === PAD) continue;
            const lp = logMeanProbabilities(logits, (b * batch.tgtLen + t) * V, V, row);
            let arg = 0;
            for (let v = 1; v < V; v++) if (lp[v] > lp[arg]) arg = v;
            rec.lossSum -= lp[gold];
            rec.tokens++;
            if (arg === gold) rec.correct++;
          }
        });
      }));
      opts.onBatch?.(Math.min(i + batchSize, order.length), order.length);
    }
  } finally {
    members.forEach((m, k) => (m.training = was[k]));
  }
  const lossSum = perExample.reduce((s, e) => s + e.lossSum, 0);
  const tokens = perExample.reduce((s, e) => s + e.tokens, 0);
  const correct = perExample.reduce((s, e) => s + e.correct, 0);
  const loss = tokens ? lossSum / tokens : NaN;
  return { perExample, lossSum, tokens, correct, loss, perplexity: Math.exp(loss), tokenAccuracy: tokens ? correct / tokens : NaN };
}

/**
 * How much a model reads its sentence: the teacher-forced perplexity of each example's code
 * when the model is given another example's sentence (example i reads the sentence of example
 * i + n/2, mod n). A model that ignores its input scores as it does with the right sentences;
 * the ratio to the real perplexity is how many times more perplexed the wrong sentence leaves it.
 */
export function otherSentencePerplexity(models: Models, examples: readonly Example[]): number {
  const n = examples.length;
  const shift = Math.max(1, Math.floor(n / 2));
  return teacherForced(models, examples.map((e, i) => ({ ...e, src: examples[(i + shift) % n].src }))).perplexity;
}

// The corpus's own function pairs (set "corpus", every kind but "comment") as
// training pairs for data.extra {"source": "corpus"}. Comment pairs stay out:
// in a sample of 50 only 15 described their code (docs/data-card.md). The
// functions/ pairs in the same shards are left to data.extra
// {"source": "functions"}, so the two sources never double a pair.
import { readFileSync } from 'node:fs';
import { UserError } from '../../errors.js';
import type { CleanPair } from '../clean.js';
import { PAIRS_PREFIX, readCorpusStats, shardFiles, type PairRecord } from './format.js';

export function readCorpusPairs(dir: string): CleanPair[] {
  readCorpusStats(dir); // a finished build, or a clear error
  const out: CleanPair[] = [];
  for (const file of shardFiles(dir, PAIRS_PREFIX)) {
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (line === '') return;
      let r: PairRecord;
      try {
        r = JSON.parse(line) as PairRecord;
      } catch {
        throw new UserError(`${file}:${i + 1}: expected one JSON object a line (corpus pairs shard)`);
      }
      if (r.set !== 'corpus' || r.kind === 'comment') return;
      out.push({ id: r.id, description: r.description, code: r.code, source: 'corpus', line: i + 1, license: r.license, origin: r.origin });
    });
  }
  return out;
}

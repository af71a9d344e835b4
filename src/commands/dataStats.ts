import { Command } from 'commander';
import { loadCleanPairs } from '../data/load.js';
import { resolveDataPath } from '../data/resolve.js';
import { lengthStats, type Percentiles } from '../data/stats.js';

export function dataStatsCommand(): Command {
  return new Command('stats')
    .description('read and clean a data file; print what every cleaning rule did and length percentiles')
    .option('--data <file>', 'data file (default: $EN2PY_DATA, ../shared/data, or the download cache)')
    .option('--format <format>', 'english-python | conala | mbpp (default: from the extension)')
    .option('--keep-unparsable', 'keep pairs whose code does not parse (they are marked)')
    .option('--details', 'with --json: also list every dropped pair with its line')
    .option('--json', 'print JSON')
    .action(async (o: { data?: string; format?: string; keepUnparsable?: boolean; details?: boolean; json?: boolean }) => {
      const file = resolveDataPath({ data: o.data });
      const r = await loadCleanPairs(file, { format: o.format, keepUnparsable: o.keepUnparsable });
      const { drops, notPairs, ...counts } = r.report;
      const stats = {
        file, ...counts, notPairs: notPairs.length, lengths: lengthStats(r.pairs),
        ...(o.details ? { drops, notPairLines: notPairs } : {}),
      };
      if (o.json) { process.stdout.write(JSON.stringify(stats, null, 2) + '\n'); return; }
      const pct = (p: Percentiles) => `p50 ${p.p50}, p90 ${p.p90}, p95 ${p.p95}, p99 ${p.p99}, max ${p.max}, mean ${p.mean}`;
      const lines = [
        `file: ${file} (${r.format})`,
        `read ${counts.read}, kept ${counts.kept}`,
        ...Object.entries(counts.dropped).map(([k, v]) => `  dropped ${k}: ${v}`),
        `code that does not parse: ${counts.unparsable}`,
        ...Object.entries(counts.rules).map(([k, v]) => `  rule ${k}: ${v}`),
        `lines that are not pairs: ${notPairs.length}`,
        `description words: ${pct(stats.lengths.descriptionWords)}`,
        `code tokens: ${pct(stats.lengths.codeTokens)}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}

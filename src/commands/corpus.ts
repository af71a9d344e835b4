/**
 * `en2py corpus …` (issue 18): build the Python pretraining corpus and its
 * pairs, print its stats, and check the manifest's licenses.
 */
import { Command } from 'commander';
import { existsSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { repoRoot } from '../paths.js';
import { findStdlibDir } from '../python/stdlib.js';
import { buildCorpus } from '../data/corpus/build.js';
import { Decontaminator, loadEvalItems } from '../data/corpus/decontaminate.js';
import { PAIRS_PREFIX, readCorpusStats, readShards, type CorpusStats, type PairRecord } from '../data/corpus/format.js';
import { seededRandom } from '../data/split.js';
import { licenseFamily, PERMISSIVE, readPackageLicense } from '../data/corpus/licenses.js';
import { manifestPath, manifestSources, readManifest, type CorpusSource } from '../data/corpus/sources.js';
import { defaultExtraPath } from '../data/extra.js';
import { createProgress } from '../train/progress.js';

export const DEFAULT_CORPUS_DIR = path.join(repoRoot, '.cache', 'corpus');

interface BuildFlags {
  out: string;
  tree?: string;
  license?: string;
  functions?: string;
  functionsPairs?: boolean;
  allowMissing?: boolean;
  data?: string;
  mbpp?: string;
  humaneval?: string;
  bench?: string;
}

function buildCommand(): Command {
  return new Command('build')
    .description('collect the standard library and the manifest\'s Debian packages (scripts/install-corpus-packages.sh) into sharded JSONL of files and pairs, deduplicated and decontaminated')
    .option('--out <dir>', 'output folder (git-ignored)', DEFAULT_CORPUS_DIR)
    .option('--tree <dir>', 'collect this folder instead of the standard library and the manifest (tests, custom trees)')
    .option('--license <name>', 'with --tree: its license (only permissive ones are read)', 'MIT')
    .option('--functions <path>', 'the shared functions/ folder (default: ../shared/data/functions)')
    .option('--no-functions-pairs', 'leave the functions/ pairs out')
    .option('--allow-missing', 'build without manifest packages that are not installed (they are named)')
    .option('--data <file>', 'the English→Python data file whose valid/test pairs are decontaminated against')
    .option('--mbpp <file>', 'MBPP\'s mbpp.jsonl (tasks 11-510 decontaminated against)')
    .option('--humaneval <file>', 'HumanEval.jsonl')
    .option('--bench <file>', 'the team benchmark (default benchmarks/en2py-bench.jsonl)')
    .action(async (o: BuildFlags) => {
      let sources: CorpusSource[];
      if (o.tree !== undefined) {
        if (!existsSync(o.tree)) throw new UserError(`${o.tree}: no such folder (--tree)`);
        const family = licenseFamily(o.license ?? 'MIT');
        sources = [{ name: path.basename(path.resolve(o.tree)), license: o.license ?? 'MIT', permissive: PERMISSIVE.includes(family), dir: o.tree }];
      } else {
        const stdlib = findStdlibDir();
        if (stdlib === null) throw new UserError('python3: could not ask it for its standard library folder; install python3 or set EN2PY_PYTHON');
        const m = manifestSources(readManifest(), stdlib);
        if (m.missing.length > 0 && !o.allowMissing) {
          throw new UserError(`${m.missing.length} manifest package(s) not installed (${m.missing.slice(0, 5).join(', ')}${m.missing.length > 5 ? ', …' : ''}); run scripts/install-corpus-packages.sh as root, or pass --allow-missing`);
        }
        if (m.missing.length > 0) process.stderr.write(`corpus: building without ${m.missing.join(', ')} (not installed)\n`);
        sources = m.sources;
      }
      const functions = o.functionsPairs === false ? null : (o.functions ?? defaultExtraPath('functions'));
      if (functions !== null && !existsSync(functions)) throw new UserError(`${functions}: no such folder (the functions/ pairs); give it with --functions, or pass --no-functions-pairs`);
      const decontaminator = new Decontaminator(await loadEvalItems({ data: o.data, mbpp: o.mbpp, humaneval: o.humaneval, bench: o.bench, functions: o.functions }));
      const progress = createProgress('corpus', 1000);
      const stats = await buildCorpus({
        sources, out: path.resolve(o.out), decontaminator, functions, log: (line) => process.stderr.write(`${line}\n`),
        progress: (done, total, info) => progress.update(total > 0 ? Math.min(1000, Math.round((1000 * done) / total)) : 1000, info),
      });
      progress.stop();
      process.stderr.write(`corpus: ${summary(stats)} in ${stats.build.seconds} s → ${o.out}\n`);
    });
}

function summary(s: CorpusStats): string {
  const dropped = Object.values(s.dropped.files).reduce((a, b) => a + b, 0);
  const kept = Object.values(s.sources).reduce((a, b) => a + (b.kind === 'files' ? b.files : 0), 0);
  return `${kept} files kept (${dropped} dropped), ${s.code_tokens} code tokens, ${s.pairs} pairs (${s.pairs_with_tests} with tests)`;
}

function statsCommand(): Command {
  return new Command('stats')
    .description('print the counts of a built corpus (what `corpus build` wrote to OUT/stats.json)')
    .option('--out <dir>', 'the build folder', DEFAULT_CORPUS_DIR)
    .option('--json', 'print JSON (results/corpus/stats.json is this output)')
    .action((o: { out: string; json?: boolean }) => {
      const s = readCorpusStats(o.out);
      if (o.json) { process.stdout.write(JSON.stringify(s, null, 2) + '\n'); return; }
      const lines = [
        summary(s),
        'sources:',
        ...Object.entries(s.sources).map(([name, v]) => `  ${name} [${v.license}]: ${v.files} files of ${v.files_read}, ${v.tokens} tokens, ${v.pairs} pairs`),
        'dropped files:',
        ...Object.entries(s.dropped.files).filter(([, n]) => n > 0).map(([k, n]) => `  ${k}: ${n}`),
        'dropped pairs:',
        ...Object.entries(s.dropped.pairs).filter(([, n]) => n > 0).map(([k, n]) => `  ${k}: ${n}`),
        'decontaminated (files, pairs):',
        ...Object.entries(s.decontaminated).map(([k, v]) => `  ${k}: ${v.files}, ${v.pairs}`),
        `built in ${s.build.seconds} s on ${s.build.cores} × ${s.build.cpu}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}

function sampleCommand(): Command {
  return new Command('sample')
    .description('print N pairs drawn at random (seeded reservoir sample) from a built corpus, one JSON object a line, to read and judge their quality')
    .option('--out <dir>', 'the build folder', DEFAULT_CORPUS_DIR)
    .option('--kind <kind>', 'only pairs of this kind: function, method, staticmethod, comment (corpus pairs), or functions (the shared set)')
    .option('--n <n>', 'how many', '50')
    .option('--seed <n>', 'random seed', '1')
    .action(async (o: { out: string; kind?: string; n: string; seed: string }) => {
      readCorpusStats(o.out);
      const n = Number(o.n);
      if (!Number.isInteger(n) || n < 1) throw new UserError(`--n ${o.n}: expected a positive whole number`);
      const rand = seededRandom(Number(o.seed));
      const sample: PairRecord[] = [];
      let seen = 0;
      for await (const p of readShards<PairRecord>(o.out, PAIRS_PREFIX)) {
        if (o.kind !== undefined && (o.kind === 'functions' ? p.set !== 'functions' : p.set !== 'corpus' || p.kind !== o.kind)) continue;
        seen++;
        if (sample.length < n) sample.push(p);
        else {
          const j = Math.floor(rand() * seen);
          if (j < n) sample[j] = p;
        }
      }
      for (const p of sample) process.stdout.write(JSON.stringify({ id: p.id, kind: p.kind, description: p.description, code: p.code }) + '\n');
    });
}

function licensesCommand(): Command {
  return new Command('licenses')
    .description('read each manifest package\'s license from /usr/share/doc/PKG/copyright and check it against the manifest')
    .option('--write', 'write the licenses read into the manifest (permissive: true only for MIT, BSD, Apache, PSF, ISC, public domain)')
    .action((o: { write?: boolean }) => {
      const file = manifestPath();
      const m = readManifest(file);
      let problems = 0;
      for (const p of m.packages) {
        const read = readPackageLicense(p.name);
        if (read === null) { process.stdout.write(`${p.name}: not installed (no /usr/share/doc/${p.name}/copyright)\n`); continue; }
        const same = read.license === p.license && read.permissive === p.permissive;
        if (!same) problems++;
        process.stdout.write(`${p.name}: ${read.license} (${read.family}, ${read.permissive ? 'permissive' : 'NOT permissive'})${same ? '' : `; manifest says ${p.license}, permissive ${p.permissive}`}\n`);
        if (o.write) { p.license = read.license; p.permissive = read.permissive; }
      }
      if (o.write) {
        writeFileSync(`${file}.tmp`, JSON.stringify(m, null, 2) + '\n');
        renameSync(`${file}.tmp`, file);
        process.stdout.write(`wrote ${file}\n`);
      } else if (problems > 0) {
        throw new UserError(`${file}: ${problems} package(s) differ from their copyright files (run \`en2py corpus licenses --write\` after checking them)`);
      }
    });
}

export function corpusCommand(): Command {
  return new Command('corpus')
    .description('the Python pretraining corpus and its pairs (docs/data-card.md)')
    .addCommand(buildCommand())
    .addCommand(statsCommand())
    .addCommand(sampleCommand())
    .addCommand(licensesCommand());
}

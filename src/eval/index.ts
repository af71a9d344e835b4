/**
 * The evaluation library's public surface, for the `en2py eval` command and the
 * experiment runner. Every metric is a function over strings or token arrays;
 * the ones that need Python (syntax, CodeBLEU trees, execution) start python3
 * themselves.
 */
export { corpusBleu, sentenceBleu, type BleuOptions, type BleuResult } from './bleu.js';
export { codeBleu, PYTHON_KEYWORDS, type CodeBleuResult, type Tokenizer } from './codebleu.js';
export { exactMatch, exactMatchRate, tokenAccuracy, corpusTokenAccuracy, normalizeTokens } from './exact.js';
export { checkSyntax, syntaxValidity, type SyntaxCheck } from './syntax.js';
export { passAtK, meanPassAtK } from './passk.js';
export { runSandboxed, runMany, sandboxMode, DEFAULT_LIMITS, type RunResult, type RunStatus, type SandboxLimits, type SandboxMode } from './sandbox.js';
export {
  readMbpp,
  readHumanEval,
  mbppSplit,
  mbppPrompt,
  MBPP_PROMPT_STYLES,
  type MbppPromptStyle,
  mbppPrograms,
  humanEvalProgram,
  evaluateMbpp,
  evaluateHumanEval,
  type MbppTask,
  type HumanEvalTask,
  type MbppSampleResult,
  type EvalOptions,
} from './tasks.js';
export {
  readBenchmark,
  benchmarkPath,
  benchmarkTasks,
  evaluateBenchmark,
  benchmarkCounts,
  nearDuplicates,
  wordSet,
  jaccard,
  BENCHMARK_TAGS,
  BENCHMARK_DIFFICULTIES,
  type BenchmarkProblem,
  type BenchmarkTag,
  type BenchmarkDifficulty,
  type BenchmarkCounts,
  type NearDuplicate,
} from './benchmark.js';
export { aggregate, formatTable, writeJsonlAtomic, type ExampleRecord, type EvalSummary, type TableOptions } from './report.js';
export {
  evaluateGenerations,
  evaluateExecution,
  formatSplitTable,
  formatExecTable,
  humanEvalSentence,
  lexerTokens,
  BLEU_TOKENIZATION,
  LOSS_TOKENIZATION,
  STRICT_MEANING,
  BOUND_MEANING,
  type SplitExample,
  type SplitGeneration,
  type SplitRecord,
  type SplitMetrics,
  type TeacherForcedScores,
  type ExecProblem,
  type ExecRecord,
  type ExecMetrics,
  type ExecHarness,
} from './evaluate.js';

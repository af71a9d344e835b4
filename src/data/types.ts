/** Where a pair came from. */
export type DataFormat = 'english-python' | 'conala' | 'mbpp';

/**
 * Where a pair came from: a data file's format, the standard library's documented
 * functions (src/data/stdlibPairs.ts), the shared functions/ set (src/data/functions.ts)
 * or the pretraining corpus's documented functions (src/data/corpus/).
 */
export type PairSource = DataFormat | 'stdlib' | 'functions' | 'corpus';

/** One English description with its Python code, as read from a data file. */
export interface Pair {
  /** Stable id, e.g. "english-python:1067", "conala:41067960:0", "mbpp:12". */
  id: string;
  description: string;
  code: string;
  source: PairSource;
  /** 1-based line in the file where the sample starts. */
  line: number;
  /** Text formats: 1-based line in the file where the code starts (to point at errors in it). */
  codeLine?: number;
  /** MBPP: the task id. */
  taskId?: number;
  /** MBPP and functions/: statements (asserts) to run after the code; they passed against it. */
  testList?: string[];
  /** functions/ and corpus pairs: the license of the code (e.g. "MIT", "CC-BY-4.0") and where it comes from (`owner/repo@commit:path`, or a Debian package and file). Keep both with every copy. */
  license?: string;
  origin?: string;
}

/** A sample the reader had to skip, counted in the cleaning report. */
export interface ReadDrop {
  line: number;
  reason: string;
  message: string;
}

export interface ReadResult {
  pairs: Pair[];
  /** Things that are not pairs but were seen (so that nothing is lost silently). */
  drops: ReadDrop[];
  /** Rule counters from the reader (e.g. descriptions joined, glued samples split). */
  counts: Record<string, number>;
}

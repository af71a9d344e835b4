/** Where a pair came from. */
export type DataFormat = 'english-python' | 'conala' | 'mbpp';

/** Where a pair came from: a data file's format, or the standard library's documented functions (src/data/stdlibPairs.ts). */
export type PairSource = DataFormat | 'stdlib';

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
  /** MBPP only: the task id and its assert statements. */
  taskId?: number;
  testList?: string[];
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

// Read + clean in one call: what the data commands (and training) start from.
import type { DataFormat } from './types.js';
import { detectFormat, readPairs } from './readers.js';
import { cleanPairs, type CleanOptions, type CleanResult } from './clean.js';

export interface LoadOptions extends CleanOptions {
  format?: string;
}

export async function loadCleanPairs(file: string, opts: LoadOptions = {}): Promise<CleanResult & { file: string; format: DataFormat }> {
  const format = detectFormat(file, opts.format);
  const read = readPairs(file, format);
  const cleaned = await cleanPairs(read, format, opts);
  return { ...cleaned, file, format };
}

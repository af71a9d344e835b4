// Picks the reader for a data file, from --format or from the file's extension.
import path from 'node:path';
import type { DataFormat, ReadResult } from './types.js';
import { readEnglishPython } from './englishPython.js';
import { readConala } from './conala.js';
import { readMbpp } from './mbpp.js';
import { UserError } from '../errors.js';

export const FORMATS: readonly DataFormat[] = ['english-python', 'conala', 'mbpp'];

/** .txt → english-python, .json → conala, .jsonl → mbpp. */
export function detectFormat(file: string, format?: string): DataFormat {
  if (format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UserError(`--format ${format}: expected one of ${FORMATS.join(', ')}`);
    }
    return format as DataFormat;
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.txt') return 'english-python';
  if (ext === '.json') return 'conala';
  if (ext === '.jsonl') return 'mbpp';
  throw new UserError(`${file}: cannot tell the format from the extension '${ext}'; pass --format ${FORMATS.join('|')}`);
}

export function readPairs(file: string, format: DataFormat): ReadResult {
  switch (format) {
    case 'english-python': return readEnglishPython(file);
    case 'conala': return readConala(file);
    case 'mbpp': return readMbpp(file);
  }
}

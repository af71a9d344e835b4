/**
 * Generated sections of a README: the text between a start and an end marker
 * (HTML comments) is written by a command from committed result files, so that
 * every figure in it is one the command produced. Used by `en2py experiment
 * report` and by `npm run bench`.
 */
import { UserError } from '../errors.js';

/**
 * `text` with what lies between the two markers replaced by `lines` (markers kept,
 * a blank line on each side); an error naming the file when the markers are missing.
 * `what` names the section in that error (e.g. "results").
 */
export function replaceSection(file: string, text: string, start: string, end: string, lines: string[], what: string): string {
  const a = text.indexOf(start), b = text.indexOf(end);
  if (a < 0 || b < a) throw new UserError(`${file}: the markers (${start} … ${end}) are missing: no ${what} markers to write the table between`);
  return text.slice(0, a) + [start, '', ...lines, '', end].join('\n') + text.slice(b + end.length);
}

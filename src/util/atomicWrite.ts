// Write a file so that readers see either the old file or the whole new one:
// write a temporary file beside it, then rename it over the target.
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../errors.js';
import { describeFileError } from './fileErrors.js';

/** Any failure (a directory in the way, no permission, a full disk) is one UserError naming `file`, not its temporary twin. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const cannot = (err: unknown) => new UserError(`${file}: cannot write (${describeFileError(err)})`);
  try {
    // A directory in the way is refused before a temporary file is written beside it.
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch { /* the temporary file was never made (e.g. a file where a directory should be) */ }
    throw cannot(err);
  }
}

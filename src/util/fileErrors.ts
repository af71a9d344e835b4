// One short reason for a failed file operation, e.g. "EISDIR: it is a directory",
// for messages that name the file themselves (Node's own message names the
// temporary file or the syscall instead).
const reasons: Record<string, string> = {
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EEXIST: 'it already exists',
  ENOTEMPTY: 'a directory that is not empty is in the way',
  ENAMETOOLONG: 'the name is too long',
};

export function describeFileError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code) return reasons[code] ? `${code}: ${reasons[code]}` : code;
  return (err as Error)?.message ?? String(err);
}

/** Whether `err` is a failed operation on a file or directory (it carries the path it failed on). */
export function isFileError(err: unknown): err is NodeJS.ErrnoException & { path: string } {
  const e = err as NodeJS.ErrnoException;
  return !!e && typeof e.code === 'string' && typeof e.path === 'string' && typeof e.syscall === 'string';
}

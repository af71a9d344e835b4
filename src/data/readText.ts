// Reads a data file as UTF-8 text, turning every way it can be unreadable
// (missing, empty, binary, invalid UTF-8) into a UserError naming file and line.
import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';

function lineOfOffset(buf: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < buf.length; i++) if (buf[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that is not valid UTF-8, or -1. */
function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    let n = 0;
    if (b < 0x80) { i++; continue; } else if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) n = 2;
    else if (b >= 0xf0 && b <= 0xf4) n = 3;
    else return i;
    for (let k = 1; k <= n; k++) if (i + k >= buf.length || (buf[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

/** The file's text with a BOM removed and CRLF/CR turned into LF. */
export function readTextFile(file: string): string {
  let buf: Buffer;
  try {
    if (statSync(file).isDirectory()) throw new UserError(`${file}: is a directory, expected a data file`);
    buf = readFileSync(file);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: cannot read (${code ?? String(err)})`);
  }
  if (buf.length === 0) throw new UserError(`${file}:1: file is empty, expected data`);
  const nul = buf.indexOf(0);
  if (nul >= 0) throw new UserError(`${file}:${lineOfOffset(buf, nul)}: binary data (NUL byte), expected UTF-8 text`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    const at = firstInvalidUtf8(buf);
    throw new UserError(`${file}:${lineOfOffset(buf, Math.max(at, 0))}: invalid UTF-8 (byte 0x${buf[Math.max(at, 0)].toString(16)} at offset ${at}), expected UTF-8 text`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\r\n?/g, '\n');
  if (text.trim() === '') throw new UserError(`${file}:1: file has only whitespace, expected data`);
  return text;
}

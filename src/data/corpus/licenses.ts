/**
 * The license of a Debian package, read from /usr/share/doc/PKG/copyright
 * (issue 18): the `License:` of its `Files: *` paragraph (machine-readable
 * DEP-5 files), else of the first `License:` line; when that line names no
 * license (older free-form files), the license text is recognised by its
 * standard wording. Only permissive licenses may enter the corpus by default.
 */
import { readFileSync } from 'node:fs';

export type LicenseFamily = 'MIT' | 'BSD' | 'Apache' | 'PSF' | 'ISC' | 'public-domain' | 'other';

/** The families that go into the corpus by default. */
export const PERMISSIVE: readonly LicenseFamily[] = ['MIT', 'BSD', 'Apache', 'PSF', 'ISC', 'public-domain'];

/** A short license name (DEP-5 style) to its family; "other" when it is none of the permissive ones. */
export function licenseFamily(name: string): LicenseFamily {
  const n = name.trim().toLowerCase();
  if (/^(expat|mit)\b/.test(n)) return 'MIT';
  if (/^bsd\b|^bsd-/.test(n)) return 'BSD';
  if (/^apache\b|^apache-/.test(n)) return 'Apache';
  if (/^(psf|python)\b/.test(n)) return 'PSF';
  if (/^isc\b/.test(n)) return 'ISC';
  if (/^(public-domain|public domain|cc0)/.test(n)) return 'public-domain';
  return 'other';
}

/** Standard wordings of license texts, for copyright files whose License: line is empty. */
const WORDINGS: ReadonlyArray<[RegExp, string]> = [
  [/Permission is hereby granted, free of charge/i, 'MIT'],
  [/Redistribution and use in source and binary forms/i, 'BSD'],
  [/Apache License/i, 'Apache-2.0'],
  [/PYTHON SOFTWARE FOUNDATION LICENSE|PSF license/i, 'PSF'],
  [/Permission to use, copy, modify, and\/or distribute this software for any/i, 'ISC'],
  [/GNU (Lesser |Library )?General Public License/i, 'GPL'],
];

export interface PackageLicense {
  /** The license as the copyright file names it (or as its text was recognised, marked "(text)"). */
  license: string;
  family: LicenseFamily;
  permissive: boolean;
}

/** Reads a copyright file's text; see the header for the rule. */
export function parseCopyright(text: string): PackageLicense {
  const paragraphs = text.split(/\n\s*\n/);
  const main = paragraphs.find((p) => /^Files:\s*\*\s*$/m.test(p)) ?? text;
  const m = /^License:[ \t]*(.*)$/m.exec(main) ?? /^License:[ \t]*(.*)$/m.exec(text);
  let license = m ? m[1].trim() : '';
  if (license === '') {
    // The text after an empty License: line (or the whole file) is the license itself.
    const after = m ? text.slice(text.indexOf(m[0]) + m[0].length) : text;
    const next = after.search(/^License:/m);
    const body = (next >= 0 ? after.slice(0, next) : after).slice(0, 4000);
    const found = WORDINGS.find(([re]) => re.test(body));
    license = found ? `${found[1]} (text)` : 'unknown';
  }
  const family = licenseFamily(license);
  return { license, family, permissive: PERMISSIVE.includes(family) };
}

/** The license of an installed Debian package, or null when its copyright file is missing. */
export function readPackageLicense(pkg: string, docRoot = '/usr/share/doc'): PackageLicense | null {
  let text: string;
  try {
    text = readFileSync(`${docRoot}/${pkg}/copyright`, 'utf8');
  } catch {
    return null;
  }
  return parseCopyright(text);
}

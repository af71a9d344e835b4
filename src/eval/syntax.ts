import { checkPythonSyntax } from '../python/astCheck.js';

export interface SyntaxCheck {
  ok: boolean;
  /** Python's message, e.g. "SyntaxError: invalid syntax", when not ok. */
  error?: string;
  line?: number | null;
}

/** Checks whether each program parses with python3's `ast.parse` (one Python process for the whole batch). */
export async function checkSyntax(codes: readonly string[]): Promise<SyntaxCheck[]> {
  const checks = await checkPythonSyntax(codes);
  return checks.map((c) => (c.ok ? { ok: true } : { ok: false, error: `${c.kind}: ${c.message}`, line: c.line || null }));
}

/** Share (0–1) of programs that parse; 0 for an empty list. */
export async function syntaxValidity(codes: readonly string[]): Promise<{ valid: number; total: number; rate: number; checks: SyntaxCheck[] }> {
  const checks = await checkSyntax(codes);
  const valid = checks.filter((c) => c.ok).length;
  return { valid, total: codes.length, rate: codes.length === 0 ? 0 : valid / codes.length, checks };
}

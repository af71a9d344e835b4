import { checkPythonCompiles } from '../python/astCheck.js';

export interface SyntaxCheck {
  ok: boolean;
  /** Python's message, e.g. "SyntaxError: invalid syntax", when not ok. */
  error?: string;
  line?: number | null;
}

/**
 * Checks whether each program is valid Python: python3's `compile()` accepts it
 * (the parser, then the checks made before anything runs, such as duplicate
 * argument names, which `ast.parse` lets through); nothing is executed. One
 * Python process for the whole batch.
 */
export async function checkSyntax(codes: readonly string[]): Promise<SyntaxCheck[]> {
  const checks = await checkPythonCompiles(codes);
  return checks.map((c) => (c.ok ? { ok: true } : { ok: false, error: `${c.kind}: ${c.message}`, line: c.line || null }));
}

/** Share (0–1) of programs that compile; 0 for an empty list. */
export async function syntaxValidity(codes: readonly string[]): Promise<{ valid: number; total: number; rate: number; checks: SyntaxCheck[] }> {
  const checks = await checkSyntax(codes);
  const valid = checks.filter((c) => c.ok).length;
  return { valid, total: codes.length, rate: codes.length === 0 ? 0 : valid / codes.length, checks };
}

// English tokenizer for descriptions: lower-cased words, numbers and single
// punctuation marks. Numbers (3.14, 1e5, 1,000 stays "1" "," "000") and quoted
// names ('foo_bar', "abc", `x`) stay whole, with their original case, since
// they are usually identifiers or literals to copy into the code.

// A quote opens only at the start or after a space/bracket, and closes before
// the end, a space or punctuation, so "don't" and "users' list" are not quotes.
const TOKEN_RE = new RegExp(
  [
    String.raw`(?<=^|[\s(\[{])(?:'[^'\n]{1,80}'|"[^"\n]{1,80}"|` + '`[^`\\n]{1,80}`' + String.raw`)(?=$|[\s.,;:!?)\]}])`,
    String.raw`\d+(?:\.\d+)?(?:[eE][-+]?\d+)?`,
    String.raw`[\p{L}\p{M}\p{N}_]+`,
    String.raw`\S`,
  ].join('|'),
  'gu',
);

export function tokenizeEnglish(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    const t = m[0];
    const c = t[0];
    out.push(t.length > 1 && (c === "'" || c === '"' || c === '`') ? t : t.toLowerCase());
  }
  return out;
}

// Licence plates as readers and people write them (phase2.md section 0): the
// plate key that decides whether two plates are the same, the region code, and
// the look-alike fold that only ever hints at a match.

/**
 * The plate key: compatibility-folded (full-width `ＰＱＸ１００１` is `PQX1001`),
 * spaces and hyphens dropped, upper case, then 2 to 10 of A-Z and 0-9; null
 * for anything else. Letters from other scripts that look Latin (Cyrillic `А`)
 * stay what they are and make the plate unreadable: a key never guesses.
 */
export function plateKey(input: string): string | null {
  const key = input.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
  return /^[A-Z0-9]{2,10}$/.test(key) ? key : null;
}

/** Lower-case ISO 3166-2 (`us-ny`) or alpha-2 (`gb`); null when the input is not one. */
export function regionCode(input: string | null | undefined): string | null {
  const code = (input ?? '').trim().toLowerCase();
  return /^[a-z]{2}(-[a-z0-9]{1,3})?$/.test(code) ? code : null;
}

/** Plates match when their keys are equal and their regions are equal or either is not known. */
export function platesMatch(a: { key: string; region: string | null }, b: { key: string; region: string | null }): boolean {
  return a.key === b.key && (a.region === null || b.region === null || a.region === b.region);
}

const lookAlikes: Record<string, string> = { O: '0', Q: '0', D: '0', I: '1', L: '1', B: '8', S: '5', Z: '2', G: '6' };

/** Equal for plates a camera could confuse (`PQX1O01`, `PQX1001`): a hint for people, never a grant. */
export function lookAlikeKey(key: string): string {
  return key.replace(/[OQDILBSZG]/g, (letter) => lookAlikes[letter]!);
}

/**
 * A template parameter's `pattern` in words, for the message of a value that does not match:
 * users read "may hold only letters, digits and _ . + -", never the regular expression.
 * Pure function, no run-time import.
 */

const RANGES: ReadonlyArray<[string, string]> = [
  ['A-Za-z', 'letters'],
  ['a-zA-Z', 'letters'],
  ['a-z', 'lower-case letters'],
  ['A-Z', 'capital letters'],
  ['0-9', 'digits']
];

/** What a value must look like; a pattern that is no single character class gets a general line. */
export function patternInWords(pattern: string): string {
  const m = /^\[([^\]^]+)\][*+]$/.exec(pattern);
  if (!m) {
    return 'is not in the form this field takes (see its description)';
  }
  let chars = m[1];
  const words: string[] = [];
  for (const [range, word] of RANGES) {
    if (chars.includes(range)) {
      chars = chars.replace(range, '');
      words.push(word);
    }
  }
  const others = [...chars.replace(/\\(.)/g, '$1')];
  const spaced = others.includes(' ');
  const symbols = [...new Set(others.filter(c => c !== ' '))];
  const parts = [...words, ...(symbols.length ? [symbols.join(' ')] : []), ...(spaced ? ['spaces'] : [])];
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0];
  return `may hold only ${list}`;
}

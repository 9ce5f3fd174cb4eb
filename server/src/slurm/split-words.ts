/**
 * The submit dialog's "Extra sbatch options" line, typed as a shell line and split here, in the
 * companion: the browser sends the text as it is and builds no shell words itself.
 */
/**
 * Split a line of sbatch options into words as a shell would, without any
 * expansion: blanks separate words; '…' keeps everything literally; "…"
 * too, except that \" and \\ stand for " and \; elsewhere \ keeps the next
 * character. `--comment="two words"` is the one word `--comment=two words`.
 *
 * @throws Error on an unclosed quote or a trailing backslash.
 */
export function splitOptionsLine(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") {
        quote = null;
      } else {
        word += c;
      }
    } else if (quote === '"') {
      if (c === '"') {
        quote = null;
      } else if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
        word += line[++i];
      } else {
        word += c;
      }
    } else if (/\s/.test(c)) {
      if (word !== null) {
        words.push(word);
        word = null;
      }
    } else if (c === "'" || c === '"') {
      quote = c;
      word = word ?? '';
    } else if (c === '\\') {
      if (i + 1 >= line.length) {
        throw new Error('The options end with a backslash.');
      }
      word = (word ?? '') + line[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote !== null) {
    throw new Error(`A ${quote === '"' ? 'double' : 'single'} quote is not closed.`);
  }
  if (word !== null) {
    words.push(word);
  }
  return words;
}

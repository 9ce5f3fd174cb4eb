import { FIELD_SEP } from '../../../protocol/records';

/**
 * Delimited Slurm output: fields separated by the ASCII unit separator (FIELD_SEP) so
 * that names with spaces, '|' or ',' survive; one record per line.
 */
export { FIELD_SEP };

/** Builds a `-o` format string from `%x` specifiers. */
export function delimitedFormat(specifiers: readonly string[]): string {
  return specifiers.join(FIELD_SEP);
}

/**
 * Splits delimited output into rows of exactly `width` fields. Throws on a row
 * of another width: output that does not match the format is an error, never
 * silently mis-parsed.
 */
export function splitRows(output: string, width: number, command: string): string[][] {
  const rows: string[][] = [];
  for (const line of output.split('\n')) {
    if (line === '') {
      continue;
    }
    const fields = line.split(FIELD_SEP);
    if (fields.length !== width) {
      throw new Error(
        `unexpected ${command} output (${fields.length} fields, expected ${width}): ${JSON.stringify(line.slice(0, 200))}`
      );
    }
    rows.push(fields);
  }
  return rows;
}

/**
 * The browser builds no shell text (issue 16): a set's or a job's modules, set-up and options are
 * sent as data and rendered by the companion, whose one quoting place is
 * server/src/runners/shell-quote.ts. This scans the frontend's sources for what shell building
 * looks like: a `module load` line being made, the `'\''` quoting idiom, a quoting helper.
 */
import { readdirSync, readFileSync } from 'fs';
import { join, relative } from 'path';

const ROOT = join(__dirname, '..', '..');
const SRC = join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const SHELL_BUILDING: Array<[string, RegExp]> = [
  ['a module load line', /['"`]module['"`]\s*,\s*['"`]load['"`]|module load/],
  ["the '\\'' quoting idiom", /'\\\\''/],
  ['a shell quoting helper', /\b(shell(Word|Quote|Escape)|quoteShell|shQuote)\b/i]
];

describe('src/ (the browser)', () => {
  const files = sources(SRC);

  it('has sources to scan', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it.each(SHELL_BUILDING)('builds no shell text: %s', (_what, pattern) => {
    const found = files.filter(f => pattern.test(readFileSync(f, 'utf8'))).map(f => relative(ROOT, f));
    expect(found).toEqual([]);
  });
});

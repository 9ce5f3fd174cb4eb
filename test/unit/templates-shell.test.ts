import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanShell } from '../../server/src/templates/shell-context';
import { fillShell } from '../../server/src/templates/shell-fill';

const contexts = (text: string) => scanShell(text).sites.map(s => s.context ?? `refused: ${s.refused}`);

describe('where a {{reference}} stands in bash', () => {
  it.each([
    ['echo {{a}}', 'word'],
    ['echo --x={{a}}/y', 'word'],
    ['echo "v={{a}}"', 'double'],
    ["echo 'v={{a}}'", 'single'],
    ['# about {{a}}', 'comment'],
    ['echo "$(basename {{a}})"', 'word'],
    ['echo "$(echo "{{a}}")"', 'double'],
    ['echo $(( {{a}} * 2 ))', 'arith'],
    ['(( n = {{a}} ))', 'arith'],
    ['x=1 # {{a}}', 'comment'],
    ['echo a#{{a}}', 'word'],
    ['echo "a\\"b" {{a}}', 'word'],
    ["echo 'it'\\''s' {{a}}", 'word'],
    ['cat <<<{{a}}', 'word'],
    ['echo "$(case $x in a) echo {{a}};; esac)"', 'word'],
    ['echo "$(case $x in (a) echo y;; esac) {{a}}"', 'double']
  ])('%s → %s', (text, context) => {
    expect(contexts(text)).toEqual([context]);
  });

  it.each([
    ['echo `echo {{a}}`', /`/],
    ['x=`echo "{{a}}"`', /inside `\.\.\.`/],
    ["x=`echo '{{a}}'`", /inside `\.\.\.`/],
    ['x=`true # {{a}}`', /inside `\.\.\.`/],
    ['x=`echo $(echo "{{a}}")`', /inside `\.\.\.`/],
    ['x="`echo "{{a}}"`"', /inside `\.\.\.`/],
    ['echo ${X:-{{a}}}', /\$\{/],
    ["echo $'{{a}}'", /\$'/],
    ['echo \\{{a}}', /backslash/],
    ['echo "\\{{a}}"', /backslash/],
    ['echo ${{a}}', /'\$'/],
    ['cat <<EOF\n{{a}}\nEOF', /here-document/],
    ["cat <<-'EOF'\n\t{{a}}\n\tEOF\necho {{a}}", /here-document/]
  ])('refuses %j', (text, why) => {
    const [first] = scanShell(text).sites;
    expect(first.context).toBeUndefined();
    expect(first.refused).toMatch(why);
  });

  it('finds the end of a here-document and reads on after it', () => {
    const scan = scanShell('cat <<EOF\n"unbalanced in a body is fine\nEOF\necho "{{a}}"\n');
    expect(scan.problem).toBeUndefined();
    expect(scan.sites).toEqual([expect.objectContaining({ name: 'a', context: 'double', line: 4 })]);
  });

  it.each([
    ['echo "open', /unclosed double quote/, 1],
    ["echo ok\necho 'open", /unclosed single quote/, 2],
    ['echo $(date', /unclosed \$\( command/, 1],
    // `case` as a word keeps the $( open: an error, never a wrong context
    ['echo "$(echo case) {{a}}"', /unclosed/, 1],
    ['cat <<EOF\nno end', /has no end line/, 1]
  ])('reports unbalanced text %j', (text, message, line) => {
    expect(scanShell(text).problem).toEqual({ message: expect.stringMatching(message), line });
  });
});

describe('filled values read back exactly, and nothing in them runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpc-tpl-shell-'));
  const marker = join(dir, 'pwned');
  const hostile = [
    `1; touch ${marker}`,
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `'; touch ${marker}; '`,
    `"; touch ${marker}; "`,
    `\\"; touch ${marker}; #`,
    `a\nb; touch ${marker}`,
    `it's "quoted" \\ $HOME * ~ {a,b} !x`,
    ''
  ];
  // Each line prints one value between brackets, from one context.
  const script = [
    "printf '[%s]\\n' {{v}}",
    'printf \'[%s]\\n\' "{{v}}"',
    "printf '[%s]\\n' '{{v}}'",
    'printf \'[%s]\\n\' "$(printf %s {{v}})"',
    'printf \'[%s]\\n\' "x{{v}}y" x{{v}}y',
    '# a comment about {{v}}'
  ].join('\n');
  const scan = scanShell(script);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(hostile.map(v => [v]))('%j', value => {
    const text = fillShell(script, scan.sites, () => ({ text: value, raw: false }));
    const out = execFileSync('bash', ['-c', text], {
      encoding: 'utf8',
      env: { HOME: '/home/x', PATH: process.env.PATH }
    });
    // $(...) drops trailing newlines, as it always does
    expect(out).toBe(
      [value, value, value, value.replace(/\n+$/, ''), `x${value}y`, `x${value}y`].map(v => `[${v}]\n`).join('')
    );
    expect(existsSync(marker)).toBe(false);
  });

  it('puts numbers in arithmetic, and nothing else', () => {
    const sites = scanShell('echo $(( {{n}} + 1 ))').sites;
    expect(fillShell('echo $(( {{n}} + 1 ))', sites, () => ({ text: '41', raw: false }))).toBe('echo $(( 41 + 1 ))');
    expect(() => fillShell('echo $(( {{n}} ))', sites, () => ({ text: 'a[$(id)]', raw: false }))).toThrow(
      /non-numeric/
    );
  });

  it('substitutes raw values (centre templates) as written, and refuses others where quoting fails', () => {
    const text = 'srun app {{args}}';
    expect(fillShell(text, scanShell(text).sites, () => ({ text: '-n 4 --fast', raw: true }))).toBe(
      'srun app -n 4 --fast'
    );
    const heredoc = 'cat <<EOF\n{{v}}\nEOF';
    expect(() => fillShell(heredoc, scanShell(heredoc).sites, () => ({ text: 'x', raw: false }))).toThrow(
      /here-document/
    );
  });
});

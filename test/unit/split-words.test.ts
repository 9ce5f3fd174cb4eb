import { splitOptionsLine } from '../../server/src/slurm/split-words';

describe('the options line of the submit dialog', () => {
  it('splits words as a shell would, expanding nothing', () => {
    expect(splitOptionsLine(`  -p debug --comment="two words" --job-name='a $b' x\\ y "\\"q\\"" `)).toEqual([
      '-p',
      'debug',
      '--comment=two words',
      '--job-name=a $b',
      'x y',
      '"q"'
    ]);
    expect(splitOptionsLine('')).toEqual([]);
    expect(splitOptionsLine("''")).toEqual(['']);
  });

  it('says what is wrong with a line it cannot split', () => {
    expect(() => splitOptionsLine('--comment="open')).toThrow('A double quote is not closed.');
    expect(() => splitOptionsLine("-J 'open")).toThrow('A single quote is not closed.');
    expect(() => splitOptionsLine('-p debug \\')).toThrow('The options end with a backslash.');
  });
});

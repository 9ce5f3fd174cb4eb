import { execFileSync } from 'node:child_process';
import { shellCommand, shellQuote } from '../../server/src/runners/shell-quote';

describe('shell quoting for ssh', () => {
  const hostile = ["a'b", '$(id)', '`id`', '; rm -rf ~', 'a\nb', '"x"', '\\', '*', '~', '!', '', ' ', '$HOME', '|&<>'];

  it('round-trips every hostile argument through a real POSIX shell', () => {
    for (const shell of ['/bin/sh', '/bin/bash']) {
      const line = shellCommand(['printf', '%s\\0', ...hostile]);
      const out = execFileSync(shell, ['-c', line], { encoding: 'utf8' });
      expect(out.split('\0').slice(0, -1)).toEqual(hostile);
    }
  });

  it('keeps plain words readable', () => {
    expect(shellQuote('squeue')).toBe('squeue');
    expect(shellQuote('--format=%i')).toBe('--format=%i');
    expect(shellQuote('a b')).toBe("'a b'");
  });

  it('passes environment through env(1), quoted', () => {
    const line = shellCommand(['printenv', 'X'], { X: "$(id) 'q'" });
    expect(line.startsWith('env ')).toBe(true);
    expect(execFileSync('/bin/sh', ['-c', line], { encoding: 'utf8' })).toBe("$(id) 'q'\n");
    expect(() => shellCommand(['true'], { 'A;B': '1' })).toThrow(/invalid environment variable name/);
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalRunner } from '../../server/src/runners/local';
import { NotRegularFileError } from '../../server/src/runners/output-file';
import { TransportError } from '../../server/src/runners/types';

const node = process.execPath;

describe('local runner', () => {
  const runner = createLocalRunner({ env: { HPC_TEST_VAR: 'from-config' } });

  it('passes arguments as argv, never through a shell', async () => {
    const hostile = ['; touch /tmp/hpc-pwned', '$(id)', '`id`', '\'"', 'a\nb'];
    const r = await runner.run([node, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', ...hostile]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(hostile);
  });

  it('layers the cluster env over the companion env and feeds stdin', async () => {
    const r = await runner.run(
      [
        node,
        '-e',
        'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(process.env.HPC_TEST_VAR+":"+s))'
      ],
      { stdin: 'script body' }
    );
    expect(r.stdout.trim()).toBe('from-config:script body');
  });

  it('kills a command whose stderr matches abortOn', async () => {
    const started = Date.now();
    const r = await runner.run(
      [node, '-e', 'console.error("x: retrying in 1sec up to 60sec"); setTimeout(()=>{}, 60000)'],
      {
        abortOn: /retrying in \d+sec/
      }
    );
    expect(r.aborted).toBe('abortOn');
    expect(r.stderr).toContain('retrying');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('kills a command that runs past its timeout', async () => {
    const r = await runner.run([node, '-e', 'setTimeout(()=>{}, 60000)'], { timeoutMs: 300 });
    expect(r.aborted).toBe('timeout');
    expect(r.code).toBeNull();
  });

  it('reports a missing command as a transport error', async () => {
    await expect(runner.run(['/nonexistent/squeue'])).rejects.toThrow(TransportError);
    await expect(runner.run(['/nonexistent/squeue'])).rejects.toThrow('command not found: /nonexistent/squeue');
  });
});

describe('local runner: reading a job output file', () => {
  const runner = createLocalRunner();
  const dir = mkdtempSync(join(tmpdir(), 'hpc-read-'));
  const regular = join(dir, 'job.out');
  writeFileSync(regular, '0123456789');
  const made = (path: string, make: (path: string) => unknown) => (make(path), path);

  it('reads a slice of a regular file', async () => {
    await expect(runner.readFile(regular, 3, 4)).resolves.toEqual({ data: '3456', offset: 3, nextOffset: 7, size: 10 });
  });

  // A named pipe with no writer: a plain open() would wait for one forever, holding a libuv thread.
  it.each([
    ['a named pipe', () => made(join(dir, 'fifo'), path => execFileSync('mkfifo', [path]))],
    ['a directory', () => dir],
    ['a character device', () => '/dev/null'],
    ['a symbolic link', () => made(join(dir, 'link'), path => symlinkSync(regular, path))]
  ])('refuses %s at once, naming it', async (kind, make) => {
    const path = make();
    const started = Date.now();
    const read = runner.readFile(path, 0, 100);
    await expect(read).rejects.toThrow(NotRegularFileError);
    await expect(read).rejects.toThrow(`${path} is ${kind}, not a regular file`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

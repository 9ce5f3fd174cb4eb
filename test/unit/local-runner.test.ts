import { createLocalRunner } from '../../server/src/runners/local';
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

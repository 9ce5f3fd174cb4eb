import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, hostname, loadavg, release, totalmem } from 'node:os';

/** The machine and software a result was measured on: ratios only compare within one run. */
export interface Machine {
  date: string;
  host: string;
  cpu: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  slurm: string;
  node: string;
  python: string;
  commit: string;
  /** 1-minute load average when the run started: other work on the machine adds noise. */
  loadStart: number;
  loadEnd?: number;
}

function tryRun(argv: string[]): string {
  try {
    return execFileSync(argv[0], argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return 'unknown';
  }
}

export function describeMachine(repo: string): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const dirty = tryRun(['git', '-C', repo, 'status', '--porcelain']) ? ' + uncommitted changes' : '';
  return {
    date: new Date().toISOString(),
    host: hostname(),
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    slurm: tryRun(['squeue', '--version']),
    node: process.version,
    python: tryRun([`${repo}/.venv/bin/python`, '--version']),
    commit: tryRun(['git', '-C', repo, 'rev-parse', '--short', 'HEAD']) + dirty,
    loadStart: loadavg()[0]
  };
}

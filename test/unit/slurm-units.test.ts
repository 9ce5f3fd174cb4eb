import {
  formatMB,
  formatSlurmMinutes,
  slurmMemoryMB,
  slurmTimeMinutes,
  slurmTimeSeconds
} from '../../protocol/slurm-units';

describe('Slurm times', () => {
  it.each([
    ['30', 1800],
    ['90:30', 5430],
    ['01:00:00', 3600],
    ['2-00', 172800],
    ['2-00:30', 174600],
    ['2-00:00:00', 172800]
  ])('reads %s as sbatch does (%i s)', (text, seconds) => {
    expect(slurmTimeSeconds(text)).toBe(seconds);
  });

  it('reads UNLIMITED as no limit and refuses what is no time', () => {
    expect(slurmTimeSeconds('UNLIMITED')).toBeNull();
    expect(slurmTimeSeconds('1h')).toBeUndefined();
    expect(slurmTimeSeconds('1:2:3:4')).toBeUndefined();
  });

  it('rounds seconds up to minutes and writes Slurm’s own form', () => {
    expect(slurmTimeMinutes('0:30')).toBe(1);
    expect(formatSlurmMinutes(2880)).toBe('2-00:00:00');
    expect(formatSlurmMinutes(90)).toBe('01:30:00');
  });
});

describe('Slurm sizes', () => {
  it('reads megabytes the way sbatch does (1G = 1024M, no unit = M)', () => {
    expect(slurmMemoryMB('4G')).toBe(4096);
    expect(slurmMemoryMB('4000')).toBe(4000);
    expect(slurmMemoryMB('512M')).toBe(512);
    expect(slurmMemoryMB('lots')).toBeUndefined();
    expect(formatMB(4000)).toBe('3.9 GB');
    expect(formatMB(512)).toBe('512 MB');
  });
});

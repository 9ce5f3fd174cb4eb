/**
 * Slurm's time and memory notations, read the way sbatch reads them: the companion checks a
 * form against a partition's limits with them, a form may say what a value means. Pure
 * functions, no run-time import.
 */

const TIME_FORMS: ReadonlyArray<[RegExp, (n: number[]) => number]> = [
  // minutes, minutes:seconds, hours:minutes:seconds
  [/^(\d+)$/, ([m]) => m * 60],
  [/^(\d+):(\d+)$/, ([m, s]) => m * 60 + s],
  [/^(\d+):(\d+):(\d+)$/, ([h, m, s]) => (h * 60 + m) * 60 + s],
  // days-hours, days-hours:minutes, days-hours:minutes:seconds
  [/^(\d+)-(\d+)$/, ([d, h]) => (d * 24 + h) * 3600],
  [/^(\d+)-(\d+):(\d+)$/, ([d, h, m]) => ((d * 24 + h) * 60 + m) * 60],
  [/^(\d+)-(\d+):(\d+):(\d+)$/, ([d, h, m, s]) => ((d * 24 + h) * 60 + m) * 60 + s]
];

/** The time forms sbatch takes, in words, for messages. */
export const SLURM_TIME_FORMS = 'minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS';

/**
 * Seconds of a Slurm time (`30`, `90:00`, `2-00:00:00`…); null for UNLIMITED/INFINITE;
 * undefined when the text is no Slurm time.
 */
export function slurmTimeSeconds(text: string): number | null | undefined {
  const t = text.trim();
  if (/^(unlimited|infinite)$/i.test(t)) {
    return null;
  }
  for (const [form, seconds] of TIME_FORMS) {
    const m = form.exec(t);
    if (m) {
      return seconds(m.slice(1).map(Number));
    }
  }
  return undefined;
}

/** Minutes as Slurm counts a time limit (seconds round up). */
export function slurmTimeMinutes(text: string): number | null | undefined {
  const seconds = slurmTimeSeconds(text);
  return typeof seconds === 'number' ? Math.ceil(seconds / 60) : seconds;
}

/** A time limit in Slurm's own output form: `D-HH:MM:SS` or `HH:MM:SS`. */
export function formatSlurmMinutes(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const hms = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`;
  return d > 0 ? `${d}-${hms}` : hms;
}

const MB_PER_UNIT: Record<string, number> = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };

/** Megabytes of a Slurm size (`4G`, `512M`, `4096` = MB); undefined when it is none. */
export function slurmMemoryMB(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)B?$/i.exec(text.trim());
  return m ? Number(m[1]) * MB_PER_UNIT[(m[2] || 'M').toUpperCase()] : undefined;
}

/** "4000 MB", "3.9 GB": megabytes for a reader. */
export function formatMB(mb: number): string {
  if (mb >= 1024 * 1024) {
    return `${round1(mb / (1024 * 1024))} TB`;
  }
  return mb >= 1024 ? `${round1(mb / 1024)} GB` : `${Math.round(mb)} MB`;
}

function round1(n: number): string {
  return String(Math.round(n * 10) / 10);
}

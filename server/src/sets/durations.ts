/**
 * Slurm's durations as squeue prints them (%l, %L): "MM:SS", "H:MM:SS",
 * "D-HH:MM:SS"; "UNLIMITED", "INVALID", "NOT_SET" and the like have no value.
 */
export function parseSlurmDuration(text: string): number | undefined {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(text.trim());
  if (!m) {
    return undefined;
  }
  const [, days, hours, minutes, seconds] = m;
  return Number(days ?? 0) * 86400 + Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/** "1 h 5 min", "4 min 10 s", "12 s": for messages. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) {
    const m = Math.floor((s % 3600) / 60);
    return `${Math.floor(s / 3600)} h${m ? ` ${m} min` : ''}`;
  }
  if (s >= 60) {
    const rest = s % 60;
    return `${Math.floor(s / 60)} min${rest ? ` ${rest} s` : ''}`;
  }
  return `${s} s`;
}

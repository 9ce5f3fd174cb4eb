/**
 * `scontrol show job <id>` in its multi-line form. Most lines hold several
 * Key=Value pairs; a few keys own the rest of their line (paths and commands
 * may contain spaces). Slurm 22.05 has no --json for scontrol.
 */
const WHOLE_LINE_KEYS = new Set([
  'Command',
  'WorkDir',
  'StdErr',
  'StdIn',
  'StdOut',
  'Comment',
  'Reason',
  'Power',
  'TRES'
]);

export function scontrolShowJobArgv(id: string, scontrol = 'scontrol'): string[] {
  return [scontrol, 'show', 'job', '--details', id];
}

/** Splits the output into one record per job (arrays and het jobs print several). */
export function parseScontrolShowJob(output: string): Array<Record<string, string>> {
  const jobs: Array<Record<string, string>> = [];
  for (const block of output.split(/\n\s*\n/)) {
    if (!block.trim()) {
      continue;
    }
    const record: Record<string, string> = {};
    for (const line of block.split('\n')) {
      parseLine(line.trim(), record);
    }
    if (!('JobId' in record)) {
      throw new Error(`unexpected scontrol output: ${JSON.stringify(block.slice(0, 200))}`);
    }
    jobs.push(record);
  }
  return jobs;
}

function parseLine(line: string, into: Record<string, string>): void {
  const eq = line.indexOf('=');
  if (eq < 0) {
    return;
  }
  const firstKey = line.slice(0, eq);
  if (WHOLE_LINE_KEYS.has(firstKey)) {
    into[firstKey] = line.slice(eq + 1);
    return;
  }
  Object.assign(into, parseKeyValues(line));
}

/** `Key=Value Key=Value …` of one scontrol line; a value runs until the next " Key=". */
export function parseKeyValues(line: string): Record<string, string> {
  const into: Record<string, string> = {};
  const re = /(?:^|\s)([A-Za-z][A-Za-z0-9_:/.]*)=/g;
  const marks: Array<{ key: string; start: number; valueStart: number }> = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) {
    marks.push({ key: m[1], start: m.index, valueStart: re.lastIndex });
  }
  marks.forEach((mark, i) => {
    const end = i + 1 < marks.length ? marks[i + 1].start : line.length;
    into[mark.key] = line.slice(mark.valueStart, end).trim();
  });
  return into;
}

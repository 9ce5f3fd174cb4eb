/**
 * `{{name}}` references to parameters. Only an identifier between the braces makes a
 * reference, so shell or awk text such as `{print $1}` is left alone.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export interface PlaceholderMatch {
  name: string;
  start: number;
  end: number;
}

/** The reference that starts exactly at `index`, if one does. */
export function placeholderAt(text: string, index: number): PlaceholderMatch | undefined {
  if (!text.startsWith('{{', index)) {
    return undefined;
  }
  const re = new RegExp(PLACEHOLDER.source, 'y');
  re.lastIndex = index;
  const m = re.exec(text);
  return m ? { name: m[1], start: index, end: index + m[0].length } : undefined;
}

/** Every reference in `text`, in order. */
export function placeholders(text: string): PlaceholderMatch[] {
  return [...text.matchAll(PLACEHOLDER)].map(m => ({
    name: m[1],
    start: m.index ?? 0,
    end: (m.index ?? 0) + m[0].length
  }));
}

/** Replaces every reference with `value(name)` verbatim: for text that never meets a shell. */
export function fillPlain(text: string, value: (name: string) => string): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => value(name));
}

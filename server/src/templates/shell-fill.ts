import { shellQuote } from '../runners/shell-quote';
import { ShellSite, SiteContext } from './shell-context';

/** What to put at one reference: the value, and whether it goes in unquoted (a centre's `raw`). */
export interface FillValue {
  text: string;
  raw: boolean;
}

/** Quotes `value` for the place it stands in, so that bash reads exactly `value` back. */
export function quoteFor(context: SiteContext, value: string): string {
  switch (context) {
    case 'word':
      return shellQuote(value);
    case 'double':
      return value.replace(/[\\$`"]/g, '\\$&');
    case 'single':
      return value.replace(/'/g, `'\\''`);
    case 'comment':
      // a newline would end the comment and start a command
      return shellQuote(value.replace(/[\r\n]+/g, ' '));
    case 'arith':
      if (!/^-?[0-9]+(\.[0-9]+)?$/.test(value)) {
        throw new Error(`a non-numeric value cannot stand in an arithmetic expression: ${JSON.stringify(value)}`);
      }
      return value;
  }
}

/**
 * Replaces the references found by `scanShell` (in order) with their quoted values. A site
 * without a context was refused when the template was loaded; only raw values may stand there.
 */
export function fillShell(text: string, sites: readonly ShellSite[], value: (name: string) => FillValue): string {
  let out = '';
  let at = 0;
  for (const site of sites) {
    const v = value(site.name);
    let replacement: string;
    if (v.raw) {
      replacement = v.text;
    } else if (site.context) {
      replacement = quoteFor(site.context, v.text);
    } else {
      throw new Error(`{{${site.name}}} at line ${site.line} is ${site.refused}: it cannot be quoted there`);
    }
    out += text.slice(at, site.start) + replacement;
    at = site.end;
  }
  return out + text.slice(at);
}

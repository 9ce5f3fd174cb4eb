import { PlaceholderMatch, placeholderAt } from './placeholders';

/**
 * Where a `{{name}}` stands in a bash script decides how its value must be quoted: single
 * quotes protect a value among command words, but inside "..." they are plain characters
 * and `$(...)` in the value would run. This small lexer follows bash's quoting (quotes,
 * `$(...)`, `${...}`, `$((...))`, backticks, comments, here-documents) far enough to tell
 * each reference's context, and refuses the places where no quoting is safe.
 *
 * It does not understand a value that the script hands to a second shell (`eval`,
 * `bash -c`, `ssh host ...`) or uses as a number in `[[ a -eq b ]]`, `let` or an array
 * subscript: bash evaluates such text again. Templates must not do that with parameters.
 */
export type SiteContext =
  /** among command words: the value is single-quoted */
  | 'word'
  /** inside "...": `\ $ \` "` are escaped with a backslash */
  | 'double'
  /** inside '...': each `'` becomes `'\''` */
  | 'single'
  /** after `#`: a newline would end the comment, so newlines are blanked */
  | 'comment'
  /** inside `$((...))` or `((...))`: numbers only */
  | 'arith';

export interface ShellSite extends PlaceholderMatch {
  /** 1-based line of the reference. */
  line: number;
  /** Absent when no quoting makes a value safe here; `refused` says why. */
  context?: SiteContext;
  refused?: string;
}

export interface ShellScan {
  sites: ShellSite[];
  /** The text is not balanced (an unclosed quote, `$(`, here-document...): contexts are unknown. */
  problem?: { message: string; line: number };
}

type FrameKind = 'top' | 'cmdsub' | 'backtick' | 'double' | 'single' | 'ansi' | 'param' | 'arith' | 'comment';

interface Frame {
  kind: FrameKind;
  /** Unclosed ( or { inside this frame. */
  depth: number;
  /** Open `case` statements: their `pattern)` does not close a `$(`. */
  cases: number;
  line: number;
}

interface PendingHeredoc {
  delimiter: string;
  stripTabs: boolean;
  line: number;
}

const FRAME_NAMES: Record<FrameKind, string> = {
  top: 'script',
  cmdsub: '$( command substitution',
  backtick: '` command substitution',
  double: 'double quote',
  single: 'single quote',
  ansi: "$' quote",
  param: '${ expansion',
  arith: '$(( arithmetic',
  comment: 'comment'
};

const REFUSED: Partial<Record<FrameKind, string>> = {
  backtick: 'inside `...`, where bash removes a level of quoting (use $(...) instead)',
  ansi: "inside $'...'",
  param: 'inside ${...} (assign the value to a variable first)'
};

const COMMAND_LEVEL = new Set<FrameKind>(['top', 'cmdsub', 'backtick']);
const WORD_BREAK = /[\s;&|()<>`]/;

export function scanShell(text: string): ShellScan {
  const sites: ShellSite[] = [];
  const stack: Frame[] = [{ kind: 'top', depth: 0, cases: 0, line: 1 }];
  let pending: PendingHeredoc[] = [];
  let line = 1;
  let i = 0;

  const top = (): Frame => stack[stack.length - 1];
  const push = (kind: FrameKind): void => {
    stack.push({ kind, depth: 0, cases: 0, line });
  };
  const site = (m: PlaceholderMatch, context?: SiteContext, refused?: string): void => {
    sites.push({ ...m, line, ...(context ? { context } : { refused }) });
  };
  const contextOf = (kind: FrameKind): SiteContext | undefined =>
    COMMAND_LEVEL.has(kind) && kind !== 'backtick'
      ? 'word'
      : kind === 'double' || kind === 'single' || kind === 'comment' || kind === 'arith'
        ? kind
        : undefined;

  while (i < text.length) {
    const frame = top();
    const m = placeholderAt(text, i);
    if (m) {
      // bash strips one level of backslashes inside `...` before running it, so no quoting of
      // ours survives anywhere in one, even in quotes or a comment nested there
      const inBackticks = stack.some(f => f.kind === 'backtick');
      const context = inBackticks ? undefined : contextOf(frame.kind);
      site(m, context, context ? undefined : (REFUSED[inBackticks ? 'backtick' : frame.kind] ?? 'here'));
      i = m.end;
      continue;
    }
    const c = text[i];
    if (c === '\n') {
      line++;
      if (frame.kind === 'comment') {
        stack.pop();
      }
      if (pending.length && COMMAND_LEVEL.has(top().kind)) {
        const end = skipHeredocs(text, i + 1, pending, line, sites);
        if ('problem' in end) {
          return { sites, problem: end.problem };
        }
        line = end.line;
        pending = [];
        i = end.index;
        continue;
      }
      i++;
      continue;
    }
    switch (frame.kind) {
      case 'single':
        if (c === "'") {
          stack.pop();
        }
        i++;
        continue;
      case 'comment':
        // bash finds the closing ` before it reads a comment inside: the comment ends there
        if (c === '`' && stack.some(f => f.kind === 'backtick')) {
          stack.pop();
          continue;
        }
        i++;
        continue;
      case 'ansi':
        if (c === '\\') {
          i += 2;
          continue;
        }
        if (c === "'") {
          stack.pop();
        }
        i++;
        continue;
    }
    // Frames where a backslash escapes and `$` expands.
    if (c === '\\') {
      const escaped = placeholderAt(text, i + 1);
      if (escaped) {
        // `\'value'` would escape the opening quote
        site(escaped, undefined, 'right after a backslash');
        i = escaped.end;
        continue;
      }
      if (text[i + 1] === '\n') {
        line++;
      }
      i += 2;
      continue;
    }
    if (c === '$') {
      const braced = placeholderAt(text, i + 1);
      if (braced) {
        // `$'value'` would be ANSI-C quoting, where \' does not end the quote
        site(braced, undefined, "right after '$'");
        i = braced.end;
        continue;
      }
      if (text.startsWith('$((', i)) {
        push('arith');
        i += 3;
      } else if (text.startsWith('$(', i)) {
        push('cmdsub');
        i += 2;
      } else if (text.startsWith('${', i)) {
        push('param');
        i += 2;
      } else if (text.startsWith("$'", i) && frame.kind !== 'double') {
        push('ansi');
        i += 2;
      } else {
        i++;
      }
      continue;
    }
    if (c === '`') {
      if (frame.kind === 'backtick') {
        stack.pop();
      } else {
        push('backtick');
      }
      i++;
      continue;
    }
    if (frame.kind === 'double') {
      if (c === '"') {
        stack.pop();
      }
      i++;
      continue;
    }
    if (c === "'" && frame.kind !== 'arith') {
      push('single');
      i++;
      continue;
    }
    if (c === '"') {
      push('double');
      i++;
      continue;
    }
    if (frame.kind === 'param') {
      if (c === '{') {
        frame.depth++;
      } else if (c === '}') {
        if (frame.depth === 0) {
          stack.pop();
        } else {
          frame.depth--;
        }
      }
      i++;
      continue;
    }
    if (frame.kind === 'arith') {
      if (c === '(') {
        frame.depth++;
      } else if (c === ')') {
        if (frame.depth === 0 && text[i + 1] === ')') {
          stack.pop();
          i += 2;
          continue;
        }
        frame.depth--;
      }
      i++;
      continue;
    }
    // Command level: top, $( ... ) and ` ... `.
    const wordStart = i === 0 || WORD_BREAK.test(text[i - 1]);
    if (c === '#' && wordStart) {
      push('comment');
      i++;
      continue;
    }
    if (c === '(' && text[i + 1] === '(' && wordStart) {
      push('arith');
      i += 2;
      continue;
    }
    const keyword = wordStart ? /^(case|esac)(?=[\s;&|()<>]|$)/.exec(text.slice(i, i + 5)) : null;
    if (keyword) {
      // a miscount (the word as an argument) leaves the $( open: an error, never a wrong context
      frame.cases = Math.max(0, frame.cases + (keyword[1] === 'case' ? 1 : -1));
      i += 4;
      continue;
    }
    if (c === '(') {
      frame.depth++;
    } else if (c === ')' && frame.kind === 'cmdsub') {
      if (frame.depth > 0) {
        frame.depth--;
      } else if (frame.cases === 0) {
        stack.pop();
      } // else the `)` of a case pattern
    } else if (c === '<' && text.startsWith('<<', i) && text[i + 2] !== '<') {
      const heredoc = readHeredocOperator(text, i + 2);
      if (!heredoc.delimiter) {
        return { sites, problem: { message: 'a here-document (<<) without a delimiter word', line } };
      }
      pending.push({ delimiter: heredoc.delimiter, stripTabs: heredoc.stripTabs, line });
      i = heredoc.end;
      continue;
    } else if (c === '<' && text.startsWith('<<<', i)) {
      i += 3;
      continue;
    }
    i++;
  }

  const open = stack.slice(1).filter(f => f.kind !== 'comment');
  if (open.length) {
    const f = open[open.length - 1];
    return { sites, problem: { message: `unclosed ${FRAME_NAMES[f.kind]}`, line: f.line } };
  }
  if (pending.length) {
    return {
      sites,
      problem: { message: `here-document <<${pending[0].delimiter} has no body`, line: pending[0].line }
    };
  }
  return { sites };
}

/** Reads `[-] word` after `<<`; quoting in the word only marks the body as literal. */
function readHeredocOperator(text: string, from: number): { delimiter: string; stripTabs: boolean; end: number } {
  let i = from;
  const stripTabs = text[i] === '-';
  if (stripTabs) {
    i++;
  }
  while (text[i] === ' ' || text[i] === '\t') {
    i++;
  }
  let delimiter = '';
  while (i < text.length && !/[\s;&|()<>]/.test(text[i])) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      const stop = close === -1 ? text.length : close;
      delimiter += text.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '\\') {
      delimiter += text[i + 1] ?? '';
      i += 2;
    } else {
      delimiter += c;
      i++;
    }
  }
  return { delimiter, stripTabs, end: i };
}

/**
 * Skips the bodies of the here-documents opened on the line that just ended. References in a
 * body are refused: an unquoted body expands `$(...)` whatever the quoting of the value, and a
 * value's line could end the body early.
 */
function skipHeredocs(
  text: string,
  from: number,
  pending: PendingHeredoc[],
  startLine: number,
  sites: ShellSite[]
): { index: number; line: number } | { problem: { message: string; line: number } } {
  let pos = from;
  let line = startLine;
  for (const doc of pending) {
    for (;;) {
      if (pos >= text.length) {
        return { problem: { message: `here-document <<${doc.delimiter} has no end line`, line: doc.line } };
      }
      const newline = text.indexOf('\n', pos);
      const end = newline === -1 ? text.length : newline;
      const body = text.slice(pos, end);
      if ((doc.stripTabs ? body.replace(/^\t+/, '') : body) === doc.delimiter) {
        pos = end;
        break;
      }
      for (let j = 0; j < body.length; j++) {
        const m = placeholderAt(body, j);
        if (m) {
          sites.push({ name: m.name, start: pos + m.start, end: pos + m.end, line, refused: 'inside a here-document' });
          j = m.end - 1;
        }
      }
      pos = end + 1;
      line++;
    }
  }
  return { index: pos, line };
}

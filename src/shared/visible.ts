/**
 * Free text of other users' jobs (names, comments, Slurm's details) shown
 * with every invisible or layout-changing character made visible, so that a
 * job name can neither hide part of itself nor pass for another job.
 */

/**
 * C0 controls and DEL, C1 controls, and the bidirectional format characters
 * that reorder the text around them.
 */
const INVISIBLE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const EVERY_INVISIBLE = new RegExp(INVISIBLE.source, 'g');

/**
 * Newline as ␤ (one glyph for "new line", whatever the platform's line end).
 */
const NEWLINE_PICTURE = '\u2424';

/**
 * Unicode's Control Pictures block holds one glyph per C0 control at
 * U+2400 + code, and ␡ for DEL.
 */
const CONTROL_PICTURES = 0x2400;
const DELETE_PICTURE = '\u2421';

function picture(char: string): string {
  const code = char.charCodeAt(0);
  if (char === '\n') {
    return NEWLINE_PICTURE;
  }
  if (code < 0x20) {
    return String.fromCharCode(CONTROL_PICTURES + code);
  }
  if (code === 0x7f) {
    return DELETE_PICTURE;
  }
  // No picture exists for the others: their code point, as Unicode writes it.
  return `⟨U+${code.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/**
 * `text` with its control and bidi format characters replaced by visible
 * glyphs: newline ␤, tab ␉, ESC ␛, other C0 at U+2400 + code, DEL ␡, the
 * rest as ⟨U+XXXX⟩. Text without any comes back as is (the common case, at
 * the cost of one scan).
 */
export function visibleText(text: string): string {
  return INVISIBLE.test(text) ? text.replace(EVERY_INVISIBLE, picture) : text;
}

/** One problem with a template or a request, named by a JSON pointer into it. */
export interface FieldError {
  /** The template file (absent for request errors). */
  file?: string;
  /** JSON pointer of the offending field, e.g. "/parameters/bins/maximum"; "" for the whole document. */
  field: string;
  message: string;
}

/**
 * Input that fails validation: the HTTP layer answers 400 with every field error, so a form
 * can mark each field and a script's author sees all problems at once.
 */
export class FieldErrors extends Error {
  readonly statusCode = 400;
  constructor(
    readonly errors: FieldError[],
    /** What was invalid, e.g. "invalid template /etc/hpc/templates/a.json". */
    what?: string
  ) {
    const details = errors.map(e => `${e.field || '/'}: ${e.message}`).join('; ');
    super(what ? `${what}: ${details}` : details);
    this.name = 'FieldErrors';
  }
}

/** A request for something that is not there (404) or not allowed (403, 409). */
export class TemplateRequestError extends Error {
  constructor(
    message: string,
    readonly statusCode: 403 | 404 | 409
  ) {
    super(message);
    this.name = 'TemplateRequestError';
  }
}

/** Escapes a name for use as one JSON pointer segment (RFC 6901). */
export function pointer(...segments: Array<string | number>): string {
  return segments.map(s => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** What a failure says, for a notification or an inline message (never a stack trace). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

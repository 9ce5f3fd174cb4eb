/**
 * The one place where an argument becomes shell text: SSH runs a command
 * line through the remote user's shell, so every argument is quoted for a
 * POSIX shell (sh, bash, zsh). Plain words stay readable in logs.
 */
const SAFE = /^[A-Za-z0-9_/.,:=@%+-]+$/;

export function shellQuote(arg: string): string {
  if (arg.includes('\0')) {
    throw new Error('an argument contains a NUL byte');
  }
  if (SAFE.test(arg)) {
    return arg;
  }
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A command line for `argv` run with extra environment variables. */
export function shellCommand(argv: readonly string[], env: Record<string, string> = {}): string {
  const assignments = Object.entries(env).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
      throw new Error(`invalid environment variable name: ${JSON.stringify(k)}`);
    }
    return shellQuote(`${k}=${v}`);
  });
  // `env` sets the variables without the shell interpreting them.
  const prefix = assignments.length ? ['env', ...assignments] : [];
  return [...prefix, ...argv.map(shellQuote)].join(' ');
}

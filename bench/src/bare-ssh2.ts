import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { Client } from 'ssh2';
import { shellCommand } from '../../server/src/runners/shell-quote';
import { CommandResult, CommandRunner } from '../../server/src/runners/types';
import type { SshTarget } from './row4-ssh';

/**
 * The floor under the companion's ssh2 runner: the ssh2 library alone (one connection,
 * Nagle off, one exec per command), without the runner's limiter, timeouts, retries and
 * host-key checks. What the runner costs is the difference; what is left is sshd's.
 */
export async function bareSsh2(t: SshTarget): Promise<CommandRunner> {
  const sock = connect({ host: t.host, port: t.port });
  sock.setNoDelay(true);
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
    // a reference measurement on the fixture's loopback sshd: the host key is checked by the
    // runner under test, not here
    client.connect({ sock, username: t.user, privateKey: readFileSync(t.identityFile) });
  });
  const run = (argv: readonly string[]) =>
    new Promise<CommandResult>((resolve, reject) =>
      client.exec(shellCommand(argv), (e, ch) => {
        if (e) {
          reject(e);
          return;
        }
        let stdout = '';
        let stderr = '';
        ch.on('data', (d: Buffer) => (stdout += d.toString()));
        ch.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        ch.on('close', (code: number | null) => resolve({ code, signal: null, stdout, stderr }));
      })
    );
  return {
    label: 'bare ssh2',
    run,
    readFile: () => Promise.reject(new Error('not used')),
    close: async () => void client.end()
  };
}

import type { AccountChoice } from '../../../protocol/resources';

/**
 * The accounting database's other answers: `sacct --batch-script` and the user's associations
 * (`sacctmgr show user withassoc`). Pure argv builders and parsers.
 */

/** What sacct and sacctmgr say on a cluster without slurmdbd. */
export const ACCOUNTING_DISABLED = /accounting storage is disabled|not running a supported accounting_storage plugin/i;

/** Names Slurm accepts for users and clusters; anything else never reaches an argv. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export function sacctmgrAssocArgv(user: string, clusterName: string, sacctmgr = 'sacctmgr'): string[] {
  if (!NAME.test(user) || (clusterName !== '' && !NAME.test(clusterName))) {
    throw new Error(`not a Slurm user or cluster name: ${JSON.stringify(user)}, ${JSON.stringify(clusterName)}`);
  }
  const argv = [sacctmgr, '--noheader', '--parsable2', 'show', 'user', user, 'withassoc'];
  if (clusterName) {
    argv.push('where', `cluster=${clusterName}`);
  }
  argv.push('format=defaultaccount,account,qos,defaultqos');
  return argv;
}

/** `defaultaccount|account|qos,qos|defaultqos` lines → the user's default account and choices. */
export function parseAssociations(output: string): { defaultAccount: string; accounts: AccountChoice[] } {
  let defaultAccount = '';
  const byAccount = new Map<string, AccountChoice>();
  for (const line of output.split('\n')) {
    if (line.trim() === '') {
      continue;
    }
    const fields = line.split('|');
    if (fields.length !== 4) {
      throw new Error(`unexpected sacctmgr output: ${JSON.stringify(line.slice(0, 200))}`);
    }
    const [dflt, account, qos, defaultQos] = fields;
    defaultAccount ||= dflt;
    if (account && !byAccount.has(account)) {
      byAccount.set(account, { account, qos: qos.split(',').filter(Boolean).sort(), defaultQos });
    }
  }
  const accounts = [...byAccount.values()].sort((a, b) => a.account.localeCompare(b.account));
  return { defaultAccount, accounts };
}

/**
 * The script of `sacct --batch-script --jobs=<id>`: Slurm prints a title line ("Batch Script for
 * 123") and a rule of dashes before it, a newline after; null when the site stores no scripts
 * (`NONE`: AccountingStoreFlags without job_script, or a job from before) or the job is unknown.
 */
export function parseBatchScript(output: string): string | null {
  const m = /^Batch Script for \S+\n-+\n/m.exec(output);
  if (!m) {
    return null;
  }
  // sacct prints a newline of its own after the script
  const script = output.slice(m.index + m[0].length).replace(/\n$/, '');
  return script.trim() === '' || script.trim() === 'NONE' ? null : script;
}

import { posix } from 'node:path';
import { CommandRunner } from '../runners/types';
import { ABORT_ON_RETRY, checkResult } from './errors';
import { assertJobIds, hetJobOf, parseJobStates } from './jobids';
import { parseScontrolShowJob, scontrolShowJobArgv } from './scontrol';
import type { Partition } from '../../../protocol/resources';
import { combinePartitions } from './partitions';
import { PartitionConfig, parseScontrolPartitions, scontrolPartitionsArgv } from './scontrol-partitions';
import { SinfoNode, parseSinfoNodes, sinfoNodesArgv } from './sinfo';
import { SubmitRequest, parseSbatchParsable, sbatchArgv } from './sbatch';
import { SqueueQuery, squeueCommand } from './squeue';
import { TestOnlyResult, parseTestOnly, sbatchTestOnlyArgv } from './test-only';
import { SqueueRecords, newNonce, readSqueueRecords } from './squeue-records';
import type { HistoryQuery } from '../../../protocol/history';
import type { AccountChoice } from '../../../protocol/resources';
import { SacctRows, readSacctRows, sacctArgv } from './sacct';
import { ACCOUNTING_DISABLED, parseAssociations, parseBatchScript, sacctmgrAssocArgv } from './accounting';

export type JobAction = 'cancel' | 'hold' | 'release';

/** Everything the companion asks of Slurm, whatever the transport. */
export interface SlurmAdapter {
  /** Every partition: node states, CPUs, memory and GPUs now, and its limits. */
  partitions(): Promise<Partition[]>;
  /** squeue's records in wire form (the poller splits and diffs them itself), and any it refused. */
  queue(query?: SqueueQuery): Promise<SqueueRecords>;
  jobAction(action: JobAction, ids: string[]): Promise<void>;
  /** Each id's state as squeue knows it now (any user's, finished ones for MinJobAge); absent: unknown. */
  jobStates(ids: string[]): Promise<Map<string, string>>;
  showJob(id: string): Promise<Array<Record<string, string>>>;
  /**
   * Slurm's expected start of a pending job (`squeue --start`: a scheduler simulation inside
   * slurmctld, so only for a job whose details are open, never in a poll); undefined if none.
   */
  startEstimate(id: string): Promise<string | undefined>;
  /** Submits a batch script; returns the job id. */
  submit(request: SubmitRequest): Promise<string>;
  /** Asks Slurm when and where the job would start (`sbatch --test-only`), or why it would not. */
  testOnly(request: SubmitRequest): Promise<TestOnlyResult>;
  /** sacct's lines (jobs and steps) of `user`'s jobs; null when the cluster keeps no accounting. */
  history(user: string, query: HistoryQuery): Promise<SacctRows | null>;
  /** The batch script Slurm's accounting stored for a job; null when the site stores none. */
  batchScript(id: string): Promise<string | null>;
  /** The accounts and QOS `user` may use on this cluster; null without accounting. */
  associations(user: string): Promise<{ defaultAccount: string; accounts: AccountChoice[] } | null>;
}

export interface SlurmAdapterOptions {
  /** Directory of the Slurm client commands; PATH lookup when absent. */
  binDir?: string;
  timeoutMs?: number;
}

export function createSlurmAdapter(runner: CommandRunner, options: SlurmAdapterOptions = {}): SlurmAdapter {
  const bin = (name: string): string => (options.binDir ? posix.join(options.binDir, name) : name);
  const timeoutMs = options.timeoutMs ?? 20_000;

  async function run(argv: string[], stdin?: string, command = posix.basename(argv[0])): Promise<string> {
    const result = await runner.run(argv, { timeoutMs, abortOn: ABORT_ON_RETRY, stdin });
    return checkResult(command, result);
  }

  return {
    async partitions() {
      const [nodes, configs] = await Promise.allSettled([
        run(sinfoNodesArgv(bin('sinfo'))).then(parseSinfoNodes),
        run(scontrolPartitionsArgv(bin('scontrol'))).then(parseScontrolPartitions)
      ]);
      // both fail alike when Slurm is unreachable: say sinfo's words, as the sidebar always did
      for (const answer of [nodes, configs]) {
        if (answer.status === 'rejected') {
          throw answer.reason;
        }
      }
      return combinePartitions(
        (configs as PromiseFulfilledResult<PartitionConfig[]>).value,
        (nodes as PromiseFulfilledResult<SinfoNode[]>).value
      );
    },
    async queue(query) {
      // a new secret per run: it bounds other users' text in this output only (squeue-records.ts)
      const nonce = newNonce();
      const { argv, stdin } = squeueCommand(nonce, bin('squeue'), query);
      return readSqueueRecords(await run(argv, stdin, 'squeue'), nonce);
    },
    async jobAction(action, ids) {
      assertJobIds(ids);
      // Slurm cancels a heterogeneous job only whole ("123+1" is refused): cancel "123".
      const targets = action === 'cancel' ? [...new Set(ids.map(hetJobOf))] : ids;
      // '--' ends the options: ids are validated, and this keeps it so.
      const argv =
        action === 'cancel' ? [bin('scancel'), '--', ...targets] : [bin('scontrol'), action, targets.join(',')];
      await run(argv);
    },
    async jobStates(ids) {
      assertJobIds(ids);
      const argv = [
        bin('squeue'),
        '--noheader',
        '--array',
        '--states=all',
        `--jobs=${ids.join(',')}`,
        '--format=%i|%T'
      ];
      const result = await runner.run(argv, { timeoutMs, abortOn: ABORT_ON_RETRY });
      // squeue refuses a list of ids none of which it knows: that is an answer, not a failure
      if (result.code !== 0 && /Invalid job id specified/.test(result.stderr)) {
        return new Map();
      }
      return parseJobStates(checkResult('squeue', result));
    },
    async submit(request) {
      return parseSbatchParsable(await run(sbatchArgv(request.options, bin('sbatch')), request.script));
    },
    async testOnly(request) {
      const argv = sbatchTestOnlyArgv(request.options, bin('sbatch'));
      const result = await runner.run(argv, { timeoutMs, abortOn: ABORT_ON_RETRY, stdin: request.script });
      // a refusal is an answer (exit 1, Slurm's reason); a controller that does not answer is an error
      if (result.code !== 0 && !result.aborted && !/Unable to contact|Socket timed out/i.test(result.stderr)) {
        return parseTestOnly(result.stderr, result.code);
      }
      checkResult('sbatch', result);
      return parseTestOnly(result.stderr, result.code);
    },
    async startEstimate(id) {
      assertJobIds([id]);
      const out = await run([bin('squeue'), '--noheader', '--start', `--jobs=${id}`, '--format=%S']);
      return out.trim().split('\n')[0] || undefined;
    },
    async history(user, query) {
      // a new secret per run bounds every field of this output (sacct.ts)
      const nonce = newNonce();
      const result = await runner.run(sacctArgv(nonce, user, query, bin('sacct')), {
        timeoutMs,
        abortOn: ABORT_ON_RETRY
      });
      if (result.code !== 0 && ACCOUNTING_DISABLED.test(result.stderr)) {
        return null;
      }
      return readSacctRows(checkResult('sacct', result), nonce);
    },
    async batchScript(id) {
      assertJobIds([id]);
      const result = await runner.run([bin('sacct'), '--batch-script', `--jobs=${id}`], {
        timeoutMs,
        abortOn: ABORT_ON_RETRY
      });
      if (result.code !== 0 && ACCOUNTING_DISABLED.test(result.stderr)) {
        return null;
      }
      return parseBatchScript(checkResult('sacct', result));
    },
    async associations(user) {
      const config = await run([bin('scontrol'), 'show', 'config']);
      const clusterName = /^ClusterName\s*=\s*(\S+)/m.exec(config)?.[1] ?? '';
      const result = await runner.run(sacctmgrAssocArgv(user, clusterName, bin('sacctmgr')), {
        timeoutMs,
        abortOn: ABORT_ON_RETRY
      });
      if (result.code !== 0 && ACCOUNTING_DISABLED.test(result.stderr)) {
        return null;
      }
      return parseAssociations(checkResult('sacctmgr', result));
    },
    async showJob(id) {
      assertJobIds([id]);
      return parseScontrolShowJob(await run(scontrolShowJobArgv(id, bin('scontrol'))));
    }
  };
}

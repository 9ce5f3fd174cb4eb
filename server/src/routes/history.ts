import { FastifyInstance } from 'fastify';
import { NO_ACCOUNTING_MESSAGE } from '../../../protocol/history';
import type { HistoryAnswer, HistoryJob, HistoryQuery, RerunReply } from '../../../protocol/history';
import type { AccountsReply } from '../../../protocol/resources';
import { Cluster, ClusterRegistry } from '../clusters';
import { SubmissionRecord, SubmissionStore } from '../history/submissions';
import { foldSteps, groupArrays } from '../slurm/history';
import { assertJobIds } from '../slurm/jobids';
import { clusterNamed } from './submit';

const params = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' }, id: { type: 'string', maxLength: 64 } }
} as const;

const text = { type: 'string', minLength: 1, maxLength: 1024 } as const;

/** A record older or newer than this around sacct's submit time is another job with a recycled id. */
const SAME_SUBMISSION_MS = 10 * 60 * 1000;

function sameSubmission(record: SubmissionRecord, job: HistoryJob): boolean {
  const submitted = Date.parse(job.submitTime);
  return Number.isNaN(submitted) || Math.abs(Date.parse(record.at) - submitted) < SAME_SUBMISSION_MS;
}

/** The submission record of a job or array task (tasks share their array's record). */
function recordOf(records: Map<string, SubmissionRecord>, job: HistoryJob): SubmissionRecord | undefined {
  const record = records.get(job.arrayJobId || job.jobId);
  return record && sameSubmission(record, job) ? record : undefined;
}

async function historyOf(
  c: Cluster,
  query: HistoryQuery,
  submissions?: SubmissionStore
): Promise<{ jobs: HistoryJob[]; refused: Array<{ id: string; why: string }> } | null> {
  const answer = await c.slurm.history(c.user, query);
  if (answer === null) {
    return null;
  }
  const jobs = foldSteps(answer.rows);
  if (submissions) {
    const records = await submissions.find(
      c.config.name,
      jobs.map(j => j.arrayJobId || j.jobId)
    );
    for (const job of jobs) {
      const stdout = recordOf(records, job)?.stdout;
      // a recorded array path holds %A/%a patterns: only a plain job's is the file itself
      if (stdout && !job.arrayJobId) {
        job.output = { path: stdout, exact: true };
      }
    }
  }
  return { jobs, refused: answer.refused };
}

/**
 * The user's job history from Slurm's accounting (sacct), "Run again", and the accounts and QOS
 * the forms offer. A cluster without accounting answers `accounting: false` with one line, never
 * an error: the rest of the product works the same there.
 */
export function historyRoutes(app: FastifyInstance, registry: ClusterRegistry, submissions?: SubmissionStore): void {
  app.get(
    '/api/clusters/:name/history',
    {
      schema: {
        params,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { start: text, end: text, state: text, name: text, jobs: text }
        }
      }
    },
    async request => {
      const { name } = request.params as { name: string };
      const query = request.query as HistoryQuery;
      const found = await historyOf(clusterNamed(registry, name), query, submissions);
      if (found === null) {
        const answer: HistoryAnswer = { cluster: name, accounting: false, message: NO_ACCOUNTING_MESSAGE };
        return answer;
      }
      const answer: HistoryAnswer = {
        cluster: name,
        accounting: true,
        query,
        groups: groupArrays(found.jobs),
        count: found.jobs.length,
        refused: found.refused,
        updatedAt: new Date().toISOString()
      };
      return answer;
    }
  );

  app.get('/api/clusters/:name/history/:id/rerun', { schema: { params } }, async (request, reply) => {
    const { name, id } = request.params as { name: string; id: string };
    assertJobIds([id]);
    const c = clusterNamed(registry, name);
    const found = await historyOf(c, { jobs: id }, submissions);
    if (found === null) {
      return reply.code(409).send({ error: NO_ACCOUNTING_MESSAGE });
    }
    const job = found.jobs.find(j => j.id === id) ?? found.jobs.find(j => j.jobId === id);
    if (!job) {
      return reply.code(404).send({ error: `job ${id} is not in ${name}'s accounting (yet)` });
    }
    const records = submissions ? await submissions.find(name, [job.arrayJobId || job.jobId]) : new Map();
    const record = recordOf(records, job);
    // the task's own id: an array's id would print every task's script
    const stored = await c.slurm.batchScript(job.id);
    const answer: RerunReply = {
      cluster: name,
      id: job.id,
      script: stored ?? record?.script ?? null,
      scriptSource: stored !== null ? 'accounting' : record?.script ? 'submitted' : null,
      workDir: job.workDir,
      template: record?.template ?? null,
      suggested: {
        ...(job.efficiency.suggestedMemMB !== null ? { memMB: job.efficiency.suggestedMemMB } : {}),
        ...(job.efficiency.suggestedCpus !== null ? { cpus: job.efficiency.suggestedCpus } : {})
      }
    };
    return answer;
  });

  app.get('/api/clusters/:name/accounts', { schema: { params } }, async request => {
    const { name } = request.params as { name: string };
    const c = clusterNamed(registry, name);
    const found = await c.slurm.associations(c.user);
    const answer: AccountsReply = found
      ? { cluster: name, accounting: true, ...found }
      : { cluster: name, accounting: false, defaultAccount: '', accounts: [] };
    return answer;
  });
}

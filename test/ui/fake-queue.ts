/**
 * A made-up queue in the companion's wire format (rows of `FIELDS`), for the
 * UI tests and the benchmark that play the companion's WebSocket themselves.
 */
export const FIELDS = [
  'id',
  'jobId',
  'arrayJobId',
  'arrayTaskId',
  'name',
  'user',
  'account',
  'partition',
  'state',
  'reason',
  'elapsed',
  'timeLimit',
  'timeLeft',
  'nodes',
  'cpus',
  'nodeList',
  'submitTime',
  'startTime',
  'comment'
];

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];

/** Job `n` (1-based): every fourth runs; names are `job-<n>`. */
export function fakeJobRow(n: number, overrides: { [field: string]: string } = {}): string[] {
  const running = n % 4 === 0;
  const job: { [field: string]: string } = {
    id: String(n),
    jobId: String(n),
    arrayJobId: String(n),
    arrayTaskId: 'N/A',
    name: `job-${n}`,
    user: USERS[n % USERS.length],
    account: 'science',
    partition: n % 3 ? 'debug' : 'batch',
    state: running ? 'RUNNING' : 'PENDING',
    reason: running ? 'None' : 'Priority',
    elapsed: running ? `${n % 60}:0${n % 10}` : '0:00',
    timeLimit: '1:00:00',
    timeLeft: running ? '59:00' : '1:00:00',
    nodes: String(1 + (n % 8)),
    cpus: '1',
    nodeList: running ? 'vm' : '',
    submitTime: '2026-11-22T10:00:00',
    startTime: 'N/A',
    comment: '',
    ...overrides
  };
  return FIELDS.map(field => job[field]);
}

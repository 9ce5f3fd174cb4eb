/**
 * Issue 14, point 5: one notification per array (when its last task ends), and the jobs the user
 * cancelled through us marked as such (no warning in the Lab), against the real fixture.
 */
import { WsClient, localCluster, startCompanion, waitUntil } from '../helpers/companion';
import { localConf, slurm, submitLocal } from '../helpers/slurm';

interface Ended {
  id: string;
  state: string;
  byUser?: boolean;
  tasks?: Record<string, number>;
}

describe('job-ended notifications, grouped and attributed', () => {
  it('an array ends in one event with its task counts; a cancel through us is marked byUser, scancel is not', async () => {
    const c = await startCompanion([localCluster()], 1000);
    const ws = await WsClient.open(c.wsUrl);
    const leftovers: string[] = [];
    try {
      ws.send({ type: 'notifications', enabled: true });
      ws.send({ type: 'subscribe', cluster: 'local' });
      await ws.waitFor(m => m.type === 'snapshot');
      const events = (): Ended[] => ws.messages.filter(m => m.type === 'job-ended').flatMap(m => m.events as Ended[]);

      // tasks that end over several polls: the last one 6 s after the first
      const array = submitLocal([
        '-J',
        'hpc-notify-array',
        '--array=1-3',
        '--wrap',
        'sleep $((SLURM_ARRAY_TASK_ID * 3))'
      ]);
      const ours = submitLocal(['-J', 'hpc-notify-ours', '--wrap', 'sleep 300']);
      const theirs = submitLocal(['-J', 'hpc-notify-theirs', '--wrap', 'sleep 300']);
      leftovers.push(array, ours, theirs);

      const cancel = await c.served.request('/api/clusters/local/jobs/actions', {
        method: 'POST',
        body: JSON.stringify({ action: 'cancel', ids: [ours] })
      });
      expect(cancel.status).toBe(200);
      slurm(localConf(), ['scancel', theirs]);

      await waitUntil(
        () => {
          const ids = events().map(e => e.id);
          return [array, ours, theirs].every(id => ids.includes(id)) || undefined;
        },
        90_000,
        'the array and both cancelled jobs to end'
      );
      await new Promise(r => setTimeout(r, 2_500)); // later polls must not add task events
      const all = events();
      expect(all.filter(e => e.id.startsWith(`${array}_`))).toEqual([]);
      const grouped = all.filter(e => e.id === array);
      expect(grouped).toHaveLength(1);
      expect(grouped[0]).toMatchObject({ state: 'COMPLETED', tasks: { COMPLETED: 3 } });
      expect(grouped[0].byUser).toBeUndefined();
      expect(all.find(e => e.id === ours)).toMatchObject({ state: 'CANCELLED', byUser: true });
      const other = all.find(e => e.id === theirs);
      expect(other?.state).toBe('CANCELLED');
      expect(other?.byUser).toBeUndefined();
    } finally {
      slurm(localConf(), ['scancel', ...leftovers]);
      ws.close();
      await c.close();
    }
  }, 150_000);
});

import { WsClient, localCluster, startCompanion, waitUntil } from '../helpers/companion';
import { submitLocal } from '../helpers/slurm';

describe('job-ended notifications', () => {
  it('reach exactly one of several open views, once, with the final state', async () => {
    const c = await startCompanion([localCluster()], 1000);
    const tabs = await Promise.all([WsClient.open(c.wsUrl), WsClient.open(c.wsUrl), WsClient.open(c.wsUrl)]);
    try {
      for (const ws of tabs) {
        ws.send({ type: 'notifications', enabled: true });
        ws.send({ type: 'subscribe', cluster: 'local' });
      }
      await Promise.all(tabs.map(ws => ws.waitFor(m => m.type === 'snapshot')));
      const ok = submitLocal(['-J', 'hpc-notify-ok', '--wrap', 'true']);
      const bad = submitLocal(['-J', 'hpc-notify-bad', '--wrap', 'exit 3']);
      const events = () =>
        tabs.flatMap(ws =>
          ws.messages
            .filter(m => m.type === 'job-ended')
            .flatMap(m =>
              (m.events as Array<{ id: string; state: string; exitCode?: string }>).map(e => ({ ...e, tab: ws }))
            )
        );
      await waitUntil(
        () => {
          const ids = events().map(e => e.id);
          return ids.includes(ok) && ids.includes(bad) ? true : undefined;
        },
        20_000,
        'both jobs to end'
      );
      await new Promise(r => setTimeout(r, 2_500)); // later polls must not repeat them
      const mine = events().filter(e => e.id === ok || e.id === bad);
      expect(mine).toHaveLength(2);
      expect(new Set(mine.map(e => e.tab)).size).toBe(1); // one tab shows them
      expect(mine.find(e => e.id === ok)!.state).toBe('COMPLETED');
      expect(mine.find(e => e.id === bad)!.state).toBe('FAILED');
      expect(mine.find(e => e.id === bad)!.exitCode).toBe('3:0');
      expect(mine.find(e => e.id === ok)!.exitCode).toBe('0:0');

      // the tab that notified closes: another one takes over
      const owner = mine[0].tab;
      owner.close();
      const next = submitLocal(['-J', 'hpc-notify-next', '--wrap', 'true']);
      await waitUntil(
        () => events().some(e => e.id === next) || undefined,
        20_000,
        'a notification after the owner closed'
      );
      expect(events().filter(e => e.id === next)).toHaveLength(1);
    } finally {
      tabs.forEach(ws => ws.close());
      await c.close();
    }
  });
});

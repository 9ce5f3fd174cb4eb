/**
 * Issue 14, point 5: what a job-ended notification says and its kind. An array's end is one
 * notification with its task counts; a job the user cancelled through us is news (info), not a
 * warning. The events themselves come from the companion (test/integration/notifications-grouped).
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import { jobEndedMessage, jobEndedType } from '../../../src/queue/notifications';

const fill = (text: string, args: unknown[]): string => text.replace(/%(\d)/g, (_, i: string) => String(args[+i - 1]));
const trans = {
  __: (text: string, ...args: unknown[]) => fill(text, args),
  _n: (one: string, many: string, n: number, ...args: unknown[]) => fill(n === 1 ? one : many, [n, ...args])
} as unknown as TranslationBundle;

describe('job-ended notifications', () => {
  it('say an array once, with how many tasks ended in each state', () => {
    const event = { id: '42', name: 'sweep', user: 'me', state: 'FAILED', tasks: { COMPLETED: 9, FAILED: 1 } };
    expect(jobEndedMessage('local', event, trans)).toBe(
      'Array 42 (sweep) on local: 10 tasks ended, 9 COMPLETED, 1 FAILED'
    );
    expect(jobEndedType(event)).toBe('error');
  });

  it('give no warning for what the user cancelled through us, and still one for what Slurm or others cancelled', () => {
    const mine = { id: '7', name: 'x', user: 'me', state: 'CANCELLED', byUser: true };
    expect(jobEndedType(mine)).toBe('info');
    expect(jobEndedMessage('local', mine, trans)).toBe('Job 7 (x) on local: cancelled by you');
    const array = { id: '8', name: 'a', user: 'me', state: 'CANCELLED', byUser: true, tasks: { CANCELLED: 3 } };
    expect(jobEndedType(array)).toBe('info');
    expect(jobEndedType({ id: '9', name: 'y', user: 'me', state: 'CANCELLED' })).toBe('warning');
  });
});

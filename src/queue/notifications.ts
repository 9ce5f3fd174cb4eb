/**
 * Lab notifications when my jobs end. The companion sends each `job-ended`
 * event to one connection only among those that asked, so with several
 * tabs open a job is announced once.
 */
import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { HpcSocket } from '../shared/ws';

/**
 * How long a notification stays on screen; it remains in the notification
 * center after.
 */
const AUTO_CLOSE_MS = 10_000;

/**
 * A job's end in words: "Job 123 (name) on local: COMPLETED, exit 0:0";
 * an array's: "Array 123 (name) on local: 4 tasks ended, 3 COMPLETED, 1 FAILED".
 */
export function jobEndedMessage(cluster: string, event: HpcSocket.IJobEndedEvent, trans: TranslationBundle): string {
  if (event.tasks) {
    const array = event.name ? trans.__('Array %1 (%2)', event.id, event.name) : trans.__('Array %1', event.id);
    const counts = Object.entries(event.tasks);
    const total = counts.reduce((sum, [, n]) => sum + n, 0);
    const states = counts.map(([state, n]) => `${n} ${state || trans.__('left the queue')}`).join(', ');
    const ended = trans._n(
      '%2 on %3: %1 task ended, %4',
      '%2 on %3: %1 tasks ended, %4',
      total,
      array,
      cluster,
      states
    );
    return event.byUser ? trans.__('%1 (cancelled by you)', ended) : ended;
  }
  const job = event.name ? trans.__('Job %1 (%2)', event.id, event.name) : trans.__('Job %1', event.id);
  if (event.byUser && event.state === 'CANCELLED') {
    return trans.__('%1 on %2: cancelled by you', job, cluster);
  }
  if (!event.state) {
    // It left the queue between two polls, unseen in a final state.
    return event.exitCode
      ? trans.__('%1 on %2 left the queue, exit %3', job, cluster, event.exitCode)
      : trans.__('%1 on %2 left the queue', job, cluster);
  }
  return event.exitCode
    ? trans.__('%1 on %2: %3, exit %4', job, cluster, event.state, event.exitCode)
    : trans.__('%1 on %2: %3', job, cluster, event.state);
}

/**
 * The notification's kind: success only for a clean completion; what the
 * user cancelled through us is news, not a warning.
 */
export function jobEndedType(event: HpcSocket.IJobEndedEvent): Notification.TypeOptions {
  switch (event.state) {
    case 'COMPLETED':
      return !event.exitCode || event.exitCode === '0:0' ? 'success' : 'warning';
    case 'CANCELLED':
      return event.byUser ? 'info' : 'warning';
    case 'PREEMPTED':
    case 'REVOKED':
      return 'warning';
    case '':
      return 'info';
    default:
      return 'error';
  }
}

/**
 * Ask the companion for job-ended events and show each as a notification,
 * with a button to follow the job's output.
 */
export function notifyJobEnded(
  socket: HpcSocket,
  options: {
    trans: TranslationBundle;
    openOutput?: (cluster: string, id: string) => void;
  }
): void {
  const { trans, openOutput } = options;
  socket.enableNotifications();
  socket.messageReceived.connect((_, message) => {
    if (message.type !== 'job-ended') {
      return;
    }
    for (const event of message.events) {
      if (!event || typeof event.id !== 'string') {
        continue;
      }
      Notification.emit(jobEndedMessage(message.cluster, event, trans), jobEndedType(event), {
        autoClose: AUTO_CLOSE_MS,
        // an array's tasks each have their own output: the queue shows them
        actions:
          openOutput && !event.tasks
            ? [
                {
                  label: trans.__('Output'),
                  caption: trans.__("Show the job's output"),
                  callback: () => openOutput(message.cluster, event.id)
                }
              ]
            : []
      });
    }
  });
}

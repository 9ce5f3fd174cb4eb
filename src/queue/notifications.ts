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
 * A job's end in words: "Job 123 (name) on local: COMPLETED, exit 0:0".
 */
export function jobEndedMessage(cluster: string, event: HpcSocket.IJobEndedEvent, trans: TranslationBundle): string {
  const job = event.name ? trans.__('Job %1 (%2)', event.id, event.name) : trans.__('Job %1', event.id);
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
 * The notification's kind: success only for a clean completion.
 */
export function jobEndedType(event: HpcSocket.IJobEndedEvent): Notification.TypeOptions {
  switch (event.state) {
    case 'COMPLETED':
      return !event.exitCode || event.exitCode === '0:0' ? 'success' : 'warning';
    case 'CANCELLED':
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
        actions: openOutput
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

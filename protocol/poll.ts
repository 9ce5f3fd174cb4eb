/**
 * How often the companion polls squeue, and the centre's limits on it: the admin's
 * `c.HpcConfig` (Python) → the companion's config → `GET/PUT hpc/api/poll` (the sidebar).
 * Pure data: no run-time import (scripts/protocol-json.mjs writes it for Python).
 */

/** The admin's limits (seconds), as the companion's config names them. */
export interface PollLimits {
  /** The shortest interval between polls of the user's own jobs. */
  minPollInterval: number;
  /** The shortest interval between polls of every user's jobs (a full-queue squeue). */
  minAllUsersInterval: number;
  /** False: no all-users view, REST or WebSocket (e.g. a site with PrivateData=jobs). */
  allowAllUsers: boolean;
  /** Why all users' jobs cannot be shown, in the admin's words. */
  allUsersDisabledReason: string;
}

export const POLL_LIMIT_DEFAULTS: PollLimits = {
  minPollInterval: 1,
  minAllUsersInterval: 30,
  allowAllUsers: true,
  allUsersDisabledReason: "Your administrator has turned off the view of all users' jobs."
};

/**
 * While none of the user's jobs changes, the wait between own-jobs polls doubles up to this
 * (seconds): a job's end is noticed at most this late; any change or action resets it.
 */
export const QUIET_MAX_INTERVAL = 30;

/** What the companion polls with, once the user's setting met the admin's limits (seconds). */
export interface PollSettings {
  /** Between polls of the user's own jobs while they change. */
  interval: number;
  /** The longest wait between own-jobs polls while nothing changes. */
  quietMaxInterval: number;
  /** Between polls of every user's jobs, while an all-users view is open. */
  allUsersInterval: number;
  allowAllUsers: boolean;
  /** With allowAllUsers false: the admin's reason. */
  allUsersDisabledReason?: string;
  /** The user's own setting as last sent, if any (before the limits). */
  requested?: number;
  limits: PollLimits;
}

import { POLL_LIMIT_DEFAULTS, PollLimits, PollSettings, QUIET_MAX_INTERVAL } from '../../protocol/poll';

export type { PollLimits, PollSettings } from '../../protocol/poll';

/**
 * The admin's limits on polling (`c.HpcConfig.min_poll_interval`, …, passed in the companion's
 * config as `limits`) and what they make of a user's own setting: the companion clamps, the
 * sidebar shows the result.
 */
export const pollLimitsSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    minPollInterval: { type: 'number', minimum: 0.5, default: POLL_LIMIT_DEFAULTS.minPollInterval },
    minAllUsersInterval: { type: 'number', minimum: 0.5, default: POLL_LIMIT_DEFAULTS.minAllUsersInterval },
    allowAllUsers: { type: 'boolean', default: POLL_LIMIT_DEFAULTS.allowAllUsers },
    allUsersDisabledReason: { type: 'string', default: POLL_LIMIT_DEFAULTS.allUsersDisabledReason }
  }
} as const;

/**
 * The intervals in force: the user's setting (else the admin's `poll_interval`) raised to the
 * admin's minimum; the all-users poll never more often than its own floor nor than own jobs.
 */
export function effectivePoll(limits: PollLimits, adminInterval: number, requested?: number): PollSettings {
  const interval = Math.max(requested ?? adminInterval, limits.minPollInterval);
  return {
    interval,
    quietMaxInterval: Math.max(QUIET_MAX_INTERVAL, interval),
    allUsersInterval: Math.max(limits.minAllUsersInterval, interval),
    allowAllUsers: limits.allowAllUsers,
    ...(!limits.allowAllUsers && { allUsersDisabledReason: limits.allUsersDisabledReason }),
    ...(requested !== undefined && { requested }),
    limits
  };
}

/** A request for every user's jobs where the admin turned that off: 403 with the admin's reason. */
export class AllUsersRefused extends Error {
  readonly statusCode = 403;
}

export function assertAllUsersAllowed(settings: PollSettings): void {
  if (!settings.allowAllUsers) {
    throw new AllUsersRefused(settings.allUsersDisabledReason ?? POLL_LIMIT_DEFAULTS.allUsersDisabledReason);
  }
}

/** The intervals in force and the user's own setting: one per companion, applied to every cluster. */
export interface PollControl {
  readonly settings: PollSettings;
  /** The user's own interval in seconds (undefined: the admin's default); the settings in force. */
  request(seconds: number | undefined): PollSettings;
}

export function createPollControl(
  limits: PollLimits,
  adminInterval: number,
  apply: (settings: PollSettings) => void
): PollControl {
  let settings = effectivePoll(limits, adminInterval);
  apply(settings);
  return {
    get settings() {
      return settings;
    },
    request(seconds) {
      const next = effectivePoll(limits, adminInterval, seconds);
      if (JSON.stringify(next) !== JSON.stringify(settings)) {
        settings = next;
        apply(settings);
      }
      return settings;
    }
  };
}

import { DateTime } from 'luxon';

/**
 * "Today" for every sync: the ISO date in a timezone (the node's Timezone option, checked by
 * resolveTimezone; falls back to UTC for an unknown zone). Tests pin `now`, never the real clock.
 */
/** Today's ISO date in a timezone (falls back to UTC for an unknown zone). */
export function todayIn(timezone: string, now: DateTime = DateTime.utc()): string {
	const zoned = now.setZone(timezone || 'UTC');
	return (zoned.isValid ? zoned : now.setZone('UTC')).toISODate() as string;
}

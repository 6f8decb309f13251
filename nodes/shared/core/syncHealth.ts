/**
 * R9: "no successful sync for N hours", decided without I/O from the time Remote Upsert Employee
 * recorded for its last successful run and the time the health check first looked.
 */

export const DEFAULT_ALERT_AFTER_HOURS = 6;

/**
 * Where earlier versions of Remote Upsert Employee kept the time of their last successful run (the
 * workflow's global static data); it is moved to n8n's deduplication store once (memoryKeys).
 */
export const LAST_SUCCESS_KEY = 'remoteUpsertLastSuccessAt';

export interface HealthInput {
	/** ISO time of the last successful Remote Upsert Employee run, if one was recorded. */
	lastSuccessAt?: unknown;
	/** ISO time the health check first ran without a recorded success (the grace period starts there). */
	watchingSince?: unknown;
	nowMs: number;
	hours: number;
}

export interface HealthVerdict {
	alert: boolean;
	reason: 'recent_success' | 'no_recent_success' | 'never_succeeded' | 'waiting_for_first_run';
	message: string;
	lastSuccessAt: string | null;
	hoursSinceLastSuccess: number | null;
}

const time = (value: unknown): number =>
	typeof value === 'string' && value ? Date.parse(value) : Number.NaN;

const hoursText = (hours: number) => `${Math.round(hours * 10) / 10} hour${hours === 1 ? '' : 's'}`;

/**
 * Alert when the last success is at least `hours` old; with none recorded, once `hours` have passed
 * since the check first looked (a new workflow gets that long for its first published run).
 */
export function syncHealth({
	lastSuccessAt,
	watchingSince,
	nowMs,
	hours,
}: HealthInput): HealthVerdict {
	const last = time(lastSuccessAt);
	const limitMs = hours * 3600_000;
	if (Number.isFinite(last)) {
		const since = Math.max(0, nowMs - last) / 3600_000;
		const stale = nowMs - last >= limitMs;
		return {
			alert: stale,
			reason: stale ? 'no_recent_success' : 'recent_success',
			message: stale
				? `HiBob → Remote sync: no successful run for ${hoursText(since)} (the last one was at ${new Date(last).toISOString()}; alert after ${hoursText(hours)}).`
				: `The last successful sync was ${hoursText(since)} ago.`,
			lastSuccessAt: new Date(last).toISOString(),
			hoursSinceLastSuccess: Math.round(since * 10) / 10,
		};
	}
	const watching = time(watchingSince);
	const stale = Number.isFinite(watching) && nowMs - watching >= limitMs;
	return {
		alert: stale,
		reason: stale ? 'never_succeeded' : 'waiting_for_first_run',
		message: stale
			? `HiBob → Remote sync: no successful run recorded in the ${hoursText(hours)} since this check started (dry runs are not recorded).`
			: 'No successful sync recorded yet; the check waits for the first published run.',
		lastSuccessAt: null,
		hoursSinceLastSuccess: null,
	};
}

/** What to do, for the alert item (the same field the failure lane's alert carries). */
export const HEALTH_WHAT_TO_DO =
	'Check that the workflow is published and its triggers are on, open its latest executions for errors (a refused token, HiBob or Remote unreachable), then run Manual sync.';

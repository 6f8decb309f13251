/**
 * Time-off reconcile (rule T8, docs/sync-rules.md): the scheduled and manual runs compare the whole picture, not
 * a window of changes. Pure: no I/O.
 *
 * - `reconcileScope`: the dates in scope (T2: from today, or 1 January, to a horizon ahead).
 * - `approvedInScope`: HiBob's approved requests (read once from who's out) that start in scope.
 * - `remoteOnly`: the Remote time offs carrying a HiBob request id, of an active employee or GP
 *   employment, approved in Remote and starting in scope, whose request HiBob no longer lists as
 *   approved. Each is confirmed with one HiBob read before anything is cancelled (T4); a note
 *   that mentions HiBob but carries no usable request id is reported, never acted on.
 *
 * Remote time offs without a HiBob request id are never looked at.
 */
import { DateTime } from 'luxon';
import type { TimeOffRequest } from './hibobTimeoff';
import type { RemoteEmploymentLite, RemoteTimeoffLite } from './timeoff';
import { earliestStart, markerIds, TIMEOFF_KINDS } from './timeoff';

/** How far ahead the reconcile looks by default (days after today). */
export const DEFAULT_HORIZON_DAYS = 365;
export const MAX_HORIZON_DAYS = 730;

export interface ReconcileScope {
	/** First start date in scope (today, or 1 January with the option). */
	from: string;
	/** Last day in scope: today + horizon. */
	to: string;
}

export function reconcileScope(
	today: string,
	includeSinceJanuary: boolean,
	horizonDays: number = DEFAULT_HORIZON_DAYS,
): ReconcileScope {
	const days = Math.max(
		1,
		Math.min(MAX_HORIZON_DAYS, Math.floor(Number(horizonDays)) || DEFAULT_HORIZON_DAYS),
	);
	const to = DateTime.fromISO(today, { zone: 'utc' }).plus({ days }).toISODate() as string;
	return { from: earliestStart(today, includeSinceJanuary), to };
}

/** The approved requests that start in scope (who's out also lists requests overlapping its start). */
export function approvedInScope(
	requests: TimeOffRequest[],
	scope: ReconcileScope,
): TimeOffRequest[] {
	return requests.filter(
		(r) => r.status === 'approved' && r.startDate >= scope.from && r.startDate <= scope.to,
	);
}

/** Text that shows a note was meant to carry a HiBob request id. */
const MENTIONS_HIBOB = /hibob\s*request/i;
/** HiBob request ids are integers (the API answers 400 to anything else). */
const REQUEST_ID = /^\d{1,20}$/;

export interface RemoteOnlyEntry {
	timeoff: RemoteTimeoffLite;
	employment: RemoteEmploymentLite;
	/** The HiBob employee id (the employment's external_id). */
	employeeId: string;
	requestId: string;
}

export interface MalformedEntry {
	timeoff: RemoteTimeoffLite;
	employment: RemoteEmploymentLite;
	employeeId: string;
	message: string;
}

export interface RemoteOnlyResult {
	/** To confirm with one HiBob read each, then cancel if HiBob says cancelled, declined or gone. */
	toConfirm: RemoteOnlyEntry[];
	/** Notes that name HiBob but carry no usable request id: reported, left alone. */
	malformed: MalformedEntry[];
}

/**
 * T8/T4: Remote time offs whose HiBob request is not among the approved ones in scope.
 * Only time offs that this sync could have written and may cancel are considered: approved in
 * Remote, starting in scope, of an active employee or GP employment with an external_id.
 */
export function remoteOnly(
	timeoffs: RemoteTimeoffLite[],
	employmentsById: Map<string, RemoteEmploymentLite>,
	approvedIds: Set<string>,
	scope: ReconcileScope,
): RemoteOnlyResult {
	const result: RemoteOnlyResult = { toConfirm: [], malformed: [] };
	const seen = new Set<string>();
	for (const t of timeoffs) {
		if (typeof t.notes !== 'string' || !MENTIONS_HIBOB.test(t.notes)) continue;
		const employment = employmentsById.get(String(t.employment_id ?? ''));
		if (!employment) continue;
		if (employment.status !== 'active' || !TIMEOFF_KINDS.includes(String(employment.type)))
			continue;
		const employeeId =
			employment.external_id === undefined || employment.external_id === null
				? ''
				: String(employment.external_id).trim();
		if (!employeeId) continue;
		if (String(t.status) !== 'approved') continue;
		if (!t.start_date || t.start_date < scope.from || t.start_date > scope.to) continue;
		const ids = markerIds(t.notes);
		const bad = ids.filter((id) => !REQUEST_ID.test(id));
		if (!ids.length || bad.length) {
			result.malformed.push({
				timeoff: t,
				employment,
				employeeId,
				message: `Remote time off ${t.id} (${t.start_date}..${t.end_date}) has a note that mentions HiBob but ${
					ids.length
						? `names "${bad.join('", "')}", which is not a HiBob request id`
						: 'names no request id'
				}: it is left as it is. Fix the note in Remote ("HiBob request <number>") or cancel it by hand.`,
			});
			continue;
		}
		for (const requestId of ids) {
			if (approvedIds.has(requestId)) continue;
			const key = `${t.id}|${requestId}`;
			if (seen.has(key)) continue;
			seen.add(key);
			result.toConfirm.push({ timeoff: t, employment, employeeId, requestId });
		}
	}
	return result;
}

/**
 * HiBob time-off rows → one shape (`TimeOffRequest`).
 *
 * HiBob describes a time-off request in three places with different spellings
 * (api/hibob-api.md §6): the changes feed (`GET /timeoff/requests/changes`), the request details
 * (`GET /timeoff/employees/{id}/requests/{requestId}`) and who's out (`GET /timeoff/whosout`).
 * Where the notes are unsure, both spellings are accepted:
 *
 * - portions: `startPortion`/`endPortion` (changes, whosout) and `startDatePortion`/`endDatePortion`
 *   (details, outtoday);
 * - status: `approved`, `pending`, `canceled`/`cancelled`, `disapproved`/`declined`/`rejected`,
 *   `deleted`, in any case; the changes feed's `changeType` `Created` (= approved), `Pending`,
 *   `Canceled`/`Cancelled`, `Deleted`, `Declined`; the details' `approved: true`;
 * - hours: `hoursOnDate` (+ optional `minutes`), `hours` + `minutes` (outtoday), `dailyHours`;
 * - hour requests carry `date` instead of `startDate`/`endDate`;
 * - ids come as numbers or strings and are kept as strings.
 *
 * No I/O. An unusable row gives `{ok: false, reason}` with a sentence, never an exception.
 */
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

export type TimeOffStatus = 'approved' | 'pending' | 'cancelled' | 'declined' | 'deleted';

export type DayPortion = 'all_day' | 'morning' | 'afternoon';

/**
 * One HiBob time-off request, whichever endpoint it came from.
 *
 * - `policyType`: the policy type name (`policyType`, else `policyTypeDisplayName`).
 * - `unit`: `durationUnit`, else `hours` for hour requests and `days` otherwise.
 * - `type`: HiBob's request range type: `days`, `hours`, `portionOnRange`, `hoursOnRange`, or one
 *   of the day-by-day types (`DifferentDayDurations`, `specificHoursDayDurations`,
 *   `differentSpecificHoursDayDurations`), kept as sent.
 * - `startDate`/`endDate`: ISO dates; for an hour request both are its `date`. For a cancelled,
 *   deleted or declined request HiBob may send no dates (e.g. a request that no longer exists):
 *   then they are `''` and so is `policyType` when missing.
 * - `hoursOnDate`: hours of an hour request (minutes added as a fraction of an hour).
 * - `dailyHours`: hours each day of an `hoursOnRange` request.
 * - `dayPortion`: morning/afternoon of each day of a `portionOnRange` request.
 * - `dayDurations`: per-day hours of the day-by-day types, when HiBob sends them as
 *   `durations: [{date, hours, minutes}]`.
 * - `approvedAt`: UTC ISO date-time, when HiBob said.
 * - `previousRequestId`: the request this one replaces (HiBob issues a new id when a request's
 *   dates or duration change).
 */
export interface TimeOffRequest {
	requestId: string;
	employeeId: string;
	employeeEmail?: string;
	employeeDisplayName?: string;
	policyType: string;
	unit: 'days' | 'hours';
	type: string;
	startDate: string;
	endDate: string;
	startPortion: DayPortion;
	endPortion: DayPortion;
	dayPortion?: 'morning' | 'afternoon';
	hoursOnDate?: number;
	dailyHours?: number;
	dayDurations?: Array<{ date: string; hours: number }>;
	status: TimeOffStatus;
	approvedAt?: string;
	previousRequestId?: string;
	timeZone?: string;
}

export type NormaliseResult = { ok: true; request: TimeOffRequest } | { ok: false; reason: string };

const id = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
const optionalText = z
	.union([z.string(), z.number(), z.null()])
	.optional()
	.transform((v) => (v === null || v === undefined ? undefined : String(v).trim() || undefined));
const optionalNumber = z
	.union([z.number(), z.string(), z.null()])
	.optional()
	.transform((v, ctx) => {
		if (v === null || v === undefined || v === '') return undefined;
		const n = typeof v === 'number' ? v : Number(v);
		if (!Number.isFinite(n)) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${String(v)}" is not a number` });
			return z.NEVER;
		}
		return n;
	});

/** What we read from a row; everything else is ignored. */
const rowSchema = z
	.object({
		requestId: id.optional(),
		id: id.optional(),
		employeeId: id.optional(),
		employeeEmail: optionalText,
		employeeDisplayName: optionalText,
		policyType: optionalText,
		policyTypeDisplayName: optionalText,
		durationUnit: optionalText,
		unit: optionalText,
		type: optionalText,
		requestRangeType: optionalText,
		startDate: optionalText,
		endDate: optionalText,
		date: optionalText,
		startPortion: optionalText,
		startDatePortion: optionalText,
		endPortion: optionalText,
		endDatePortion: optionalText,
		dayPortion: optionalText,
		hoursOnDate: optionalNumber,
		hours: optionalNumber,
		minutes: optionalNumber,
		dailyHours: optionalNumber,
		dailyMinutes: optionalNumber,
		durations: z
			.array(
				z.object({
					date: z.string(),
					hours: optionalNumber,
					minutes: optionalNumber,
				}),
			)
			.optional()
			.nullable(),
		status: optionalText,
		changeType: optionalText,
		approved: z.union([z.boolean(), z.string()]).optional().nullable(),
		approvedAt: optionalText,
		previousRequestId: optionalText,
		timeZone: optionalText,
		timezone: optionalText,
	})
	.passthrough();

type Row = z.infer<typeof rowSchema>;

/** Precedence when a row carries more than one status signal: the most final one wins. */
const STATUS_RANK: Record<TimeOffStatus, number> = {
	pending: 0,
	approved: 1,
	declined: 2,
	cancelled: 3,
	deleted: 4,
};

/** HiBob's status and change-type words → our status. */
export function parseStatusWord(word: string | undefined): TimeOffStatus | undefined {
	if (!word) return undefined;
	const w = word
		.trim()
		.toLowerCase()
		.replace(/[\s_-]+/g, '');
	if (w === 'approved' || w === 'created' || w === 'imported') return 'approved';
	if (w === 'pending' || w === 'requested' || w === 'pendingapproval') return 'pending';
	if (w === 'canceled' || w === 'cancelled' || w === 'cancel') return 'cancelled';
	if (w === 'disapproved' || w === 'declined' || w === 'rejected' || w === 'denied')
		return 'declined';
	if (w === 'deleted' || w === 'removed') return 'deleted';
	return undefined;
}

export function strongerStatus(
	a: TimeOffStatus | undefined,
	b: TimeOffStatus | undefined,
): TimeOffStatus | undefined {
	if (!a) return b;
	if (!b) return a;
	return STATUS_RANK[a] >= STATUS_RANK[b] ? a : b;
}

function parsePortion(word: string | undefined): DayPortion | undefined | 'invalid' {
	if (!word) return undefined;
	const w = word
		.trim()
		.toLowerCase()
		.replace(/[\s-]+/g, '_');
	if (w === 'all_day' || w === 'allday' || w === 'full_day' || w === 'fullday') return 'all_day';
	if (w === 'morning' || w === 'am' || w === 'first_half') return 'morning';
	if (w === 'afternoon' || w === 'pm' || w === 'second_half') return 'afternoon';
	return 'invalid';
}

function isoDate(value: string | undefined): string | undefined | 'invalid' {
	if (!value) return undefined;
	const text = value.length > 10 && /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : value;
	const parsed = DateTime.fromISO(text, { zone: 'utc' });
	return parsed.isValid && /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : 'invalid';
}

/** HiBob's approval time → UTC ISO. A time without offset is taken as UTC. */
export function toUtcIso(value: string | undefined): string | undefined {
	if (!value) return undefined;
	let parsed = DateTime.fromISO(value, { zone: 'utc', setZone: true });
	if (!parsed.isValid) parsed = DateTime.fromSQL(value, { zone: 'utc' });
	if (!parsed.isValid) {
		const ms = Date.parse(value);
		if (Number.isFinite(ms)) parsed = DateTime.fromMillis(ms, { zone: 'utc' });
	}
	return parsed.isValid
		? (parsed.toUTC().toISO({ suppressMilliseconds: false }) ?? undefined)
		: undefined;
}

function describeIssues(error: z.ZodError): string {
	return error.issues
		.map((issue) => `${issue.path.length ? issue.path.join('.') : 'row'}: ${issue.message}`)
		.join('; ');
}

/**
 * Normalises one HiBob row (changes feed, request details, who's out, or an already-normalised
 * `TimeOffRequest`) into a `TimeOffRequest`.
 */
export function normaliseTimeOff(input: unknown): NormaliseResult {
	if (!input || typeof input !== 'object' || Array.isArray(input)) {
		return {
			ok: false,
			reason:
				'The item is not a HiBob time-off request (expected an object with requestId and employeeId).',
		};
	}
	const parsed = rowSchema.safeParse(input);
	if (!parsed.success)
		return {
			ok: false,
			reason: `The HiBob time-off row is not usable: ${describeIssues(parsed.error)}.`,
		};
	const row: Row = parsed.data;

	const requestId = row.requestId || row.id;
	if (!requestId) return { ok: false, reason: 'The HiBob time-off row has no requestId.' };
	if (!row.employeeId)
		return { ok: false, reason: `HiBob request ${requestId} has no employeeId.` };

	// Status: every signal the row carries, the most final wins.
	let status: TimeOffStatus | undefined;
	const statusWords = [row.status, row.changeType].filter((w): w is string => !!w);
	for (const word of statusWords) {
		const s = parseStatusWord(word);
		if (!s)
			return { ok: false, reason: `HiBob request ${requestId} has an unknown status "${word}".` };
		status = strongerStatus(status, s);
	}
	// The changes feed has no "declined" type: a decline may come as Canceled with a reason saying so.
	if (
		status === 'cancelled' &&
		!row.status &&
		/declin|disapprov|reject/i.test(String((input as Record<string, unknown>).changeReason ?? ''))
	) {
		status = 'declined';
	}
	if (row.approved !== undefined && row.approved !== null) {
		const approved = row.approved === true || String(row.approved).toLowerCase() === 'true';
		status = strongerStatus(status, approved ? 'approved' : undefined);
	}
	if (!status)
		return {
			ok: false,
			reason: `HiBob request ${requestId} has no status (status, changeType or approved).`,
		};
	const terminal = status === 'cancelled' || status === 'deleted' || status === 'declined';

	const rawType = row.type ?? row.requestRangeType;
	const type = rawType ?? (row.date && !row.startDate ? 'hours' : 'days');
	const lowerType = type.toLowerCase();
	const hourType =
		lowerType === 'hours' || lowerType === 'hoursonrange' || lowerType.includes('hours');
	const unitWord = (row.durationUnit ?? row.unit)?.toLowerCase();
	let unit: 'days' | 'hours';
	if (unitWord === 'days' || unitWord === 'day') unit = 'days';
	else if (unitWord === 'hours' || unitWord === 'hour') unit = 'hours';
	else if (unitWord)
		return {
			ok: false,
			reason: `HiBob request ${requestId} has an unknown duration unit "${unitWord}".`,
		};
	else unit = hourType ? 'hours' : 'days';

	const dates: Record<'start' | 'end' | 'date', string | undefined> = {
		start: undefined,
		end: undefined,
		date: undefined,
	};
	for (const [key, value] of [
		['start', row.startDate],
		['end', row.endDate],
		['date', row.date],
	] as const) {
		const d = isoDate(value);
		if (d === 'invalid')
			return {
				ok: false,
				reason: `HiBob request ${requestId} has an invalid ${key === 'date' ? 'date' : `${key}Date`} "${value}".`,
			};
		dates[key] = d;
	}
	const startDate =
		(lowerType === 'hours' ? (dates.date ?? dates.start) : (dates.start ?? dates.date)) ?? '';
	const endDate =
		(lowerType === 'hours' ? (dates.date ?? dates.end) : (dates.end ?? dates.date)) ?? startDate;
	if (!terminal && (!startDate || !endDate)) {
		return { ok: false, reason: `HiBob request ${requestId} has no start or end date.` };
	}
	if (startDate && endDate && endDate < startDate) {
		return {
			ok: false,
			reason: `HiBob request ${requestId} ends (${endDate}) before it starts (${startDate}).`,
		};
	}

	const policyType = row.policyType ?? row.policyTypeDisplayName ?? '';
	if (!terminal && !policyType)
		return { ok: false, reason: `HiBob request ${requestId} has no policy type.` };

	const portions: Record<'start' | 'end', DayPortion> = { start: 'all_day', end: 'all_day' };
	for (const [key, value] of [
		['start', row.startPortion ?? row.startDatePortion],
		['end', row.endPortion ?? row.endDatePortion],
	] as const) {
		const p = parsePortion(value);
		if (p === 'invalid')
			return {
				ok: false,
				reason: `HiBob request ${requestId} has an unknown ${key} portion "${value}".`,
			};
		portions[key] = p ?? 'all_day';
	}
	let dayPortion: 'morning' | 'afternoon' | undefined;
	if (row.dayPortion) {
		const p = parsePortion(row.dayPortion);
		if (p === 'morning' || p === 'afternoon') dayPortion = p;
		else if (p === 'invalid')
			return {
				ok: false,
				reason: `HiBob request ${requestId} has an unknown day portion "${row.dayPortion}".`,
			};
	}

	const request: TimeOffRequest = {
		requestId,
		employeeId: row.employeeId,
		policyType,
		unit,
		type,
		startDate,
		endDate,
		startPortion: portions.start,
		endPortion: portions.end,
		status,
	};
	if (row.employeeEmail) request.employeeEmail = row.employeeEmail;
	if (row.employeeDisplayName) request.employeeDisplayName = row.employeeDisplayName;
	if (dayPortion) request.dayPortion = dayPortion;

	// Hours of an hour request: hoursOnDate (details, changes, whosout) or hours (outtoday), plus minutes.
	const baseHours = row.hoursOnDate ?? row.hours;
	if (baseHours !== undefined || (lowerType === 'hours' && row.minutes !== undefined)) {
		request.hoursOnDate = (baseHours ?? 0) + (row.minutes ?? 0) / 60;
	}
	if (row.dailyHours !== undefined)
		request.dailyHours = row.dailyHours + (row.dailyMinutes ?? 0) / 60;
	if (row.durations && row.durations.length) {
		const days: Array<{ date: string; hours: number }> = [];
		for (const d of row.durations) {
			const date = isoDate(d.date);
			if (!date || date === 'invalid')
				return {
					ok: false,
					reason: `HiBob request ${requestId} has an invalid duration date "${d.date}".`,
				};
			days.push({ date, hours: (d.hours ?? 0) + (d.minutes ?? 0) / 60 });
		}
		request.dayDurations = days;
	} else if (Array.isArray((input as Record<string, unknown>).dayDurations)) {
		// An already-normalised item passing through again.
		const days = (input as { dayDurations: Array<{ date?: unknown; hours?: unknown }> })
			.dayDurations;
		request.dayDurations = days
			.filter((d) => typeof d?.date === 'string' && Number.isFinite(Number(d.hours)))
			.map((d) => ({ date: String(d.date), hours: Number(d.hours) }));
	}

	const approvedAt = toUtcIso(row.approvedAt);
	if (approvedAt) request.approvedAt = approvedAt;
	if (row.previousRequestId && row.previousRequestId !== requestId)
		request.previousRequestId = row.previousRequestId;
	const zone = row.timeZone ?? row.timezone;
	if (zone && IANAZone.isValidZone(zone)) request.timeZone = zone;
	return { ok: true, request };
}

/**
 * Collapses several rows about one request (the changes feed lists a `Created` and later a
 * `Canceled` row for the same id) into one: the most final status wins, whatever the order;
 * fields missing in one row are taken from the other.
 */
export function mergeTimeOff(a: TimeOffRequest, b: TimeOffRequest): TimeOffRequest {
	const status = strongerStatus(a.status, b.status) ?? a.status;
	const primary = STATUS_RANK[a.status] >= STATUS_RANK[b.status] ? a : b;
	const secondary = primary === a ? b : a;
	const merged: TimeOffRequest = { ...secondary, ...stripEmpty(primary), status };
	return merged;
}

function stripEmpty(request: TimeOffRequest): Partial<TimeOffRequest> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(request)) {
		if (value !== undefined && value !== '') out[key] = value;
	}
	return out as Partial<TimeOffRequest>;
}

/** Normalises rows and merges rows of the same request; unusable rows are kept apart with their reason. */
export function collectTimeOff(rows: unknown[]): {
	requests: TimeOffRequest[];
	invalid: Array<{ reason: string; row: unknown }>;
} {
	const byId = new Map<string, TimeOffRequest>();
	const invalid: Array<{ reason: string; row: unknown }> = [];
	for (const row of rows) {
		const result = normaliseTimeOff(row);
		if (!result.ok) {
			invalid.push({ reason: result.reason, row });
			continue;
		}
		const key = result.request.requestId;
		const prev = byId.get(key);
		byId.set(key, prev ? mergeTimeOff(prev, result.request) : result.request);
	}
	return { requests: [...byId.values()], invalid };
}

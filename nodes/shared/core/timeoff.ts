/**
 * Time off, HiBob → Remote (rules T1–T7, docs/sync-rules.md): what to do with one HiBob request, given the
 * Remote employment it belongs to and the Remote time offs already carrying HiBob markers.
 * Pure: no I/O. The node reads once, calls `planTimeOff` per request, and sends `actions`
 * (unless it is a dry run).
 */
import { DateTime } from 'luxon';
import type { FieldChange, HeldBackField, Outcome, PlannedRequest } from './outcome';
import type { TimeOffRequest } from './hibobTimeoff';

// ---- Remote shapes (only what the planner reads) ----------------------------------------------

/** Remote `MinimalEmployment` (GET /v1/employments). */
export interface RemoteEmploymentLite {
	id: string;
	status?: string;
	type?: string;
	external_id?: string | null;
	full_name?: string;
	[key: string]: unknown;
}

/** Remote `Timeoff` (GET /v1/timeoff). */
export interface RemoteTimeoffLite {
	id: string;
	employment_id?: string;
	status?: string;
	timeoff_type?: string;
	start_date?: string;
	end_date?: string;
	notes?: string | null;
	[key: string]: unknown;
}

export interface TimeoffDay {
	day: string;
	hours: number;
}

// ---- T5: policy type mapping ------------------------------------------------------------------

/** Remote's `TimeoffType` enum as the live spec lists it (api/remote-api.md §7). */
export const REMOTE_TIMEOFF_TYPES = [
	'paid_time_off',
	'time_off',
	'sick_leave',
	'unpaid_leave',
	'parental_leave',
	'maternity_leave',
	'paternity_leave',
	'bereavement',
	'military_leave',
	'extended_leave',
	'in_lieu_time',
	'public_holiday',
	'custom_company_leave',
	'casual_leave',
	'rtt',
	'rol',
	'ex_festivita',
	'other',
] as const;

/** A mapping entry's value that means: never sync this HiBob type. */
export const DO_NOT_SYNC = '__do_not_sync__';

export interface PolicyTypeMappingEntry {
	hibobType: string;
	remoteType: string;
}

/**
 * Default mapping: words in the HiBob policy type name (case-insensitive, whole words), checked
 * in this order so that "Unpaid parental leave" is unpaid and "Sick holiday" is sick.
 */
export const DEFAULT_POLICY_TYPE_RULES: Array<{ words: string[]; remoteType: string }> = [
	{ words: ['unpaid'], remoteType: 'unpaid_leave' },
	{ words: ['sick', 'sickness', 'illness'], remoteType: 'sick_leave' },
	{ words: ['maternity'], remoteType: 'maternity_leave' },
	{ words: ['paternity'], remoteType: 'paternity_leave' },
	{ words: ['parental'], remoteType: 'parental_leave' },
	{ words: ['bereavement'], remoteType: 'bereavement' },
	{ words: ['military'], remoteType: 'military_leave' },
	{
		words: ['holiday', 'holidays', 'vacation', 'annual', 'pto', 'paid time off'],
		remoteType: 'paid_time_off',
	},
];

function normaliseTypeName(name: string): string {
	return name.trim().toLowerCase().replace(/\s+/g, ' ');
}

export interface MappedType {
	remoteType?: string;
	/** `user`: from the node's mapping; `default`: from the defaults; `excluded`: the user said never. */
	source?: 'user' | 'default' | 'excluded';
}

/** T5: the HiBob policy type → Remote `timeoff_type` (user entries first, exact match, any case). */
export function mapPolicyType(
	policyType: string,
	mapping: PolicyTypeMappingEntry[] = [],
): MappedType {
	const wanted = normaliseTypeName(policyType);
	if (!wanted) return {};
	for (const entry of mapping) {
		if (!entry || !entry.hibobType || !entry.remoteType) continue;
		if (normaliseTypeName(entry.hibobType) === wanted) {
			if (entry.remoteType === DO_NOT_SYNC) return { source: 'excluded' };
			return { remoteType: entry.remoteType, source: 'user' };
		}
	}
	const words = ` ${wanted.replace(/[^a-z0-9]+/g, ' ').trim()} `;
	for (const rule of DEFAULT_POLICY_TYPE_RULES) {
		if (rule.words.some((w) => words.includes(` ${w} `)))
			return { remoteType: rule.remoteType, source: 'default' };
	}
	return {};
}

// ---- T6: the days ------------------------------------------------------------------------------

export const FULL_DAY_HOURS = 8;
export const HALF_DAY_HOURS = 4;
/** Remote takes whole hours, at most this many a day. */
export const MAX_HOURS_PER_DAY = 8;

export type DaysResult =
	| { ok: true; days: TimeoffDay[] }
	| {
			ok: false;
			reason: 'timeoff_hours_unsupported' | 'no_working_days' | 'unsupported_request_type';
			message: string;
			day?: string;
	  };

function isWeekend(date: DateTime): boolean {
	return date.weekday === 6 || date.weekday === 7;
}

function eachDay(start: string, end: string): DateTime[] {
	const first = DateTime.fromISO(start, { zone: 'utc' });
	const last = DateTime.fromISO(end, { zone: 'utc' });
	const days: DateTime[] = [];
	if (!first.isValid || !last.isValid) return days;
	for (let d = first; d <= last; d = d.plus({ days: 1 })) days.push(d);
	return days;
}

function formatHours(hours: number): string {
	return Number.isInteger(hours) ? String(hours) : String(Math.round(hours * 100) / 100);
}

/**
 * T6: Remote's `timeoff_days` for a request: each working day (Monday to Friday) of the range
 * with its hours. A full day is 8 hours, a half day (a morning or afternoon portion on the first
 * or last day, or every day of a `portionOnRange` request) 4, an hour request its hours.
 * Weekends are left out. Whole hours up to 8 a day only: anything else names the day.
 */
export function buildTimeoffDays(request: TimeOffRequest): DaysResult {
	const type = request.type.toLowerCase();
	const planned: Array<{ date: DateTime; hours: number }> = [];
	if (request.dayDurations && request.dayDurations.length) {
		for (const d of request.dayDurations)
			planned.push({ date: DateTime.fromISO(d.date, { zone: 'utc' }), hours: d.hours });
	} else if (type === 'hours') {
		if (request.hoursOnDate === undefined) {
			return {
				ok: false,
				reason: 'timeoff_hours_unsupported',
				message: `HiBob sent no hours for the hour request on ${request.startDate}.`,
				day: request.startDate,
			};
		}
		for (const date of eachDay(request.startDate, request.endDate))
			planned.push({ date, hours: request.hoursOnDate });
	} else if (type === 'hoursonrange') {
		if (request.dailyHours === undefined) {
			return {
				ok: false,
				reason: 'timeoff_hours_unsupported',
				message: `HiBob sent no daily hours for the request from ${request.startDate} to ${request.endDate}.`,
				day: request.startDate,
			};
		}
		for (const date of eachDay(request.startDate, request.endDate))
			planned.push({ date, hours: request.dailyHours });
	} else if (type === 'portiononrange') {
		for (const date of eachDay(request.startDate, request.endDate))
			planned.push({ date, hours: HALF_DAY_HOURS });
	} else if (type === 'days') {
		const days = eachDay(request.startDate, request.endDate);
		days.forEach((date, index) => {
			const first = index === 0;
			const last = index === days.length - 1;
			const half =
				(first && request.startPortion !== 'all_day') || (last && request.endPortion !== 'all_day');
			planned.push({ date, hours: half ? HALF_DAY_HOURS : FULL_DAY_HOURS });
		});
	} else {
		return {
			ok: false,
			reason: 'unsupported_request_type',
			message: `HiBob request type "${request.type}" gives no day-by-day hours that can be sent to Remote.`,
		};
	}

	const days: TimeoffDay[] = [];
	for (const { date, hours } of planned) {
		if (!date.isValid) continue;
		if (isWeekend(date)) continue;
		const day = date.toISODate() as string;
		if (
			!Number.isFinite(hours) ||
			hours < 0 ||
			!Number.isInteger(hours) ||
			hours > MAX_HOURS_PER_DAY
		) {
			const why = !Number.isInteger(hours)
				? 'Remote takes whole hours only'
				: `Remote takes at most ${MAX_HOURS_PER_DAY} hours a day`;
			return {
				ok: false,
				reason: 'timeoff_hours_unsupported',
				message: `${formatHours(hours)} hours on ${day} cannot be sent: ${why}. Enter this time off in Remote by hand.`,
				day,
			};
		}
		if (hours === 0) continue;
		days.push({ day, hours });
	}
	if (!days.length) {
		return {
			ok: false,
			reason: 'no_working_days',
			message: `The request from ${request.startDate} to ${request.endDate} has no working day (Monday to Friday) with hours.`,
		};
	}
	return { ok: true, days };
}

// ---- T3: markers ---------------------------------------------------------------------------------

export const MARKER_PREFIX = 'HiBob request';

/** The note written on a Remote time off: it carries the HiBob request id (T3). */
export function markerNote(request: TimeOffRequest): string {
	const what = request.policyType ? ` (${request.policyType})` : '';
	return `${MARKER_PREFIX} ${request.requestId}${what}, synced by n8n. Do not edit this line.`;
}

/** The HiBob request ids named in a Remote time off's notes. */
export function markerIds(notes: unknown): string[] {
	if (typeof notes !== 'string') return [];
	const ids: string[] = [];
	const re = /HiBob request #?([A-Za-z0-9_-]+)/gi;
	let m: RegExpExecArray | null;
	while ((m = re.exec(notes)) !== null) ids.push(m[1]);
	return ids;
}

export function hasMarker(timeoff: RemoteTimeoffLite, requestId: string): boolean {
	return markerIds(timeoff.notes).includes(requestId);
}

/** Remote time offs of any employment whose notes carry a HiBob marker, by request id. */
export function indexByMarker(timeoffs: RemoteTimeoffLite[]): Map<string, RemoteTimeoffLite[]> {
	const index = new Map<string, RemoteTimeoffLite[]>();
	for (const t of timeoffs) {
		for (const requestId of markerIds(t.notes)) {
			const list = index.get(requestId) ?? [];
			if (!list.some((x) => x.id === t.id)) list.push(t);
			index.set(requestId, list);
		}
	}
	return index;
}

// ---- the plan ----------------------------------------------------------------------------------

export interface TimeOffOptions {
	mapping: PolicyTypeMappingEntry[];
	/** A Remote company-manager user id (the node checks it against the managers list: T7). */
	approverId: string;
	/** The node's timezone (IANA), used when the request carries none (T7). */
	timezone: string;
	/** T2: also requests that started since 1 January of the current year. */
	includeSinceJanuary: boolean;
	dryRun: boolean;
}

export interface TimeOffContext {
	/** Remote employments whose external_id is the HiBob employee id (normally one). */
	employments: RemoteEmploymentLite[];
	/** Remote time offs of those employments whose notes carry a HiBob marker. */
	existing: RemoteTimeoffLite[];
	/** ISO date of today in the node's timezone. */
	today: string;
	/** UTC ISO time used as approved_at when HiBob gave none (T7). */
	now: string;
	options: TimeOffOptions;
}

export type TimeOffAction =
	| {
			kind: 'cancel';
			timeoffId: string;
			employmentId: string;
			requestId: string;
			cancelReason: string;
	  }
	| { kind: 'create'; employmentId: string; requestId: string; body: Record<string, unknown> };

export interface TimeOffPlan {
	outcome: Outcome;
	reason: string;
	message: string;
	/** Writes to send, in order (cancels before the create, so Remote never sees an overlap). */
	actions: TimeOffAction[];
	// `requests[i]` and `changes[i]` describe `actions[i]`.
	/** The same writes as HTTP requests (shown in the output, e.g. in a dry run). */
	requests: PlannedRequest[];
	employmentId?: string;
	kind?: string;
	remoteTimeoffType?: string;
	mappingSource?: MappedType['source'];
	timeoffDays: TimeoffDay[];
	/** Remote time offs for this request already in Remote (T3). */
	existingTimeoffIds: string[];
	changes: FieldChange[];
	skipped: HeldBackField[];
}

export const TIMEOFF_KINDS = ['employee', 'global_payroll_employee'];

const GONE_EMPLOYMENT = new Set(['archived', 'deleted']);

/**
 * The employment a HiBob id links to. Several with the same external_id: the one that is not
 * archived or deleted, if exactly one is left (a re-hire); otherwise it is ambiguous (M2: never guess).
 */
export function pickEmployment(
	employments: RemoteEmploymentLite[],
):
	| { kind: 'none' }
	| { kind: 'one'; employment: RemoteEmploymentLite }
	| { kind: 'ambiguous'; ids: string[] } {
	if (employments.length === 0) return { kind: 'none' };
	if (employments.length === 1) return { kind: 'one', employment: employments[0] };
	const live = employments.filter((e) => !GONE_EMPLOYMENT.has(String(e.status)));
	if (live.length === 1) return { kind: 'one', employment: live[0] };
	return { kind: 'ambiguous', ids: employments.map((e) => e.id) };
}

/** The first day T2 lets through: today, or 1 January of today's year. */
export function earliestStart(today: string, includeSinceJanuary: boolean): string {
	return includeSinceJanuary ? `${today.slice(0, 4)}-01-01` : today;
}

function describe(request: TimeOffRequest): string {
	const what = request.policyType || 'time off';
	if (!request.startDate) return `HiBob request ${request.requestId} (${what})`;
	const when =
		request.startDate === request.endDate
			? `on ${request.startDate}`
			: `from ${request.startDate} to ${request.endDate}`;
	return `HiBob request ${request.requestId} (${what} ${when})`;
}

function cancelRequest(
	t: RemoteTimeoffLite,
	request: TimeOffRequest,
	employmentId: string,
	why: string,
): { action: TimeOffAction; planned: PlannedRequest } {
	const cancelReason = why;
	return {
		action: {
			kind: 'cancel',
			timeoffId: t.id,
			employmentId,
			requestId: request.requestId,
			cancelReason,
		},
		planned: {
			method: 'POST',
			path: `/v1/timeoff/${t.id}/cancel`,
			body: { cancel_reason: cancelReason },
			purpose: `cancel Remote time off ${t.id} (${why})`,
		},
	};
}

const CANCELLABLE = new Set(['approved']);
const ALREADY_GONE = new Set(['cancelled', 'canceled', 'declined']);

/** One request being planned: the request, the plan so far, its label, and how a plan ends. */
interface Planning {
	request: TimeOffRequest;
	ctx: TimeOffContext;
	plan: TimeOffPlan;
	label: string;
	done: (outcome: Outcome, reason: string, message: string) => TimeOffPlan;
}

/** The Remote time off of an older request this one replaces (T4), cancelled once this one is synced. */
interface Replacing {
	replacing: Array<{ action: TimeOffAction; planned: PlannedRequest; t: RemoteTimeoffLite }>;
	/** Adds the cancels to the plan. */
	commit: () => void;
	/** The sentence for a request that is not synced itself: the older one is left as it is. */
	leftAlone: string;
}

/** Plans one HiBob request (T1–T7): the employment, then a cancel (T4) or an approved request (T2–T7). */
export function planTimeOff(request: TimeOffRequest, ctx: TimeOffContext): TimeOffPlan {
	const plan: TimeOffPlan = {
		outcome: 'skipped',
		reason: '',
		message: '',
		actions: [],
		requests: [],
		timeoffDays: [],
		existingTimeoffIds: [],
		changes: [],
		skipped: [],
	};
	const done = (outcome: Outcome, reason: string, message: string): TimeOffPlan => {
		plan.outcome = outcome;
		plan.reason = reason;
		plan.message = message;
		return plan;
	};
	const p: Planning = { request, ctx, plan, label: describe(request), done };
	const linked = linkedEmployment(p);
	if ('plan' in linked) return linked.plan;
	const { employment } = linked;
	const mine = ctx.existing.filter(
		(t) =>
			(!t.employment_id || t.employment_id === employment.id) && hasMarker(t, request.requestId),
	);
	plan.existingTimeoffIds = mine.map((t) => t.id);
	// T4: cancelled, deleted or declined in HiBob after it was synced → cancel in Remote.
	if (
		request.status === 'cancelled' ||
		request.status === 'deleted' ||
		request.status === 'declined'
	)
		return planCancel(p, employment, mine);
	// T2: approved only.
	if (request.status !== 'approved') {
		return done(
			'skipped',
			'not_approved',
			`${p.label} is ${request.status} in HiBob; only approved requests are synced.`,
		);
	}
	const r = replacements(p, employment);
	return alreadyInRemote(p, mine, r) ?? planCreateTimeOff(p, employment, r);
}

/** T1: a linked, active employee or GP employment (or the plan that says why not). */
function linkedEmployment(
	p: Planning,
): { employment: RemoteEmploymentLite } | { plan: TimeOffPlan } {
	const { request, ctx, label, done } = p;
	const picked = pickEmployment(ctx.employments);
	if (picked.kind === 'none') {
		return {
			plan: done(
				'skipped',
				'employment_not_linked',
				`${label}: no Remote employment has external_id ${request.employeeId}. Sync the person first (Remote Upsert Employee links them).`,
			),
		};
	}
	if (picked.kind === 'ambiguous') {
		p.plan.skipped.push({ field: 'employment', reason: 'ambiguous_match', to: picked.ids });
		return {
			plan: done(
				'skipped',
				'ambiguous_match',
				`${label}: ${picked.ids.length} Remote employments have external_id ${request.employeeId} (${picked.ids.join(', ')}). Nothing was written; clear the external_id of the wrong one in Remote.`,
			),
		};
	}
	const employment = picked.employment;
	p.plan.employmentId = employment.id;
	p.plan.kind = employment.type;
	if (employment.type === 'contractor') {
		return {
			plan: done(
				'skipped',
				'contractor_no_timeoff',
				`${label}: the person is a contractor in Remote; contractors' time off is never synced.`,
			),
		};
	}
	if (!employment.type || !TIMEOFF_KINDS.includes(employment.type)) {
		return {
			plan: done(
				'skipped',
				'employment_type_not_supported',
				`${label}: the Remote employment is of type "${employment.type ?? 'unknown'}"; only employees and global payroll employees get time off synced.`,
			),
		};
	}
	if (employment.status !== 'active') {
		return {
			plan: done(
				'skipped',
				'employment_not_active',
				`${label}: the Remote employment is "${employment.status ?? 'unknown'}", not active; time off is synced only for active employments.`,
			),
		};
	}
	return { employment };
}

/** T4: the request is gone in HiBob: its Remote time off is cancelled where the API allows it. */
function planCancel(
	p: Planning,
	employment: RemoteEmploymentLite,
	mine: RemoteTimeoffLite[],
): TimeOffPlan {
	const { request, plan, label, done } = p;
	if (!mine.length) {
		return done(
			'skipped',
			'not_approved',
			`${label} is ${request.status} in HiBob and was never synced to Remote: nothing to cancel.`,
		);
	}
	const live = mine.filter((t) => CANCELLABLE.has(String(t.status)));
	const stuck = mine.filter(
		(t) => !CANCELLABLE.has(String(t.status)) && !ALREADY_GONE.has(String(t.status)),
	);
	for (const t of live) {
		const { action, planned } = cancelRequest(
			t,
			request,
			employment.id,
			`HiBob request ${request.requestId} was ${request.status} in HiBob`,
		);
		plan.actions.push(action);
		plan.requests.push(planned);
		plan.changes.push({ field: `timeoff ${t.id}.status`, from: t.status, to: 'cancelled' });
	}
	for (const t of stuck)
		plan.skipped.push({
			field: `timeoff ${t.id}`,
			reason: 'remote_status_not_cancellable',
			from: t.status,
		});
	if (live.length) {
		const extra = stuck.length
			? ` Remote time off ${stuck.map((t) => `${t.id} (${t.status})`).join(', ')} cannot be cancelled through the API.`
			: '';
		return done(
			'updated',
			'cancelled_in_remote',
			`${label} is ${request.status} in HiBob: Remote time off ${live.map((t) => t.id).join(', ')} cancelled.${extra}`,
		);
	}
	if (stuck.length) {
		return done(
			'skipped',
			'remote_status_not_cancellable',
			`${label} is ${request.status} in HiBob, but Remote time off ${stuck.map((t) => `${t.id} is "${t.status}"`).join(', ')}; only approved time off can be cancelled through the API. Cancel it in Remote by hand.`,
		);
	}
	return done(
		'unchanged',
		'already_cancelled',
		`${label} is ${request.status} in HiBob and already cancelled in Remote.`,
	);
}

/**
 * T4: a changed request replaces an older one. Its Remote time off is cancelled first (Remote
 * should never see both), but only when this request is created or already in Remote: a request
 * that is not synced itself leaves the older one as it is.
 */
function replacements(p: Planning, employment: RemoteEmploymentLite): Replacing {
	const { request, ctx, plan } = p;
	const replacing: Replacing['replacing'] = [];
	if (request.previousRequestId) {
		const previous = ctx.existing.filter(
			(t) =>
				(!t.employment_id || t.employment_id === employment.id) &&
				hasMarker(t, request.previousRequestId as string),
		);
		for (const t of previous) {
			if (!CANCELLABLE.has(String(t.status))) continue;
			const why = `HiBob request ${request.previousRequestId} was replaced by request ${request.requestId}`;
			replacing.push({ ...cancelRequest(t, request, employment.id, why), t });
		}
	}
	const commit = () => {
		for (const { action, planned, t } of replacing) {
			plan.actions.push(action);
			plan.requests.push(planned);
			plan.changes.push({ field: `timeoff ${t.id}.status`, from: t.status, to: 'cancelled' });
		}
	};
	const leftAlone = replacing.length
		? ` The Remote time off of the request it replaces (${request.previousRequestId}: ${replacing.map((r) => r.t.id).join(', ')}) is left as it is.`
		: '';
	return { replacing, commit, leftAlone };
}

/** T3: already in Remote? (looked up before anything is created); undefined when it is not. */
function alreadyInRemote(
	p: Planning,
	mine: RemoteTimeoffLite[],
	r: Replacing,
): TimeOffPlan | undefined {
	const { request, label, done } = p;
	const liveMine = mine.filter((t) => !ALREADY_GONE.has(String(t.status)));
	if (liveMine.length) {
		if (r.replacing.length) {
			r.commit();
			return done(
				'updated',
				'replaced_in_remote',
				`${label} is already in Remote (time off ${liveMine.map((t) => t.id).join(', ')}); the Remote time off of the request it replaces (${request.previousRequestId}) is cancelled.`,
			);
		}
		return done(
			'unchanged',
			'already_synced',
			`${label} is already in Remote (time off ${liveMine.map((t) => t.id).join(', ')}).`,
		);
	}
	if (mine.length) {
		// It was synced, and someone cancelled (or declined) it in Remote: respect that.
		return done(
			'skipped',
			'remote_timeoff_cancelled',
			`${label} was synced before, but its Remote time off (${mine.map((t) => t.id).join(', ')}) was cancelled in Remote; it is not created again. If that was a mistake, create it in Remote by hand.${r.leftAlone}`,
		);
	}
	return undefined;
}

/** T2 (from today), T5 (the type), T6 (the days), T7 (approval): the approved time off to create. */
function planCreateTimeOff(
	p: Planning,
	employment: RemoteEmploymentLite,
	r: Replacing,
): TimeOffPlan {
	const { request, ctx, plan, label, done } = p;
	const earliest = earliestStart(ctx.today, ctx.options.includeSinceJanuary);
	if (request.startDate < earliest) {
		return done(
			'skipped',
			'in_the_past',
			`${label} starts before ${earliest}; only requests starting ${ctx.options.includeSinceJanuary ? 'on or after 1 January' : 'today or later'} are synced.${r.leftAlone}`,
		);
	}
	const mapped = mapPolicyType(request.policyType, ctx.options.mapping);
	plan.mappingSource = mapped.source;
	if (mapped.source === 'excluded') {
		return done(
			'skipped',
			'timeoff_type_excluded',
			`${label}: the HiBob type "${request.policyType}" is set to "Do Not Sync" in the node's mapping.${r.leftAlone}`,
		);
	}
	if (!mapped.remoteType) {
		return done(
			'skipped',
			'unmapped_timeoff_type',
			`${label}: the HiBob type "${request.policyType}" has no Remote time-off type. Add it to Policy Type Mapping in the node.${r.leftAlone}`,
		);
	}
	plan.remoteTimeoffType = mapped.remoteType;
	// T6: the days, checked before any request.
	const days = buildTimeoffDays(request);
	if (!days.ok) {
		if (days.day) plan.skipped.push({ field: `timeoff_days.${days.day}`, reason: days.reason });
		return done('skipped', days.reason, `${label}: ${days.message}${r.leftAlone}`);
	}
	plan.timeoffDays = days.days;
	r.commit();
	// T7: approver, approval time, timezone.
	const body: Record<string, unknown> = {
		employment_id: employment.id,
		timeoff_type: mapped.remoteType,
		start_date: request.startDate,
		end_date: request.endDate,
		timezone: request.timeZone || ctx.options.timezone,
		timeoff_days: days.days.map((d) => ({ day: d.day, hours: d.hours })),
		status: 'approved',
		approved_at: request.approvedAt ?? ctx.now,
		approver_id: ctx.options.approverId,
		notes: markerNote(request),
	};
	plan.actions.push({
		kind: 'create',
		employmentId: employment.id,
		requestId: request.requestId,
		body,
	});
	plan.requests.push({
		method: 'POST',
		path: '/v1/timeoff',
		body,
		purpose: `create approved ${mapped.remoteType} time off`,
	});
	plan.changes.push({
		field: 'timeoff',
		from: null,
		to: `${mapped.remoteType} ${request.startDate}..${request.endDate}`,
	});
	const hours = days.days.reduce((sum, d) => sum + d.hours, 0);
	const summary = `approved ${mapped.remoteType}, ${days.days.length} working day(s), ${hours} hours`;
	if (r.replacing.length) {
		return done(
			'updated',
			'replaced_in_remote',
			`${label} replaces request ${request.previousRequestId}: its Remote time off (${r.replacing.map((x) => x.t.id).join(', ')}) is cancelled and the new one created (${summary}).`,
		);
	}
	return done('created', 'created_in_remote', `${label}: created in Remote (${summary}).`);
}

/** The date window [from, to] covering every request's dates (for listing Remote time offs). */
export function dateWindow(requests: TimeOffRequest[]): { from: string; to: string } | undefined {
	let from: string | undefined;
	let to: string | undefined;
	for (const r of requests) {
		if (!r.startDate || !r.endDate) continue;
		if (!from || r.startDate < from) from = r.startDate;
		if (!to || r.endDate > to) to = r.endDate;
	}
	return from && to ? { from, to } : undefined;
}

/**
 * Whether a time-off result belongs in the summary's list someone has to look at (R1): a failure, or
 * a skip for a reason someone must act on (not "not approved" or "in the past").
 */
export function timeOffNeedsAHuman(outcome: string, reason: string): boolean {
	return (
		outcome === 'failed' ||
		(outcome === 'skipped' && reason !== 'not_approved' && reason !== 'in_the_past')
	);
}

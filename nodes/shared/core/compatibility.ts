/**
 * Setup → Check API Compatibility: the shape checks, as a pure function of the answers HiBob and
 * Remote gave to a fixed set of reads (no I/O here; the node does the reads through the transports).
 *
 * Several API details are readings of the vendors' documents that no one could confirm (the notes
 * mark them UNCONFIRMED), and the package accepts each documented alternative. For every shape the
 * package relies on, one line says:
 * - `ok`: the reading the package expects (the default of the fakes);
 * - `variant`: a documented alternative the package also handles (`reading` names it);
 * - `unknown`: a shape the package does not handle (`path`, `expected`, and `got`: keys and types
 *   only, never a value);
 * - `not_checked`: nothing to look at (no data, a read refused, or a shape only a write or a
 *   webhook delivery shows).
 *
 * Nothing in a line, a fact or the report is a value from either API: no name, email, id, token,
 * date or amount; only keys, types, counts, country codes, form names and enum words from a fixed
 * list.
 */
import {
	findSyncField,
	LOGICAL_FIELDS,
	locateField,
	metadataList,
	readField,
	resolveFields,
	SENSITIVE_LOGICAL_FIELDS,
} from './hibobFields';

export type CheckStatus = 'ok' | 'variant' | 'unknown' | 'not_checked';
export type ApiName = 'HiBob' | 'Remote';

/** One answer of a read as it came: status, parsed body, lower-case headers. */
export interface Answer {
	status: number;
	body: unknown;
	headers: Record<string, string>;
}

/** A read that was refused or failed: the HTTP status when there was one. Never the API's message. */
export interface FailedRead {
	failed: true;
	status?: number;
}

export type Read = Answer | FailedRead | undefined;

export interface HiBobReads {
	fields?: Read;
	namedList?: Read;
	/** The people search that finds one flagged person (ids and the sync field only). */
	peopleIndex?: Read;
	/** The people search for that one person, with the fields the sync reads (no SSN, no salary). */
	person?: Read;
	changes?: Read;
	request?: Read;
	whosOut?: Read;
}

export interface FormRead {
	country: string;
	form: string;
	read: Read;
}

export interface RemoteReads {
	employments?: Read;
	/** One full employment per employment type present on page 1. */
	employments_by_type?: Record<string, Read>;
	managers?: Read;
	departments?: Read;
	forms?: FormRead[];
	timeoffs?: Read;
	webhookCallbacks?: Read;
}

export interface CompatibilityInput {
	hibob?: HiBobReads;
	remote?: RemoteReads;
	/** When the check ran (ISO date-time), for the report. */
	checkedAt: string;
	packageVersion?: string;
}

export interface CheckLine {
	api: ApiName;
	check: string;
	/** What the line is about, in words. */
	shape: string;
	status: CheckStatus;
	/** For `variant`: the documented alternative this tenant uses. For `ok`: the reading. */
	reading?: string;
	/** For `unknown`: where in the answer, what the package expects, and what came (keys and types). */
	path?: string;
	expected?: string;
	got?: unknown;
	note?: string;
	/** An `unknown` here means a sync would fail or misread data (else it is only reported). */
	blocking: boolean;
}

export interface TenantFacts {
	hibob?: {
		syncFieldFound: boolean;
		/** Where the package reads the SSN and the salary in HiBob's metadata (found by id, by name, or not found). */
		ssnField: 'by_id' | 'by_name' | 'not_in_metadata' | 'not_checked';
		salaryField: 'by_id' | 'by_name' | 'not_in_metadata' | 'not_checked';
		rateLimitHeaders: string[];
		timeoffChangesSeen: number;
	};
	remote?: {
		employmentTypesSeen: string[];
		countriesInUse: string[];
		countriesWithManagerInBasicInformation: string[];
		countriesWithDepartmentInBasicInformation: string[];
		/** USA administrative_details: whether `ssn` is where the package puts it. */
		ssnInAdministrativeDetails: boolean | 'not_checked';
		/** Global payroll contract details: whether `annual_gross_salary` is there (per country read). */
		salaryInGlobalPayrollContractDetails: Record<string, boolean>;
		rateLimitHeaders: string[];
		webhookCallbacksRegistered: number | 'not_checked';
	};
}

export type Verdict = 'ready' | 'ready with variants' | 'not ready';

export interface CompatibilityResult {
	lines: CheckLine[];
	facts: TenantFacts;
	verdict: Verdict;
	whatToDo: string[];
	counts: Record<CheckStatus, number>;
	/** The copyable report: lines, facts and verdict as JSON, with no token, name, email or value. */
	report: string;
}

// ---- shapes: keys and types only ---------------------------------------------------------------------

const MAX_KEYS = 25;

function safeKey(key: string): string {
	// A key that could itself be data (an email, a long id, a number) is not shown.
	if (/@/.test(key) || /^\d+$/.test(key) || /^[0-9a-f-]{20,}$/i.test(key) || key.length > 48)
		return '<key>';
	return key;
}

/** The shape of a value: objects as `{key: shape}`, arrays as `[shape of the first item]`, else the type. */
export function shapeOf(value: unknown, depth = 3): unknown {
	if (value === null) return 'null';
	if (Array.isArray(value)) {
		// An array costs no level: its items are shown as deep as the array itself.
		return value.length === 0 ? [] : [shapeOf(value[0], depth)];
	}
	if (typeof value === 'object') {
		if (depth <= 0) return 'object';
		const out: Record<string, unknown> = {};
		const keys = Object.keys(value as object);
		for (const key of keys.slice(0, MAX_KEYS))
			out[safeKey(key)] = shapeOf((value as Record<string, unknown>)[key], depth - 1);
		if (keys.length > MAX_KEYS) out['…'] = `${keys.length - MAX_KEYS} more keys`;
		return out;
	}
	return typeof value;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
	!!v && typeof v === 'object' && !Array.isArray(v);
const isAnswer = (read: Read): read is Answer => !!read && !(read as FailedRead).failed;

/** Enum words from the APIs are reported only when they are one of these (never free text). */
function word(value: unknown, known: string[]): string {
	const text = typeof value === 'string' ? value : '';
	return known.find((k) => k.toLowerCase() === text.toLowerCase()) ? text : `<${typeof value}>`;
}

// ---- line builders ---------------------------------------------------------------------------------

type LineBase = Pick<CheckLine, 'api' | 'check' | 'shape' | 'blocking'>;

function ok(base: LineBase, reading: string, note?: string): CheckLine {
	return { ...base, status: 'ok', reading, ...(note ? { note } : {}) };
}

function variant(base: LineBase, reading: string, note?: string): CheckLine {
	return { ...base, status: 'variant', reading, ...(note ? { note } : {}) };
}

function unknown(
	base: LineBase,
	path: string,
	expected: string,
	got: unknown,
	note?: string,
): CheckLine {
	return { ...base, status: 'unknown', path, expected, got, ...(note ? { note } : {}) };
}

function notChecked(base: LineBase, note: string): CheckLine {
	return { ...base, status: 'not_checked', note };
}

function refusedNote(read: Read): string {
	if (!read) return 'Not read.';
	const status = (read as FailedRead).status;
	if (status === 401)
		return 'The credential was refused (401); nothing more was read from this API.';
	if (status === 403) return 'The credential may not read this (403).';
	if (status === 404) return 'The API answered 404 (not found).';
	return status ? `The API answered ${status}.` : 'The API could not be reached.';
}

/** Runs `check` on the body of a read, or says why it could not. */
function withBody(base: LineBase, read: Read, check: (body: unknown) => CheckLine): CheckLine {
	if (!isAnswer(read)) return notChecked(base, refusedNote(read));
	return check(read.body);
}

// ---- HiBob -------------------------------------------------------------------------------------------

const HIBOB_CHANGE_TYPES = ['Created', 'Canceled', 'Deleted', 'Pending'];
const HIBOB_CHANGE_TYPE_VARIANTS = ['Cancelled', 'Declined'];
const HIBOB_STATUSES = ['approved', 'pending', 'canceled', 'disapproved'];
const HIBOB_STATUS_VARIANTS = ['cancelled', 'declined', 'rejected', 'deleted'];

function hibobFieldsLine(read: Read): CheckLine {
	const base: LineBase = {
		api: 'HiBob',
		check: 'hibob.fields',
		shape: 'GET /v1/company/people/fields: the field metadata',
		blocking: true,
	};
	return withBody(base, read, (body) => {
		const list = Array.isArray(body)
			? body
			: isObject(body) && Array.isArray(body.fields)
				? body.fields
				: undefined;
		if (!list) return unknown(base, '$', 'an array of fields, or {fields: [...]}', shapeOf(body));
		const bad = list.find(
			(f) => !isObject(f) || typeof f.id !== 'string' || typeof f.name !== 'string',
		);
		if (bad !== undefined)
			return unknown(
				base,
				Array.isArray(body) ? '$[*]' : '$.fields[*]',
				'fields with a text id and name',
				shapeOf(bad, 1),
			);
		return Array.isArray(body)
			? ok(base, 'a bare array')
			: variant(base, 'wrapped as {fields: [...]}');
	});
}

function hibobNamedListLine(read: Read, listKnown: boolean): CheckLine {
	const base: LineBase = {
		api: 'HiBob',
		check: 'hibob.namedList',
		shape: 'GET /v1/company/named-lists/{list}: one named list',
		blocking: true,
	};
	if (!listKnown && !read)
		return notChecked(base, 'No list field to read (create the Sync to Remote field first).');
	return withBody(base, read, (body) => {
		const wrapped = isObject(body) && isObject(body.list);
		const list = wrapped ? (body as { list: Record<string, unknown> }).list : body;
		if (!isObject(list) || !Array.isArray(list.items))
			return unknown(base, '$', '{name, items: [...]} or {list: {name, items}}', shapeOf(body));
		const items = list.items as unknown[];
		const item = items.find((i) => isObject(i));
		if (items.length && !item)
			return unknown(
				base,
				wrapped ? '$.list.items[*]' : '$.items[*]',
				'items {id, name}',
				shapeOf(items[0]),
			);
		let itemReading = 'items {id, name}';
		if (isObject(item)) {
			if (!('id' in item))
				return unknown(
					base,
					wrapped ? '$.list.items[*]' : '$.items[*]',
					'items {id, name}',
					shapeOf(item, 1),
				);
			if (typeof item.name !== 'string') {
				if (typeof item.value !== 'string')
					return unknown(
						base,
						wrapped ? '$.list.items[*]' : '$.items[*]',
						'items {id, name} or {id, value}',
						shapeOf(item, 1),
					);
				itemReading = 'items {id, value}';
			}
		}
		if (wrapped) return variant(base, `wrapped as {list: {...}}, ${itemReading}`);
		return itemReading === 'items {id, name}'
			? ok(base, '{name, items: [{id, name}]}')
			: variant(base, itemReading);
	});
}

function peopleList(read: Read): unknown[] | undefined {
	if (!isAnswer(read)) return undefined;
	return isObject(read.body) && Array.isArray(read.body.employees)
		? read.body.employees
		: undefined;
}

function hibobPeopleLine(read: Read): CheckLine {
	const base: LineBase = {
		api: 'HiBob',
		check: 'hibob.peopleSearch',
		shape: 'POST /v1/people/search: the people answer',
		blocking: true,
	};
	return withBody(base, read, (body) => {
		if (!isObject(body) || !Array.isArray(body.employees))
			return unknown(base, '$', '{employees: [...]}', shapeOf(body));
		const bad = body.employees.find((p) => !isObject(p));
		if (bad !== undefined)
			return unknown(base, '$.employees[*]', 'one object per person', shapeOf(bad, 0));
		return ok(base, '{employees: [...]}');
	});
}

function hibobHumanReadableLine(
	person: Record<string, unknown> | undefined,
	read: Read,
): CheckLine {
	const base: LineBase = {
		api: 'HiBob',
		check: 'hibob.humanReadable',
		shape: 'humanReadable: APPEND, the labels of list values',
		blocking: false,
	};
	if (!isAnswer(read)) return notChecked(base, refusedNote(read));
	if (!person)
		return notChecked(base, 'Nobody is flagged "Sync to Remote" yet: no person to look at.');
	if (!('humanReadable' in person))
		return variant(
			base,
			'no humanReadable node: labels are looked up in the named lists (one more read per list)',
		);
	if (!isObject(person.humanReadable))
		return unknown(
			base,
			'$.employees[*].humanReadable',
			'an object mirroring the record',
			shapeOf(person.humanReadable, 0),
		);
	return ok(base, 'a humanReadable object beside the values');
}

function hibobValuesLine(
	person: Record<string, unknown> | undefined,
	read: Read,
	fieldIds: string[],
): CheckLine {
	const base: LineBase = {
		api: 'HiBob',
		check: 'hibob.personValues',
		shape: 'how a person record holds field values',
		blocking: true,
	};
	if (!isAnswer(read)) return notChecked(base, refusedNote(read));
	if (!person)
		return notChecked(base, 'Nobody is flagged "Sync to Remote" yet: no person to look at.');
	let nested = 0;
	let slash = 0;
	let wrapped = 0;
	for (const id of fieldIds) {
		const { raw, where } = locateField(person, id);
		if (where === 'nested') nested++;
		else if (where === 'slash' && raw !== undefined) slash++;
		if (isObject(raw) && 'value' in raw && Object.keys(raw).length <= 2) wrapped++;
	}
	if (nested === 0 && slash === 0)
		return unknown(
			base,
			'$.employees[*]',
			'values nested by field path (work.title → {work: {title}}) or under "/work/title" keys',
			shapeOf(person, 1),
		);
	if (slash > nested) return variant(base, 'values under "/category/field" keys');
	if (wrapped > 0) return variant(base, 'values wrapped as {value}');
	return ok(base, 'values nested by field path');
}

function rows(read: Read, key: string): unknown[] | undefined {
	if (!isAnswer(read)) return undefined;
	return isObject(read.body) && Array.isArray(read.body[key])
		? (read.body[key] as unknown[])
		: undefined;
}

function portionLine(
	base: LineBase,
	list: Record<string, unknown>[],
	expectedKey: 'startPortion' | 'startDatePortion',
	path: string,
): CheckLine {
	const other = expectedKey === 'startPortion' ? 'startDatePortion' : 'startPortion';
	const dayRows = list.filter(
		(r) => r.type === undefined || r.type === 'days' || r.type === 'portionOnRange',
	);
	if (dayRows.some((r) => expectedKey in r))
		return ok(base, `${expectedKey}/${expectedKey.replace('start', 'end')}`);
	if (dayRows.some((r) => other in r))
		return variant(base, `${other}/${other.replace('start', 'end')}`);
	if (!dayRows.length)
		return notChecked(base, 'Only hour requests were seen: they carry no day portions.');
	return unknown(base, path, `${expectedKey} (or ${other})`, shapeOf(dayRows[0], 0 + 1));
}

function hibobChangesLines(read: Read): CheckLine[] {
	const base: LineBase = {
		api: 'HiBob',
		check: 'hibob.timeoffChanges',
		shape: 'GET /v1/timeoff/requests/changes: the changes feed',
		blocking: true,
	};
	const idBase: LineBase = {
		api: 'HiBob',
		check: 'hibob.timeoffChanges.requestIdKey',
		shape: 'the request id key of a time-off change',
		blocking: true,
	};
	const portionBase: LineBase = {
		api: 'HiBob',
		check: 'hibob.timeoffChanges.portions',
		shape: 'the day-portion keys of a time-off change',
		blocking: true,
	};
	const typeBase: LineBase = {
		api: 'HiBob',
		check: 'hibob.timeoffChanges.changeType',
		shape: 'the changeType words of a time-off change',
		blocking: true,
	};
	if (!isAnswer(read)) return [notChecked(base, refusedNote(read))];
	const list = rows(read, 'changes');
	if (!list) return [unknown(base, '$', '{changes: [...]}', shapeOf(read.body))];
	const out = [ok(base, '{changes: [...]}')];
	const objects = list.filter(isObject);
	if (!objects.length) {
		const note = 'No time-off change in the last day: a change row could not be looked at.';
		return [
			...out,
			notChecked(idBase, note),
			notChecked(portionBase, note),
			notChecked(typeBase, note),
		];
	}
	if (objects.every((r) => r.requestId !== undefined)) out.push(ok(idBase, 'requestId'));
	else if (objects.every((r) => r.requestId !== undefined || r.id !== undefined))
		out.push(variant(idBase, 'id'));
	else
		out.push(
			unknown(
				idBase,
				'$.changes[*]',
				'requestId (or id)',
				shapeOf(
					objects.find((r) => r.requestId === undefined && r.id === undefined),
					1,
				),
			),
		);
	out.push(portionLine(portionBase, objects, 'startPortion', '$.changes[*]'));
	const types = objects.map((r) => r.changeType);
	out.push(
		vocabularyLine(
			typeBase,
			'$.changes[*].changeType',
			types,
			HIBOB_CHANGE_TYPES,
			HIBOB_CHANGE_TYPE_VARIANTS,
		),
	);
	return out;
}

/**
 * A line about a closed vocabulary (change types, statuses): ok when every value is documented, a
 * variant when some are documented alternative spellings, unknown when any is neither.
 */
function vocabularyLine(
	base: LineBase,
	path: string,
	values: unknown[],
	known: string[],
	variants: string[],
): CheckLine {
	const strange = values.filter((v) => !known.includes(String(v)) && !variants.includes(String(v)));
	const seen = [...new Set(values.filter((v) => variants.includes(String(v))).map(String))];
	if (strange.length) {
		return unknown(base, path, [...known, ...variants].join(', '), [
			...new Set(strange.map((v) => word(v, []))),
		]);
	}
	if (seen.length) return variant(base, seen.join(', '));
	return ok(base, [...new Set(values.map(String))].sort().join(', '));
}

function hibobRequestLines(read: Read, asked: boolean): CheckLine[] {
	const portionBase: LineBase = {
		api: 'HiBob',
		check: 'hibob.timeoffRequest.portions',
		shape: 'GET /v1/timeoff/employees/{id}/requests/{requestId}: the day-portion keys',
		blocking: true,
	};
	const statusBase: LineBase = {
		api: 'HiBob',
		check: 'hibob.timeoffRequest.status',
		shape: 'the status word of a time-off request',
		blocking: true,
	};
	if (!asked) {
		const note =
			"No time-off request seen in the changes or who's out: no request details to read.";
		return [notChecked(portionBase, note), notChecked(statusBase, note)];
	}
	if (!isAnswer(read))
		return [notChecked(portionBase, refusedNote(read)), notChecked(statusBase, refusedNote(read))];
	const body = read.body;
	if (!isObject(body))
		return [
			unknown(portionBase, '$', 'one request object', shapeOf(body)),
			notChecked(statusBase, 'No request object.'),
		];
	const out = [portionLine(portionBase, [body], 'startDatePortion', '$')];
	const status = typeof body.status === 'string' ? body.status.toLowerCase() : undefined;
	if (status === undefined) {
		if (typeof body.approved === 'boolean')
			out.push(variant(statusBase, 'no status word, approved: true/false'));
		else out.push(unknown(statusBase, '$.status', HIBOB_STATUSES.join(', '), shapeOf(body, 1)));
	} else if (HIBOB_STATUSES.includes(status)) out.push(ok(statusBase, status));
	else if (HIBOB_STATUS_VARIANTS.includes(status)) out.push(variant(statusBase, status));
	else
		out.push(
			unknown(
				statusBase,
				'$.status',
				[...HIBOB_STATUSES, ...HIBOB_STATUS_VARIANTS].join(', '),
				word(body.status, []),
			),
		);
	return out;
}

function hibobWhosOutLines(read: Read): CheckLine[] {
	const base: LineBase = {
		api: 'HiBob',
		check: 'hibob.whosOut',
		shape: "GET /v1/timeoff/whosout: one who's-out window",
		blocking: true,
	};
	const portionBase: LineBase = {
		api: 'HiBob',
		check: 'hibob.whosOut.portions',
		shape: "the day-portion keys of a who's-out row",
		blocking: true,
	};
	if (!isAnswer(read)) return [notChecked(base, refusedNote(read))];
	const list = rows(read, 'outs');
	if (!list) return [unknown(base, '$', '{outs: [...]}', shapeOf(read.body))];
	const objects = list.filter(isObject);
	if (!objects.length)
		return [
			ok(base, '{outs: [...]}'),
			notChecked(portionBase, 'Nobody is out in the window: a row could not be looked at.'),
		];
	const idOk = objects.every((r) => r.requestId !== undefined || r.id !== undefined);
	return [
		idOk
			? ok(base, '{outs: [...]}')
			: unknown(base, '$.outs[*]', 'rows with requestId', shapeOf(objects[0], 1)),
		portionLine(portionBase, objects, 'startPortion', '$.outs[*]'),
	];
}

/** HiBob sends the reset as a Unix time in seconds; Remote as milliseconds until the reset. */
function rateLine(api: ApiName, reads: Read[]): { line: CheckLine; seen: string[] } {
	const base: LineBase = {
		api,
		check: `${api.toLowerCase()}.rateLimitHeaders`,
		shape: 'x-ratelimit-* headers (the client slows down before the limit)',
		blocking: false,
	};
	const answers = reads.filter(isAnswer);
	const seen = [
		...new Set(
			answers.flatMap((a) =>
				Object.keys(a.headers).filter((h) => h.startsWith('x-ratelimit-') || h === 'retry-after'),
			),
		),
	].sort();
	if (!answers.length) return { line: notChecked(base, 'No answer to look at.'), seen };
	const withReset = answers.find(
		(a) =>
			a.headers['x-ratelimit-reset'] !== undefined &&
			a.headers['x-ratelimit-remaining'] !== undefined,
	);
	if (!withReset)
		return {
			line: variant(
				base,
				'no x-ratelimit-remaining/reset headers: the client only waits after a 429 (with backoff)',
			),
			seen,
		};
	const reset = Number(withReset.headers['x-ratelimit-reset']);
	const expected =
		api === 'HiBob'
			? 'x-ratelimit-reset as a Unix time in seconds'
			: 'x-ratelimit-reset as milliseconds until the reset';
	const fits =
		Number.isFinite(reset) &&
		(api === 'HiBob' ? reset > 1e9 && reset < 1e11 : reset >= 0 && reset <= 3_600_000);
	if (!fits)
		return {
			line: unknown(
				base,
				'headers.x-ratelimit-reset',
				expected,
				Number.isFinite(reset) ? 'number out of range' : 'not a number',
			),
			seen,
		};
	return { line: ok(base, expected), seen };
}

// ---- Remote ------------------------------------------------------------------------------------------

const REMOTE_TYPES = ['employee', 'contractor', 'global_payroll_employee', 'direct_employee'];
const REMOTE_TIMEOFF_STATUSES = [
	'approved',
	'requested',
	'declined',
	'cancelled',
	'taken',
	'cancel_requested',
];
const REMOTE_TIMEOFF_VARIANTS = ['canceled'];

/** `data.<key>` of a Remote list answer, or `<key>` at the top (which the client also reads). */
function remoteList(
	body: unknown,
	key: string,
): { items?: unknown[]; where: 'data' | 'top' | 'none' } {
	if (isObject(body) && isObject(body.data) && Array.isArray(body.data[key]))
		return { items: body.data[key] as unknown[], where: 'data' };
	if (isObject(body) && Array.isArray(body[key]))
		return { items: body[key] as unknown[], where: 'top' };
	return { where: 'none' };
}

function remoteEmploymentsLine(read: Read): CheckLine {
	const base: LineBase = {
		api: 'Remote',
		check: 'remote.employments',
		shape: 'GET /v1/employments: page 1 of the employment list',
		blocking: true,
	};
	return withBody(base, read, (body) => {
		const { items, where } = remoteList(body, 'employments');
		if (!items)
			return unknown(base, '$', '{data: {employments: [...], total_pages}}', shapeOf(body));
		const bad = items.find(
			(e) =>
				!isObject(e) ||
				typeof e.id !== 'string' ||
				typeof e.status !== 'string' ||
				!('external_id' in e),
		);
		if (bad !== undefined)
			return unknown(
				base,
				`$${where === 'data' ? '.data' : ''}.employments[*]`,
				'items with id, status, type, external_id',
				shapeOf(bad, 1),
			);
		const strange = items.filter(
			(e) => !REMOTE_TYPES.includes(String((e as Record<string, unknown>).type)),
		);
		if (strange.length)
			return unknown(base, '$.data.employments[*].type', REMOTE_TYPES.join(', '), [
				...new Set(strange.map((e) => word((e as Record<string, unknown>).type, []))),
			]);
		return where === 'data'
			? ok(base, '{data: {employments: [...]}}')
			: variant(base, '{employments: [...]} without data');
	});
}

function remoteEmploymentLine(type: string, read: Read): CheckLine {
	const base: LineBase = {
		api: 'Remote',
		check: `remote.employment.${type}`,
		shape: `GET /v1/employments/{id}: one full ${type} employment`,
		blocking: true,
	};
	return withBody(base, read, (body) => {
		const inData = isObject(body) && isObject(body.data) && isObject(body.data.employment);
		const employment = inData
			? (body as { data: { employment: Record<string, unknown> } }).data.employment
			: body;
		if (
			!isObject(employment) ||
			typeof employment.id !== 'string' ||
			typeof employment.status !== 'string'
		)
			return unknown(base, '$', '{data: {employment: {id, status, ...}}}', shapeOf(body));
		const country = employment.country;
		if (!isObject(country) || typeof country.code !== 'string')
			return unknown(base, '$.data.employment.country', '{code: <alpha-3>}', shapeOf(country, 1));
		for (const part of ['basic_information']) {
			const value = employment[part];
			if (value !== undefined && value !== null && !isObject(value))
				return unknown(base, `$.data.employment.${part}`, 'an object (or null)', shapeOf(value, 0));
		}
		return inData
			? ok(base, '{data: {employment: {...}}}')
			: variant(base, 'the employment without the {data: {employment}} wrapper');
	});
}

function remoteManagersLine(read: Read): CheckLine {
	const base: LineBase = {
		api: 'Remote',
		check: 'remote.companyManagers',
		shape: 'GET /v1/company-managers',
		blocking: true,
	};
	return withBody(base, read, (body) => {
		const { items, where } = remoteList(body, 'company_managers');
		if (!items) return unknown(base, '$', '{data: {company_managers: [...]}}', shapeOf(body));
		const bad = items.find((m) => !isObject(m) || !('user_id' in m) || !('user_email' in m));
		if (bad !== undefined)
			return unknown(
				base,
				'$.data.company_managers[*]',
				'items with user_id, user_email, company_id',
				shapeOf(bad, 1),
			);
		return where === 'data'
			? ok(base, '{data: {company_managers: [...]}}')
			: variant(base, '{company_managers: [...]} without data');
	});
}

function remoteDepartmentsLine(read: Read, asked: boolean): CheckLine {
	const base: LineBase = {
		api: 'Remote',
		check: 'remote.departments',
		shape: 'GET /v1/company-departments',
		blocking: true,
	};
	if (!asked)
		return notChecked(
			base,
			'No company id known (no company manager listed): departments not read.',
		);
	return withBody(base, read, (body) => {
		const { items, where } = remoteList(body, 'company_departments');
		if (!items)
			return unknown(base, '$', '{data: {company_departments: [...]}, total_pages}', shapeOf(body));
		const bad = items.find((d) => !isObject(d) || !('id' in d) || !('name' in d));
		if (bad !== undefined)
			return unknown(
				base,
				'$.data.company_departments[*]',
				'items with id and name',
				shapeOf(bad, 1),
			);
		if (where === 'top') return variant(base, '{company_departments: [...]} without data');
		const data = (body as { data: Record<string, unknown> }).data;
		if ('total_pages' in data)
			return variant(base, 'paging (total_pages) inside data, as in the other lists');
		return ok(
			base,
			'{data: {company_departments}, total_pages} (paging at the top, as the 2024 spec)',
		);
	});
}

/** The JSON schema of a country form answer: `{data: {schema}}` (ok), `{data: <schema>}` or a bare schema (variants). */
export function formSchemaOf(body: unknown): {
	schema?: Record<string, unknown>;
	reading?: 'data.schema' | 'data' | 'bare';
} {
	if (isObject(body) && isObject(body.data) && isObject(body.data.schema))
		return { schema: body.data.schema, reading: 'data.schema' };
	if (isObject(body) && isObject(body.data) && isObject(body.data.properties))
		return { schema: body.data, reading: 'data' };
	if (isObject(body) && isObject(body.properties)) return { schema: body, reading: 'bare' };
	return {};
}

function formProperties(schema: Record<string, unknown> | undefined): Record<string, unknown> {
	return isObject(schema?.properties) ? (schema!.properties as Record<string, unknown>) : {};
}

function remoteFormLine(form: FormRead): CheckLine {
	const base: LineBase = {
		api: 'Remote',
		check: `remote.countryForm.${form.country}.${form.form}`,
		shape: `GET /v1/countries/${form.country}/${form.form}: the form's JSON schema`,
		blocking: true,
	};
	if ((form.read as FailedRead | undefined)?.failed && (form.read as FailedRead).status === 404)
		return unknown(
			base,
			`/v1/countries/${form.country}/${form.form}`,
			'the form the package validates against',
			'answered 404',
			'Creates in this country would be refused by the package: Remote names this form differently here.',
		);
	return withBody(base, form.read, (body) => {
		const { schema, reading } = formSchemaOf(body);
		if (!schema) return unknown(base, '$', '{data: {schema: {properties, ...}}}', shapeOf(body));
		if (reading === 'data.schema') return ok(base, '{data: {schema}}');
		return variant(
			base,
			reading === 'data' ? 'the schema directly in data' : 'the schema without a wrapper',
		);
	});
}

function remoteTimeoffsLine(read: Read): CheckLine[] {
	const base: LineBase = {
		api: 'Remote',
		check: 'remote.timeoffs',
		shape: 'GET /v1/timeoff: page 1 of the time-off list',
		blocking: true,
	};
	const statusBase: LineBase = {
		api: 'Remote',
		check: 'remote.timeoffs.status',
		shape: 'the status words of Remote time off',
		blocking: true,
	};
	if (!isAnswer(read)) return [notChecked(base, refusedNote(read))];
	const { items, where } = remoteList(read.body, 'timeoffs');
	if (!items) return [unknown(base, '$', '{data: {timeoffs: [...]}}', shapeOf(read.body))];
	const out = [
		where === 'data'
			? ok(base, '{data: {timeoffs: [...]}}')
			: variant(base, '{timeoffs: [...]} without data'),
	];
	const statuses = items.filter(isObject).map((t) => t.status);
	if (!statuses.length)
		return [...out, notChecked(statusBase, 'No time off in Remote yet: no status to look at.')];
	out.push(
		vocabularyLine(
			statusBase,
			'$.data.timeoffs[*].status',
			statuses,
			REMOTE_TIMEOFF_STATUSES,
			REMOTE_TIMEOFF_VARIANTS,
		),
	);
	return out;
}

function remoteWebhookCallbacksLine(read: Read): {
	line: CheckLine;
	count: number | 'not_checked';
} {
	const base: LineBase = {
		api: 'Remote',
		check: 'remote.webhookCallbacks',
		shape: 'GET /v1/webhook-callbacks (informational: the sync does not use Remote webhooks)',
		blocking: false,
	};
	if (!isAnswer(read)) return { line: notChecked(base, refusedNote(read)), count: 'not_checked' };
	const { items, where } = remoteList(read.body, 'webhook_callbacks');
	if (items)
		return {
			line:
				where === 'data'
					? ok(base, '{data: {webhook_callbacks: [...]}}')
					: variant(base, '{webhook_callbacks: [...]}'),
			count: items.length,
		};
	if (Array.isArray(read.body))
		return { line: variant(base, 'a bare array'), count: read.body.length };
	return {
		line: unknown(base, '$', '{data: {webhook_callbacks: [...]}}', shapeOf(read.body)),
		count: 'not_checked',
	};
}

// ---- facts -------------------------------------------------------------------------------------------

function fieldLocation(
	fieldsRead: Read,
	id: string,
): 'by_id' | 'by_name' | 'not_in_metadata' | 'not_checked' {
	if (!isAnswer(fieldsRead)) return 'not_checked';
	const fields = metadataList(fieldsRead.body);
	if (!fields.length) return 'not_checked';
	if (fields.some((f) => f.id === id)) return 'by_id';
	const logical = SENSITIVE_LOGICAL_FIELDS.find((f) => f.id === id)!;
	const resolved = resolveFields(fields, [logical]);
	return resolved.unknown.length ? 'not_in_metadata' : 'by_name';
}

/** Shapes a read-only check cannot see: the package accepts every reading of them. */
const WRITE_OR_WEBHOOK_ONLY: Array<LineBase & { note: string }> = [
	{
		api: 'HiBob',
		check: 'hibob.webhook.fieldUpdates',
		shape: 'fieldUpdates vs fieldUpdatesIds in employee webhooks',
		note: 'Only a webhook delivery shows it; the HiBob Trigger accepts both keys.',
		blocking: false,
	},
	{
		api: 'HiBob',
		check: 'hibob.webhook.requestIdKey',
		shape: 'the request id key of time-off webhooks',
		note: 'Only a webhook delivery shows it; the HiBob Trigger accepts requestId, timeoffRequestId and id.',
		blocking: false,
	},
	{
		api: 'Remote',
		check: 'remote.createEmploymentStatus',
		shape: 'POST /v1/employments answers 200 or 201',
		note: 'Only a create shows it (this check writes nothing); the package accepts both.',
		blocking: false,
	},
	{
		api: 'Remote',
		check: 'remote.contractorUpdates',
		shape: 'whether Remote accepts updates of contractors',
		note: 'Only an update shows it (this check writes nothing); a refusal becomes a reason on that person, never a stop.',
		blocking: false,
	},
];

function onlyShownByWritesOrWebhooks(api: ApiName): CheckLine[] {
	return WRITE_OR_WEBHOOK_ONLY.filter((l) => l.api === api).map(({ note, ...base }) =>
		notChecked(base, note),
	);
}

const BASIC_FORMS = [
	'employment_basic_information',
	'contractor_basic_information',
	'global_payroll_basic_information',
];

// ---- the check ---------------------------------------------------------------------------------------

/** Every line, the tenant facts, the verdict and the copyable report, from the answers of the reads. */
export function checkCompatibility(input: CompatibilityInput): CompatibilityResult {
	const lines: CheckLine[] = [];
	const facts: TenantFacts = {};
	const whatToDo: string[] = [];
	let refused = false;

	const refusal = (api: ApiName, reads: Read[]) => {
		const statuses = new Set(
			reads.filter((r): r is FailedRead => !!r && (r as FailedRead).failed).map((r) => r.status),
		);
		if (statuses.has(401)) {
			refused = true;
			whatToDo.push(
				`${api} refused the credential (401): check the ${api} credential (token, and production vs sandbox), then run this check again.`,
			);
		} else if (statuses.has(403)) {
			refused = true;
			whatToDo.push(
				api === 'HiBob'
					? 'HiBob refused some reads (403): run Setup → Check Permissions and grant what it lists (time off needs "See who\'s out" and "View requests").'
					: 'Remote refused some reads (403): use a company API token created by an admin or owner.',
			);
		} else if ([...statuses].some((s) => s === undefined || (s ?? 0) >= 500 || s === 429)) {
			refused = true;
			whatToDo.push(
				`${api} could not be read completely (temporary error or unreachable): run this check again later.`,
			);
		}
	};

	if (input.hibob) {
		const h = input.hibob;
		lines.push(hibobFieldsLine(h.fields));
		const fields = isAnswer(h.fields) ? metadataList(h.fields.body) : [];
		const syncField = findSyncField(fields);
		lines.push(hibobNamedListLine(h.namedList, h.namedList !== undefined));
		lines.push(hibobPeopleLine(h.peopleIndex));
		const person = peopleList(h.person)?.find(isObject) as Record<string, unknown> | undefined;
		lines.push(hibobHumanReadableLine(person, h.person ?? h.peopleIndex));
		const resolved = resolveFields(fields, LOGICAL_FIELDS);
		const ids = [...Object.values(resolved.ids), ...(syncField ? [syncField.id] : [])];
		lines.push(hibobValuesLine(person, h.person ?? h.peopleIndex, ids));
		const changes = hibobChangesLines(h.changes);
		lines.push(...changes);
		lines.push(...hibobRequestLines(h.request, h.request !== undefined));
		lines.push(...hibobWhosOutLines(h.whosOut));
		const rate = rateLine('HiBob', [
			h.fields,
			h.namedList,
			h.peopleIndex,
			h.person,
			h.changes,
			h.request,
			h.whosOut,
		]);
		lines.push(rate.line);
		lines.push(...onlyShownByWritesOrWebhooks('HiBob'));
		facts.hibob = {
			syncFieldFound: !!syncField,
			ssnField: fieldLocation(h.fields, 'identification.ssn'),
			salaryField: fieldLocation(h.fields, 'payroll.salary.yearlyPayment'),
			rateLimitHeaders: rate.seen,
			timeoffChangesSeen: rows(h.changes, 'changes')?.length ?? 0,
		};
		if (isAnswer(h.fields) && !syncField)
			whatToDo.push('Run Setup → Create Sync to Remote Field, then set it for the people to sync.');
		refusal('HiBob', [
			h.fields,
			h.namedList,
			h.peopleIndex,
			h.person,
			h.changes,
			h.request,
			h.whosOut,
		]);
	}

	if (input.remote) {
		const r = input.remote;
		lines.push(remoteEmploymentsLine(r.employments));
		const byType = r.employments_by_type ?? {};
		for (const [type, read] of Object.entries(byType).sort(([a], [b]) => a.localeCompare(b)))
			lines.push(remoteEmploymentLine(type, read));
		lines.push(remoteManagersLine(r.managers));
		lines.push(remoteDepartmentsLine(r.departments, r.departments !== undefined));
		const forms = r.forms ?? [];
		for (const form of forms) lines.push(remoteFormLine(form));
		lines.push(...remoteTimeoffsLine(r.timeoffs));
		const hooks = remoteWebhookCallbacksLine(r.webhookCallbacks);
		lines.push(hooks.line);
		const rate = rateLine('Remote', [
			r.employments,
			...Object.values(byType),
			r.managers,
			r.departments,
			...forms.map((f) => f.read),
			r.timeoffs,
		]);
		lines.push(rate.line);

		// Facts from the forms: manager/department in basic information, SSN and salary where the package puts them.
		const withKey = (key: string) =>
			[
				...new Set(
					forms
						.filter(
							(f) =>
								BASIC_FORMS.includes(f.form) &&
								isAnswer(f.read) &&
								key in formProperties(formSchemaOf(f.read.body).schema),
						)
						.map((f) => f.country),
				),
			].sort();
		const usaAdmin = forms.find((f) => f.country === 'USA' && f.form === 'administrative_details');
		const ssnThere =
			usaAdmin && isAnswer(usaAdmin.read)
				? 'ssn' in formProperties(formSchemaOf(usaAdmin.read.body).schema)
				: 'not_checked';
		const salary: Record<string, boolean> = {};
		for (const f of forms.filter(
			(x) => x.form === 'global_payroll_contract_details' && isAnswer(x.read),
		))
			salary[f.country] =
				'annual_gross_salary' in formProperties(formSchemaOf((f.read as Answer).body).schema);
		const ssnBase: LineBase = {
			api: 'Remote',
			check: 'remote.ssnLocation',
			shape: 'USA SSN at administrative_details.ssn',
			blocking: true,
		};
		if (ssnThere === 'not_checked')
			lines.push(
				notChecked(ssnBase, 'No USA EOR employment on page 1 (or its form could not be read).'),
			);
		else if (ssnThere) lines.push(ok(ssnBase, 'administrative_details.ssn'));
		else {
			const keys = Object.keys(
				formProperties(formSchemaOf((usaAdmin!.read as Answer).body).schema),
			).map(safeKey);
			lines.push(
				unknown(
					ssnBase,
					'administrative_details.properties',
					'ssn',
					keys,
					'SSNs would not be sent; switch off the SSN option of Remote Upsert Employee until this is fixed.',
				),
			);
		}
		const salaryBase: LineBase = {
			api: 'Remote',
			check: 'remote.salaryLocation',
			shape: 'global payroll salary at global_payroll_contract_details.annual_gross_salary',
			blocking: true,
		};
		const missing = Object.entries(salary)
			.filter(([, found]) => !found)
			.map(([country]) => country);
		if (!Object.keys(salary).length)
			lines.push(
				notChecked(
					salaryBase,
					'No global payroll employment on page 1 (or its form could not be read).',
				),
			);
		else if (!missing.length)
			lines.push(ok(salaryBase, 'global_payroll_contract_details.annual_gross_salary'));
		else {
			const form = forms.find(
				(f) => f.country === missing[0] && f.form === 'global_payroll_contract_details',
			)!;
			lines.push(
				unknown(
					salaryBase,
					`${missing.join(', ')}: global_payroll_contract_details.properties`,
					'annual_gross_salary',
					Object.keys(formProperties(formSchemaOf((form.read as Answer).body).schema)).map(safeKey),
					'Salaries would not be sent; switch off the salary option of Remote Upsert Employee until this is fixed.',
				),
			);
		}
		lines.push(...onlyShownByWritesOrWebhooks('Remote'));
		const minimal =
			remoteList(isAnswer(r.employments) ? r.employments.body : undefined, 'employments').items ??
			[];
		const countries = [
			...new Set(
				minimal
					.filter(isObject)
					.map((e) => countryCode(e.country))
					.filter((c): c is string => !!c),
			),
		].sort();
		facts.remote = {
			employmentTypesSeen: Object.keys(byType).sort(),
			countriesInUse: countries,
			countriesWithManagerInBasicInformation: withKey('manager'),
			countriesWithDepartmentInBasicInformation: withKey('department'),
			ssnInAdministrativeDetails: ssnThere,
			salaryInGlobalPayrollContractDetails: salary,
			rateLimitHeaders: rate.seen,
			webhookCallbacksRegistered: hooks.count,
		};
		refusal('Remote', [
			r.employments,
			...Object.values(byType),
			r.managers,
			r.departments,
			r.timeoffs,
		]);
	}

	const counts: Record<CheckStatus, number> = { ok: 0, variant: 0, unknown: 0, not_checked: 0 };
	for (const line of lines) counts[line.status]++;
	const blockingUnknown = lines.filter((l) => l.status === 'unknown' && l.blocking);
	if (blockingUnknown.length)
		whatToDo.push(
			`${blockingUnknown.length} shape(s) are not ones the package handles (${blockingUnknown.map((l) => l.check).join(', ')}): do not switch dry run off yet; attach the report below to an issue of n8n-nodes-hibob-remote.`,
		);
	const verdict: Verdict =
		blockingUnknown.length || refused
			? 'not ready'
			: counts.variant
				? 'ready with variants'
				: 'ready';
	if (verdict !== 'not ready' && !whatToDo.length)
		whatToDo.push(
			verdict === 'ready'
				? 'Nothing to do: run the sync with dry run on, read the summary, then switch dry run off.'
				: 'Nothing to do: the package handles every variant listed. Keep the report for reference.',
		);
	const report = JSON.stringify({
		package: 'n8n-nodes-hibob-remote',
		...(input.packageVersion ? { version: input.packageVersion } : {}),
		checkedAt: input.checkedAt,
		verdict,
		counts,
		checks: lines.map(({ api, check, status, reading, path, expected, got, note }) => ({
			api,
			check,
			status,
			reading,
			path,
			expected,
			got,
			note,
		})),
		facts,
	});
	return { lines, facts, verdict, whatToDo, counts, report };
}

function countryCode(country: unknown): string | undefined {
	const code = isObject(country) ? country.code : country;
	return typeof code === 'string' && /^[A-Z]{3}$/.test(code) ? code : undefined;
}

/** The employment types on page 1, with the id of the first employment of each (to read it in full). */
export function employmentsToRead(body: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	for (const e of remoteList(body, 'employments').items ?? []) {
		if (!isObject(e) || typeof e.id !== 'string' || typeof e.type !== 'string') continue;
		if (e.status === 'deleted') continue;
		if (!(e.type in out)) out[e.type] = e.id;
	}
	return out;
}

/**
 * The country forms to read: the basic-information form of each (country, type) on page 1, the
 * USA administrative details when a USA EOR employee is there, the global payroll contract details
 * of each global payroll country. At most `max` forms (rate limits).
 */
export function formsToRead(body: unknown, max = 12): Array<{ country: string; form: string }> {
	const out: Array<{ country: string; form: string }> = [];
	const add = (country: string, form: string) => {
		if (!out.some((f) => f.country === country && f.form === form)) out.push({ country, form });
	};
	const byType: Record<string, string> = {
		employee: 'employment_basic_information',
		contractor: 'contractor_basic_information',
		global_payroll_employee: 'global_payroll_basic_information',
	};
	for (const e of remoteList(body, 'employments').items ?? []) {
		if (!isObject(e)) continue;
		const country = countryCode(e.country);
		const form = byType[String(e.type)];
		if (!country || !form) continue;
		add(country, form);
		if (e.type === 'employee' && country === 'USA') add(country, 'administrative_details');
		if (e.type === 'global_payroll_employee') add(country, 'global_payroll_contract_details');
	}
	return out.slice(0, max);
}

/** The company id of the first company manager (departments are listed per company). */
export function companyIdOf(managersBody: unknown): string | undefined {
	const id = (remoteList(managersBody, 'company_managers').items ?? [])
		.filter(isObject)
		.map((m) => m.company_id)
		.find((v) => typeof v === 'string' && v);
	return id as string | undefined;
}

/** The list id of the "Sync to Remote" field (to read its named list). */
export function syncListIdOf(fieldsBody: unknown): string | undefined {
	const field = findSyncField(metadataList(fieldsBody));
	const listId = field?.typeData?.listId;
	return listId === undefined || listId === null ? undefined : String(listId);
}

/** The id of one flagged person in an index search (ids and the sync field only), or undefined. */
export function flaggedPersonOf(
	indexBody: unknown,
	syncFieldId: string | undefined,
): string | undefined {
	if (!syncFieldId || !isObject(indexBody) || !Array.isArray(indexBody.employees)) return undefined;
	for (const p of indexBody.employees) {
		if (!isObject(p) || (typeof p.id !== 'string' && typeof p.id !== 'number')) continue;
		const value = readField(p, syncFieldId);
		if (value !== undefined && value !== null && value !== '') return String(p.id);
	}
	return undefined;
}

/** One time-off request (employee id, request id) from the changes or who's out, to read its details. */
export function requestToRead(
	changesBody: unknown,
	whosOutBody: unknown,
): { employeeId: string; requestId: string } | undefined {
	for (const [body, key] of [
		[changesBody, 'changes'],
		[whosOutBody, 'outs'],
	] as const) {
		if (!isObject(body) || !Array.isArray(body[key])) continue;
		for (const row of body[key] as unknown[]) {
			if (!isObject(row)) continue;
			const requestId = row.requestId ?? row.id;
			if (
				(typeof requestId === 'number' || typeof requestId === 'string') &&
				(typeof row.employeeId === 'string' || typeof row.employeeId === 'number')
			)
				if (row.changeType !== 'Deleted')
					return { employeeId: String(row.employeeId), requestId: String(requestId) };
		}
	}
	return undefined;
}

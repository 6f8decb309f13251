/**
 * A fake HiBob (Bob) API for tests, the demo and benchmarks. It refuses what the real API refuses
 * (see ../shared/api/hibob-api.md): Basic auth with a service user, `{key, error}` error bodies,
 * `X-RateLimit-*` headers (reset as Unix epoch seconds), fields the service user may not see dropped
 * silently with 200, at most one `root.id`/`root.email` filter, list values as item ids, time-off
 * changes at most six months back.
 */
import type { FakeServerOptions, RateState } from './server';
import { FakeHttpServer, HttpError } from './server';
import { addMonths, clone, deepMerge, isPlainObject, isValidDate, parseIsoDateTime } from './prng';
import type {
	HiBobField,
	HiBobListItem,
	HiBobNamedList,
	SyncKind,
} from '../fixtures/hibob-metadata';
import {
	defaultHiBobFields,
	defaultHiBobNamedLists,
	hibobCategoryDisplayNames,
	hibobField,
	listItem,
	SYNC_TO_REMOTE_FIELD_NAME,
	SYNC_TO_REMOTE_LABELS,
} from '../fixtures/hibob-metadata';

export type {
	HiBobField,
	HiBobListItem,
	HiBobNamedList,
	SyncKind,
} from '../fixtures/hibob-metadata';

// ---- types -----------------------------------------------------------------------------------------

export interface HiBobEmployeeReference {
	id: string;
	firstName: string;
	surname: string;
	email: string;
	displayName: string;
}

/** The known parts of a HiBob person record. */
export interface HiBobPersonCore {
	id: string;
	email: string;
	firstName: string;
	surname: string;
	displayName: string;
	fullName?: string;
	secondName?: string | null;
	companyId?: number;
	creationDateTime?: string;
	avatarUrl?: string | null;
	work: {
		title: string | null;
		startDate: string | null;
		department: string | null;
		site: string | null;
		siteId?: string | null;
		reportsTo: HiBobEmployeeReference | null;
		custom?: Record<string, unknown>;
		[key: string]: unknown;
	};
	internal: {
		status: 'Active' | 'Inactive';
		lifecycleStatus: string;
		terminationDate?: string | null;
		[key: string]: unknown;
	};
	address?: {
		line1?: string | null;
		line2?: string | null;
		city?: string | null;
		postCode?: string | null;
		country?: string | null;
		usaState?: string | null;
		[key: string]: unknown;
	};
	home?: { privateEmail?: string | null; mobilePhone?: string | null; [key: string]: unknown };
	emergency?: {
		firstName?: string | null;
		surname?: string | null;
		relation?: string | null;
		phone?: string | null;
		mobilePhone?: string | null;
		email?: string | null;
		[key: string]: unknown;
	};
	identification?: { ssn?: string | null; [key: string]: unknown };
	payroll?: {
		salary?: {
			payment?: { value: number; currency: string } | null;
			yearlyPayment?: { value: number; currency: string } | null;
			payPeriod?: string | null;
			[key: string]: unknown;
		};
		[key: string]: unknown;
	};
	personal?: { birthDate?: string | null; [key: string]: unknown };
}

/** The full nested HiBob record a fixture holds (list fields hold list item ids); other keys allowed. */
export interface HiBobPerson extends HiBobPersonCore {
	[key: string]: unknown;
}

/** A person for `addPerson`: the nested parts may be partial. */
export type NewHiBobPerson = Partial<Omit<HiBobPersonCore, 'work' | 'internal'>> & {
	id: string;
	email: string;
	firstName: string;
	surname: string;
	work?: Partial<HiBobPersonCore['work']>;
	internal?: Partial<HiBobPersonCore['internal']>;
	[key: string]: unknown;
};

export type TimeoffRequestType = 'days' | 'hours' | 'portionOnRange' | 'hoursOnRange';
export type DayPortion = 'all_day' | 'morning' | 'afternoon';
export type HiBobTimeoffStatus = 'approved' | 'pending' | 'canceled' | 'disapproved';

export interface HiBobTimeoffRequest {
	requestId: number;
	employeeId: string;
	policyTypeDisplayName: string;
	type: TimeoffRequestType;
	startDate: string;
	startDatePortion: DayPortion;
	endDate: string;
	endDatePortion: DayPortion;
	/** Requests of type `hours`: the date (same as startDate). */
	date?: string;
	dayPortion?: 'morning' | 'afternoon';
	hoursOnDate?: number;
	dailyHours?: number;
	durationUnit: 'days' | 'hours';
	totalDuration: number;
	status: HiBobTimeoffStatus;
	approved: boolean;
	approvedBy?: string;
	approvedAt?: string;
	declinedBy?: string;
	declinedAt?: string;
	previousRequestId?: number;
	originalRequestId?: number;
	description?: string;
}

/** Input of `addTimeoffRequest`: everything but employeeId and startDate has a default. */
export type NewHiBobTimeoffRequest = Partial<HiBobTimeoffRequest> & {
	employeeId: string;
	startDate: string;
};

export type TimeoffChangeType = 'Created' | 'Canceled' | 'Deleted' | 'Pending';

export interface HiBobTimeoffChange {
	changeType: TimeoffChangeType;
	employeeId: string;
	employeeDisplayName: string;
	employeeEmail: string;
	requestId: number;
	policyTypeDisplayName: string;
	type: TimeoffRequestType;
	startDate: string;
	startPortion: DayPortion;
	endDate: string;
	endPortion: DayPortion;
	date?: string;
	dayPortion?: string;
	hoursOnDate?: number;
	dailyHours?: number;
	durationUnit: 'days' | 'hours';
	totalDuration: number;
	changeReason?: string;
	previousRequestId?: number;
	originalRequestId?: number;
	/** When the change happened (ISO date-time); the changes feed filters on it. */
	createdOn: string;
}

export interface HiBobFixture {
	serviceUserId: string;
	token: string;
	people: NewHiBobPerson[];
	/** Field metadata; default `defaultHiBobFields()`. */
	fields?: HiBobField[];
	/** Named lists; default `defaultHiBobNamedLists()`. */
	namedLists?: HiBobNamedList[];
	timeoffRequests?: HiBobTimeoffRequest[];
	timeoffChanges?: HiBobTimeoffChange[];
	/** Field ids the service user may not see (dropped silently from people responses). */
	deniedFields?: string[];
	/** Categories the service user may not see, e.g. `identification`, `payroll`, `home`, `emergency`, `address`. */
	deniedCategories?: string[];
	/** Answer `GET /company/people/fields` as `{fields:[...]}` instead of a bare array. */
	fieldsWrapped?: boolean;
	/** Company id put on people (root.companyId). */
	companyId?: number;
	/** Named modes serving the documented alternatives the package also reads (default: the documented reading). */
	modes?: HiBobModes;
}

/**
 * Where HiBob's documents leave two readings open (api/hibob-api.md, UNCONFIRMED), the fake serves
 * the documented one by default and the other in a named mode.
 */
export interface HiBobModes {
	/** `GET /company/named-lists/{name}` answered as `{list: {name, items}}` (3P) instead of `{name, items}`. */
	namedListWrapped?: boolean;
	/** People answers leave out the `humanReadable` node even when asked for it. */
	humanReadableOmitted?: boolean;
	/** People answers hold values under flat `/category/field` keys as `{value}` instead of nested objects. */
	peopleSlashKeys?: boolean;
	/** The changes feed and who's out use `startDatePortion`/`endDatePortion` (like the request details). */
	timeoffPortionKeys?: 'startPortion' | 'startDatePortion';
	/** The changes feed names the request id `id` instead of `requestId`. */
	changesRequestIdKey?: 'requestId' | 'id';
	/** The British spelling: status `cancelled` in request details, changeType `Cancelled` in the changes feed. */
	cancelledSpelling?: 'canceled' | 'cancelled';
}

export type HiBobFakeOptions = FakeServerOptions;

export interface SyncFieldInfo {
	fieldId: string;
	listId: string;
	/** Item id per kind. */
	itemIds: Record<SyncKind, string>;
	/** Item ids of extra items (label → id). */
	extraItemIds: Record<string, string>;
}

const ROOT_BASIC_FIELDS = [
	'root.id',
	'root.companyId',
	'root.email',
	'root.firstName',
	'root.surname',
	'root.displayName',
	'root.secondName',
	'root.creationDateTime',
	'root.avatarUrl',
];
const DEFAULT_CATEGORIES = new Set(['work', 'about', 'employment']);
const SUPPORTED_FIELD_TYPES = new Set([
	'text',
	'text-area',
	'number',
	'date',
	'list',
	'multi-list',
	'hierarchy-list',
	'currency',
	'employee-reference',
	'document',
]);
const FILTER_PATHS = new Set(['root.id', 'root.email']);

function getPath(obj: any, parts: string[]): unknown {
	let cur = obj;
	for (const part of parts) {
		if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
		cur = cur[part];
	}
	return cur;
}

function setPath(obj: any, parts: string[], value: unknown): void {
	let cur = obj;
	for (let i = 0; i < parts.length - 1; i++) {
		const next = cur[parts[i]];
		cur =
			next !== null && typeof next === 'object' && !Array.isArray(next)
				? next
				: (cur[parts[i]] = {});
	}
	cur[parts[parts.length - 1]] = value;
}

function bad(message: string): HttpError {
	return new HttpError(400, { key: 'bad_request', error: message });
}

function notFound(message: string): HttpError {
	return new HttpError(404, { key: 'not_found', error: message });
}

function daysBetween(start: string, end: string): number {
	return (
		Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000) + 1
	);
}

/** Person with every nested part present (as HiBob returns nulls for empty fields). */
export function normalizeHiBobPerson(input: NewHiBobPerson, companyId?: number): HiBobPerson {
	const p = clone(input) as any;
	p.displayName = p.displayName ?? `${p.firstName} ${p.surname}`;
	p.fullName = p.fullName ?? `${p.firstName} ${p.surname}`;
	if (companyId !== undefined && p.companyId === undefined) p.companyId = companyId;
	p.work = {
		title: null,
		startDate: null,
		department: null,
		site: null,
		reportsTo: null,
		custom: {},
		...(p.work ?? {}),
	};
	p.work.custom = p.work.custom ?? {};
	p.internal = { status: 'Active', lifecycleStatus: 'employed', ...(p.internal ?? {}) };
	return p as HiBobPerson;
}

export class HiBobFake extends FakeHttpServer {
	readonly serviceUserId: string;
	readonly token: string;
	readonly state: {
		people: HiBobPerson[];
		fields: HiBobField[];
		namedLists: HiBobNamedList[];
		timeoffRequests: HiBobTimeoffRequest[];
		timeoffChanges: HiBobTimeoffChange[];
	};
	deniedFields: Set<string>;
	deniedCategories: Set<string>;
	fieldsWrapped: boolean;
	modes: HiBobModes;
	private readonly companyId?: number;
	private readonly expectedAuth: string;
	private nextRequestId: number;
	private labelCache = new Map<string, Map<string, string>>();

	constructor(fixture: HiBobFixture, options: HiBobFakeOptions = {}) {
		super(options);
		this.serviceUserId = fixture.serviceUserId;
		this.token = fixture.token;
		this.expectedAuth = `Basic ${Buffer.from(`${fixture.serviceUserId}:${fixture.token}`).toString('base64')}`;
		this.companyId = fixture.companyId;
		this.state = {
			people: fixture.people.map((p) => normalizeHiBobPerson(p, fixture.companyId)),
			fields: clone(fixture.fields ?? defaultHiBobFields()),
			namedLists: clone(fixture.namedLists ?? defaultHiBobNamedLists()),
			timeoffRequests: clone(fixture.timeoffRequests ?? []),
			timeoffChanges: clone(fixture.timeoffChanges ?? []),
		};
		this.deniedFields = new Set(fixture.deniedFields ?? []);
		this.deniedCategories = new Set(fixture.deniedCategories ?? []);
		this.fieldsWrapped = fixture.fieldsWrapped ?? false;
		this.modes = { ...(fixture.modes ?? {}) };
		this.nextRequestId = Math.max(1000, ...this.state.timeoffRequests.map((r) => r.requestId)) + 1;
		this.registerRoutes();
	}

	/** Creates and starts a fake HiBob on 127.0.0.1. */
	static async start(fixture: HiBobFixture, options: HiBobFakeOptions = {}): Promise<HiBobFake> {
		return new HiBobFake(fixture, options).start();
	}

	/** The Authorization header value a client must send. */
	authHeader(): string {
		return this.expectedAuth;
	}

	// ---- FakeHttpServer hooks ------------------------------------------------------------------------

	protected isAuthorized(header: string | undefined): boolean {
		return header !== undefined && header.trim() === this.expectedAuth;
	}

	protected unauthorizedBody(): unknown {
		return { key: 'unauthorized', error: 'Invalid service user credentials' };
	}

	protected rateHeaders(state: RateState): Record<string, string> {
		return {
			'X-RateLimit-Limit': String(state.limit),
			'X-RateLimit-Remaining': String(state.remaining),
			// Unix epoch SECONDS at which the window resets.
			'X-RateLimit-Reset': String(Math.ceil(state.resetAtMs / 1000)),
		};
	}

	protected tooManyRequestsBody(): unknown {
		return {
			key: 'rate_limit',
			error: 'Too many requests. The rate limit for this endpoint was exceeded.',
		};
	}

	protected errorBody(status: number, message: string): unknown {
		const key =
			status === 400
				? 'bad_request'
				: status === 403
					? 'forbidden'
					: status === 404
						? 'not_found'
						: status === 409
							? 'conflict'
							: status >= 500
								? 'internal_error'
								: `error_${status}`;
		return { key, error: message };
	}

	snapshot(): unknown {
		return {
			people: this.state.people,
			fields: this.state.fields,
			namedLists: this.state.namedLists,
			timeoffRequests: this.state.timeoffRequests,
			timeoffChanges: this.state.timeoffChanges,
			deniedFields: [...this.deniedFields],
			deniedCategories: [...this.deniedCategories],
		};
	}

	// ---- accessors and mutators for tests ---------------------------------------------------------------

	get people(): HiBobPerson[] {
		return this.state.people;
	}

	getPerson(idOrEmail: string): HiBobPerson | undefined {
		const lower = idOrEmail.toLowerCase();
		return this.state.people.find((p) => p.id === idOrEmail || p.email.toLowerCase() === lower);
	}

	addPerson(person: NewHiBobPerson): HiBobPerson {
		if (this.state.people.some((p) => p.id === person.id))
			throw new Error(`person ${person.id} already exists`);
		const normalized = normalizeHiBobPerson(person, this.companyId);
		this.state.people.push(normalized);
		return normalized;
	}

	/** Deep-merges a patch into a person (arrays and scalars replace; null sets null). */
	updatePerson(id: string, patch: Record<string, any>): HiBobPerson {
		const person = this.state.people.find((p) => p.id === id);
		if (!person) throw new Error(`unknown person ${id}`);
		deepMerge(person, patch);
		return person;
	}

	removePerson(id: string): void {
		const i = this.state.people.findIndex((p) => p.id === id);
		if (i < 0) throw new Error(`unknown person ${id}`);
		this.state.people.splice(i, 1);
	}

	getField(id: string): HiBobField | undefined {
		return this.state.fields.find((f) => f.id === id);
	}

	getList(name: string): HiBobNamedList | undefined {
		return this.state.namedLists.find((l) => l.name === name);
	}

	/** Adds an item to a named list (as `POST /company/named-lists/{name}` does); returns its id. */
	addListItem(listName: string, name: string, parentId?: string): string {
		const list = this.getList(listName);
		if (!list) throw new Error(`unknown list ${listName}`);
		const id = this.newListItemId();
		const item = listItem(id, name);
		if (parentId !== undefined) {
			const parent = this.findItem(list.items, parentId);
			if (!parent) throw new Error(`unknown parent ${parentId}`);
			parent.children.push(item);
		} else list.items.push(item);
		this.labelCache.delete(listName);
		return id;
	}

	/**
	 * Creates the "Sync to Remote" custom list field (Work category) with its three items, as
	 * Remote's integration does. Extra item labels (e.g. "As freelancer") test unknown values.
	 */
	addSyncToRemoteField(
		options: { fieldNumber?: number; extraItems?: string[] } = {},
	): SyncFieldInfo {
		const info = addSyncToRemoteFieldToData(this.state.fields, this.state.namedLists, options);
		this.labelCache.clear();
		return info;
	}

	/** Sets (or clears with null) a person's "Sync to Remote" value by kind, label or item id. */
	setSyncToRemote(personId: string, info: SyncFieldInfo, value: SyncKind | string | null): void {
		const person = this.state.people.find((p) => p.id === personId);
		if (!person) throw new Error(`unknown person ${personId}`);
		const key = info.fieldId.split('.').pop()!;
		const itemId =
			value === null
				? null
				: ((info.itemIds as Record<string, string>)[value] ?? info.extraItemIds[value] ?? value);
		person.work.custom = person.work.custom ?? {};
		person.work.custom[key] = itemId;
	}

	getTimeoffRequest(requestId: number): HiBobTimeoffRequest | undefined {
		return this.state.timeoffRequests.find((r) => r.requestId === requestId);
	}

	/**
	 * Adds a time-off request (defaults: days type, all-day portions, approved now) and appends its
	 * change: `Created`, or `Pending` for a pending request.
	 */
	addTimeoffRequest(input: NewHiBobTimeoffRequest): HiBobTimeoffRequest {
		const request = this.completeRequest(input);
		if (this.state.timeoffRequests.some((r) => r.requestId === request.requestId))
			throw new Error(`request ${request.requestId} already exists`);
		this.state.timeoffRequests.push(request);
		this.appendChange(request, request.status === 'pending' ? 'Pending' : 'Created');
		return request;
	}

	/** A pending request becomes approved (and a `Created` change is appended). */
	approveTimeoffRequest(requestId: number, approvedBy = 'fake-approver'): HiBobTimeoffRequest {
		const request = this.mustRequest(requestId);
		request.status = 'approved';
		request.approved = true;
		request.approvedBy = approvedBy;
		request.approvedAt = this.now().toISOString();
		this.appendChange(request, 'Created');
		return request;
	}

	/** Status `canceled` plus a `Canceled` change. */
	cancelTimeoffRequest(requestId: number, changeReason?: string): HiBobTimeoffRequest {
		const request = this.mustRequest(requestId);
		request.status = 'canceled';
		request.approved = false;
		this.appendChange(request, 'Canceled', changeReason);
		return request;
	}

	/**
	 * Status `disapproved` (how HiBob reads back a declined request). The changes feed has no
	 * "declined" type; the fake appends a `Canceled` change with changeReason "Declined" (a choice).
	 */
	declineTimeoffRequest(requestId: number, declinedBy = 'fake-approver'): HiBobTimeoffRequest {
		const request = this.mustRequest(requestId);
		request.status = 'disapproved';
		request.approved = false;
		request.declinedBy = declinedBy;
		request.declinedAt = this.now().toISOString();
		this.appendChange(request, 'Canceled', 'Declined');
		return request;
	}

	/** Removes the request (its detail then answers 404) and appends a `Deleted` change. */
	deleteTimeoffRequest(requestId: number): void {
		const request = this.mustRequest(requestId);
		this.state.timeoffRequests.splice(this.state.timeoffRequests.indexOf(request), 1);
		this.appendChange(request, 'Deleted');
	}

	/**
	 * A hard change: a new request (new id, previousRequestId = old, originalRequestId = the first of
	 * the chain) is created, and the old one becomes canceled, each with its change.
	 */
	replaceTimeoffRequest(
		oldRequestId: number,
		changes: Partial<Omit<HiBobTimeoffRequest, 'requestId' | 'employeeId'>> & {
			requestId?: number;
		},
	): HiBobTimeoffRequest {
		const old = this.mustRequest(oldRequestId);
		old.status = 'canceled';
		old.approved = false;
		this.appendChange(old, 'Canceled', 'Request changed');
		const { requestId, ...rest } = changes;
		const base = { ...clone(old) } as Partial<HiBobTimeoffRequest>;
		delete base.requestId;
		delete base.totalDuration;
		delete base.status;
		delete base.approved;
		const next = this.completeRequest({
			...base,
			...rest,
			requestId,
			employeeId: old.employeeId,
			startDate: rest.startDate ?? old.startDate,
			previousRequestId: old.requestId,
			originalRequestId: old.originalRequestId ?? old.requestId,
		});
		this.state.timeoffRequests.push(next);
		this.appendChange(next, next.status === 'pending' ? 'Pending' : 'Created');
		return next;
	}

	// ---- internals -------------------------------------------------------------------------------------

	private mustRequest(requestId: number): HiBobTimeoffRequest {
		const request = this.getTimeoffRequest(requestId);
		if (!request) throw new Error(`unknown time-off request ${requestId}`);
		return request;
	}

	private completeRequest(input: NewHiBobTimeoffRequest): HiBobTimeoffRequest {
		const type: TimeoffRequestType = input.type ?? 'days';
		const endDate = input.endDate ?? input.startDate;
		const status: HiBobTimeoffStatus = input.status ?? 'approved';
		const startDatePortion: DayPortion = input.startDatePortion ?? 'all_day';
		const endDatePortion: DayPortion = input.endDatePortion ?? 'all_day';
		const days = daysBetween(input.startDate, endDate);
		let durationUnit: 'days' | 'hours' = 'days';
		let totalDuration: number;
		if (type === 'hours') {
			durationUnit = 'hours';
			totalDuration = input.hoursOnDate ?? 0;
		} else if (type === 'hoursOnRange') {
			durationUnit = 'hours';
			totalDuration = (input.dailyHours ?? 0) * days;
		} else if (type === 'portionOnRange') {
			totalDuration = days * 0.5;
		} else {
			totalDuration = days;
			if (startDatePortion !== 'all_day') totalDuration -= 0.5;
			if (
				endDatePortion !== 'all_day' &&
				(endDate !== input.startDate || startDatePortion === 'all_day')
			)
				totalDuration -= 0.5;
		}
		const request: HiBobTimeoffRequest = {
			requestId: input.requestId ?? this.nextRequestId++,
			employeeId: input.employeeId,
			policyTypeDisplayName: input.policyTypeDisplayName ?? 'Holiday',
			type,
			startDate: input.startDate,
			startDatePortion,
			endDate,
			endDatePortion,
			durationUnit: input.durationUnit ?? durationUnit,
			totalDuration: input.totalDuration ?? totalDuration,
			status,
			approved: input.approved ?? status === 'approved',
		};
		if (request.requestId >= this.nextRequestId) this.nextRequestId = request.requestId + 1;
		if (type === 'hours') request.date = input.date ?? input.startDate;
		if (input.dayPortion) request.dayPortion = input.dayPortion;
		if (input.hoursOnDate !== undefined) request.hoursOnDate = input.hoursOnDate;
		if (input.dailyHours !== undefined) request.dailyHours = input.dailyHours;
		if (status === 'approved') {
			request.approvedBy = input.approvedBy ?? 'fake-approver';
			request.approvedAt = input.approvedAt ?? this.now().toISOString();
		}
		if (input.previousRequestId !== undefined) request.previousRequestId = input.previousRequestId;
		if (input.originalRequestId !== undefined) request.originalRequestId = input.originalRequestId;
		if (input.description !== undefined) request.description = input.description;
		return request;
	}

	private appendChange(
		request: HiBobTimeoffRequest,
		changeType: TimeoffChangeType,
		changeReason?: string,
	): void {
		this.state.timeoffChanges.push(
			timeoffChangeFor(
				request,
				changeType,
				this.getPerson(request.employeeId),
				this.now(),
				changeReason,
			),
		);
	}

	private newListItemId(): string {
		let max = 0;
		const walk = (items: HiBobListItem[]) => {
			for (const item of items) {
				const n = Number(item.id);
				if (Number.isInteger(n) && n > max) max = n;
				walk(item.children);
			}
		};
		for (const list of this.state.namedLists) walk(list.items);
		return String(max + 1);
	}

	private findItem(items: HiBobListItem[], id: string): HiBobListItem | undefined {
		for (const item of items) {
			if (String(item.id) === String(id)) return item;
			const child = this.findItem(item.children, id);
			if (child) return child;
		}
		return undefined;
	}

	private labels(listName: string): Map<string, string> {
		let map = this.labelCache.get(listName);
		if (!map) {
			map = new Map();
			const list = this.getList(listName);
			const walk = (items: HiBobListItem[]) => {
				for (const item of items) {
					map!.set(String(item.id), item.name);
					walk(item.children);
				}
			};
			if (list) walk(list.items);
			this.labelCache.set(listName, map);
		}
		return map;
	}

	private isDenied(field: HiBobField): boolean {
		return this.deniedFields.has(field.id) || this.deniedCategories.has(field.category);
	}

	private readable(field: HiBobField, value: unknown): unknown {
		if (field.type === 'list' || field.type === 'hierarchy-list') {
			return field.typeData.listId
				? (this.labels(field.typeData.listId).get(String(value)) ?? value)
				: value;
		}
		if (field.type === 'multi-list' && Array.isArray(value) && field.typeData.listId) {
			const labels = this.labels(field.typeData.listId);
			return value.map((v) => labels.get(String(v)) ?? v).join(', ');
		}
		if (field.type === 'employee-reference' && isPlainObject(value))
			return value.displayName ?? value.id;
		if (field.type === 'currency' && isPlainObject(value) && 'value' in value) {
			return `${value.value} ${value.currency ?? ''}`.trim();
		}
		return value;
	}

	/** The fields a people read returns, after dropping unknown and not-permitted ones. */
	private resolveFields(requested: string[] | undefined): HiBobField[] {
		const byId = new Map(this.state.fields.map((f) => [f.id, f]));
		let fields: HiBobField[];
		if (requested === undefined) {
			fields = [
				...ROOT_BASIC_FIELDS.map((id) => byId.get(id)).filter(
					(f): f is HiBobField => f !== undefined,
				),
				...this.state.fields.filter(
					(f) =>
						DEFAULT_CATEGORIES.has(f.category) &&
						!f.id.includes('.custom.') &&
						!f.id.includes('.customColumns.'),
				),
			];
		} else {
			const seen = new Set<string>();
			fields = [];
			for (const id of requested) {
				const field = byId.get(id);
				if (field && !seen.has(id)) {
					seen.add(id);
					fields.push(field);
				}
			}
		}
		return fields.filter((f) => !this.isDenied(f));
	}

	/** One employee object of a people response. */
	private projectPerson(
		person: HiBobPerson,
		fields: Array<{ field: HiBobField; parts: string[] }>,
		humanReadable?: 'APPEND' | 'REPLACE',
	): any {
		const out: any = { id: person.id };
		const readable: any =
			humanReadable === 'APPEND' && !this.modes.humanReadableOmitted
				? { id: person.id }
				: undefined;
		if (this.modes.peopleSlashKeys) {
			for (const { field, parts } of fields) {
				const raw = getPath(person, parts);
				const value =
					raw === undefined ? null : typeof raw === 'object' && raw !== null ? clone(raw) : raw;
				// As two connectors saw it (api/hibob-api.md): "/work/department": {"value": ...}, root fields as "/root/…".
				const key = `/${field.id.split('.').join('/')}`;
				out[key] = {
					value:
						humanReadable === 'REPLACE' && value !== null ? this.readable(field, value) : value,
				};
				if (readable && value !== null) readable[key] = this.readable(field, value);
			}
			if (readable) out.humanReadable = readable;
			return out;
		}
		for (const { field, parts } of fields) {
			const raw = getPath(person, parts);
			// Scalars are shared with the state (the body is serialized synchronously); the few
			// object values (reportsTo, currency) are copied so nothing can write into the state.
			const value =
				raw === undefined ? null : typeof raw === 'object' && raw !== null ? clone(raw) : raw;
			if (humanReadable === 'REPLACE') {
				setPath(out, parts, value === null ? null : this.readable(field, value));
			} else {
				setPath(out, parts, value);
				if (readable && value !== null) setPath(readable, parts, this.readable(field, value));
			}
		}
		if (readable) out.humanReadable = readable;
		return out;
	}

	private withParts(fields: HiBobField[]): Array<{ field: HiBobField; parts: string[] }> {
		return fields.map((field) => ({ field, parts: field.jsonPath.split('.') }));
	}

	private parseReadBody(body: unknown, allowSearchKeys: boolean) {
		if (!isPlainObject(body)) throw bad('The request body must be a JSON object');
		const { fields, filters, showInactive, humanReadable } = body;
		if (
			fields !== undefined &&
			(!Array.isArray(fields) || fields.some((f) => typeof f !== 'string'))
		)
			throw bad('fields must be an array of field ids');
		let mode: 'APPEND' | 'REPLACE' | undefined;
		if (humanReadable !== undefined && humanReadable !== null) {
			const upper = typeof humanReadable === 'string' ? humanReadable.toUpperCase() : '';
			if (upper !== 'APPEND' && upper !== 'REPLACE')
				throw bad('humanReadable must be APPEND or REPLACE');
			mode = upper;
		}
		let filter: { fieldPath: string; values: string[] } | undefined;
		if (allowSearchKeys) {
			if (filters !== undefined) {
				if (!Array.isArray(filters)) throw bad('filters must be an array');
				if (filters.length === 0) throw bad('filters must not be empty; omit the key instead');
				if (filters.length > 1) throw bad('Only one filter is supported');
				const f = filters[0];
				if (!isPlainObject(f)) throw bad('A filter must be an object');
				if (!FILTER_PATHS.has(f.fieldPath))
					throw bad(`Filtering by "${String(f.fieldPath)}" is not supported`);
				if (f.operator !== 'equals') throw bad(`Operator "${String(f.operator)}" is not supported`);
				if (
					!Array.isArray(f.values) ||
					f.values.length === 0 ||
					f.values.some((v: unknown) => typeof v !== 'string')
				)
					throw bad('values must be a non-empty array of strings');
				filter = { fieldPath: f.fieldPath, values: f.values };
			}
			if (showInactive !== undefined && typeof showInactive !== 'boolean')
				throw bad('showInactive must be a boolean');
		}
		return {
			fields: fields as string[] | undefined,
			filter,
			showInactive: showInactive === true,
			mode,
		};
	}

	private registerRoutes(): void {
		this.route('POST', '/v1/people/search', (req) => {
			const { fields, filter, showInactive, mode } = this.parseReadBody(req.body, true);
			let people = this.state.people;
			if (!showInactive) people = people.filter((p) => p.internal?.status === 'Active');
			if (filter) {
				if (filter.fieldPath === 'root.id') {
					const ids = new Set(filter.values);
					people = people.filter((p) => ids.has(p.id));
				} else {
					const emails = new Set(filter.values.map((v) => v.toLowerCase()));
					people = people.filter((p) => emails.has(p.email.toLowerCase()));
				}
			}
			const resolved = this.withParts(this.resolveFields(fields));
			return {
				status: 200,
				body: { employees: people.map((p) => this.projectPerson(p, resolved, mode)) },
			};
		});

		this.route(
			'POST',
			'/v1/people/:identifier',
			(req) => {
				const { fields, mode } = this.parseReadBody(req.body ?? {}, false);
				const person = this.getPerson(req.params.identifier);
				if (!person) throw notFound(`Employee ${req.params.identifier} not found`);
				return {
					status: 200,
					body: {
						employees: [
							this.projectPerson(person, this.withParts(this.resolveFields(fields)), mode),
						],
					},
				};
			},
			{ write: false },
		);

		this.route('GET', '/v1/company/people/fields', () => {
			const fields = clone(this.state.fields);
			return { status: 200, body: this.fieldsWrapped ? { fields } : fields };
		});

		this.route('POST', '/v1/company/people/fields', (req) => {
			const body = req.body;
			if (!isPlainObject(body)) throw bad('The request body must be a JSON object');
			// CreateFieldRequest: name, category and type required; description and historical optional.
			const known = new Set(['name', 'category', 'type', 'description', 'historical']);
			const unknownKeys = Object.keys(body).filter((key) => !known.has(key));
			if (unknownKeys.length) throw bad(`Unknown properties: ${unknownKeys.join(', ')}`);
			for (const key of ['name', 'category', 'type']) {
				if (typeof body[key] !== 'string' || body[key].trim() === '')
					throw bad(`${key} is required`);
			}
			if (body.description !== undefined && typeof body.description !== 'string')
				throw bad('description must be a string');
			if (
				body.historical !== undefined &&
				typeof body.historical !== 'boolean' &&
				body.historical !== 'true' &&
				body.historical !== 'false'
			)
				throw bad('historical must be true or false');
			if (body.category === 'root')
				throw bad('Custom fields cannot be created in the root category');
			const categories = new Set(this.state.fields.map((f) => f.category));
			if (!categories.has(body.category)) throw notFound(`Category ${body.category} not found`);
			if (!SUPPORTED_FIELD_TYPES.has(body.type))
				throw bad(`Field type ${body.type} is not supported`);
			const historical = body.historical === true || body.historical === 'true';
			let n = this.now().getTime();
			const ids = new Set(this.state.fields.map((f) => f.id));
			while (ids.has(`${body.category}.custom.field_${n}`)) n++;
			const id = `${body.category}.custom.field_${n}`;
			let listId: string | undefined;
			if (body.type === 'list' || body.type === 'multi-list' || body.type === 'hierarchy-list') {
				listId = `field_${n}`;
				this.state.namedLists.push({ name: listId, items: [] });
			}
			const existing = this.state.fields.find((f) => f.category === body.category);
			this.state.fields.push({
				...hibobField(id, body.name, body.type, {
					listId,
					historical,
					description: typeof body.description === 'string' ? body.description : '',
				}),
				categoryDisplayName:
					existing?.categoryDisplayName ??
					hibobCategoryDisplayNames[body.category] ??
					body.category,
			});
			return { status: 200, body: { id }, applied: true };
		});

		// PUT /v1/people/{identifier}: like PATCH, non-historical fields only (api/hibob-api.md §3).
		this.route('PUT', '/v1/people/:identifier', (req) => {
			const person = this.getPerson(req.params.identifier);
			if (!person) throw notFound(`Employee ${req.params.identifier} not found`);
			if (!isPlainObject(req.body) || Object.keys(req.body).length === 0)
				throw bad('The request body must be a non-empty JSON object of fields');
			const byId = new Map(this.state.fields.map((f) => [f.id, f]));
			const updates: Array<{ field: HiBobField; value: unknown }> = [];
			const walk = (value: unknown, path: string[]) => {
				const id = path.join('.');
				const field = byId.get(id) ?? byId.get(`root.${id}`);
				if (field) {
					if (field.historical)
						throw bad(`Field ${field.id} is historical; update it through its history table`);
					if (this.isDenied(field))
						throw new HttpError(403, {
							key: 'forbidden',
							error: `No permission to edit field ${field.id}`,
						});
					if (value !== null && (field.type === 'text' || field.type === 'text-area')) {
						if (typeof value !== 'string') throw bad(`Field ${field.id} takes a string`);
					}
					if (value !== null && field.type === 'date') {
						if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value))
							throw bad(`Field ${field.id} takes a date as yyyy-MM-dd`);
					}
					updates.push({ field, value });
					return;
				}
				if (isPlainObject(value) && path.length < 4) {
					for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
					return;
				}
				throw bad(`Field ${id} does not exist`);
			};
			for (const [key, value] of Object.entries(req.body)) walk(value, [key]);
			let changed = false;
			for (const { field, value } of updates) {
				const parts = field.jsonPath.split('.');
				if (getPath(person, parts) === value) continue;
				setPath(person, parts, value);
				changed = true;
			}
			if (!changed) return { status: 304 };
			return { status: 200, body: {}, applied: true };
		});

		this.route('GET', '/v1/company/named-lists', (req) => {
			const includeArchived = req.query.get('includeArchived') === 'true';
			return {
				status: 200,
				body: this.state.namedLists.map((l) => this.listView(l, includeArchived)),
			};
		});

		this.route('GET', '/v1/company/named-lists/:name', (req) => {
			const list = this.getList(req.params.name);
			if (!list) throw notFound(`List ${req.params.name} not found`);
			const view = this.listView(list, req.query.get('includeArchived') === 'true');
			return { status: 200, body: this.modes.namedListWrapped ? { list: view } : view };
		});

		this.route('POST', '/v1/company/named-lists/:name', (req) => {
			const list = this.getList(req.params.name);
			if (!list) throw notFound(`List ${req.params.name} not found`);
			const body = req.body;
			if (!isPlainObject(body) || typeof body.name !== 'string' || body.name.trim() === '')
				throw bad('name is required');
			const wanted = body.name.trim().toLowerCase();
			const exists = (items: HiBobListItem[]): boolean =>
				items.some((i) => i.name.trim().toLowerCase() === wanted || exists(i.children));
			if (exists(list.items))
				throw new HttpError(409, {
					key: 'conflict',
					error: `An item named "${body.name}" already exists`,
				});
			let parentId: string | undefined;
			if (body.parentId !== undefined && body.parentId !== null) {
				parentId = String(body.parentId);
				if (!this.findItem(list.items, parentId)) throw bad(`Parent item ${parentId} not found`);
			}
			const id = this.addListItem(list.name, body.name, parentId);
			return { status: 200, body: { id }, applied: true };
		});

		this.route('GET', '/v1/timeoff/requests/changes', (req) => {
			const sinceText = req.query.get('since');
			if (!sinceText) throw bad('since is required');
			const since = parseIsoDateTime(sinceText);
			if (!since) throw bad('since must be an ISO-8601 date-time');
			const now = this.now();
			if (since.getTime() < addMonths(now, -6).getTime())
				throw bad('since must be at most 6 months before the current time');
			let to: Date | undefined;
			const toText = req.query.get('to');
			if (toText) {
				to = parseIsoDateTime(toText);
				if (!to) throw bad('to must be an ISO-8601 date-time');
				if (to.getTime() < since.getTime()) throw bad('to must be after since');
				if (to.getTime() > addMonths(since, 6).getTime())
					throw bad('The window between since and to must be at most 6 months');
			}
			const includePending = req.query.get('includePending') === 'true';
			const fromMs = since.getTime();
			const toMs = to ? to.getTime() : Number.POSITIVE_INFINITY;
			const changes = this.state.timeoffChanges.filter((c) => {
				if (c.changeType === 'Pending' && !includePending) return false;
				const at = Date.parse(c.createdOn);
				return at >= fromMs && at <= toMs;
			});
			return { status: 200, body: { changes: clone(changes).map((c) => this.changeRow(c)) } };
		});

		this.route('GET', '/v1/timeoff/employees/:id/requests/:requestId', (req) => {
			const requestId = Number(req.params.requestId);
			if (!Number.isInteger(requestId)) throw bad('requestId must be an integer');
			const request = this.state.timeoffRequests.find(
				(r) => r.requestId === requestId && r.employeeId === req.params.id,
			);
			if (!request)
				throw notFound(`Request ${req.params.requestId} not found for employee ${req.params.id}`);
			const body: Record<string, unknown> = { ...clone(request) };
			if (this.modes.cancelledSpelling === 'cancelled' && body.status === 'canceled')
				body.status = 'cancelled';
			return { status: 200, body };
		});

		this.route('GET', '/v1/timeoff/whosout', (req) => {
			const from = req.query.get('from');
			const to = req.query.get('to');
			if (!isValidDate(from) || !isValidDate(to))
				throw bad('from and to are required dates (YYYY-MM-DD)');
			if (to < from) throw bad('to must not be before from');
			const includeHourly = req.query.get('includeHourly') === 'true';
			const includePending = req.query.get('includePending') === 'true';
			const active = new Map(
				this.state.people.filter((p) => p.internal?.status === 'Active').map((p) => [p.id, p]),
			);
			const outs = this.state.timeoffRequests
				.filter((r) => r.status === 'approved' || (includePending && r.status === 'pending'))
				.filter((r) => includeHourly || (r.type !== 'hours' && r.type !== 'hoursOnRange'))
				.filter((r) => r.startDate <= to && r.endDate >= from && active.has(r.employeeId))
				.map((r) => {
					const out: Record<string, unknown> = {
						requestId: r.requestId,
						employeeId: r.employeeId,
						employeeDisplayName: active.get(r.employeeId)!.displayName,
						policyType: r.policyTypeDisplayName,
						policyTypeDisplayName: r.policyTypeDisplayName,
						type: r.type,
						startDate: r.startDate,
						startPortion: r.startDatePortion,
						endDate: r.endDate,
						endPortion: r.endDatePortion,
						status: r.status === 'approved' ? 'Approved' : 'Pending',
					};
					if (r.date !== undefined) out.date = r.date;
					if (r.dayPortion !== undefined) out.dayPortion = r.dayPortion;
					if (r.hoursOnDate !== undefined) out.hoursOnDate = r.hoursOnDate;
					if (r.dailyHours !== undefined) out.dailyHours = r.dailyHours;
					return out;
				});
			return { status: 200, body: { outs: outs.map((o) => this.portionKeys(o)) } };
		});
	}

	/** A changes-feed row in the modes' spelling. */
	private changeRow(change: HiBobTimeoffChange): Record<string, unknown> {
		const row: Record<string, unknown> = this.portionKeys({ ...change });
		if (this.modes.changesRequestIdKey === 'id') {
			row.id = row.requestId;
			delete row.requestId;
		}
		if (this.modes.cancelledSpelling === 'cancelled' && row.changeType === 'Canceled')
			row.changeType = 'Cancelled';
		return row;
	}

	private portionKeys(row: Record<string, unknown>): Record<string, unknown> {
		if (this.modes.timeoffPortionKeys !== 'startDatePortion') return row;
		const out: Record<string, unknown> = {};
		for (const [key, value] of Object.entries(row)) {
			out[
				key === 'startPortion' ? 'startDatePortion' : key === 'endPortion' ? 'endDatePortion' : key
			] = value;
		}
		return out;
	}

	private listView(list: HiBobNamedList, includeArchived: boolean): HiBobNamedList {
		const filter = (items: HiBobListItem[]): HiBobListItem[] =>
			items
				.filter((i) => includeArchived || !i.archived)
				.map((i) => ({ ...clone(i), children: filter(i.children) }));
		return { name: list.name, items: filter(list.items) };
	}
}

/** A change row for a request, as the changes feed shows it. */
export function timeoffChangeFor(
	request: HiBobTimeoffRequest,
	changeType: TimeoffChangeType,
	person: Pick<HiBobPerson, 'displayName' | 'email'> | undefined,
	at: Date,
	changeReason?: string,
): HiBobTimeoffChange {
	const change: HiBobTimeoffChange = {
		changeType,
		employeeId: request.employeeId,
		employeeDisplayName: person?.displayName ?? '',
		employeeEmail: person?.email ?? '',
		requestId: request.requestId,
		policyTypeDisplayName: request.policyTypeDisplayName,
		type: request.type,
		startDate: request.startDate,
		startPortion: request.startDatePortion,
		endDate: request.endDate,
		endPortion: request.endDatePortion,
		durationUnit: request.durationUnit,
		totalDuration: request.totalDuration,
		createdOn: at.toISOString(),
	};
	if (request.date !== undefined) change.date = request.date;
	if (request.dayPortion !== undefined) change.dayPortion = request.dayPortion;
	if (request.hoursOnDate !== undefined) change.hoursOnDate = request.hoursOnDate;
	if (request.dailyHours !== undefined) change.dailyHours = request.dailyHours;
	if (changeReason !== undefined) change.changeReason = changeReason;
	if (request.previousRequestId !== undefined) change.previousRequestId = request.previousRequestId;
	if (request.originalRequestId !== undefined) change.originalRequestId = request.originalRequestId;
	return change;
}

/**
 * Adds the "Sync to Remote" list field (category work) and its named list to field metadata and
 * lists (a fixture's or a running fake's). Returns the field id, list id and item ids.
 */
export function addSyncToRemoteFieldToData(
	fields: HiBobField[],
	namedLists: HiBobNamedList[],
	options: { fieldNumber?: number; extraItems?: string[]; firstItemId?: number } = {},
): SyncFieldInfo {
	const n = options.fieldNumber ?? 1651169416679;
	const fieldId = `work.custom.field_${n}`;
	if (fields.some((f) => f.id === fieldId)) throw new Error(`field ${fieldId} already exists`);
	const listId = `field_${n}`;
	let next = options.firstItemId ?? 4811;
	const itemIds = {} as Record<SyncKind, string>;
	const items: HiBobListItem[] = [];
	for (const [kind, label] of Object.entries(SYNC_TO_REMOTE_LABELS) as Array<[SyncKind, string]>) {
		const id = String(next++);
		itemIds[kind] = id;
		items.push(listItem(id, label));
	}
	const extraItemIds: Record<string, string> = {};
	for (const label of options.extraItems ?? []) {
		const id = String(next++);
		extraItemIds[label] = id;
		items.push(listItem(id, label));
	}
	fields.push(
		hibobField(fieldId, SYNC_TO_REMOTE_FIELD_NAME, 'list', {
			listId,
			description: 'Set to sync this person to Remote',
		}),
	);
	namedLists.push({ name: listId, items });
	return { fieldId, listId, itemIds, extraItemIds };
}

/** Adds the "Sync to Remote" field to a fixture (filling default fields/lists first). */
export function withSyncToRemoteField(
	fixture: HiBobFixture,
	options: { fieldNumber?: number; extraItems?: string[] } = {},
): SyncFieldInfo {
	fixture.fields = fixture.fields ?? defaultHiBobFields();
	fixture.namedLists = fixture.namedLists ?? defaultHiBobNamedLists();
	return addSyncToRemoteFieldToData(fixture.fields, fixture.namedLists, options);
}

/** The Basic Authorization header for a service user. */
export function hibobBasicAuth(serviceUserId: string, token: string): string {
	return `Basic ${Buffer.from(`${serviceUserId}:${token}`).toString('base64')}`;
}

/**
 * A fake Remote (remote.com) API for tests, the demo and benchmarks. It refuses what the real API
 * refuses (see ../shared/api/remote-api.md): Bearer auth (`401 {"message":"Unauthorized"}`),
 * `x-ratelimit-*` headers (reset in milliseconds, no Retry-After), country JSON-schema validation of
 * every form blob (ajv, allErrors), future start dates for EOR employees, status-dependent updates
 * (all-or-nothing), approved-only time off with a company-manager approver, and contract amendments
 * (submitted for review against the employment's active contract; they change nothing until approved).
 *
 * The employment contract as documented (remote-api.md §6.4–6.6, the spec's create/update operations):
 * - `POST /v1/employments` takes `basic_information`, `country_code`, `type`, `external_id` and the
 *   legal-entity fields only; any other key is `422 parameter_unknown` naming every unknown key (the
 *   other forms follow by `PATCH`). Global payroll needs `engaged_by_legal_entity_id` (one of the
 *   company's legal entities).
 * - A form sent in a PATCH replaces that form (validated whole against the country schema).
 * - What a PATCH may carry depends on the status (`updatableFields`); `manager_id` only when active;
 *   the department of an active employment only through `PATCH /v2/employments/{id}`.
 * - Two values for one field in one body (top-level `work_email` and `basic_information.work_email`)
 *   are refused.
 * - Contractors: "updating contractors via the API is currently not supported" → every PATCH of a
 *   contractor is refused by default. Lenient modes (`contractorUpdates`): `external_id_only`,
 *   `like_employee`.
 */
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FakeRequest, FakeResponse, FakeServerOptions, RateState } from './server';
import { FakeHttpServer, HttpError } from './server';
import { RemoteWebhooks } from './remoteWebhooks';
import { clone, fakeUuid, isoDate, isPlainObject, isValidDate, parseIsoDateTime } from './prng';
import type { EmploymentKind, RemoteCountry, RemoteFormSchema } from '../fixtures/remote-schemas';
import {
	cloneRemoteFormSchemas,
	formForBlob,
	remoteCountries,
	remoteFormAliases,
	schemaFixtureCountries,
} from '../fixtures/remote-schemas';

export {
	remoteFormSchemas,
	schemaFixtureCountries,
	remoteCountries,
	remoteFormNames,
	getRemoteFormSchema,
	cloneRemoteFormSchemas,
	formForBlob,
	CONTRACT_AMENDMENT_REASONS,
} from '../fixtures/remote-schemas';
export type {
	RemoteFormSchema,
	RemoteFormName,
	SchemaFixtureCountry,
	EmploymentKind,
} from '../fixtures/remote-schemas';

// ---- types -----------------------------------------------------------------------------------------

export const EMPLOYMENT_STATUSES = [
	'active',
	'created',
	'pre_hire',
	'created_awaiting_reserve',
	'created_reserve_paid',
	'initiated',
	'invited',
	'pending',
	'review',
	'job_title_review',
	'pending_post_self_enrollment_actions',
	'offboarding',
	'archived',
	'deleted',
] as const;
export type EmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];
export type EmploymentType = EmploymentKind;

/** Status families of docs/sync-rules.md (U section). */
export const REMOTE_STATUS_FAMILIES: Record<
	'not_started' | 'onboarding' | 'active' | 'gone',
	EmploymentStatus[]
> = {
	not_started: ['created', 'pre_hire', 'created_awaiting_reserve', 'created_reserve_paid'],
	onboarding: [
		'initiated',
		'invited',
		'pending',
		'review',
		'job_title_review',
		'pending_post_self_enrollment_actions',
	],
	active: ['active'],
	gone: ['offboarding', 'archived', 'deleted'],
};

export const TIMEOFF_TYPES = [
	'time_off',
	'sick_leave',
	'public_holiday',
	'unpaid_leave',
	'extended_leave',
	'in_lieu_time',
	'maternity_leave',
	'paternity_leave',
	'parental_leave',
	'bereavement',
	'military_leave',
	'other',
	'paid_time_off',
	'custom_company_leave',
	'rtt',
	'casual_leave',
	'rol',
	'ex_festivita',
] as const;
export type TimeoffType = (typeof TIMEOFF_TYPES)[number];
export type TimeoffStatus =
	'requested' | 'approved' | 'cancelled' | 'declined' | 'taken' | 'cancel_requested';

export interface RemoteEmployment {
	id: string;
	short_id: string;
	company_id: string;
	status: EmploymentStatus;
	type: EmploymentType;
	employment_model: 'eor' | 'global_payroll' | null;
	employment_lifecycle_stage: string;
	user_status: string;
	full_name: string;
	job_title: string | null;
	login_email: string;
	personal_email: string;
	work_email: string | null;
	provisional_start_date: string | null;
	seniority_date: string | null;
	external_id: string | null;
	/** The legal entity that engages a global payroll employee (required on their create). */
	engaged_by_legal_entity_id: string | null;
	department: string | null;
	department_id: string | null;
	/** Manager's name. */
	manager: string | null;
	/** Company-manager user id set through `manager_id`. */
	manager_id: string | null;
	manager_email: string | null;
	manager_employment_id: string | null;
	country: RemoteCountry;
	basic_information: Record<string, any>;
	address_details: Record<string, any>;
	personal_details: Record<string, any>;
	administrative_details: Record<string, any>;
	emergency_contact_details: Record<string, any>;
	contract_details: Record<string, any>;
	pricing_plan_details: Record<string, any>;
	billing_address_details: Record<string, any>;
	bank_account_details: Record<string, any>[];
	files: unknown[];
	termination_date: string | null;
	/** The contract a contract amendment must name as `amendment_contract_id`. */
	active_contract_id: string | null;
	created_at: string;
	updated_at: string;
}

/** Input of `addEmployment`: anything missing gets a default (country via `country_code` or `country`). */
export type NewRemoteEmployment = Partial<Omit<RemoteEmployment, 'country'>> & {
	country_code?: string;
	country?: Partial<RemoteCountry> & { code: string };
};

/** The keys of the list endpoint's items (MinimalEmployment). */
export const MINIMAL_EMPLOYMENT_KEYS = [
	'id',
	'short_id',
	'full_name',
	'job_title',
	'login_email',
	'personal_email',
	'work_email',
	'status',
	'type',
	'employment_model',
	'external_id',
	'department',
	'department_id',
	'country',
] as const;

export interface RemoteCompanyManager {
	user_id: string;
	user_name: string;
	user_email: string;
	role: 'owner' | 'admin' | 'onboarding_manager' | 'people_manager' | string;
	company_id: string;
}

export interface RemoteDepartment {
	id: string;
	company_id: string;
	name: string;
}

export interface RemoteTimeoffDay {
	day: string;
	hours: number;
	minutes: number;
}

export interface RemoteTimeoff {
	id: string;
	employment_id: string;
	status: TimeoffStatus;
	timeoff_type: string;
	start_date: string;
	end_date: string;
	timezone: string;
	timeoff_days: RemoteTimeoffDay[];
	total_minutes: number;
	notes: string | null;
	approved_at: string | null;
	approver_id: string | null;
	cancel_reason: string | null;
	cancelled_at: string | null;
	automatic: boolean;
	leave_policy: { leave_type: string; name: string; leave_policy_variant_slug: string | null };
	leave_policy_variant_id: string | null;
	document: unknown;
	created_at: string;
	updated_at: string;
}

export type NewRemoteTimeoff = Partial<RemoteTimeoff> & {
	employment_id: string;
	start_date: string;
};

export type ContractAmendmentStatus = 'submitted' | 'in_review' | 'done' | 'canceled' | 'deleted';

/** A contract amendment request (the spec's `ContractAmendment`) plus what was sent (`requested`). */
export interface RemoteContractAmendment {
	id: string;
	employment_id: string;
	amendment_contract_id: string | null;
	status: ContractAmendmentStatus;
	requested_by: string;
	submitted_at: string;
	request_details: {
		effective_date: string | null;
		reason_for_change: string | null;
		reason_for_change_description: string | null;
		additional_comments: string | null;
		salary_decrease_details: unknown;
	};
	/** `{"contract.job_title": {previous, current}, "compensation.amount": {...}, ...}`. */
	changes: Record<string, { previous: unknown; current: unknown }>;
	zendesk_ticket_url: string | null;
	/** The fake's own record of the `contract_amendment` object as submitted (never served). */
	requested: Record<string, any>;
}

export type NewRemoteContractAmendment = Partial<RemoteContractAmendment> & {
	employment_id: string;
	requested: Record<string, any>;
};

export interface RemoteFixture {
	token: string;
	companyId?: string;
	employments?: NewRemoteEmployment[];
	companyManagers?: Array<Partial<RemoteCompanyManager> & { user_id: string; user_email: string }>;
	departments?: Array<Partial<RemoteDepartment> & { name: string }>;
	timeoffs?: NewRemoteTimeoff[];
	/** Contract amendment requests already at Remote (no validation). */
	contractAmendments?: NewRemoteContractAmendment[];
	/** Country form schemas; default: the fixtures in test/fixtures/remote-schemas.ts. */
	schemas?: Record<string, Record<string, RemoteFormSchema>>;
	/** Countries that can be created (default: the keys of `schemas`). */
	countries?: RemoteCountry[];
	/**
	 * Where `GET /v1/company-departments` puts current_page/total_count/total_pages: `top` (default,
	 * as the 2024 spec's ListCompanyDepartmentsPaginatedResponse) or inside `data` like other lists.
	 */
	departmentsPaging?: 'top' | 'data';
	/** Refuse a second non-deleted employment with the same login email (default true). */
	uniqueLoginEmails?: boolean;
	/**
	 * Require `engaged_by_legal_entity_id` to create a global payroll employment (documented as
	 * required; default true). Lenient: false.
	 */
	requireLegalEntityForGlobalPayroll?: boolean;
	/** The company's legal entities (ids); default one, `DEFAULT_LEGAL_ENTITY_ID`. */
	legalEntities?: string[];
	/**
	 * Contractor updates. The documents: "updating contractors via the API is currently not
	 * supported". `refused` (default): every PATCH of a contractor is refused with a 422
	 * `resource_not_eligible`. Lenient, opt-in: `external_id_only` (the "external_id in every status"
	 * sentence read as covering contractors) and `like_employee` (same status rules as employees).
	 */
	contractorUpdates?: ContractorUpdates;
	/** Webhook callbacks already registered (`GET /v1/webhook-callbacks`). */
	webhookCallbacks?: Array<{ id: string; url: string; subscribed_events: string[] }>;
	/** Named modes serving the alternatives the package also reads (default: the documented reading). */
	modes?: RemoteModes;
}

/** Where Remote's documents leave two readings open, the default is the documented one; these serve the other. */
export interface RemoteModes {
	/** `GET /v1/employments/{id}` answers the employment itself, without `{data: {employment}}`. */
	employmentUnwrapped?: boolean;
	/** `GET /v1/countries/{code}/{form}`: the schema directly in `data` (`data`) or with no wrapper (`bare`). */
	formShape?: 'data.schema' | 'data' | 'bare';
	/** Time off lists and shows the American spelling `canceled`. */
	timeoffCanceledSpelling?: boolean;
}

export type RemoteFakeOptions = FakeServerOptions;

interface BasicLinks {
	manager?: RemoteCompanyManager | null;
	department?: RemoteDepartment | null;
	newDepartment?: string;
}

export type ContractorUpdates = 'refused' | 'external_id_only' | 'like_employee';

/** The legal entity a fake company has unless the fixture lists others. */
export const DEFAULT_LEGAL_ENTITY_ID = '1e9a1e00-0000-4000-8000-00000000001e';

/** What Remote answers to a PATCH of a contractor (documented: not supported via the API). */
export const CONTRACTOR_UPDATE_REFUSAL =
	'Updating contractors via the API is currently not supported. Please contact Remote.';

// ---- validation helpers ----------------------------------------------------------------------------

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
addFormats(ajv);
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
	let fn = compiled.get(schema);
	if (!fn) {
		fn = ajv.compile(schema);
		compiled.set(schema, fn);
	}
	return fn;
}

function pushError(errors: Record<string, string[]>, key: string, message: string): void {
	const list = (errors[key] = errors[key] ?? []);
	if (!list.includes(message)) list.push(message);
}

/** ajv errors → Remote's `{errors: {"basic_information.<field>": ["..."]}}` entries. */
function collectAjvErrors(
	prefix: string,
	list: ErrorObject[] | null | undefined,
	errors: Record<string, string[]>,
): void {
	for (const e of list ?? []) {
		// "must match then/else schema" repeats an error reported on the field itself.
		if (e.keyword === 'if') continue;
		// Each failing oneOf branch reports its const; the oneOf error below says it once.
		if (e.keyword === 'const' && e.schemaPath.includes('/oneOf/')) continue;
		const path = e.instancePath
			.split('/')
			.filter(Boolean)
			.map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
		let message = e.message ?? 'is invalid';
		if (e.keyword === 'required') path.push(String((e.params as any).missingProperty));
		if (e.keyword === 'additionalProperties') {
			path.push(String((e.params as any).additionalProperty));
			message = 'must NOT have additional properties';
		}
		if (e.keyword === 'oneOf' && Array.isArray((e.parentSchema as any)?.oneOf)) {
			const consts = (e.parentSchema as any).oneOf
				.map((b: any) => b?.const)
				.filter((c: unknown) => c !== undefined);
			if (consts.length) message = `must be one of: ${consts.join(', ')}`;
		}
		pushError(errors, [prefix, ...path].join('.'), message);
	}
}

function invalid(errors: Record<string, string[]>): HttpError {
	return new HttpError(422, { errors });
}

function resourceError(
	code: string,
	message: string,
	resourceType: string,
	resourceId: string | null,
): HttpError {
	return new HttpError(422, {
		message: { code, message, resource_type: resourceType, resource_id: resourceId },
	});
}

function paramError(code: string, message: string, param: string): HttpError {
	return new HttpError(422, { message: { code, message, param } });
}

function notFound(what: string): HttpError {
	return new HttpError(404, { message: `${what} not found` });
}

function badRequest(message: string): HttpError {
	return new HttpError(400, { message });
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const BLOB_KEYS = [
	'basic_information',
	'address_details',
	'emergency_contact_details',
	'administrative_details',
	'personal_details',
	'contract_details',
	'pricing_plan_details',
	'billing_address_details',
	'bank_account_details',
] as const;
/** `EmploymentCreateParams` (remote-api.md §6.4): the other forms follow by PATCH. */
export const CREATE_KEYS = new Set<string>([
	'basic_information',
	'country_code',
	'type',
	'external_id',
	'company_id',
	'engaged_by_legal_entity_id',
	'bill_to_legal_entity_id',
	'engaged_by_entity_slug',
]);
/** `EmploymentV2UpdateParams` (`PATCH /v2/employments/{id}`). */
export const V2_UPDATE_KEYS = new Set<string>([
	'department_id',
	'external_id',
	'manager_id',
	'work_email',
]);
const UPDATE_KEYS = new Set<string>([
	...BLOB_KEYS,
	'external_id',
	'work_email',
	'department_id',
	'manager_id',
	'company_id',
	'country_code',
	'type',
]);
const EMPLOYMENT_TYPES = new Set(['employee', 'contractor', 'global_payroll_employee']);
const APPROVER_ROLES = new Set(['owner', 'admin', 'people_manager']);
const LIFECYCLE_STAGE: Partial<Record<EmploymentStatus, string>> = {
	created: 'employment_creation',
	pre_hire: 'employment_creation',
	created_awaiting_reserve: 'employment_creation',
	created_reserve_paid: 'employment_creation',
	initiated: 'employment_creation',
	job_title_review: 'employment_creation',
	invited: 'employee_self_enrollment',
	pending_post_self_enrollment_actions: 'employee_self_enrollment',
	pending: 'remote_enrollment',
	review: 'remote_enrollment',
	active: 'onboarded',
	offboarding: 'onboarded',
	archived: 'offboarded',
	deleted: 'offboarded',
};

/**
 * Fields a v1 update may carry in each status (what the notes quote from the spec). With `v2`, the
 * fields of `PATCH /v2/employments/{id}` (the department of an active employment is set there).
 */
export function updatableFields(
	employment: Pick<RemoteEmployment, 'status' | 'type'>,
	contractorRule: ContractorUpdates = 'refused',
	v2 = false,
): Set<string> {
	const status = employment.status;
	if (employment.type === 'contractor' && contractorRule === 'refused') return new Set();
	if (employment.type === 'contractor' && contractorRule === 'external_id_only')
		return new Set(['external_id']);
	if (v2) {
		const fields = new Set(['external_id']);
		if (REMOTE_STATUS_FAMILIES.not_started.includes(status) || status === 'active')
			fields.add('department_id');
		if (
			REMOTE_STATUS_FAMILIES.not_started.includes(status) ||
			status === 'active' ||
			status === 'invited'
		)
			fields.add('work_email');
		if (status === 'active') fields.add('manager_id');
		return fields;
	}
	if (REMOTE_STATUS_FAMILIES.not_started.includes(status)) {
		const all = new Set(UPDATE_KEYS);
		all.delete('manager_id'); // "Update of this field is only available for active employments."
		return all;
	}
	if (status === 'job_title_review') return new Set(['basic_information', 'external_id']);
	if (status === 'active') {
		// "You can update the manager (manager_id), emergency_contact_details, address_details and
		// work_email" (+ external_id in every status); the department goes through PATCH /v2.
		const fields = new Set([
			'manager_id',
			'emergency_contact_details',
			'address_details',
			'work_email',
			'external_id',
		]);
		if (employment.type === 'global_payroll_employee') fields.add('personal_details');
		return fields;
	}
	if (status === 'invited') return new Set(['work_email', 'external_id']);
	return new Set(['external_id']);
}

function employmentModel(type: EmploymentType): RemoteEmployment['employment_model'] {
	return type === 'employee' ? 'eor' : type === 'global_payroll_employee' ? 'global_payroll' : null;
}

function shortId(n: number): string {
	return n.toString(36).toUpperCase().padStart(6, '0');
}

function pageParams(query: URLSearchParams): { page: number; pageSize: number } {
	const pageText = query.get('page');
	const sizeText = query.get('page_size');
	const page = pageText === null ? 1 : Number(pageText);
	if (!Number.isInteger(page) || page < 1)
		throw badRequest('page must be an integer of at least 1');
	let pageSize = sizeText === null ? 20 : Number(sizeText);
	if (!Number.isInteger(pageSize) || pageSize < 1)
		throw badRequest('page_size must be an integer of at least 1');
	pageSize = Math.min(pageSize, 100);
	return { page, pageSize };
}

function paginate<T>(items: T[], query: URLSearchParams) {
	const { page, pageSize } = pageParams(query);
	const total = items.length;
	return {
		items: items.slice((page - 1) * pageSize, page * pageSize),
		current_page: page,
		total_count: total,
		total_pages: Math.ceil(total / pageSize),
	};
}

function validTimezone(tz: unknown): boolean {
	if (typeof tz !== 'string' || tz === '') return false;
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: tz });
		return true;
	} catch {
		return false;
	}
}

function humanize(type: string): string {
	const text = type.replace(/_/g, ' ');
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Keys of a contract_amendment that describe the request rather than a contract term. */
const AMENDMENT_META_KEYS = new Set([
	'effective_date',
	'reason_for_change',
	'reason_for_change_description',
	'additional_comments',
]);

/** The current value of an amendable term of an employment. */
function currentTerm(employment: RemoteEmployment, key: string): unknown {
	if (key === 'job_title') return employment.job_title;
	if (key === 'provisional_start_date') return employment.provisional_start_date;
	return employment.contract_details?.[key];
}

/** Remote's `changes` map: the terms an amendment changes, with their previous and requested values. */
function amendmentChanges(employment: RemoteEmployment, requested: Record<string, any>) {
	const changes: Record<string, { previous: unknown; current: unknown }> = {};
	for (const [key, value] of Object.entries(requested)) {
		if (AMENDMENT_META_KEYS.has(key)) continue;
		const previous = currentTerm(employment, key) ?? null;
		if (JSON.stringify(previous) === JSON.stringify(value)) continue;
		const name =
			key === 'job_title'
				? 'contract.job_title'
				: key === 'annual_gross_salary'
					? 'compensation.amount'
					: key === 'provisional_start_date'
						? 'contract.start_date'
						: `contract_details.details.${key}`;
		changes[name] = { previous, current: value };
	}
	return changes;
}

/** The spec's `MinimalContractAmendment` (the list endpoint's items). */
function minimalAmendment(a: RemoteContractAmendment, employment: RemoteEmployment | undefined) {
	const effective = a.request_details.effective_date;
	return {
		id: a.id,
		employment_id: a.employment_id,
		job_title: a.requested.job_title ?? employment?.job_title ?? null,
		reason_for_change: a.request_details.reason_for_change,
		requested_by: a.requested_by,
		requested_effective_date: effective ? `${effective}T00:00:00Z` : null,
		status: a.status,
		submitted_at: a.submitted_at,
	};
}

/** The spec's `ContractAmendment` (show and create answers): the fake's `requested` is not served. */
function publicAmendment(a: RemoteContractAmendment) {
	const { requested: _requested, ...rest } = a;
	return clone(rest);
}

// ---- the fake ----------------------------------------------------------------------------------------

export class RemoteFake extends FakeHttpServer {
	readonly token: string;
	readonly companyId: string;
	readonly state: {
		employments: RemoteEmployment[];
		timeoffs: RemoteTimeoff[];
		companyManagers: RemoteCompanyManager[];
		departments: RemoteDepartment[];
		contractAmendments: RemoteContractAmendment[];
	};
	schemas: Record<string, Record<string, RemoteFormSchema>>;
	countries: Map<string, RemoteCountry>;
	departmentsPaging: 'top' | 'data';
	uniqueLoginEmails: boolean;
	requireLegalEntityForGlobalPayroll: boolean;
	legalEntities: string[];
	contractorUpdates: ContractorUpdates;
	modes: RemoteModes;
	/** Webhook callbacks and signed deliveries (test/fakes/remoteWebhooks.ts). */
	readonly webhooks: RemoteWebhooks;
	private counter = 0;

	constructor(fixture: RemoteFixture, options: RemoteFakeOptions = {}) {
		super(options);
		this.token = fixture.token;
		this.companyId = fixture.companyId ?? fakeUuid(0xc0, 1);
		this.schemas = fixture.schemas ? clone(fixture.schemas) : cloneRemoteFormSchemas();
		const countries =
			fixture.countries ?? Object.keys(this.schemas).map((code) => this.countryFor(code));
		this.countries = new Map(countries.map((c) => [c.code, c]));
		this.departmentsPaging = fixture.departmentsPaging ?? 'top';
		this.uniqueLoginEmails = fixture.uniqueLoginEmails ?? true;
		this.requireLegalEntityForGlobalPayroll = fixture.requireLegalEntityForGlobalPayroll ?? true;
		this.legalEntities = fixture.legalEntities ?? [DEFAULT_LEGAL_ENTITY_ID];
		this.contractorUpdates = fixture.contractorUpdates ?? 'refused';
		this.modes = { ...(fixture.modes ?? {}) };
		this.state = {
			employments: [],
			timeoffs: [],
			companyManagers: [],
			departments: [],
			contractAmendments: [],
		};
		this.webhooks = new RemoteWebhooks(this);
		for (const callback of fixture.webhookCallbacks ?? []) this.webhooks.seed(callback);
		for (const m of fixture.companyManagers ?? []) this.addCompanyManager(m);
		for (const d of fixture.departments ?? []) this.addDepartment(d.name, d.id);
		for (const e of fixture.employments ?? []) this.addEmployment(e);
		for (const t of fixture.timeoffs ?? []) this.addTimeoff(t);
		for (const a of fixture.contractAmendments ?? []) this.addContractAmendment(a);
		this.registerRoutes();
	}

	/** Creates and starts a fake Remote on 127.0.0.1. */
	static async start(fixture: RemoteFixture, options: RemoteFakeOptions = {}): Promise<RemoteFake> {
		return new RemoteFake(fixture, options).start();
	}

	authHeader(): string {
		return `Bearer ${this.token}`;
	}

	// ---- FakeHttpServer hooks ------------------------------------------------------------------------

	protected isAuthorized(header: string | undefined): boolean {
		return header !== undefined && header.trim() === `Bearer ${this.token}`;
	}

	protected unauthorizedBody(): unknown {
		return { message: 'Unauthorized' };
	}

	protected rateHeaders(state: RateState, authenticated: boolean): Record<string, string> {
		if (!authenticated) return {};
		return {
			'x-ratelimit-count': String(state.count),
			'x-ratelimit-remaining': String(state.remaining),
			// MILLISECONDS until the window resets (no Retry-After).
			'x-ratelimit-reset': String(Math.max(0, state.resetAtMs - state.nowMs)),
		};
	}

	protected tooManyRequestsBody(): unknown {
		return { message: 'Too many requests' };
	}

	protected errorBody(status: number, message: string): unknown {
		if (status >= 500) return { message: 'Internal server error' };
		if (status === 404) return { message: 'Not Found' };
		return { message };
	}

	snapshot(): unknown {
		return {
			companyId: this.companyId,
			employments: this.state.employments,
			timeoffs: this.state.timeoffs,
			companyManagers: this.state.companyManagers,
			departments: this.state.departments,
			contractAmendments: this.state.contractAmendments,
		};
	}

	// ---- accessors and mutators for tests ---------------------------------------------------------------

	get employments(): RemoteEmployment[] {
		return this.state.employments;
	}

	get timeoffs(): RemoteTimeoff[] {
		return this.state.timeoffs;
	}

	get companyManagers(): RemoteCompanyManager[] {
		return this.state.companyManagers;
	}

	get departments(): RemoteDepartment[] {
		return this.state.departments;
	}

	get contractAmendments(): RemoteContractAmendment[] {
		return this.state.contractAmendments;
	}

	getEmployment(id: string): RemoteEmployment | undefined {
		return this.state.employments.find((e) => e.id === id);
	}

	/** Employments whose login, personal or work email equals `email` (case-insensitive). */
	findByEmail(email: string): RemoteEmployment[] {
		const lower = email.trim().toLowerCase();
		return this.state.employments.filter((e) =>
			[e.login_email, e.personal_email, e.work_email].some((v) => v && v.toLowerCase() === lower),
		);
	}

	findByExternalId(externalId: string): RemoteEmployment[] {
		return this.state.employments.filter((e) => e.external_id === externalId);
	}

	private countryFor(code: string): RemoteCountry {
		return (
			this.countries?.get(code) ??
			(remoteCountries as Record<string, RemoteCountry>)[code] ?? {
				code,
				alpha_2_code: code.slice(0, 2),
				name: code,
			}
		);
	}

	/** Adds an employment without validation (any status), filling defaults. */
	addEmployment(input: NewRemoteEmployment = {}): RemoteEmployment {
		const n = ++this.counter;
		const type: EmploymentType = input.type ?? 'employee';
		const status: EmploymentStatus = input.status ?? 'active';
		const code = input.country?.code ?? input.country_code ?? 'USA';
		const basic: Record<string, any> = clone(input.basic_information) ?? {};
		const fullName = input.full_name ?? basic.name ?? `Test Person ${n}`;
		const personalEmail = input.personal_email ?? basic.email ?? `person${n}@example.com`;
		const jobTitle = input.job_title ?? basic.job_title ?? 'Employee';
		const start = input.provisional_start_date ?? basic.provisional_start_date ?? null;
		if (!input.basic_information) {
			Object.assign(basic, { name: fullName, email: personalEmail, job_title: jobTitle });
			if (start) basic.provisional_start_date = start;
			if (input.work_email) basic.work_email = input.work_email;
		}
		const now = this.now().toISOString();
		const department = input.department_id
			? this.state.departments.find((d) => d.id === input.department_id)
			: undefined;
		const manager = input.manager_id
			? this.state.companyManagers.find((m) => m.user_id === input.manager_id)
			: undefined;
		const employment: RemoteEmployment = {
			id: input.id ?? fakeUuid(0xe0000000, n),
			short_id: input.short_id ?? shortId(n),
			company_id: input.company_id ?? this.companyId,
			status,
			type,
			employment_model:
				input.employment_model !== undefined ? input.employment_model : employmentModel(type),
			employment_lifecycle_stage:
				input.employment_lifecycle_stage ?? LIFECYCLE_STAGE[status] ?? 'employment_creation',
			user_status:
				input.user_status ??
				(status === 'active' ? 'active' : status === 'archived' ? 'inactive' : 'created'),
			full_name: fullName,
			job_title: jobTitle,
			login_email: input.login_email ?? personalEmail,
			personal_email: personalEmail,
			work_email: input.work_email ?? basic.work_email ?? null,
			provisional_start_date: start,
			seniority_date: input.seniority_date ?? null,
			external_id: input.external_id ?? null,
			engaged_by_legal_entity_id:
				input.engaged_by_legal_entity_id !== undefined
					? input.engaged_by_legal_entity_id
					: type === 'global_payroll_employee'
						? (this.legalEntities?.[0] ?? DEFAULT_LEGAL_ENTITY_ID)
						: null,
			department: input.department ?? department?.name ?? null,
			department_id: input.department_id ?? null,
			manager: input.manager ?? manager?.user_name ?? null,
			manager_id: input.manager_id ?? null,
			manager_email: input.manager_email ?? manager?.user_email ?? null,
			manager_employment_id: input.manager_employment_id ?? null,
			country: { ...this.countryFor(code), ...(input.country ?? {}) },
			basic_information: basic,
			address_details: clone(input.address_details) ?? {},
			personal_details: clone(input.personal_details) ?? {},
			administrative_details: clone(input.administrative_details) ?? {},
			emergency_contact_details: clone(input.emergency_contact_details) ?? {},
			contract_details: clone(input.contract_details) ?? {},
			pricing_plan_details: clone(input.pricing_plan_details) ?? {},
			billing_address_details: clone(input.billing_address_details) ?? {},
			bank_account_details: clone(input.bank_account_details) ?? [],
			files: [],
			termination_date: input.termination_date ?? null,
			active_contract_id:
				input.active_contract_id !== undefined ? input.active_contract_id : fakeUuid(0xcc000000, n),
			created_at: input.created_at ?? now,
			updated_at: input.updated_at ?? now,
		};
		this.state.employments.push(employment);
		return employment;
	}

	setStatus(id: string, status: EmploymentStatus): RemoteEmployment {
		const employment = this.getEmployment(id);
		if (!employment) throw new Error(`unknown employment ${id}`);
		const before = { status: employment.status, user_status: employment.user_status };
		employment.status = status;
		employment.employment_lifecycle_stage =
			LIFECYCLE_STAGE[status] ?? employment.employment_lifecycle_stage;
		if (status === 'active') employment.user_status = 'active';
		if (status === 'archived' || status === 'deleted') employment.user_status = 'inactive';
		employment.updated_at = this.now().toISOString();
		this.webhooks.statusChanged(id, before);
		return employment;
	}

	addCompanyManager(
		input: Partial<RemoteCompanyManager> & { user_id: string; user_email: string },
	): RemoteCompanyManager {
		const manager: RemoteCompanyManager = {
			user_id: input.user_id,
			user_name: input.user_name ?? input.user_email.split('@')[0],
			user_email: input.user_email,
			role: input.role ?? 'admin',
			company_id: input.company_id ?? this.companyId,
		};
		this.state.companyManagers.push(manager);
		return manager;
	}

	addDepartment(name: string, id?: string): RemoteDepartment {
		const department = {
			id: id ?? fakeUuid(0xd0000000, ++this.counter),
			company_id: this.companyId,
			name,
		};
		this.state.departments.push(department);
		return department;
	}

	/** Adds a time off without validation (defaults: approved, one 8-hour day per date of the range). */
	addTimeoff(input: NewRemoteTimeoff): RemoteTimeoff {
		const end = input.end_date ?? input.start_date;
		const days: RemoteTimeoffDay[] =
			input.timeoff_days?.map((d) => ({ day: d.day, hours: d.hours, minutes: d.minutes ?? 0 })) ??
			[];
		if (!input.timeoff_days) {
			for (
				let d = new Date(`${input.start_date}T00:00:00Z`);
				isoDate(d) <= end;
				d = new Date(d.getTime() + 86_400_000)
			)
				days.push({ day: isoDate(d), hours: 8, minutes: 0 });
		}
		const now = this.now().toISOString();
		const type = input.timeoff_type ?? 'paid_time_off';
		const status = input.status ?? 'approved';
		const timeoff: RemoteTimeoff = {
			id: input.id ?? fakeUuid(0x70000000, ++this.counter),
			employment_id: input.employment_id,
			status,
			timeoff_type: type,
			start_date: input.start_date,
			end_date: end,
			timezone: input.timezone ?? 'Etc/UTC',
			timeoff_days: days,
			total_minutes:
				input.total_minutes ?? days.reduce((sum, d) => sum + d.hours * 60 + d.minutes, 0),
			notes: input.notes ?? null,
			approved_at: input.approved_at ?? (status === 'approved' ? now : null),
			approver_id: input.approver_id ?? this.state.companyManagers[0]?.user_id ?? null,
			cancel_reason: input.cancel_reason ?? null,
			cancelled_at: input.cancelled_at ?? null,
			automatic: input.automatic ?? false,
			leave_policy: input.leave_policy ?? {
				leave_type: type,
				name: humanize(type),
				leave_policy_variant_slug: null,
			},
			leave_policy_variant_id: input.leave_policy_variant_id ?? null,
			document: input.document ?? null,
			created_at: input.created_at ?? now,
			updated_at: input.updated_at ?? now,
		};
		this.state.timeoffs.push(timeoff);
		return timeoff;
	}

	/**
	 * Adds a contract amendment without validation (default: submitted, against the employment's
	 * active contract). `changes` is derived from `requested` and the employment when not given.
	 */
	addContractAmendment(input: NewRemoteContractAmendment): RemoteContractAmendment {
		const employment = this.getEmployment(input.employment_id);
		const requested = clone(input.requested);
		const amendment: RemoteContractAmendment = {
			id: input.id ?? fakeUuid(0xa0000000, ++this.counter),
			employment_id: input.employment_id,
			amendment_contract_id:
				input.amendment_contract_id !== undefined
					? input.amendment_contract_id
					: (employment?.active_contract_id ?? null),
			status: input.status ?? 'submitted',
			requested_by: input.requested_by ?? 'api-integration',
			submitted_at: input.submitted_at ?? this.now().toISOString(),
			request_details: input.request_details ?? {
				effective_date: requested.effective_date ?? null,
				reason_for_change: requested.reason_for_change ?? null,
				reason_for_change_description: requested.reason_for_change_description ?? null,
				additional_comments: requested.additional_comments ?? null,
				salary_decrease_details: null,
			},
			changes: input.changes ?? (employment ? amendmentChanges(employment, requested) : {}),
			zendesk_ticket_url: input.zendesk_ticket_url ?? null,
			requested,
		};
		this.state.contractAmendments.push(amendment);
		return amendment;
	}

	/**
	 * What Remote does once its review approves an amendment (also `PUT
	 * /v1/sandbox/contract-amendments/{id}/approve`): the terms change and a new contract becomes active.
	 */
	approveContractAmendment(id: string): RemoteContractAmendment {
		const amendment = this.state.contractAmendments.find((a) => a.id === id);
		if (!amendment) throw new Error(`unknown contract amendment ${id}`);
		const employment = this.getEmployment(amendment.employment_id);
		if (employment) {
			for (const [key, value] of Object.entries(amendment.requested)) {
				if (AMENDMENT_META_KEYS.has(key)) continue;
				if (key === 'job_title') {
					employment.job_title = value;
					if (employment.basic_information.job_title !== undefined)
						employment.basic_information.job_title = value;
				} else if (key === 'provisional_start_date') {
					employment.provisional_start_date = value;
					if (employment.basic_information.provisional_start_date !== undefined)
						employment.basic_information.provisional_start_date = value;
				} else employment.contract_details = { ...employment.contract_details, [key]: value };
			}
			employment.active_contract_id = fakeUuid(0xcc100000, ++this.counter);
			employment.updated_at = this.now().toISOString();
		}
		amendment.status = 'done';
		return amendment;
	}

	setContractAmendmentStatus(id: string, status: ContractAmendmentStatus): RemoteContractAmendment {
		const amendment = this.state.contractAmendments.find((a) => a.id === id);
		if (!amendment) throw new Error(`unknown contract amendment ${id}`);
		amendment.status = status;
		return amendment;
	}

	// ---- validation --------------------------------------------------------------------------------------

	/** Validates form blobs of an employment of `type` in `country`; adds to `errors`. */
	private validateBlobs(
		type: EmploymentType,
		country: string,
		body: Record<string, any>,
		errors: Record<string, string[]>,
	) {
		const forms = this.schemas[country] ?? {};
		for (const key of BLOB_KEYS) {
			if (body[key] === undefined) continue;
			const value = body[key];
			if (key === 'bank_account_details') {
				if (!Array.isArray(value) && !isPlainObject(value))
					pushError(errors, key, 'must be an object or an array');
				continue;
			}
			if (!isPlainObject(value)) {
				pushError(errors, key, 'must be object');
				continue;
			}
			const formName = (formForBlob[type] as Record<string, string>)[key] ?? key;
			const form = forms[formName];
			if (!form) continue; // No schema for this form in this country: accepted as is.
			const validate = validatorFor(form.schema);
			if (!validate(value)) collectAjvErrors(key, validate.errors, errors);
		}
	}

	private checkStartDate(
		type: EmploymentType,
		basic: Record<string, any> | undefined,
		errors: Record<string, string[]>,
	) {
		if (type !== 'employee' || !basic) return;
		const start = basic.provisional_start_date;
		if (isValidDate(start) && start <= isoDate(this.now()))
			pushError(errors, 'basic_information.provisional_start_date', 'must be a date in the future');
	}

	private checkUniqueEmail(
		email: unknown,
		exceptId: string | undefined,
		errors: Record<string, string[]>,
	) {
		if (!this.uniqueLoginEmails || typeof email !== 'string') return;
		const lower = email.toLowerCase();
		const taken = this.state.employments.some(
			(e) => e.id !== exceptId && e.status !== 'deleted' && e.login_email.toLowerCase() === lower,
		);
		if (taken) pushError(errors, 'basic_information.email', 'has already been taken');
	}

	/** Copies basic_information into the top-level fields it drives. */
	private syncFromBasic(employment: RemoteEmployment): void {
		const b = employment.basic_information;
		if (typeof b.name === 'string') employment.full_name = b.name;
		if (typeof b.job_title === 'string') employment.job_title = b.job_title;
		if (typeof b.email === 'string') {
			employment.personal_email = b.email;
			employment.login_email = b.email;
		}
		if (typeof b.work_email === 'string') employment.work_email = b.work_email;
		employment.provisional_start_date =
			typeof b.provisional_start_date === 'string' ? b.provisional_start_date : null;
	}

	// ---- routes ---------------------------------------------------------------------------------------------

	private minimal(e: RemoteEmployment): Record<string, unknown> {
		const out: Record<string, unknown> = {};
		for (const key of MINIMAL_EMPLOYMENT_KEYS) out[key] = clone(e[key]);
		return out;
	}

	private createEmployment(req: FakeRequest): FakeResponse {
		const body = req.body;
		if (!isPlainObject(body) || Object.keys(body).length === 0)
			throw new HttpError(422, {
				message: { code: 'request_body_empty', message: 'The request body is empty' },
			});
		// The create takes basic information only; the other forms follow by PATCH (every unknown key named).
		const unknown = Object.keys(body).filter((key) => !CREATE_KEYS.has(key));
		if (unknown.length)
			throw new HttpError(422, {
				message: unknown.map((key) => ({
					code: 'parameter_unknown',
					message: `Unknown parameter ${key}`,
					param: key,
				})),
			});
		const errors: Record<string, string[]> = {};
		if (typeof body.country_code !== 'string' || body.country_code === '')
			pushError(errors, 'country_code', "can't be blank");
		if (body.basic_information === undefined || body.basic_information === null)
			pushError(errors, 'basic_information', "can't be blank");
		const type: EmploymentType = body.type ?? 'employee';
		if (!EMPLOYMENT_TYPES.has(type)) pushError(errors, 'type', 'is invalid');
		if (
			body.external_id !== undefined &&
			body.external_id !== null &&
			typeof body.external_id !== 'string'
		)
			pushError(errors, 'external_id', 'must be a string');
		if (Object.keys(errors).length) throw invalid(errors);
		const country = body.country_code as string;
		if (!this.countries.has(country) || !this.schemas[country]) {
			throw resourceError(
				'resource_not_supported_for_country',
				`Employments of type ${type} are not supported in ${country}`,
				'country',
				country,
			);
		}
		if (
			type === 'global_payroll_employee' &&
			this.requireLegalEntityForGlobalPayroll &&
			!body.engaged_by_legal_entity_id
		)
			pushError(errors, 'engaged_by_legal_entity_id', "can't be blank");
		if (
			body.engaged_by_legal_entity_id &&
			!this.legalEntities.includes(body.engaged_by_legal_entity_id)
		)
			throw paramError(
				'parameter_value_unknown',
				'engaged_by_legal_entity_id is not a legal entity of the company',
				'engaged_by_legal_entity_id',
			);
		this.validateBlobs(type, country, body, errors);
		let links: BasicLinks = {};
		if (isPlainObject(body.basic_information)) {
			this.checkStartDate(type, body.basic_information, errors);
			this.checkUniqueEmail(body.basic_information.email, undefined, errors);
			links = this.basicLinks(body.basic_information);
		}
		if (Object.keys(errors).length) throw invalid(errors);

		const employment = this.addEmployment({
			type,
			status: 'created',
			country_code: country,
			external_id: body.external_id ?? null,
			engaged_by_legal_entity_id: body.engaged_by_legal_entity_id ?? null,
			basic_information: body.basic_information,
		});
		this.syncFromBasic(employment);
		this.applyLinks(employment, links);
		return { status: 201, body: { data: { employment: clone(employment) } }, applied: true };
	}

	/** `basic_information.manager.id` / `.department.id|name` (the forms of countries that have them). */
	private basicLinks(basic: Record<string, any>): BasicLinks {
		const links: BasicLinks = {};
		if (isPlainObject(basic.manager) && basic.manager.id) {
			const manager = this.state.companyManagers.find((m) => m.user_id === basic.manager.id);
			if (!manager || !APPROVER_ROLES.has(manager.role))
				throw paramError(
					'parameter_value_invalid',
					'basic_information.manager.id must be the user id of a company manager',
					'basic_information.manager',
				);
			links.manager = manager;
		} else if ('manager' in basic) links.manager = null;
		if (isPlainObject(basic.department) && basic.department.id) {
			const department = this.state.departments.find((d) => d.id === basic.department.id);
			if (!department)
				throw paramError(
					'parameter_value_unknown',
					'basic_information.department.id does not exist',
					'basic_information.department',
				);
			links.department = department;
		} else if (
			isPlainObject(basic.department) &&
			typeof basic.department.name === 'string' &&
			basic.department.name.trim()
		) {
			links.newDepartment = basic.department.name.trim();
		} else if ('department' in basic) links.department = null;
		return links;
	}

	private applyLinks(employment: RemoteEmployment, links: BasicLinks): void {
		if (links.newDepartment) links.department = this.addDepartment(links.newDepartment);
		if (links.manager !== undefined) {
			employment.manager_id = links.manager?.user_id ?? null;
			employment.manager = links.manager?.user_name ?? null;
			employment.manager_email = links.manager?.user_email ?? null;
		}
		if (links.department !== undefined) {
			employment.department_id = links.department?.id ?? null;
			employment.department = links.department?.name ?? null;
		}
	}

	/** `PATCH /v1/employments/{id}` (and PUT), or with `v2` `PATCH /v2/employments/{id}`. */
	private updateEmployment(req: FakeRequest, v2 = false): FakeResponse {
		const employment = this.getEmployment(req.params.id);
		if (!employment) throw notFound('Employment');
		const body = req.body;
		if (!isPlainObject(body) || Object.keys(body).length === 0)
			throw new HttpError(422, {
				message: { code: 'request_body_empty', message: 'The request body is empty' },
			});
		const keys = Object.keys(body);
		const known = v2 ? V2_UPDATE_KEYS : UPDATE_KEYS;
		const unknown = keys.filter((key) => !known.has(key));
		if (unknown.length)
			throw new HttpError(422, {
				message: unknown.map((key) => ({
					code: 'parameter_unknown',
					message: `Unknown parameter ${key}`,
					param: key,
				})),
			});
		if (employment.type === 'contractor' && this.contractorUpdates === 'refused')
			throw resourceError(
				'resource_not_eligible',
				CONTRACTOR_UPDATE_REFUSAL,
				'employment',
				employment.id,
			);
		const allowed = updatableFields(employment, this.contractorUpdates, v2);
		const refused = keys.filter((k) => !allowed.has(k));
		if (refused.length) {
			throw resourceError(
				'resource_invalid_state',
				`${refused.join(', ')} cannot be updated while the employment is ${employment.status}`,
				'employment',
				employment.id,
			);
		}

		// Validate everything first: nothing is applied unless the whole update is valid.
		const errors: Record<string, string[]> = {};
		const type: EmploymentType = body.type ?? employment.type;
		if (!EMPLOYMENT_TYPES.has(type)) pushError(errors, 'type', 'is invalid');
		const country: string = body.country_code ?? employment.country.code;
		if (
			body.country_code !== undefined &&
			(!this.countries.has(country) || !this.schemas[country])
		) {
			throw resourceError(
				'resource_not_supported_for_country',
				`${country} is not supported`,
				'country',
				country,
			);
		}
		let manager: RemoteCompanyManager | null | undefined;
		if ('manager_id' in body) {
			if (body.manager_id === null) manager = null;
			else {
				manager = this.state.companyManagers.find((m) => m.user_id === body.manager_id);
				if (!manager || !APPROVER_ROLES.has(manager.role))
					throw paramError(
						'parameter_value_invalid',
						'manager_id must be the user id of a company manager with the admin, owner or people_manager role',
						'manager_id',
					);
			}
		}
		let department: RemoteDepartment | null | undefined;
		if ('department_id' in body) {
			if (body.department_id === null) department = null;
			else {
				department = this.state.departments.find((d) => d.id === body.department_id);
				if (!department)
					throw paramError(
						'parameter_value_unknown',
						'department_id does not exist',
						'department_id',
					);
			}
		}
		if (
			'work_email' in body &&
			body.work_email !== null &&
			(typeof body.work_email !== 'string' || !EMAIL_RE.test(body.work_email))
		)
			pushError(errors, 'work_email', 'must match format "email"');
		if ('external_id' in body && body.external_id !== null && typeof body.external_id !== 'string')
			pushError(errors, 'external_id', 'must be a string');
		// One field, one value: the top-level work_email and the form's must not disagree.
		if (
			'work_email' in body &&
			isPlainObject(body.basic_information) &&
			'work_email' in body.basic_information &&
			body.basic_information.work_email !== body.work_email
		)
			pushError(
				errors,
				'work_email',
				'has two different values in this request (work_email and basic_information.work_email)',
			);
		this.validateBlobs(type, country, body, errors);
		let links: BasicLinks = {};
		if (isPlainObject(body.basic_information)) {
			this.checkStartDate(type, body.basic_information, errors);
			this.checkUniqueEmail(body.basic_information.email, employment.id, errors);
			links = this.basicLinks(body.basic_information);
		}
		if (Object.keys(errors).length) throw invalid(errors);

		// Apply.
		if (body.type !== undefined) {
			employment.type = type;
			employment.employment_model = employmentModel(type);
		}
		if (body.country_code !== undefined) employment.country = this.countryFor(country);
		for (const key of BLOB_KEYS) {
			if (body[key] !== undefined) (employment as any)[key] = clone(body[key]);
		}
		if (body.basic_information !== undefined) {
			this.syncFromBasic(employment);
			this.applyLinks(employment, links);
		}
		if ('work_email' in body) {
			employment.work_email = body.work_email;
			if (
				typeof body.work_email === 'string' &&
				employment.basic_information.work_email !== undefined
			)
				employment.basic_information.work_email = body.work_email;
		}
		if ('external_id' in body) employment.external_id = body.external_id;
		if (manager !== undefined) {
			employment.manager_id = manager?.user_id ?? null;
			employment.manager = manager?.user_name ?? null;
			employment.manager_email = manager?.user_email ?? null;
		}
		if (department !== undefined) {
			employment.department_id = department?.id ?? null;
			employment.department = department?.name ?? null;
		}
		if (body.company_id !== undefined) employment.company_id = body.company_id;
		employment.updated_at = this.now().toISOString();
		return { status: 200, body: { data: { employment: clone(employment) } }, applied: true };
	}

	private createTimeoff(req: FakeRequest): FakeResponse {
		const body = req.body;
		if (!isPlainObject(body))
			throw new HttpError(422, {
				message: { code: 'request_body_empty', message: 'The request body is empty' },
			});
		const errors: Record<string, string[]> = {};
		const required = [
			'employment_id',
			'start_date',
			'end_date',
			'timezone',
			'timeoff_days',
			'timeoff_type',
			'status',
			'approved_at',
			'approver_id',
		];
		for (const key of required) {
			if (body[key] === undefined || body[key] === null || body[key] === '')
				pushError(errors, key, "can't be blank");
		}
		if (body.status !== undefined && body.status !== null && body.status !== 'approved')
			pushError(errors, 'status', 'must be approved');
		if (body.timeoff_type && !(TIMEOFF_TYPES as readonly string[]).includes(body.timeoff_type))
			pushError(errors, 'timeoff_type', 'is invalid');
		if (body.start_date && !isValidDate(body.start_date))
			pushError(errors, 'start_date', 'must be a date (YYYY-MM-DD)');
		if (body.end_date && !isValidDate(body.end_date))
			pushError(errors, 'end_date', 'must be a date (YYYY-MM-DD)');
		if (
			isValidDate(body.start_date) &&
			isValidDate(body.end_date) &&
			body.end_date < body.start_date
		)
			pushError(errors, 'end_date', 'must be on or after start_date');
		if (body.timezone && !validTimezone(body.timezone))
			pushError(errors, 'timezone', 'is not a valid time zone');
		if (body.approved_at && !parseIsoDateTime(body.approved_at))
			pushError(errors, 'approved_at', 'must be an ISO-8601 date-time');
		if (body.approver_id) {
			const approver = this.state.companyManagers.find((m) => m.user_id === body.approver_id);
			if (!approver) pushError(errors, 'approver_id', 'must be the user id of a company manager');
		}
		if (body.timeoff_days !== undefined && body.timeoff_days !== null) {
			if (!Array.isArray(body.timeoff_days) || body.timeoff_days.length === 0) {
				pushError(errors, 'timeoff_days', 'must be a non-empty list');
			} else {
				const seen = new Set<string>();
				body.timeoff_days.forEach((d: any, i: number) => {
					const at = `timeoff_days.${i}`;
					if (!isPlainObject(d) || !isValidDate(d.day)) {
						pushError(errors, `${at}.day`, 'must be a date (YYYY-MM-DD)');
						return;
					}
					if (seen.has(d.day)) pushError(errors, `${at}.day`, `${d.day} is listed twice`);
					seen.add(d.day);
					if (
						isValidDate(body.start_date) &&
						isValidDate(body.end_date) &&
						(d.day < body.start_date || d.day > body.end_date)
					)
						pushError(errors, `${at}.day`, `${d.day} is outside start_date..end_date`);
					if (!Number.isInteger(d.hours) || d.hours < 0 || d.hours > 8)
						pushError(errors, `${at}.hours`, 'must be a whole number of hours from 0 to 8');
				});
			}
		}
		if (Object.keys(errors).length) throw invalid(errors);
		const employment = this.activeEmploymentFor(body.employment_id, 'Time off can only be created');
		const timeoff = this.addTimeoff({
			employment_id: employment.id,
			start_date: body.start_date,
			end_date: body.end_date,
			timezone: body.timezone,
			timeoff_type: body.timeoff_type,
			timeoff_days: body.timeoff_days.map((d: any) => ({ day: d.day, hours: d.hours, minutes: 0 })),
			status: 'approved',
			approved_at: body.approved_at,
			approver_id: body.approver_id,
			notes: typeof body.notes === 'string' ? body.notes : null,
			document: body.document ?? null,
		});
		return { status: 201, body: { data: { timeoff: clone(timeoff) } }, applied: true };
	}

	/** The employment a write names: unknown or deleted → 422 parameter error; not active → resource_invalid_state. */
	private activeEmploymentFor(employmentId: string, action: string): RemoteEmployment {
		const employment = this.getEmployment(employmentId);
		if (!employment || employment.status === 'deleted')
			throw paramError(
				'parameter_value_unknown',
				`Employment ${employmentId} not found`,
				'employment_id',
			);
		if (employment.status !== 'active')
			throw resourceError(
				'resource_invalid_state',
				`${action} for active employments; this one is ${employment.status}`,
				'employment',
				employment.id,
			);
		return employment;
	}

	/** `POST /v1/contract-amendments` ({employment_id, amendment_contract_id, contract_amendment}). */
	private createContractAmendment(req: FakeRequest): FakeResponse {
		const body = req.body;
		if (!isPlainObject(body) || Object.keys(body).length === 0)
			throw new HttpError(422, {
				message: { code: 'request_body_empty', message: 'The request body is empty' },
			});
		const known = new Set(['employment_id', 'amendment_contract_id', 'contract_amendment']);
		for (const key of Object.keys(body)) {
			if (!known.has(key)) throw paramError('parameter_unknown', `Unknown parameter ${key}`, key);
		}
		const errors: Record<string, string[]> = {};
		for (const key of ['employment_id', 'amendment_contract_id']) {
			if (body[key] === undefined || body[key] === null || body[key] === '')
				pushError(errors, key, "can't be blank");
			else if (typeof body[key] !== 'string') pushError(errors, key, 'must be a string');
		}
		if (body.contract_amendment === undefined || body.contract_amendment === null)
			pushError(errors, 'contract_amendment', "can't be blank");
		else if (!isPlainObject(body.contract_amendment))
			pushError(errors, 'contract_amendment', 'must be object');
		if (Object.keys(errors).length) throw invalid(errors);

		const employment = this.activeEmploymentFor(
			body.employment_id,
			'Contract amendments can only be requested',
		);
		if (body.amendment_contract_id !== employment.active_contract_id)
			throw paramError(
				'parameter_value_invalid',
				'amendment_contract_id must be the id of the active contract of the employment',
				'amendment_contract_id',
			);
		const form = this.schemas[employment.country.code]?.contract_amendment;
		if (!form)
			throw resourceError(
				'resource_not_supported_for_country',
				`Contract amendments are not supported in ${employment.country.code}`,
				'country',
				employment.country.code,
			);
		const validate = validatorFor(form.schema);
		if (!validate(body.contract_amendment))
			collectAjvErrors('contract_amendment', validate.errors, errors);
		if (Object.keys(errors).length) throw invalid(errors);
		if (Object.keys(amendmentChanges(employment, body.contract_amendment)).length === 0)
			throw invalid({
				contract_amendment: ['must change at least one term of the current contract'],
			});
		const amendment = this.addContractAmendment({
			employment_id: employment.id,
			amendment_contract_id: body.amendment_contract_id,
			requested: body.contract_amendment,
		});
		return {
			status: 200,
			body: { data: { contract_amendment: publicAmendment(amendment) } },
			applied: true,
		};
	}

	/** Time off as listed and shown (the `timeoffCanceledSpelling` mode spells `canceled`). */
	private timeoffView<T extends { status: string }>(timeoff: T): T {
		if (this.modes.timeoffCanceledSpelling && timeoff.status === 'cancelled')
			timeoff.status = 'canceled';
		return timeoff;
	}

	private registerRoutes(): void {
		this.webhooks.register((method, pattern, handler) => this.route(method, pattern, handler));
		this.route('GET', '/v1/employments', (req) => {
			const q = req.query;
			const email = q.get('email')?.trim().toLowerCase();
			const status = q.get('status');
			const wanted = status
				? new Set(
						status
							.split(',')
							.map((s) => s.trim())
							.filter(Boolean),
					)
				: undefined;
			const incomplete = wanted?.has('incomplete') ?? false;
			const done = new Set(['active', 'offboarding', 'archived', 'deleted']);
			const type = q.get('employment_type');
			const model = q.get('employment_model');
			const short = q.get('short_id');
			const companyId = q.get('company_id');
			// One pass over the employments (benchmarks list and look up thousands of them).
			let list = this.state.employments.filter(
				(e) =>
					e.status !== 'deleted' && // Deleted employments are never listed.
					(email === undefined ||
						(e.login_email.length === email.length && e.login_email.toLowerCase() === email)) &&
					(!wanted || wanted.has(e.status) || (incomplete && !done.has(e.status))) &&
					(!type || e.type === type) &&
					(!model || e.employment_model === model) &&
					(!short || e.short_id === short) &&
					(!companyId || e.company_id === companyId),
			);
			if (short) list = list.slice(0, 1);
			const page = paginate(list, q);
			return {
				status: 200,
				body: {
					data: {
						employments: page.items.map((e) => this.minimal(e)),
						current_page: page.current_page,
						total_count: page.total_count,
						total_pages: page.total_pages,
					},
				},
			};
		});

		this.route('GET', '/v1/employments/:id', (req) => {
			const employment = this.getEmployment(req.params.id);
			if (!employment) throw notFound('Employment');
			if (this.modes.employmentUnwrapped) return { status: 200, body: clone(employment) };
			return { status: 200, body: { data: { employment: clone(employment) } } };
		});

		this.route('POST', '/v1/employments', (req) => this.createEmployment(req));
		this.route('PATCH', '/v1/employments/:id', (req) => this.updateEmployment(req));
		this.route('PUT', '/v1/employments/:id', (req) => this.updateEmployment(req));
		this.route('PATCH', '/v2/employments/:id', (req) => this.updateEmployment(req, true));

		// Registered before the generic form route: this form is per employment (`employment_id` required).
		this.route('GET', '/v1/countries/:code/contract_amendment', (req) => {
			const form = this.schemas[req.params.code]?.contract_amendment;
			if (!form) throw notFound('Form');
			const employmentId = req.query.get('employment_id');
			if (!employmentId)
				throw badRequest('employment_id is required for the contract_amendment form');
			const employment = this.getEmployment(employmentId);
			if (!employment || employment.status === 'deleted') throw notFound('Employment');
			if (employment.country.code !== req.params.code)
				throw paramError(
					'parameter_value_invalid',
					`The employment is in ${employment.country.code}, not ${req.params.code}`,
					'employment_id',
				);
			const version = req.query.get('json_schema_version');
			if (version !== null && version !== 'latest' && !/^\d+$/.test(version))
				throw badRequest('json_schema_version must be a number or "latest"');
			return { status: 200, body: { data: { schema: clone(form.schema), version: form.version } } };
		});

		this.route('GET', '/v1/countries/:code/:form', (req) => {
			const forms = this.schemas[req.params.code];
			const formName = remoteFormAliases[req.params.form] ?? req.params.form;
			const form = forms?.[formName];
			if (!form) throw notFound('Form');
			const version = req.query.get('json_schema_version');
			if (version !== null && version !== 'latest' && !/^\d+$/.test(version))
				throw badRequest('json_schema_version must be a number or "latest"');
			if (this.modes.formShape === 'data')
				return { status: 200, body: { data: clone(form.schema) } };
			if (this.modes.formShape === 'bare') return { status: 200, body: clone(form.schema) };
			return { status: 200, body: { data: { schema: clone(form.schema), version: form.version } } };
		});

		this.route('GET', '/v1/company-managers', (req) => {
			let list = this.state.companyManagers;
			const companyId = req.query.get('company_id');
			if (companyId) list = list.filter((m) => m.company_id === companyId);
			const page = paginate(list, req.query);
			return {
				status: 200,
				body: {
					data: {
						company_managers: clone(page.items),
						current_page: page.current_page,
						total_count: page.total_count,
						total_pages: page.total_pages,
					},
				},
			};
		});

		this.route('GET', '/v1/company-departments', (req) => {
			const companyId = req.query.get('company_id');
			if (!companyId) throw badRequest('company_id is required');
			if (companyId !== this.companyId) throw notFound('Company');
			const all = this.state.departments.filter((d) => d.company_id === companyId);
			const page =
				req.query.get('paginate') === 'false'
					? { items: all, current_page: 1, total_count: all.length, total_pages: 1 }
					: paginate(all, req.query);
			const paging = {
				current_page: page.current_page,
				total_count: page.total_count,
				total_pages: page.total_pages,
			};
			const body =
				this.departmentsPaging === 'data'
					? { data: { company_departments: clone(page.items), ...paging } }
					: { data: { company_departments: clone(page.items) }, ...paging };
			return { status: 200, body };
		});

		this.route('POST', '/v1/company-departments', (req) => {
			const body = req.body;
			const errors: Record<string, string[]> = {};
			if (!isPlainObject(body) || !body.company_id)
				pushError(errors, 'company_id', "can't be blank");
			if (!isPlainObject(body) || typeof body.name !== 'string' || body.name.trim() === '')
				pushError(errors, 'name', "can't be blank");
			else if (body.name.length > 255)
				pushError(errors, 'name', 'should be at most 255 character(s)');
			if (Object.keys(errors).length) throw invalid(errors);
			if (body.company_id !== this.companyId) throw notFound('Company');
			const department = this.addDepartment(body.name);
			return {
				status: 201,
				body: { data: { company_department: clone(department) } },
				applied: true,
			};
		});

		this.route('GET', '/v1/timeoff', (req) => {
			const q = req.query;
			let list = this.state.timeoffs;
			const employmentId = q.get('employment_id');
			if (employmentId) list = list.filter((t) => t.employment_id === employmentId);
			const status = q.get('status');
			if (status) list = list.filter((t) => t.status === status);
			const type = q.get('timeoff_type');
			if (type) list = list.filter((t) => t.timeoff_type === type);
			const start = q.get('start_date');
			const end = q.get('end_date');
			if (start && !isValidDate(start)) throw badRequest('start_date must be a date');
			if (end && !isValidDate(end)) throw badRequest('end_date must be a date');
			if (start) list = list.filter((t) => t.end_date >= start);
			if (end) list = list.filter((t) => t.start_date <= end);
			const sortBy = q.get('sort_by');
			if (sortBy === 'timeoff_type' || sortBy === 'status') {
				list = [...list].sort((a, b) => String(a[sortBy]).localeCompare(String(b[sortBy])));
				if (q.get('order') === 'desc') list.reverse();
			}
			const page = paginate(list, q);
			return {
				status: 200,
				body: {
					data: {
						timeoffs: clone(page.items).map((t) => this.timeoffView(t)),
						current_page: page.current_page,
						total_count: page.total_count,
						total_pages: page.total_pages,
					},
				},
			};
		});

		this.route('POST', '/v1/timeoff', (req) => this.createTimeoff(req));

		this.route('GET', '/v1/contract-amendments', (req) => {
			const q = req.query;
			const employmentId = q.get('employment_id');
			const status = q.get('status');
			const wanted = status
				? new Set(
						status
							.split(',')
							.map((s) => s.trim())
							.filter(Boolean),
					)
				: undefined;
			const list = this.state.contractAmendments.filter(
				(a) =>
					(!employmentId || a.employment_id === employmentId) && (!wanted || wanted.has(a.status)),
			);
			const page = paginate(list, q);
			return {
				status: 200,
				body: {
					data: {
						contract_amendments: page.items.map((a) =>
							minimalAmendment(a, this.getEmployment(a.employment_id)),
						),
						current_page: page.current_page,
						total_count: page.total_count,
						total_pages: page.total_pages,
					},
				},
			};
		});

		this.route('POST', '/v1/contract-amendments', (req) => this.createContractAmendment(req));

		this.route('GET', '/v1/contract-amendments/:id', (req) => {
			const amendment = this.state.contractAmendments.find((a) => a.id === req.params.id);
			if (!amendment) throw notFound('Contract amendment');
			return { status: 200, body: { data: { contract_amendment: publicAmendment(amendment) } } };
		});

		this.route('PUT', '/v1/sandbox/contract-amendments/:id/approve', (req) => {
			const amendment = this.state.contractAmendments.find((a) => a.id === req.params.id);
			if (!amendment) throw notFound('Contract amendment');
			if (amendment.status !== 'submitted' && amendment.status !== 'in_review')
				throw resourceError(
					'resource_invalid_state',
					`The amendment is ${amendment.status}`,
					'contract_amendment',
					amendment.id,
				);
			this.approveContractAmendment(amendment.id);
			return {
				status: 200,
				body: { data: { contract_amendment: publicAmendment(amendment) } },
				applied: true,
			};
		});

		this.route('GET', '/v1/timeoff/:id', (req) => {
			const timeoff = this.state.timeoffs.find((t) => t.id === req.params.id);
			if (!timeoff) throw notFound('Time off');
			return { status: 200, body: { data: { timeoff: this.timeoffView(clone(timeoff)) } } };
		});

		this.route('POST', '/v1/timeoff/:id/cancel', (req) => {
			const timeoff = this.state.timeoffs.find((t) => t.id === req.params.id);
			if (!timeoff) throw notFound('Time off');
			const body = req.body;
			if (
				!isPlainObject(body) ||
				typeof body.cancel_reason !== 'string' ||
				body.cancel_reason.trim() === ''
			)
				throw invalid({ cancel_reason: ["can't be blank"] });
			if (timeoff.status !== 'approved')
				throw resourceError(
					'resource_invalid_state',
					`Only approved time off can be cancelled; this one is ${timeoff.status}`,
					'timeoff',
					timeoff.id,
				);
			const now = this.now().toISOString();
			timeoff.status = 'cancelled';
			timeoff.cancel_reason = body.cancel_reason;
			timeoff.cancelled_at = now;
			timeoff.updated_at = now;
			return { status: 200, body: { data: { timeoff: clone(timeoff) } }, applied: true };
		});
	}
}

/** Remote's supported fixture countries (re-exported for convenience). */
export const remoteFixtureCountries = schemaFixtureCountries;

/**
 * The sync decision for one person (rules E, M, N, U and R): a pure function of the HiBob person,
 * the Remote match (and, when needed, the full employment or the country schemas), today and the
 * options. It returns a plan: outcome, reason, sentence, field changes, what was held back, and the
 * exact requests to send. It performs no I/O; when it needs more data it says which (`needs`).
 */
import { DateTime } from 'luxon';
import { validateAgainstSchema } from './jsonSchema';
import type { MatchResult, RemoteEmployment } from './match';
import type { FieldChange, HeldBackField, Outcome, PlannedRequest, SyncKind } from './outcome';
import type { Person } from './person';

export type StatusFamily = 'not_started' | 'onboarding' | 'active' | 'gone' | 'unknown';

const FAMILIES: Record<string, StatusFamily> = {
	created: 'not_started',
	pre_hire: 'not_started',
	created_awaiting_reserve: 'not_started',
	created_reserve_paid: 'not_started',
	initiated: 'onboarding',
	invited: 'onboarding',
	pending: 'onboarding',
	review: 'onboarding',
	job_title_review: 'onboarding',
	pending_post_self_enrollment_actions: 'onboarding',
	active: 'active',
	offboarding: 'gone',
	archived: 'gone',
	deleted: 'gone',
};

export function statusFamily(status: unknown): StatusFamily {
	return FAMILIES[String(status ?? '').toLowerCase()] ?? 'unknown';
}

export interface PlanOptions {
	/** ISO date (YYYY-MM-DD) in the chosen timezone. */
	today: string;
	syncSsn: boolean;
	syncSalary: boolean;
	/**
	 * U6: submit a contract amendment for an active global payroll employee's job title, hire date
	 * and annual salary (it starts a review at Remote). Off: the differences are only reported.
	 */
	submitContractAmendments?: boolean;
	/**
	 * Remote's API does not update contractors ("currently not supported; contact Remote"). Off (the
	 * default): a contractor's differences after the create are reported `not_updatable_via_api` and
	 * no request is sent. On (Remote enabled it for the company): they are written like an employee's.
	 */
	contractorUpdates?: boolean;
}

/** What a contractor's held-back differences say when contractor updates are off. */
export const CONTRACTOR_NOT_UPDATABLE =
	"Remote's API does not update contractors (\"currently not supported\"): change these in Remote, or turn on the option \"Contractor Updates Enabled by Remote\" if Remote enabled them for your company.";

/**
 * Contractors with contractor updates off: every write after the create becomes a held-back
 * difference (`not_updatable_via_api`), so no refused request is ever sent.
 */
function holdContractorWrites(kind: SyncKind, options: PlanOptions, actions: EmployeeAction[], heldBack: HeldBackField[]): EmployeeAction[] {
	if (kind !== 'contractor' || options.contractorUpdates) return actions;
	const kept: EmployeeAction[] = [];
	for (const action of actions) {
		if (action.type === 'create') kept.push(action);
		else for (const c of action.changes) heldBack.push({ field: c.field, reason: 'not_updatable_via_api', from: c.from, to: c.to });
	}
	return kept;
}

/** Values read inside the Upsert node only (never carried by workflow items). */
export interface SensitiveValues {
	ssn?: string | null;
	yearlySalary?: { value: number; currency?: string | null } | null;
	payPeriod?: string | null;
}

export interface Lookups {
	/** Remote company managers: lower-cased email → user id. */
	managers: Map<string, string>;
	/** Remote departments: lower-cased name → id. */
	departments: Map<string, { id: string; name: string }>;
}

export interface FullEmployment extends RemoteEmployment {
	provisional_start_date?: string | null;
	manager_id?: string | null;
	manager_email?: string | null;
	basic_information?: Record<string, unknown> | null;
	address_details?: Record<string, unknown> | null;
	emergency_contact_details?: Record<string, unknown> | null;
	administrative_details?: Record<string, unknown> | null;
	contract_details?: Record<string, unknown> | null;
	/** The contract a contract amendment amends (`amendment_contract_id`). */
	active_contract_id?: string | null;
}

/** One item of `GET /v1/contract-amendments` (Remote's MinimalContractAmendment). */
export interface ContractAmendmentSummary {
	id?: unknown;
	employment_id?: unknown;
	status?: unknown;
	job_title?: unknown;
	submitted_at?: unknown;
	[key: string]: unknown;
}

/** The country form a contract amendment is checked against (`/v1/countries/{code}/contract_amendment`). */
export const CONTRACT_AMENDMENT_FORM = 'contract_amendment';

/** Amendment statuses that mean Remote has not finished reviewing it. */
export const PENDING_AMENDMENT_STATUSES = new Set(['submitted', 'in_review', 'review']);

export function isPendingAmendment(amendment: { status?: unknown }): boolean {
	return PENDING_AMENDMENT_STATUSES.has(String(amendment.status ?? '').toLowerCase());
}

export interface PlanInput {
	person: Person;
	match: MatchResult;
	options: PlanOptions;
	lookups: Lookups;
	/** The full employment (GET /v1/employments/{id}), when the plan asked for it. */
	detail?: FullEmployment;
	/** Country form schemas (form → JSON schema), when the plan asked for them. */
	schemas?: Record<string, unknown>;
	/** The employment's contract amendments at Remote (any status), when the plan asked for them. */
	contractAmendments?: ContractAmendmentSummary[];
	sensitive?: SensitiveValues;
	/**
	 * The legal entity a global payroll create names (`engaged_by_legal_entity_id`): from the node
	 * option, else from a global payroll employment of the country; null = none found.
	 */
	legalEntityId?: string | null;
	/**
	 * What a previous run concluded for this person, when their HiBob values, the employment and the
	 * lookups they depend on are the same as then (the caller compares fingerprints). With no
	 * difference in the list either, the full employment need not be read again.
	 */
	remembered?: RememberedResult;
}

/** The end state of a person after a run: in sync, or in sync except for what could not be written. */
export interface RememberedResult {
	heldBack: HeldBackField[];
}

/** The reason reported for differences that were held back (U5–U7). */
export function heldBackReason(heldBack: HeldBackField[]): string {
	const reasons = [...new Set(heldBack.map((h) => h.reason))];
	return reasons.includes('needs_contract_amendment') ? 'needs_contract_amendment' : reasons[0];
}

export interface Plan {
	hibobId: string;
	remoteEmploymentId: string | null;
	kind: SyncKind | null;
	outcome: Outcome;
	reason: string;
	message: string;
	changes: FieldChange[];
	heldBack: HeldBackField[];
	/** The writes, in order (executed by sync.ts). */
	actions: EmployeeAction[];
	/** The same writes as HTTP requests (shown in a dry run). */
	requests: PlannedRequest[];
	matchedBy?: string;
	candidates?: string[];
}

export type PlanStep =
	| { done: true; plan: Plan }
	/**
	 * More of one employment: the full employment (GET /v1/employments/{id}), or with
	 * `part: 'contractAmendments'` its contract amendments (GET /v1/contract-amendments).
	 */
	| { done: false; needs: 'detail'; employmentId: string; part?: 'employment' | 'contractAmendments' }
	/** `employmentId`: the employment a per-employment form (contract_amendment) is asked for. */
	| { done: false; needs: 'schemas'; country: string; forms: string[]; employmentId?: string }
	/** The legal entity that engages global payroll employees in `country` (set `legalEntityId`). */
	| { done: false; needs: 'legalEntity'; country: string };

const KIND_LABEL: Record<SyncKind, string> = {
	employee: 'EOR employee',
	contractor: 'contractor',
	global_payroll_employee: 'global payroll employee',
};

/** The country form each part of a create is validated against, per kind (Remote's form names). */
export const FORMS: Record<SyncKind, Record<string, string>> = {
	employee: {
		basic_information: 'employment_basic_information',
		address_details: 'address_details',
		emergency_contact_details: 'emergency_contact_details',
		administrative_details: 'administrative_details',
		contract_details: 'contract_details',
	},
	contractor: {
		basic_information: 'contractor_basic_information',
		address_details: 'address_details',
		emergency_contact_details: 'emergency_contact_details',
		administrative_details: 'administrative_details',
		contract_details: 'contractor_contract_details',
	},
	global_payroll_employee: {
		basic_information: 'global_payroll_basic_information',
		address_details: 'address_details',
		emergency_contact_details: 'emergency_contact_details',
		administrative_details: 'global_payroll_administrative_details',
		contract_details: 'global_payroll_contract_details',
	},
};

const lower = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v === null || v === undefined ? '' : String(v));
const same = (a: unknown, b: unknown) => lower(a) === lower(b);
const blank = (v: unknown) => v === null || v === undefined || v === '';

function result(input: PlanInput, outcome: Outcome, reason: string, message: string, extra: Partial<Plan> = {}): PlanStep {
	const employmentId =
		input.match.kind === 'match' || input.match.kind === 'archived' ? input.match.employment.id : null;
	return {
		done: true,
		plan: {
			hibobId: input.person.hibobId,
			remoteEmploymentId: employmentId,
			kind: input.person.kind,
			outcome,
			reason,
			message,
			changes: [],
			heldBack: [],
			actions: [],
			requests: [],
			...(input.match.kind !== 'none' ? { matchedBy: input.match.by } : {}),
			...extra,
		},
	};
}

/** The Remote-side values a HiBob person should have. */
export function desiredValues(person: Person) {
	const loginEmail = person.personalEmail ?? person.workEmail;
	return {
		full_name: person.fullName,
		job_title: person.jobTitle,
		work_email: person.workEmail,
		login_email: loginEmail,
		provisional_start_date: person.startDate,
		address: person.address
			? {
					address: person.address.line1,
					address_line_2: person.address.line2,
					city: person.address.city,
					postal_code: person.address.postalCode,
					state: person.address.state,
				}
			: null,
		emergency: person.emergencyContact
			? {
					name: person.emergencyContact.name,
					relationship: person.emergencyContact.relationship,
					phone_number: person.emergencyContact.phone,
					email: person.emergencyContact.email,
				}
			: null,
	};
}

function isoDaysAfter(date: string, today: string): boolean {
	return DateTime.fromISO(date, { zone: 'utc' }) > DateTime.fromISO(today, { zone: 'utc' });
}

function annualSalaryMinor(sensitive: SensitiveValues | undefined): number | undefined {
	const yearly = sensitive?.yearlySalary;
	if (!yearly || typeof yearly.value !== 'number' || !Number.isFinite(yearly.value) || yearly.value <= 0) return undefined;
	if (sensitive?.payPeriod && !/annual|year/i.test(sensitive.payPeriod)) return undefined;
	// N7: minor units, ×100 also for currencies without minor units.
	return Math.round(yearly.value * 100);
}

/**
 * Plans one person. Call it with what the previous step asked for (detail, schemas) until it
 * answers `done`.
 */
export function planEmployee(input: PlanInput): PlanStep {
	const { person, match } = input;
	const kind = person.kind;
	if (!kind) {
		return result(input, 'skipped', 'not_flagged_for_sync', 'The "Sync to Remote" field is empty for this person in HiBob.');
	}
	if (match.kind === 'ambiguous') {
		const ids = match.candidates.map((c) => c.id);
		return result(
			input,
			'skipped',
			'ambiguous_match',
			`${ids.length} Remote employments match by ${match.by.replace('_', ' ')} (${ids.join(', ')}); nothing was written. Remove the duplicate in Remote or set its external ID to the HiBob id.`,
			{ candidates: ids },
		);
	}
	if (match.kind === 'archived') {
		return result(
			input,
			'skipped',
			'matches_archived_profile',
			`The only matching Remote employment (${match.employment.id}) is ${match.employment.status}; creating a new one would duplicate the person. Remote support can merge or reactivate the profile.`,
		);
	}
	if (match.kind === 'none') return planCreate(input, kind);
	return planUpdate(input, kind, match.employment);
}

// ---- typed actions ----------------------------------------------------------------------------------

/** The forms of an employment the sync writes (Remote's PATCH replaces a form sent whole). */
export type FormKey = 'basic_information' | 'address_details' | 'emergency_contact_details' | 'administrative_details' | 'contract_details';

/**
 * One write of a plan. `sync.ts` executes them in order with one small interpreter; dry run shows
 * them as `plannedRequests` (`renderRequests`). `changes` are what the action writes.
 */
export type EmployeeAction =
	/** `POST /v1/employments`: basic information only (+ country, type, external id, legal entity). */
	| { type: 'create'; body: Record<string, unknown>; changes: FieldChange[] }
	/**
	 * `PATCH /v1/employments/{id}`: top-level `fields` (`work_email`, `manager_id`, `department_id`,
	 * `external_id`) and whole `forms`: `owned` = the keys the sync owns, built from HiBob; `kept` =
	 * the keys it does not own, kept as Remote has them (a form sent is replaced).
	 */
	| { type: 'patch'; fields: Record<string, unknown>; forms: FormParts; changes: FieldChange[] }
	/** `PATCH /v2/employments/{id}` `{department_id}`: the department of an active employment. */
	| { type: 'setDepartment'; departmentId: string; changes: FieldChange[] }
	/** `POST /v1/contract-amendments` (U6). */
	| { type: 'submitAmendment'; body: Record<string, unknown>; changes: FieldChange[] };

export type FormParts = Partial<Record<FormKey, { owned: Record<string, unknown>; kept: Record<string, unknown> }>>;

/** Forms whose kept keys are never shown in outputs (they may hold tax ids, pay terms). */
const PRIVATE_FORMS = new Set<FormKey>(['administrative_details', 'contract_details']);

/** The body an action sends. */
export function actionBody(action: EmployeeAction): Record<string, unknown> {
	switch (action.type) {
		case 'create':
			return action.body;
		case 'patch': {
			const body: Record<string, unknown> = { ...action.fields };
			for (const [form, part] of Object.entries(action.forms)) body[form] = { ...part!.kept, ...part!.owned };
			return body;
		}
		case 'setDepartment':
			return { department_id: action.departmentId };
		case 'submitAmendment':
			return action.body;
	}
}

/**
 * The requests of a plan, as shown in a dry run. A form's kept keys of administrative or contract
 * details are not copied into the output (only named).
 */
export function renderRequests(actions: EmployeeAction[], employmentId: string | null): PlannedRequest[] {
	const id = employmentId ?? '{created}';
	return actions.map((action): PlannedRequest => {
		switch (action.type) {
			case 'create':
				return { method: 'POST', path: '/v1/employments', body: action.body, purpose: 'create employment (basic information)' };
			case 'patch': {
				const body: Record<string, unknown> = { ...action.fields };
				for (const [form, part] of Object.entries(action.forms) as Array<[FormKey, { owned: Record<string, unknown>; kept: Record<string, unknown> }]>) {
					const kept = PRIVATE_FORMS.has(form) ? Object.fromEntries(Object.keys(part.kept).map((k) => [k, '(kept as in Remote)'])) : part.kept;
					body[form] = { ...kept, ...part.owned };
				}
				return { method: 'PATCH', path: `/v1/employments/${id}`, body, purpose: `update ${Object.keys(body).join(', ')}` };
			}
			case 'setDepartment':
				return { method: 'PATCH', path: `/v2/employments/${id}`, body: { department_id: action.departmentId }, purpose: 'set department' };
			case 'submitAmendment':
				return { method: 'POST', path: '/v1/contract-amendments', body: action.body, purpose: 'submit contract amendment' };
		}
	});
}

// ---- what HiBob wants in each form ------------------------------------------------------------------

/** The keys of each form the sync owns (it writes them; an empty HiBob value clears them). */
const OWNED_KEYS: Record<FormKey, string[]> = {
	basic_information: ['name', 'first_name', 'last_name', 'email', 'personal_email', 'work_email', 'job_title', 'provisional_start_date', 'mobile_number', 'manager', 'department'],
	address_details: ['address', 'address_line_2', 'city', 'postal_code', 'state'],
	emergency_contact_details: ['name', 'relationship', 'phone_number', 'email'],
	administrative_details: ['ssn'],
	contract_details: ['annual_gross_salary'],
};

/** How a basic-information key is named in outputs. */
const BASIC_FIELD: Record<string, string> = {
	name: 'full_name',
	email: 'personal_email',
	work_email: 'work_email',
	job_title: 'job_title',
	provisional_start_date: 'provisional_start_date',
	manager: 'manager',
	department: 'department',
};

const propertiesOf = (schema: unknown): Record<string, unknown> | undefined => {
	const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
	return properties && typeof properties === 'object' ? properties : undefined;
};

/**
 * The forms the sync keeps in step. Contractors too: Remote's API refuses contractor updates by
 * default, so after their create these are tried once and reported `not_updatable_via_api`.
 */
function formsOfKind(_kind: SyncKind): FormKey[] {
	return ['basic_information', 'address_details', 'emergency_contact_details', 'administrative_details', 'contract_details'];
}

interface Wanted {
	/** Form → the values HiBob gives for the keys the sync owns (blank = clear). */
	forms: Partial<Record<FormKey, Record<string, unknown>>>;
	/** Remote company-manager user id of the supervisor (undefined: none in HiBob; null: not a Remote manager). */
	managerId?: string | null;
	/** Remote department (undefined: none in HiBob; null: not in Remote). */
	department?: { id: string; name: string } | null;
	ssn?: string;
	salary?: number;
}

function wantedValues(input: PlanInput, kind: SyncKind): Wanted {
	const { person, options } = input;
	const desired = desiredValues(person);
	const managerId = person.supervisorEmail ? input.lookups.managers.get(lower(person.supervisorEmail)) ?? null : undefined;
	const department = person.department ? input.lookups.departments.get(lower(person.department)) ?? null : undefined;
	const ssn = options.syncSsn && person.countryCode === 'USA' ? input.sensitive?.ssn ?? undefined : undefined;
	const salary = options.syncSalary && kind === 'global_payroll_employee' ? annualSalaryMinor(input.sensitive) : undefined;
	const forms: Wanted['forms'] = {
		basic_information: {
			name: desired.full_name,
			first_name: person.firstName,
			last_name: person.lastName,
			email: desired.login_email,
			personal_email: person.personalEmail,
			work_email: desired.work_email,
			job_title: desired.job_title,
			provisional_start_date: desired.provisional_start_date,
			mobile_number: person.mobile,
			manager: managerId ? { id: managerId } : null,
			department: department ? { id: department.id } : null,
		},
	};
	forms.address_details = desired.address ?? {};
	forms.emergency_contact_details = desired.emergency ?? {};
	if (ssn) forms.administrative_details = { ssn };
	if (salary !== undefined) forms.contract_details = { annual_gross_salary: salary };
	return { forms, managerId, department, ssn, salary };
}

const valueKey = (key: string, v: unknown): string => {
	if (blank(v)) return '';
	if (v && typeof v === 'object') return JSON.stringify((v as { id?: unknown }).id ?? v);
	if (key === 'ssn') return String(v).replace(/-/g, '');
	return lower(v) as string;
};

/**
 * One form as HiBob wants it: every owned key the country's form has, from HiBob (blank → left out,
 * so the replace clears it); the keys the sync does not own, as Remote has them.
 */
function buildForm(
	form: FormKey,
	current: Record<string, unknown> | null | undefined,
	wanted: Record<string, unknown>,
	schema: unknown,
): { owned: Record<string, unknown>; kept: Record<string, unknown>; diffKeys: string[] } {
	const properties = propertiesOf(schema);
	const ownedKeys = OWNED_KEYS[form].filter((k) => (properties ? k in properties : k in wanted && k !== 'manager' && k !== 'department'));
	const owned: Record<string, unknown> = {};
	for (const k of ownedKeys) if (!blank(wanted[k])) owned[k] = wanted[k];
	// Keys the sync does not own (or this country's form has no field for) stay as Remote has them.
	const kept: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(current ?? {})) if (!ownedKeys.includes(k)) kept[k] = v;
	const diffKeys = ownedKeys.filter((k) => valueKey(k, current?.[k]) !== valueKey(k, owned[k]));
	return { owned, kept, diffKeys };
}

function formChangeField(form: FormKey, key: string): string {
	if (form === 'basic_information') return BASIC_FIELD[key] ?? `basic_information.${key}`;
	return `${form}.${key}`;
}

// ---- create (N) -------------------------------------------------------------------------------------

function planCreate(input: PlanInput, kind: SyncKind): PlanStep {
	const { person, options } = input;
	if (person.terminated) {
		return result(input, 'skipped', 'terminated_in_hibob', 'The person is terminated in HiBob and has no Remote employment; nothing is created.');
	}
	if (kind === 'employee') {
		if (!person.startDate) {
			return result(input, 'skipped', 'start_date_not_in_future', 'An EOR employee needs a start date after today in HiBob; it is empty.');
		}
		if (!isoDaysAfter(person.startDate, options.today)) {
			return result(
				input,
				'skipped',
				'start_date_not_in_future',
				`The start date ${person.startDate} is not after today (${options.today}); Remote creates EOR employees only with a future start date.`,
			);
		}
	}
	if (!person.countryCode) {
		return result(input, 'skipped', 'missing_country', 'HiBob has no address country and no work site country for this person.');
	}
	// N3: Remote requires the legal entity that engages a global payroll employee.
	if (kind === 'global_payroll_employee' && input.legalEntityId === undefined) {
		return { done: false, needs: 'legalEntity', country: person.countryCode };
	}
	if (kind === 'global_payroll_employee' && !input.legalEntityId) {
		return result(
			input,
			'skipped',
			'missing_legal_entity',
			`Remote needs the legal entity that engages global payroll employees in ${person.countryCode}, and no global payroll employment there shows one. Copy the legal entity id from Remote (Company settings → Legal entities, or an existing global payroll employment) into the node option "Global Payroll Legal Entity ID". Nothing was created.`,
		);
	}
	const wanted = wantedValues(input, kind);
	const forms = FORMS[kind];
	const parts = formsOfKind(kind).filter((part) => {
		if (part === 'basic_information') return true;
		const values = wanted.forms[part];
		return !!values && Object.values(values).some((v) => !blank(v));
	});
	const formNames = parts.map((part) => forms[part]);
	if (!input.schemas || formNames.some((form) => !(form in input.schemas!))) {
		return { done: false, needs: 'schemas', country: person.countryCode, forms: formNames };
	}
	const schemas = input.schemas;
	const basicSchema = schemas[forms.basic_information];
	const basicProps = propertiesOf(basicSchema) ?? {};
	const built: Partial<Record<FormKey, Record<string, unknown>>> = {};
	for (const part of parts) built[part] = buildForm(part, {}, wanted.forms[part]!, schemas[forms[part]]).owned;
	// A new hire has no prior seniority at the company unless told otherwise.
	if ('has_seniority_date' in basicProps) built.basic_information!.has_seniority_date = 'no';

	// N5: every field the country's forms would refuse, before any write.
	const issues: string[] = [];
	for (const part of parts) {
		for (const issue of validateAgainstSchema(schemas[forms[part]], built[part])) {
			issues.push(`${part}${issue.path ? `.${issue.path}` : ''} ${issue.message}`);
		}
	}
	if (issues.length) {
		return result(
			input,
			'skipped',
			'remote_schema_invalid',
			`Remote's ${person.countryCode} forms would refuse this person: ${issues.join('; ')}. Nothing was created.`,
			{ heldBack: issues.map((issue) => ({ field: issue.split(' ')[0], reason: 'remote_schema_invalid' })) },
		);
	}
	const flat = (prefix: string, values: Record<string, unknown> | undefined): FieldChange[] =>
		Object.entries(values ?? {}).map(([k, v]) => ({ field: `${prefix}.${k}`, from: null, to: v }));
	const createBody: Record<string, unknown> = {
		type: kind,
		country_code: person.countryCode,
		external_id: person.hibobId,
		basic_information: built.basic_information,
	};
	if (kind === 'global_payroll_employee') createBody.engaged_by_legal_entity_id = input.legalEntityId;
	const actions: EmployeeAction[] = [{ type: 'create', body: createBody, changes: flat('basic_information', built.basic_information) }];
	// The other forms follow by PATCH, one form each (Remote's documented sequence); the contract
	// details last (with them Remote may invite the employee, after which the forms are frozen).
	for (const part of ['address_details', 'emergency_contact_details', 'administrative_details'] as FormKey[]) {
		if (built[part]) actions.push({ type: 'patch', fields: {}, forms: { [part]: { owned: built[part]!, kept: {} } }, changes: flat(part, built[part]) });
	}
	const heldBack: HeldBackField[] = [];
	if (wanted.department === null) heldBack.push({ field: 'department', reason: 'department_not_in_remote', to: person.department });
	else if (wanted.department && !('department' in basicProps)) {
		actions.push({
			type: 'patch',
			forms: {},
			fields: { department_id: wanted.department.id },
			changes: [{ field: 'department', from: null, to: wanted.department.name }],
		});
	}
	if (wanted.managerId === null) heldBack.push({ field: 'manager', reason: 'supervisor_not_a_remote_manager', to: person.supervisorEmail });
	else if (wanted.managerId && !('manager' in basicProps)) {
		// manager_id is for active employments only; sent by the first run after activation.
		heldBack.push({ field: 'manager', reason: 'not_updatable_via_api', to: person.supervisorEmail });
	}
	if (built.contract_details)
		actions.push({ type: 'patch', fields: {}, forms: { contract_details: { owned: built.contract_details, kept: {} } }, changes: flat('contract_details', built.contract_details) });
	const sent = holdContractorWrites(kind, options, actions, heldBack);
	const notWritten = heldBack.length ? ` Not written: ${heldBack.map((h) => `${h.field} (${h.reason})`).join(', ')}.` : '';
	const contractorNote = sent.length < actions.length ? ` ${CONTRACTOR_NOT_UPDATABLE}` : '';
	return result(input, 'created', 'created', `Created the ${KIND_LABEL[kind]} in Remote (${person.countryCode}).${notWritten}${contractorNote}`, {
		changes: sent.flatMap((a) => a.changes),
		heldBack,
		actions: sent,
		requests: renderRequests(sent, null),
	});
}

// ---- update (U) -------------------------------------------------------------------------------------

interface Difference {
	field: string;
	from: unknown;
	to: unknown;
}

function planUpdate(input: PlanInput, kind: SyncKind, employment: RemoteEmployment): PlanStep {
	const { person, options } = input;
	const family = statusFamily(employment.status);
	if (employment.type && employment.type !== kind) {
		return result(
			input,
			'skipped',
			'kind_change_needs_manual_action',
			`HiBob says ${KIND_LABEL[kind]} but the Remote employment is a ${KIND_LABEL[employment.type as SyncKind] ?? employment.type}; changing the kind needs a new engagement in Remote.`,
		);
	}
	if (family === 'gone' || family === 'unknown') {
		return result(
			input,
			'skipped',
			'employment_not_active',
			`The Remote employment is ${employment.status}; nothing is written to it.`,
		);
	}
	if (person.terminated && family === 'active') {
		return result(
			input,
			'skipped',
			'terminated_in_hibob',
			'The person is terminated in HiBob but active in Remote. Offboarding is never started automatically: start it in Remote if it is due.',
		);
	}
	const desired = desiredValues(person);
	const listDiffs: Difference[] = [];
	if (!same(employment.full_name, desired.full_name)) listDiffs.push({ field: 'full_name', from: employment.full_name ?? null, to: desired.full_name });
	if (desired.job_title && !same(employment.job_title, desired.job_title))
		listDiffs.push({ field: 'job_title', from: employment.job_title ?? null, to: desired.job_title });
	if (desired.work_email && !same(employment.work_email, desired.work_email))
		listDiffs.push({ field: 'work_email', from: employment.work_email ?? null, to: desired.work_email });
	if (person.personalEmail && !same(employment.personal_email, person.personalEmail))
		listDiffs.push({ field: 'personal_email', from: employment.personal_email ?? null, to: person.personalEmail });
	if (person.department && !same(employment.department, person.department))
		listDiffs.push({ field: 'department', from: employment.department ?? null, to: person.department });
	const needsExternalId = String(employment.external_id ?? '') !== person.hibobId;

	if (family === 'not_started' && kind === 'employee' && person.startDate && !isoDaysAfter(person.startDate, options.today)) {
		return result(
			input,
			'skipped',
			'start_date_not_in_future',
			`The start date ${person.startDate} is not after today (${options.today}); Remote keeps EOR start dates in the future.`,
		);
	}
	if (!input.detail) {
		const remembered = input.remembered;
		// List differences are fine when they are exactly what was held back last time.
		const explained = (d: Difference) =>
			!!remembered?.heldBack.some((h) => h.field === d.field && same(h.to, d.to) && same(h.from, d.from));
		if (remembered && listDiffs.every(explained) && !needsExternalId) {
			if (!remembered.heldBack.length) {
				return result(input, 'unchanged', 'in_sync', 'Remote already matches HiBob (nothing changed since the last run that synced this person).');
			}
			const waiting = remembered.heldBack.every((h) => h.reason === 'onboarding_in_progress');
			return result(
				input,
				'skipped',
				heldBackReason(remembered.heldBack),
				waiting
					? `Remote is onboarding this person (${employment.status}); ${remembered.heldBack.length} difference(s) wait until onboarding completes: ${remembered.heldBack.map((h) => h.field).join(', ')}.`
					: `Differences that cannot be written through Remote's API (unchanged since the last run): ${remembered.heldBack.map((h) => `${h.field} (${h.reason})`).join(', ')}.`,
				{ heldBack: remembered.heldBack },
			);
		}
		return { done: false, needs: 'detail', employmentId: employment.id };
	}
	const detail = input.detail;
	const wanted = wantedValues(input, kind);
	const country = String(employment.country?.code ?? (detail.country as { code?: string } | undefined)?.code ?? person.countryCode ?? '');
	const forms = FORMS[kind];
	const currentForm = (form: FormKey) => (detail[form] ?? {}) as Record<string, unknown>;

	// Forms that differ on the keys the sync owns (first without the country's schema; then fitted to it).
	const candidateForms = formsOfKind(kind).filter((form) => {
		if (!wanted.forms[form]) return false;
		if (form === 'administrative_details' && !wanted.ssn) return false;
		if (form === 'contract_details' && wanted.salary === undefined) return false;
		return buildForm(form, currentForm(form), wanted.forms[form]!, input.schemas?.[forms[form]]).diffKeys.length > 0;
	});
	const writesForms = family === 'not_started' || family === 'active';
	const schemaForms = candidateForms.filter((form) => family === 'not_started' || form === 'address_details' || form === 'emergency_contact_details');
	if (writesForms && schemaForms.length && country && schemaForms.some((form) => !input.schemas || !(forms[form] in input.schemas))) {
		const basic = family === 'not_started' ? [forms.basic_information] : [];
		return { done: false, needs: 'schemas', country, forms: [...new Set([...basic, ...schemaForms.map((f) => forms[f])])] };
	}
	const basicProps = propertiesOf(input.schemas?.[forms.basic_information]) ?? {};

	const changes: FieldChange[] = [];
	const heldBack: HeldBackField[] = [];
	const actions: EmployeeAction[] = [];
	const hold = (field: string, reason: string, from: unknown, to: unknown) => heldBack.push({ field, reason, from, to });
	const managerFrom = detail.manager_email ?? null;
	const managerDiffers = !!person.supervisorEmail && !same(detail.manager_email, person.supervisorEmail);
	const departmentDiff = listDiffs.find((d) => d.field === 'department');
	const currentStart = detail.provisional_start_date ?? (currentForm('basic_information').provisional_start_date as string | undefined) ?? null;
	const startDiffers = !!person.startDate && !same(currentStart, person.startDate);

	if (family === 'onboarding') {
		// U3: the details make up the employment agreement; nothing is written while it is open, and
		// every waiting difference is listed.
		const waiting: HeldBackField[] = listDiffs.map((d) => ({ ...d, reason: 'onboarding_in_progress' }));
		if (startDiffers) waiting.push({ field: 'provisional_start_date', reason: 'onboarding_in_progress', from: currentStart, to: person.startDate });
		if (managerDiffers) waiting.push({ field: 'manager', reason: 'onboarding_in_progress', from: managerFrom, to: person.supervisorEmail });
		for (const form of candidateForms) {
			if (form === 'basic_information') continue;
			const built = buildForm(form, currentForm(form), wanted.forms[form]!, undefined);
			for (const k of built.diffKeys)
				waiting.push({ field: `${form}.${k}`, reason: 'onboarding_in_progress', from: currentForm(form)[k] ?? null, to: built.owned[k] ?? null });
		}
		return result(
			input,
			'skipped',
			'onboarding_in_progress',
			waiting.length
				? `Remote is onboarding this person (${employment.status}); ${waiting.length} difference(s) wait until onboarding completes: ${waiting.map((d) => d.field).join(', ')}.`
				: `Remote is onboarding this person (${employment.status}); nothing is written until onboarding completes.`,
			{ heldBack: waiting },
		);
	}

	// One v1 PATCH with everything Remote takes in this status (and only that).
	const fields: Record<string, unknown> = {};
	const patchForms: FormParts = {};
	const fieldChanges: FieldChange[] = [];
	if (family === 'not_started') {
		// U2: the whole basic information form, built from HiBob (manager and department inside it
		// where the country's form has them).
		if (candidateForms.includes('basic_information')) {
			const built = buildForm('basic_information', currentForm('basic_information'), wanted.forms.basic_information!, input.schemas?.[forms.basic_information]);
			const formChanges = built.diffKeys
				.filter((k) => !(k === 'manager' && wanted.managerId === null) && !(k === 'department' && wanted.department === null))
				.map((k) => {
					if (k === 'manager') return { field: 'manager', from: managerFrom, to: person.supervisorEmail };
					if (k === 'department') return { field: 'department', from: employment.department ?? null, to: person.department };
					return { field: formChangeField('basic_information', k), from: currentForm('basic_information')[k] ?? null, to: built.owned[k] ?? null };
				});
			// A supervisor or department Remote does not know leaves Remote's value as it is.
			const current = currentForm('basic_information');
			if (wanted.managerId === null && current.manager !== undefined) built.owned.manager = current.manager;
			if (wanted.department === null && current.department !== undefined) built.owned.department = current.department;
			if (formChanges.length) {
				patchForms.basic_information = { owned: built.owned, kept: built.kept };
				fieldChanges.push(...formChanges);
			}
		}
		if (!('work_email' in basicProps) && desired.work_email && !same(employment.work_email, desired.work_email)) {
			fields.work_email = desired.work_email;
			fieldChanges.push({ field: 'work_email', from: employment.work_email ?? null, to: desired.work_email });
		}
		if (departmentDiff && !('department' in basicProps)) {
			if (!wanted.department) hold('department', 'department_not_in_remote', departmentDiff.from, departmentDiff.to);
			else {
				fields.department_id = wanted.department.id;
				fieldChanges.push(departmentDiff);
			}
		} else if (departmentDiff && wanted.department === null) hold('department', 'department_not_in_remote', departmentDiff.from, departmentDiff.to);
		if (managerDiffers) {
			if (wanted.managerId === null) hold('manager', 'supervisor_not_a_remote_manager', managerFrom, person.supervisorEmail);
			// manager_id is for active employments only: held back until then.
			else if (!('manager' in basicProps)) hold('manager', 'not_updatable_via_api', managerFrom, person.supervisorEmail);
		}
	} else {
		// active (U4–U7): only what Remote's API takes for an active employment.
		for (const diff of listDiffs) {
			if (diff.field === 'department') continue;
			if (diff.field === 'work_email') {
				fields.work_email = diff.to;
				fieldChanges.push(diff);
			} else if (diff.field === 'job_title') hold('job_title', 'needs_contract_amendment', diff.from, diff.to);
			else hold(diff.field, 'not_updatable_via_api', diff.from, diff.to);
		}
		// U5/U6: for an active employment the start date is a contract term.
		if (startDiffers) hold('provisional_start_date', 'needs_contract_amendment', currentStart, person.startDate);
		if (departmentDiff) {
			if (!wanted.department) hold('department', 'department_not_in_remote', departmentDiff.from, departmentDiff.to);
			else actions.push({ type: 'setDepartment', departmentId: wanted.department.id, changes: [departmentDiff] });
		}
		if (managerDiffers) {
			if (!wanted.managerId) hold('manager', 'supervisor_not_a_remote_manager', managerFrom, person.supervisorEmail);
			else {
				fields.manager_id = wanted.managerId;
				fieldChanges.push({ field: 'manager', from: managerFrom, to: person.supervisorEmail });
			}
		}
	}

	// Address, emergency contact (both families), SSN and salary (not started): whole forms.
	for (const form of ['address_details', 'emergency_contact_details', 'administrative_details', 'contract_details'] as FormKey[]) {
		if (!candidateForms.includes(form)) continue;
		const built = buildForm(form, currentForm(form), wanted.forms[form]!, input.schemas?.[forms[form]]);
		if (!built.diffKeys.length) continue;
		const formChanges = built.diffKeys.map((k) => ({ field: `${form}.${k}`, from: currentForm(form)[k] ?? null, to: built.owned[k] ?? null }));
		const allowed = family === 'not_started' || form === 'address_details' || form === 'emergency_contact_details';
		if (allowed) {
			const issues = input.schemas?.[forms[form]] ? validateAgainstSchema(input.schemas[forms[form]], { ...built.kept, ...built.owned }) : [];
			if (issues.length) {
				for (const c of formChanges) hold(c.field, 'remote_schema_invalid', c.from, c.to);
				continue;
			}
			patchForms[form] = { owned: built.owned, kept: built.kept };
			fieldChanges.push(...formChanges);
		} else {
			const reason = form === 'contract_details' ? 'needs_contract_amendment' : 'not_updatable_via_api';
			for (const c of formChanges) hold(c.field, reason, c.from, c.to);
		}
	}

	// U6: with the option on, an active GP employment's contract terms go to Remote as one amendment.
	let amendment: AmendmentDecision | undefined;
	if (options.submitContractAmendments && kind === 'global_payroll_employee' && family === 'active') {
		const amendable = heldBack.filter((h) => h.reason === 'needs_contract_amendment' && h.field in AMENDABLE_FIELDS);
		if (amendable.length) {
			const decided = planAmendment(input, employment, detail, amendable);
			if ('done' in decided) return decided;
			amendment = decided;
			const rest = heldBack.filter((h) => !amendable.includes(h));
			heldBack.splice(0, heldBack.length, ...rest, ...decided.heldBack);
		}
	}

	// M4: link the employment so later email changes on either side cannot break the match.
	if (needsExternalId) {
		fields.external_id = person.hibobId;
		fieldChanges.push({ field: 'external_id', from: employment.external_id ?? null, to: person.hibobId });
	}
	if (Object.keys(fields).length || Object.keys(patchForms).length) actions.unshift({ type: 'patch', fields, forms: patchForms, changes: fieldChanges });
	if (amendment?.action) actions.push(amendment.action);
	const before = actions.length;
	actions.splice(0, actions.length, ...holdContractorWrites(kind, options, actions, heldBack));
	const contractorNote = actions.length < before ? ` ${CONTRACTOR_NOT_UPDATABLE}` : '';
	for (const action of actions) if (action.type !== 'submitAmendment') changes.push(...action.changes);
	const notWritten = heldBack.length ? ` Not written: ${heldBack.map((h) => `${h.field} (${h.reason})`).join(', ')}.` : '';
	const amendmentNote = amendment ? ` ${amendment.note}` : '';
	if (actions.length) {
		const amendments = heldBack.filter((h) => h.reason === 'needs_contract_amendment');
		const reason = amendment?.reason ?? (amendments.length ? 'needs_contract_amendment' : 'updated');
		// `changes` are the employment update's; an amendment's terms follow them.
		const updated = changes.length ? `Updated ${changes.map((c) => c.field).join(', ')}.` : '';
		return result(input, 'updated', reason, `${updated}${amendmentNote}${notWritten}`.trim(), {
			changes: [...changes, ...(amendment?.changes ?? [])],
			heldBack,
			actions,
			requests: renderRequests(actions, employment.id),
		});
	}
	if (heldBack.length) {
		const reasons = [...new Set(heldBack.map((h) => h.reason))];
		const reason = amendment?.reason ?? (reasons.includes('needs_contract_amendment') ? 'needs_contract_amendment' : reasons[0]);
		return result(
			input,
			'skipped',
			reason,
			amendment
				? `${amendmentNote}${notWritten}`.trim()
				: `Differences that cannot be written through Remote's API: ${heldBack.map((h) => `${h.field} (${h.reason})`).join(', ')}.${contractorNote}`,
			{ heldBack },
		);
	}
	return result(input, 'unchanged', 'in_sync', 'Remote already matches HiBob.');
}


/** The differences a contract amendment can carry (held-back field → key of the amendment form). */
const AMENDABLE_FIELDS: Record<string, string> = {
	job_title: 'job_title',
	provisional_start_date: 'provisional_start_date',
	'contract_details.annual_gross_salary': 'annual_gross_salary',
};

const AMENDABLE_LABELS: Record<string, string> = {
	job_title: 'job title',
	provisional_start_date: 'start date',
	'contract_details.annual_gross_salary': 'annual salary',
};

interface AmendmentDecision {
	/** The `POST /v1/contract-amendments` to send, when one is due. */
	action?: EmployeeAction;
	/** The differences the amendment carries (reported as changes once it is submitted). */
	changes: FieldChange[];
	/** What replaces the amendable fields' held-back entries (those not carried, and why). */
	heldBack: HeldBackField[];
	/** The plan's reason when the amendment decides it. */
	reason?: 'contract_amendment_submitted' | 'contract_amendment_pending' | 'remote_schema_invalid';
	/** A sentence for the plan's message. */
	note: string;
}

function enumOf(schema: unknown): string[] {
	const s = schema as { enum?: unknown[]; oneOf?: Array<{ const?: unknown }> } | undefined;
	if (Array.isArray(s?.enum)) return s.enum.map(String);
	if (Array.isArray(s?.oneOf)) return s.oneOf.map((o) => o?.const).filter((c) => c !== undefined).map(String);
	return [];
}

/**
 * U6: one contract amendment for the held-back contract terms of an active GP employment, unless
 * Remote is already reviewing one for it (never submitted twice) or the country's amendment form
 * would refuse it (N5-style check, every field named).
 */
function planAmendment(
	input: PlanInput,
	employment: RemoteEmployment,
	detail: FullEmployment,
	held: HeldBackField[],
): PlanStep | AmendmentDecision {
	const { person, options } = input;
	const keep = (note: string): AmendmentDecision => ({ changes: [], heldBack: held, note });
	const contractId = detail.active_contract_id;
	if (typeof contractId !== 'string' || contractId === '') {
		return keep('Remote did not give the active contract of this employment, so no contract amendment was submitted.');
	}

	// Never twice: an amendment Remote has not finished reviewing holds any new one back.
	if (!input.contractAmendments) return { done: false, needs: 'detail', part: 'contractAmendments', employmentId: employment.id };
	const pending = input.contractAmendments.filter(
		(a) => isPendingAmendment(a) && (a.employment_id === undefined || String(a.employment_id) === employment.id),
	);
	if (pending.length) {
		const ids = pending.map((a) => String(a.id ?? '?')).join(', ');
		const title = held.find((h) => h.field === 'job_title');
		const sameValues = !title || pending.some((a) => a.job_title === undefined || a.job_title === null || same(a.job_title, title.to));
		return {
			changes: [],
			heldBack: held.map((h) => ({ ...h, reason: 'contract_amendment_pending' })),
			reason: 'contract_amendment_pending',
			note: sameValues
				? `Remote is already reviewing a contract amendment for this employment (${ids}); nothing new was submitted.`
				: `Remote is already reviewing a contract amendment for this employment (${ids}) with other values (job title "${String(pending[0].job_title)}"); a new one is submitted once that review ends.`,
		};
	}

	const country = employment.country?.code ?? (detail.country as { code?: string } | undefined)?.code ?? person.countryCode;
	if (!country) return keep('Remote gave no country for this employment, so its contract amendment form could not be read.');
	const schema = input.schemas?.[CONTRACT_AMENDMENT_FORM];
	if (schema === undefined) {
		return { done: false, needs: 'schemas', country: String(country), forms: [CONTRACT_AMENDMENT_FORM], employmentId: employment.id };
	}
	const properties = (schema as { properties?: Record<string, unknown> })?.properties;
	const knows = (key: string) => !properties || typeof properties !== 'object' || key in properties;

	const carried = held.filter((h) => knows(AMENDABLE_FIELDS[h.field]));
	const notInForm = held.filter((h) => !carried.includes(h));
	const formGap = notInForm.length
		? ` Remote's ${country} amendment form has no field for the ${notInForm.map((h) => AMENDABLE_LABELS[h.field]).join(', ')}.`
		: '';
	if (!carried.length) return keep(`No contract amendment was submitted.${formGap}`);

	const onlyStartDate = carried.length === 1 && carried[0].field === 'provisional_start_date';
	// A hire-date correction takes effect on the (new) hire date; other changes from today, or from a
	// start date that is still ahead.
	const effectiveDate = onlyStartDate
		? String(carried[0].to)
		: person.startDate && isoDaysAfter(person.startDate, options.today)
			? person.startDate
			: options.today;
	const reasons = enumOf(properties?.reason_for_change);
	const reason = onlyStartDate && reasons.includes('error_correction') ? 'error_correction' : 'other';
	const contractAmendment: Record<string, unknown> = { effective_date: effectiveDate, reason_for_change: reason };
	if (knows('reason_for_change_description') && properties) {
		// Names the terms only: the values (salary) stay out of free text.
		contractAmendment.reason_for_change_description = `Requested by the HiBob to Remote sync: the ${carried
			.map((h) => AMENDABLE_LABELS[h.field])
			.join(', ')} in HiBob differ from Remote.`;
	}
	for (const h of carried) contractAmendment[AMENDABLE_FIELDS[h.field]] = h.to;

	const issues = validateAgainstSchema(schema, contractAmendment).map(
		(issue) => `${CONTRACT_AMENDMENT_FORM}${issue.path ? `.${issue.path}` : ''} ${issue.message}`,
	);
	if (issues.length) {
		const carriedKeys = new Set(carried.map((h) => `${CONTRACT_AMENDMENT_FORM}.${AMENDABLE_FIELDS[h.field]}`));
		const others = [...new Set(issues.map((issue) => issue.split(' ')[0]))].filter((field) => !carriedKeys.has(field));
		return {
			changes: [],
			heldBack: [
				...carried.map((h) => ({ ...h, reason: 'remote_schema_invalid' })),
				...others.map((field) => ({ field, reason: 'remote_schema_invalid' })),
				...notInForm,
			],
			reason: 'remote_schema_invalid',
			note: `Remote's ${country} contract amendment form would refuse the amendment: ${issues.join('; ')}. No amendment was submitted.${formGap}`,
		};
	}
	return {
		action: {
			type: 'submitAmendment',
			body: { employment_id: employment.id, amendment_contract_id: contractId, contract_amendment: contractAmendment },
			changes: carried.map((h) => ({ field: h.field, from: h.from, to: h.to })),
		},
		changes: carried.map((h) => ({ field: h.field, from: h.from, to: h.to })),
		heldBack: notInForm,
		reason: 'contract_amendment_submitted',
		note: `Submitted a contract amendment for the ${carried.map((h) => AMENDABLE_LABELS[h.field]).join(', ')} (effective ${effectiveDate}); Remote reviews it before the change applies.${formGap}`,
	};
}

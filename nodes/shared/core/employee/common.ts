/**
 * What every part of the employee plan shares (rules E, M, N, U): the status families, the plan's
 * input and output types, the country forms per kind, and the values a HiBob person should have.
 */
import { DateTime } from 'luxon';
import type { MatchResult, RemoteEmployment } from '../match';
import type { FieldChange, HeldBackField, Outcome, PlannedRequest, SyncKind } from '../outcome';
import type { Person } from '../person';
import type { EmployeeAction } from './actions';

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
	'Remote\'s API does not update contractors ("currently not supported"): change these in Remote, or turn on the option "Contractor Updates Enabled by Remote" if Remote enabled them for your company.';

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

/**
 * The end state of a person after a run: in sync (no `reason`), or in sync except for differences
 * that could not be written. The memory keeps no values, so of those only the reason reported is
 * known (`reason`); the caller has checked that the list shows the same differences (and the same
 * missing external_id) as then.
 */
export interface RememberedResult {
	reason?: string;
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
	| {
			done: false;
			needs: 'detail';
			employmentId: string;
			part?: 'employment' | 'contractAmendments';
	  }
	/** `employmentId`: the employment a per-employment form (contract_amendment) is asked for. */
	| { done: false; needs: 'schemas'; country: string; forms: string[]; employmentId?: string }
	/** The legal entity that engages global payroll employees in `country` (set `legalEntityId`). */
	| { done: false; needs: 'legalEntity'; country: string };

export const KIND_LABEL: Record<SyncKind, string> = {
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

export const lower = (v: unknown) =>
	typeof v === 'string' ? v.trim().toLowerCase() : v === null || v === undefined ? '' : String(v);
export const same = (a: unknown, b: unknown) => lower(a) === lower(b);
export const blank = (v: unknown) => v === null || v === undefined || v === '';

export function result(
	input: PlanInput,
	outcome: Outcome,
	reason: string,
	message: string,
	extra: Partial<Plan> = {},
): PlanStep {
	const employmentId =
		input.match.kind === 'match' || input.match.kind === 'archived'
			? input.match.employment.id
			: null;
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

export function isoDaysAfter(date: string, today: string): boolean {
	return DateTime.fromISO(date, { zone: 'utc' }) > DateTime.fromISO(today, { zone: 'utc' });
}

export function annualSalaryMinor(sensitive: SensitiveValues | undefined): number | undefined {
	const yearly = sensitive?.yearlySalary;
	if (
		!yearly ||
		typeof yearly.value !== 'number' ||
		!Number.isFinite(yearly.value) ||
		yearly.value <= 0
	)
		return undefined;
	if (sensitive?.payPeriod && !/annual|year/i.test(sensitive.payPeriod)) return undefined;
	// N7: minor units, ×100 also for currencies without minor units.
	return Math.round(yearly.value * 100);
}

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
	| { done: false; needs: 'schemas'; country: string; forms: string[]; employmentId?: string };

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

function compact(record: Record<string, unknown> | null | undefined): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(record ?? {})) if (!blank(v)) out[k] = v;
	return out;
}

/** Keeps only the keys a form schema knows (Remote's forms refuse additional properties). */
function fitToSchema(values: Record<string, unknown>, schema: unknown): Record<string, unknown> {
	const properties = (schema as { properties?: Record<string, unknown> })?.properties;
	if (!properties || typeof properties !== 'object') return compact(values);
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(values)) if (k in properties && !blank(v)) out[k] = v;
	return out;
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
	const desired = desiredValues(person);
	const forms = FORMS[kind];
	const ssn = options.syncSsn && person.countryCode === 'USA' ? input.sensitive?.ssn ?? undefined : undefined;
	const salary = options.syncSalary && kind === 'global_payroll_employee' ? annualSalaryMinor(input.sensitive) : undefined;
	const parts = ['basic_information'];
	if (desired.address) parts.push('address_details');
	if (desired.emergency) parts.push('emergency_contact_details');
	if (ssn) parts.push('administrative_details');
	if (salary !== undefined) parts.push('contract_details');
	const formNames = parts.map((part) => forms[part]);
	if (!input.schemas || formNames.some((form) => !(form in input.schemas!))) {
		return { done: false, needs: 'schemas', country: person.countryCode, forms: formNames };
	}
	const schemas = input.schemas;
	const basicCandidate: Record<string, unknown> = {
		name: desired.full_name,
		first_name: person.firstName,
		last_name: person.lastName,
		email: desired.login_email,
		personal_email: person.personalEmail,
		work_email: desired.work_email,
		job_title: desired.job_title,
		provisional_start_date: desired.provisional_start_date,
		mobile_number: person.mobile,
	};
	const basicSchema = schemas[forms.basic_information];
	const basicProps = (basicSchema as { properties?: Record<string, unknown> })?.properties ?? {};
	// A new hire has no prior seniority at the company unless told otherwise.
	if ('has_seniority_date' in basicProps) basicCandidate.has_seniority_date = 'no';
	const body: Record<string, unknown> = {
		type: kind,
		country_code: person.countryCode,
		external_id: person.hibobId,
		basic_information: fitToSchema(basicCandidate, basicSchema),
	};
	if (desired.address) body.address_details = fitToSchema(desired.address, schemas[forms.address_details]);
	if (desired.emergency) body.emergency_contact_details = fitToSchema(desired.emergency, schemas[forms.emergency_contact_details]);
	if (ssn) body.administrative_details = fitToSchema({ ssn }, schemas[forms.administrative_details]);
	if (salary !== undefined) body.contract_details = fitToSchema({ annual_gross_salary: salary }, schemas[forms.contract_details]);

	// N5: every field the country's forms would refuse, before any write.
	const issues: string[] = [];
	for (const part of parts) {
		for (const issue of validateAgainstSchema(schemas[forms[part]], body[part])) {
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
	const changes: FieldChange[] = [];
	const flat = (prefix: string, values: unknown) => {
		for (const [k, v] of Object.entries((values as Record<string, unknown>) ?? {})) {
			changes.push({ field: `${prefix}.${k}`, from: null, to: v });
		}
	};
	flat('basic_information', body.basic_information);
	flat('address_details', body.address_details);
	flat('emergency_contact_details', body.emergency_contact_details);
	flat('administrative_details', body.administrative_details);
	flat('contract_details', body.contract_details);
	const heldBack: HeldBackField[] = [];
	const requests: PlannedRequest[] = [{ method: 'POST', path: '/v1/employments', body, purpose: 'create employment' }];
	if (person.department) {
		const department = input.lookups.departments.get(lower(person.department));
		if (department) {
			requests.push({
				method: 'PATCH',
				path: '/v1/employments/{created}',
				body: { department_id: department.id },
				purpose: 'set department',
			});
			changes.push({ field: 'department', from: null, to: department.name });
		} else if (!department) {
			heldBack.push({ field: 'department', reason: 'department_not_in_remote', to: person.department });
		}
	}
	if (person.supervisorEmail) {
		heldBack.push({ field: 'manager', reason: 'not_updatable_via_api', to: person.supervisorEmail });
	}
	return result(input, 'created', 'created', `Created the ${KIND_LABEL[kind]} in Remote (${person.countryCode}).`, {
		changes,
		heldBack,
		requests,
	});
}

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

	if (family === 'onboarding') {
		// U3: the details make up the employment agreement; nothing is written while it is open.
		return result(
			input,
			'skipped',
			'onboarding_in_progress',
			listDiffs.length
				? `Remote is onboarding this person (${employment.status}); ${listDiffs.length} difference(s) wait until onboarding completes: ${listDiffs.map((d) => d.field).join(', ')}.`
				: `Remote is onboarding this person (${employment.status}); nothing is written until onboarding completes.`,
			{ heldBack: listDiffs.map((d) => ({ ...d, reason: 'onboarding_in_progress' })) },
		);
	}
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
			return result(
				input,
				'skipped',
				heldBackReason(remembered.heldBack),
				`Differences that cannot be written through Remote's API (unchanged since the last run): ${remembered.heldBack.map((h) => `${h.field} (${h.reason})`).join(', ')}.`,
				{ heldBack: remembered.heldBack },
			);
		}
		return { done: false, needs: 'detail', employmentId: employment.id };
	}
	const detail = input.detail;

	const changes: FieldChange[] = [];
	const heldBack: HeldBackField[] = [];
	const body: Record<string, unknown> = {};
	const hold = (field: string, reason: string, from: unknown, to: unknown) => heldBack.push({ field, reason, from, to });

	const basic = { ...(detail.basic_information ?? {}) } as Record<string, unknown>;
	let basicChanged = false;
	const setBasic = (field: string, key: string, from: unknown, to: unknown) => {
		basic[key] = to;
		basicChanged = true;
		changes.push({ field, from, to });
	};

	// Name, emails, job title, start date.
	for (const diff of listDiffs) {
		if (diff.field === 'department') continue;
		if (family === 'not_started') {
			if (diff.field === 'full_name') setBasic('full_name', 'name', diff.from, diff.to);
			else if (diff.field === 'job_title') setBasic('job_title', 'job_title', diff.from, diff.to);
			else if (diff.field === 'personal_email') setBasic('personal_email', 'email', diff.from, diff.to);
			else if (diff.field === 'work_email') {
				body.work_email = diff.to;
				changes.push(diff);
			}
		} else {
			// active
			if (diff.field === 'work_email') {
				body.work_email = diff.to;
				changes.push(diff);
			} else if (diff.field === 'job_title') {
				hold('job_title', 'needs_contract_amendment', diff.from, diff.to);
			} else {
				hold(diff.field, 'not_updatable_via_api', diff.from, diff.to);
			}
		}
	}
	const currentStart = detail.provisional_start_date ?? (basic.provisional_start_date as string | undefined) ?? null;
	if (person.startDate && !same(currentStart, person.startDate)) {
		// U5/U6: for an active employment the start date is a contract term.
		if (family === 'not_started') setBasic('provisional_start_date', 'provisional_start_date', currentStart, person.startDate);
		else hold('provisional_start_date', 'needs_contract_amendment', currentStart, person.startDate);
	}
	if (basicChanged) body.basic_information = basic;

	// Address and emergency contact: compared on the keys we map; the whole object is re-sent.
	if (desired.address) {
		const current = (detail.address_details ?? {}) as Record<string, unknown>;
		const wanted = compact(desired.address);
		const diffKeys = Object.keys(wanted).filter((k) => !same(current[k], wanted[k]));
		if (diffKeys.length) {
			body.address_details = { ...current, ...wanted };
			for (const k of diffKeys) changes.push({ field: `address_details.${k}`, from: current[k] ?? null, to: wanted[k] });
		}
	}
	if (desired.emergency) {
		const current = (detail.emergency_contact_details ?? {}) as Record<string, unknown>;
		const wanted = compact(desired.emergency);
		const diffKeys = Object.keys(wanted).filter((k) => !same(current[k], wanted[k]));
		if (diffKeys.length) {
			body.emergency_contact_details = { ...current, ...wanted };
			for (const k of diffKeys) changes.push({ field: `emergency_contact_details.${k}`, from: current[k] ?? null, to: wanted[k] });
		}
	}

	// Department (by name → Remote department id).
	const deptDiff = listDiffs.find((d) => d.field === 'department');
	if (deptDiff) {
		const department = input.lookups.departments.get(lower(person.department));
		if (!department) hold('department', 'department_not_in_remote', deptDiff.from, deptDiff.to);
		else {
			body.department_id = department.id;
			changes.push(deptDiff);
		}
	}

	// Supervisor → manager_id (a Remote company-manager user; active employments only).
	if (person.supervisorEmail && !same(detail.manager_email, person.supervisorEmail)) {
		const managerId = input.lookups.managers.get(lower(person.supervisorEmail));
		if (family !== 'active') hold('manager', 'not_updatable_via_api', detail.manager_email ?? null, person.supervisorEmail);
		else if (!managerId) hold('manager', 'supervisor_not_a_remote_manager', detail.manager_email ?? null, person.supervisorEmail);
		else {
			body.manager_id = managerId;
			changes.push({ field: 'manager', from: detail.manager_email ?? null, to: person.supervisorEmail });
		}
	}

	// SSN (USA) and salary (GP): compared only when they were read.
	if (options.syncSsn && person.countryCode === 'USA' && input.sensitive?.ssn) {
		const current = (detail.administrative_details ?? {}).ssn;
		if (!same(String(current ?? '').replace(/-/g, ''), input.sensitive.ssn.replace(/-/g, ''))) {
			if (family === 'not_started') {
				body.administrative_details = { ...(detail.administrative_details ?? {}), ssn: input.sensitive.ssn };
				changes.push({ field: 'administrative_details.ssn', from: current ?? null, to: input.sensitive.ssn });
			} else hold('administrative_details.ssn', 'not_updatable_via_api', current ?? null, input.sensitive.ssn);
		}
	}
	if (options.syncSalary && kind === 'global_payroll_employee') {
		const salary = annualSalaryMinor(input.sensitive);
		const current = (detail.contract_details ?? {}).annual_gross_salary;
		if (salary !== undefined && Number(current) !== salary) {
			if (family === 'not_started') {
				body.contract_details = { ...(detail.contract_details ?? {}), annual_gross_salary: salary };
				changes.push({ field: 'contract_details.annual_gross_salary', from: current ?? null, to: salary });
			} else hold('contract_details.annual_gross_salary', 'needs_contract_amendment', current ?? null, salary);
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

	const hasWrites = Object.keys(body).length > 0;
	if (hasWrites && needsExternalId) {
		body.external_id = person.hibobId;
		changes.push({ field: 'external_id', from: employment.external_id ?? null, to: person.hibobId });
	} else if (!hasWrites && needsExternalId) {
		// M4: link the employment so later email changes on either side cannot break the match.
		body.external_id = person.hibobId;
		changes.push({ field: 'external_id', from: employment.external_id ?? null, to: person.hibobId });
	}
	const requests: PlannedRequest[] = Object.keys(body).length
		? [{ method: 'PATCH', path: `/v1/employments/${employment.id}`, body, purpose: 'update employment' }]
		: [];
	if (amendment?.request) requests.push(amendment.request);
	const notWritten = heldBack.length ? ` Not written: ${heldBack.map((h) => `${h.field} (${h.reason})`).join(', ')}.` : '';
	const amendmentNote = amendment ? ` ${amendment.note}` : '';
	if (requests.length) {
		const amendments = heldBack.filter((h) => h.reason === 'needs_contract_amendment');
		const reason = amendment?.reason ?? (amendments.length ? 'needs_contract_amendment' : 'updated');
		// `changes` are the employment update's; an amendment's terms follow them.
		const updated = changes.length ? `Updated ${changes.map((c) => c.field).join(', ')}.` : '';
		return result(input, 'updated', reason, `${updated}${amendmentNote}${notWritten}`.trim(), {
			changes: [...changes, ...(amendment?.changes ?? [])],
			heldBack,
			requests,
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
				: `Differences that cannot be written through Remote's API: ${heldBack.map((h) => `${h.field} (${h.reason})`).join(', ')}.`,
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
	request?: PlannedRequest;
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
		request: {
			method: 'POST',
			path: '/v1/contract-amendments',
			body: { employment_id: employment.id, amendment_contract_id: contractId, contract_amendment: contractAmendment },
			purpose: 'submit contract amendment',
		},
		changes: carried.map((h) => ({ field: h.field, from: h.from, to: h.to })),
		heldBack: notInForm,
		reason: 'contract_amendment_submitted',
		note: `Submitted a contract amendment for the ${carried.map((h) => AMENDABLE_LABELS[h.field]).join(', ')} (effective ${effectiveDate}); Remote reviews it before the change applies.${formGap}`,
	};
}

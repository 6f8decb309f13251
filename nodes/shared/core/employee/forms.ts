/** What HiBob wants in each Remote form, and each form built whole (owned keys from HiBob, the rest kept). */
import type { SyncKind } from '../outcome';
import type { FormKey } from './actions';
import type { PlanInput } from './common';
import { annualSalaryMinor, blank, desiredValues, lower } from './common';

/** The keys of each form the sync owns (it writes them; an empty HiBob value clears them). */
const OWNED_KEYS: Record<FormKey, string[]> = {
	basic_information: [
		'name',
		'first_name',
		'last_name',
		'email',
		'personal_email',
		'work_email',
		'job_title',
		'provisional_start_date',
		'mobile_number',
		'manager',
		'department',
	],
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

export const propertiesOf = (schema: unknown): Record<string, unknown> | undefined => {
	const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
	return properties && typeof properties === 'object' ? properties : undefined;
};

/**
 * The forms the sync keeps in step. Contractors too: Remote's API refuses contractor updates by
 * default, so after their create these are tried once and reported `not_updatable_via_api`.
 */
export function formsOfKind(_kind: SyncKind): FormKey[] {
	return [
		'basic_information',
		'address_details',
		'emergency_contact_details',
		'administrative_details',
		'contract_details',
	];
}

export interface Wanted {
	/** Form → the values HiBob gives for the keys the sync owns (blank = clear). */
	forms: Partial<Record<FormKey, Record<string, unknown>>>;
	/** Remote company-manager user id of the supervisor (undefined: none in HiBob; null: not a Remote manager). */
	managerId?: string | null;
	/** Remote department (undefined: none in HiBob; null: not in Remote). */
	department?: { id: string; name: string } | null;
	ssn?: string;
	salary?: number;
}

export function wantedValues(input: PlanInput, kind: SyncKind): Wanted {
	const { person, options } = input;
	const desired = desiredValues(person);
	const managerId = person.supervisorEmail
		? (input.lookups.managers.get(lower(person.supervisorEmail)) ?? null)
		: undefined;
	const department = person.department
		? (input.lookups.departments.get(lower(person.department)) ?? null)
		: undefined;
	const ssn =
		options.syncSsn && person.countryCode === 'USA'
			? (input.sensitive?.ssn ?? undefined)
			: undefined;
	const salary =
		options.syncSalary && kind === 'global_payroll_employee'
			? annualSalaryMinor(input.sensitive)
			: undefined;
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
export function buildForm(
	form: FormKey,
	current: Record<string, unknown> | null | undefined,
	wanted: Record<string, unknown>,
	schema: unknown,
): { owned: Record<string, unknown>; kept: Record<string, unknown>; diffKeys: string[] } {
	const properties = propertiesOf(schema);
	const ownedKeys = OWNED_KEYS[form].filter((k) =>
		properties ? k in properties : k in wanted && k !== 'manager' && k !== 'department',
	);
	const owned: Record<string, unknown> = {};
	for (const k of ownedKeys) if (!blank(wanted[k])) owned[k] = wanted[k];
	// Keys the sync does not own (or this country's form has no field for) stay as Remote has them.
	const kept: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(current ?? {})) if (!ownedKeys.includes(k)) kept[k] = v;
	const diffKeys = ownedKeys.filter((k) => valueKey(k, current?.[k]) !== valueKey(k, owned[k]));
	return { owned, kept, diffKeys };
}

export function formChangeField(form: FormKey, key: string): string {
	if (form === 'basic_information') return BASIC_FIELD[key] ?? `basic_information.${key}`;
	return `${form}.${key}`;
}

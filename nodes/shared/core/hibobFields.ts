/**
 * The HiBob fields the sync reads, resolved through HiBob's fields metadata (S4): a field is found
 * by its id when the tenant has it, else by its display name inside the same category, so that
 * renamed sections and moved fields keep working. Custom fields ("Sync to Remote") are found by
 * name only: their `field_<ts>` ids differ per tenant (S1).
 */

export interface FieldMeta {
	id: string;
	name?: string;
	category?: string;
	categoryId?: string;
	type?: string;
	jsonPath?: string;
	typeData?: { listId?: string | number } | null;
	historical?: boolean | string;
}

export interface LogicalField {
	key: string;
	id: string;
	names: string[];
	/** The HiBob permission (section) that lets a service user see it (S3). */
	section: string;
	/** Needed by every synced person; missing for all people means a permission is missing. */
	required?: boolean;
}

export const SYNC_FIELD_NAME = 'Sync to Remote';

export const SYNC_FIELD_ITEMS: Array<{
	label: string;
	kind: 'employee' | 'contractor' | 'global_payroll_employee';
}> = [
	{ label: 'As employee', kind: 'employee' },
	{ label: 'As contractor', kind: 'contractor' },
	{ label: 'As global payroll employee', kind: 'global_payroll_employee' },
];

export const LOGICAL_FIELDS: LogicalField[] = [
	{ key: 'id', id: 'root.id', names: ['Employee ID', 'ID'], section: 'Basic info', required: true },
	{
		key: 'email',
		id: 'root.email',
		names: ['Email', 'Work email'],
		section: 'Basic info',
		required: true,
	},
	{
		key: 'firstName',
		id: 'root.firstName',
		names: ['First name'],
		section: 'Basic info',
		required: true,
	},
	{
		key: 'surname',
		id: 'root.surname',
		names: ['Last name', 'Surname'],
		section: 'Basic info',
		required: true,
	},
	{ key: 'displayName', id: 'root.displayName', names: ['Display name'], section: 'Basic info' },
	{
		key: 'title',
		id: 'work.title',
		names: ['Job title', 'Title'],
		section: 'Work',
		required: true,
	},
	{
		key: 'startDate',
		id: 'work.startDate',
		names: ['Start date'],
		section: 'Work',
		required: true,
	},
	{ key: 'department', id: 'work.department', names: ['Department'], section: 'Work' },
	{ key: 'site', id: 'work.site', names: ['Site'], section: 'Work' },
	{ key: 'reportsTo', id: 'work.reportsTo', names: ['Reports to', 'Manager'], section: 'Work' },
	{ key: 'status', id: 'internal.status', names: ['Status'], section: 'Lifecycle (Work)' },
	{
		key: 'lifecycleStatus',
		id: 'internal.lifecycleStatus',
		names: ['Lifecycle status'],
		section: 'Lifecycle (Work)',
	},
	{
		key: 'addressLine1',
		id: 'address.line1',
		names: ['Address line 1', 'Line 1'],
		section: 'Address',
		required: true,
	},
	{
		key: 'addressLine2',
		id: 'address.line2',
		names: ['Address line 2', 'Line 2'],
		section: 'Address',
	},
	{ key: 'city', id: 'address.city', names: ['City'], section: 'Address', required: true },
	{
		key: 'postCode',
		id: 'address.postCode',
		names: ['Postal code', 'Post code', 'Zip code'],
		section: 'Address',
	},
	{ key: 'country', id: 'address.country', names: ['Country'], section: 'Address', required: true },
	{ key: 'usaState', id: 'address.usaState', names: ['State', 'USA state'], section: 'Address' },
	{
		key: 'privateEmail',
		id: 'home.privateEmail',
		names: ['Personal email', 'Private email'],
		section: 'Home',
	},
	{
		key: 'mobilePhone',
		id: 'home.mobilePhone',
		names: ['Mobile phone', 'Personal mobile'],
		section: 'Home',
	},
	{
		key: 'emergencyFirstName',
		id: 'emergency.firstName',
		names: ['First name'],
		section: 'Emergency',
	},
	{
		key: 'emergencySurname',
		id: 'emergency.surname',
		names: ['Last name', 'Surname'],
		section: 'Emergency',
	},
	{
		key: 'emergencyRelation',
		id: 'emergency.relation',
		names: ['Relation', 'Relationship'],
		section: 'Emergency',
	},
	{ key: 'emergencyPhone', id: 'emergency.phone', names: ['Phone'], section: 'Emergency' },
	{
		key: 'emergencyMobile',
		id: 'emergency.mobilePhone',
		names: ['Mobile phone'],
		section: 'Emergency',
	},
	{ key: 'emergencyEmail', id: 'emergency.email', names: ['Email'], section: 'Emergency' },
];

/** Read only inside Remote Upsert Employee, never passed through the workflow (R1). */
export const SENSITIVE_LOGICAL_FIELDS: LogicalField[] = [
	{
		key: 'ssn',
		id: 'identification.ssn',
		names: ['SSN', 'Social security number'],
		section: 'Identification',
	},
	{
		key: 'yearlyPayment',
		id: 'payroll.salary.yearlyPayment',
		names: ['Yearly payment', 'Annual salary'],
		section: 'Payroll',
	},
	{
		key: 'basePayment',
		id: 'payroll.salary.payment',
		names: ['Base salary', 'Payment'],
		section: 'Payroll',
	},
	{ key: 'payPeriod', id: 'payroll.salary.payPeriod', names: ['Pay period'], section: 'Payroll' },
];

export interface ResolvedFields {
	/** logical key → the tenant's field id */
	ids: Record<string, string>;
	/** logical keys the metadata does not know (S3) */
	unknown: string[];
	syncField?: FieldMeta;
}

const norm = (text: unknown) =>
	String(text ?? '')
		.trim()
		.toLowerCase();

function categoryOf(field: FieldMeta): string {
	return norm(field.categoryId ?? field.category ?? field.id.split('.')[0]);
}

/** Accepts the metadata as a bare array or wrapped as `{fields: [...]}` (both are reported). */
export function metadataList(response: unknown): FieldMeta[] {
	const list = Array.isArray(response)
		? response
		: Array.isArray((response as { fields?: unknown })?.fields)
			? (response as { fields: unknown[] }).fields
			: [];
	return list.filter((f): f is FieldMeta => !!f && typeof (f as FieldMeta).id === 'string');
}

export function findSyncField(fields: FieldMeta[]): FieldMeta | undefined {
	const candidates = fields.filter((f) => norm(f.name) === norm(SYNC_FIELD_NAME));
	return candidates.find((f) => norm(f.type).includes('list')) ?? candidates[0];
}

/**
 * The "Sync to Remote" field's id (path) on this tenant, from the raw metadata answer: found by name,
 * never hard-coded (S1). An id without a category (not seen, tolerated) is completed from the entry.
 */
export function findSyncFieldPath(response: unknown): string | undefined {
	const field = findSyncField(metadataList(response));
	if (!field) return undefined;
	const id = field.id.trim();
	if (id.includes('.')) return id;
	const category = field.category ?? '';
	if (category && field.jsonPath) return `${category}.${field.jsonPath}`;
	if (category && id) return `${category}.custom.${id}`;
	return id || undefined;
}

export function resolveFields(
	fields: FieldMeta[],
	wanted: LogicalField[] = LOGICAL_FIELDS,
): ResolvedFields {
	const byId = new Map(fields.map((f) => [f.id, f]));
	const ids: Record<string, string> = {};
	const unknown: string[] = [];
	for (const logical of wanted) {
		if (byId.has(logical.id) || logical.id === 'root.id') {
			ids[logical.key] = logical.id;
			continue;
		}
		const category = logical.id.split('.')[0];
		const byName = fields.find(
			(f) =>
				logical.names.some((name) => norm(f.name) === norm(name)) &&
				(categoryOf(f) === category || norm(f.category) === category),
		);
		if (byName) ids[logical.key] = byName.id;
		else {
			// Unknown to the metadata: still requested by its documented id (HiBob drops it if invalid).
			ids[logical.key] = logical.id;
			unknown.push(logical.key);
		}
	}
	return { ids, unknown, syncField: findSyncField(fields) };
}

const NOT_FOUND = Symbol('not found');

/**
 * Where a field id leads in a people-search record: nested by path (`root.` is the record itself), else
 * the flat `/a/b` key. `present` is whether the record carries the field at all (null included); `raw`
 * is the value as stored (possibly wrapped as `{value}`).
 */
export function locateField(
	record: Record<string, unknown>,
	fieldId: string,
): { present: boolean; raw: unknown; where?: 'nested' | 'slash' } {
	const parts = fieldId.split('.');
	let current: unknown = record;
	for (const part of parts[0] === 'root' ? parts.slice(1) : parts) {
		if (current === null || typeof current !== 'object' || !(part in current)) {
			current = NOT_FOUND;
			break;
		}
		current = (current as Record<string, unknown>)[part];
	}
	if (current !== NOT_FOUND && current !== undefined)
		return { present: true, raw: current, where: 'nested' };
	const slashKey = `/${parts.join('/')}`;
	if (slashKey in record) return { present: true, raw: record[slashKey], where: 'slash' };
	return { present: current !== NOT_FOUND, raw: undefined };
}

/** Reads a value by field id from a people-search record (nested by path, or flat `/a/b` keys). */
export function readField(record: Record<string, unknown> | undefined, fieldId: string): unknown {
	return record ? unwrap(locateField(record, fieldId).raw) : undefined;
}

/** A value wrapped as `{value}` (with at most one other key, e.g. humanReadable), unwrapped. */
export function unwrap(value: unknown): unknown {
	if (value && typeof value === 'object' && !Array.isArray(value) && 'value' in (value as object)) {
		const keys = Object.keys(value as object);
		if (keys.length <= 2) return (value as { value: unknown }).value;
	}
	return value;
}

/** Whether a record carries the field at all (present with any value, null included). */
export function hasField(record: Record<string, unknown> | undefined, fieldId: string): boolean {
	return record ? locateField(record, fieldId).present : false;
}

/**
 * A HiBob person as the sync sees it: the documented, validated item shape that HiBob Get
 * Employees outputs and Remote Upsert Employee takes. Built from a people-search record by a pure
 * function; a record that cannot be synced becomes an item with a reason instead of an exception.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { toAlpha3 } from './countries';
import type { ResolvedFields } from './hibobFields';
import { hasField, readField, SYNC_FIELD_ITEMS } from './hibobFields';
import type { SyncKind } from './outcome';

const text = z.string().nullable();

export const addressSchema = z.object({
	line1: text,
	line2: text,
	city: text,
	postalCode: text,
	state: text,
	country: text,
});

export const emergencyContactSchema = z.object({
	name: z.string(),
	relationship: text,
	phone: text,
	email: text,
});

export const personSchema = z.object({
	valid: z.literal(true),
	hibobId: z.string().min(1),
	kind: z.enum(['employee', 'contractor', 'global_payroll_employee']).nullable(),
	syncValue: text,
	firstName: z.string(),
	lastName: z.string(),
	fullName: z.string().min(1),
	workEmail: text,
	personalEmail: text,
	startDate: text,
	jobTitle: text,
	department: text,
	site: text,
	supervisorEmail: text,
	supervisorName: text,
	mobile: text,
	address: addressSchema.nullable(),
	/** ISO 3166 alpha-3, from the address country, else the work site (N4). */
	countryCode: text,
	emergencyContact: emergencyContactSchema.nullable(),
	active: z.boolean(),
	terminated: z.boolean(),
	lifecycleStatus: text,
	/** Fields HiBob did not return for this person (a permission is missing, S3). */
	missingFields: z.array(z.string()),
	/** Values that are present but unusable, reported without stopping the person. */
	warnings: z.array(z.object({ field: z.string(), reason: z.string() })),
	raw: z.record(z.unknown()).optional(),
});

export type Person = z.infer<typeof personSchema>;

export const invalidPersonSchema = z.object({
	valid: z.literal(false),
	hibobId: z.string().nullable(),
	kind: z.string().nullable().optional(),
	outcome: z.literal('skipped'),
	reason: z.string(),
	message: z.string(),
	fields: z.array(z.string()).optional(),
	/** The name as far as it could be read, so a person can be recognised in the output. */
	name: z.string().nullable().optional(),
});

export type InvalidPerson = z.infer<typeof invalidPersonSchema>;

export type PersonResult = Person | InvalidPerson;

export interface NormaliseContext {
	fields: ResolvedFields;
	/** Item id → label of the "Sync to Remote" list (from the named list), if read. */
	syncListItems?: Map<string, string>;
	/**
	 * Item id → label per list field id (from the named lists), read when HiBob sent values without
	 * `humanReadable` labels (a tenant whose answers leave the node out).
	 */
	listItems?: Record<string, Map<string, string>>;
	includeRaw?: boolean;
}

const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]{2,}$/;
/** Control characters (tab, line feed and carriage return aside), DEL, bidi overrides and zero-width spaces. */
function hasControlCharacters(value: string): boolean {
	for (let i = 0; i < value.length; i++) {
		const code = value.charCodeAt(i);
		if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 127) return true;
		if (code === 0x200b || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069))
			return true;
	}
	return false;
}
const MAX_TEXT = 255;

function invalid(
	hibobId: string | null,
	reason: string,
	message: string,
	fields?: string[],
	kind?: string | null,
): InvalidPerson {
	return {
		valid: false,
		hibobId,
		kind: kind ?? null,
		outcome: 'skipped',
		reason,
		message,
		...(fields ? { fields } : {}),
	};
}

class TextProblem extends Error {
	constructor(
		readonly field: string,
		readonly reason: 'invalid_characters' | 'value_too_long' | 'not_text',
	) {
		super(reason);
	}
}

/** A clean single-line string, or null; throws TextProblem for values that must not be sent. */
function cleanText(value: unknown, field: string): string | null {
	if (value === undefined || value === null) return null;
	if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
	if (typeof value !== 'string') throw new TextProblem(field, 'not_text');
	if (hasControlCharacters(value)) throw new TextProblem(field, 'invalid_characters');
	const trimmed = value.replace(/\s+/g, ' ').trim();
	if (trimmed.length > MAX_TEXT) throw new TextProblem(field, 'value_too_long');
	return trimmed === '' ? null : trimmed;
}

export function normaliseEmail(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	const trimmed = value.trim().toLowerCase();
	return trimmed === '' ? null : trimmed;
}

function validDate(value: string | null): boolean {
	if (!value) return false;
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	return DateTime.fromISO(value, { zone: 'utc' }).isValid;
}

/** The label of a list value: humanReadable first, then the named list, then a value that is a label. */
function label(
	record: Record<string, unknown>,
	fieldId: string,
	value: unknown,
	listItems?: Map<string, string>,
): string | null | undefined {
	if (value === null || value === undefined || value === '') return null;
	const human = readField(record.humanReadable as Record<string, unknown> | undefined, fieldId);
	// A "label" that only repeats a numeric item id is no label.
	if (
		typeof human === 'string' &&
		human.trim() &&
		!(human.trim() === String(value).trim() && /^\d+$/.test(human.trim()))
	) {
		return human;
	}
	if (listItems) {
		const found = listItems.get(String(value));
		if (found) return found;
	}
	if (typeof value === 'string' && !/^\d+$/.test(value.trim())) return value;
	return undefined; // an item id with no label anywhere
}

export function kindFromLabel(labelText: string): SyncKind | undefined {
	const wanted = labelText.trim().toLowerCase();
	return SYNC_FIELD_ITEMS.find(
		(item) => item.label.toLowerCase() === wanted || item.kind === wanted,
	)?.kind;
}

function siteCountry(site: string | null): string | null {
	if (!site) return null;
	const direct = toAlpha3(site);
	if (direct) return direct;
	const parts = site
		.split(/[,/()-]/)
		.map((p) => p.trim())
		.filter(Boolean);
	for (const part of parts.reverse()) {
		const code = toAlpha3(part);
		if (code) return code;
	}
	return null;
}

/**
 * Turns one people-search record into a Person, or into an InvalidPerson with a reason code and
 * a sentence that names the field. Never throws on bad data.
 */
export function normalisePerson(record: unknown, ctx: NormaliseContext): PersonResult {
	const result = normaliseRecord(record, ctx);
	if (result.valid) return result;
	return { ...result, name: nameGuess(record) };
}

/** A best-effort, safe name of a record that could not be used (for the output only). */
function nameGuess(record: unknown): string | null {
	if (!record || typeof record !== 'object') return null;
	const r = record as Record<string, unknown>;
	const parts = [r.firstName, r.surname].filter((p): p is string => typeof p === 'string');
	const raw = parts.join(' ').trim() || (typeof r.displayName === 'string' ? r.displayName : '');
	const clean = Array.from(raw)
		.filter((ch) => !hasControlCharacters(ch))
		.join('')
		.replace(/\s+/g, ' ')
		.trim();
	return clean ? clean.slice(0, 80) : null;
}

/** A record that cannot be synced: thrown by the readers below, turned into an InvalidPerson once. */
class Refusal extends Error {
	constructor(
		readonly hibobId: string | null,
		readonly reason: string,
		readonly sentence: string,
		readonly fields?: string[],
	) {
		super(reason);
	}
}

type Ids = ResolvedFields['ids'];

/**
 * One record, read field group by field group in a fixed order (the first problem is the one
 * reported): the sync kind (E1/E2), the id, name, emails, start date, work details, supervisor,
 * address and country (N4), emergency contact, status.
 */
function normaliseRecord(record: unknown, ctx: NormaliseContext): PersonResult {
	if (!record || typeof record !== 'object' || Array.isArray(record)) {
		return invalid(null, 'invalid_record', 'HiBob returned a record that is not an object.');
	}
	const r = record as Record<string, unknown>;
	const ids = ctx.fields.ids;
	const rawId = r.id ?? readField(r, ids.id ?? 'root.id');
	const hibobId =
		typeof rawId === 'number' ? String(rawId) : typeof rawId === 'string' ? rawId.trim() : '';
	const sync = readSyncKind(r, ctx, hibobId);
	if (sync instanceof Refusal)
		return invalid(sync.hibobId, sync.reason, sync.sentence, sync.fields);
	const kind = sync.kind;
	if (!hibobId)
		return invalid(
			null,
			'missing_hibob_id',
			'The HiBob record has no employee id.',
			['root.id'],
			kind,
		);
	if (!/^[A-Za-z0-9_-]{1,64}$/.test(hibobId)) {
		return invalid(
			null,
			'invalid_hibob_id',
			'The HiBob employee id has unexpected characters.',
			['root.id'],
			kind,
		);
	}
	const missingFields = Object.entries(ids)
		.filter(([key, id]) => key !== 'id' && !hasField(r, id))
		.map(([, id]) => id);
	try {
		const warnings: Array<{ field: string; reason: string }> = [];
		const name = readName(r, ids, hibobId, missingFields);
		const emails = readEmails(r, ids, hibobId, missingFields);
		const startDate = readStartDate(r, ids, hibobId);
		const work = readWork(r, ids, ctx, hibobId, warnings);
		const supervisor = readSupervisor(r, ids, warnings);
		const place = readAddress(r, ids, ctx, hibobId, work.site);
		const emergencyContact = readEmergencyContact(r, ids, ctx);
		const status = String(readField(r, ids.status) ?? 'Active').toLowerCase();
		const lifecycleStatus = cleanText(readField(r, ids.lifecycleStatus), ids.lifecycleStatus);
		const terminated =
			/terminat|left|inactive/.test((lifecycleStatus ?? '').toLowerCase()) || status === 'inactive';
		const person: Person = {
			valid: true,
			hibobId,
			kind,
			syncValue: sync.syncValue,
			...name,
			...emails,
			startDate,
			...work,
			...supervisor,
			mobile: cleanText(readField(r, ids.mobilePhone), ids.mobilePhone),
			...place,
			emergencyContact,
			active: status !== 'inactive',
			terminated,
			lifecycleStatus,
			missingFields,
			warnings,
		};
		if (ctx.includeRaw) person.raw = r;
		return person;
	} catch (error) {
		if (error instanceof Refusal)
			return invalid(error.hibobId, error.reason, error.sentence, error.fields, kind);
		if (error instanceof TextProblem) {
			const sentence =
				error.reason === 'invalid_characters'
					? `The value of ${error.field} contains control or invisible characters.`
					: error.reason === 'value_too_long'
						? `The value of ${error.field} is longer than ${MAX_TEXT} characters.`
						: `The value of ${error.field} is not text.`;
			return invalid(hibobId, error.reason, sentence, [error.field], kind);
		}
		return invalid(
			hibobId,
			'invalid_record',
			`The HiBob record could not be read: ${(error as Error).message}`,
			undefined,
			kind,
		);
	}
}

/** E1/E2: the "Sync to Remote" value, as a label and a kind (none: not flagged). */
function readSyncKind(
	r: Record<string, unknown>,
	ctx: NormaliseContext,
	hibobId: string,
): { kind: SyncKind | null; syncValue: string | null } | Refusal {
	const syncField = ctx.fields.syncField;
	if (!syncField) return { kind: null, syncValue: null };
	const value = readField(r, syncField.id);
	if (value === null || value === undefined || value === '') return { kind: null, syncValue: null };
	const syncLabel = label(
		r,
		syncField.id,
		value,
		ctx.syncListItems ?? ctx.listItems?.[syncField.id],
	);
	if (syncLabel === undefined) {
		return new Refusal(
			hibobId || null,
			'unknown_sync_kind',
			`"Sync to Remote" holds the list item id ${JSON.stringify(String(value))}, which has no label in HiBob's list.`,
			[syncField.id],
		);
	}
	const resolved = syncLabel ? kindFromLabel(syncLabel) : undefined;
	if (!resolved) {
		return new Refusal(
			hibobId || null,
			'unknown_sync_kind',
			`"Sync to Remote" is set to ${JSON.stringify(syncLabel)}, which is not one of: ${SYNC_FIELD_ITEMS.map((i) => i.label).join(', ')}.`,
			[syncField.id],
		);
	}
	return { kind: resolved, syncValue: syncLabel };
}

function readName(r: Record<string, unknown>, ids: Ids, hibobId: string, missingFields: string[]) {
	const firstName = cleanText(readField(r, ids.firstName), ids.firstName) ?? '';
	const lastName = cleanText(readField(r, ids.surname), ids.surname) ?? '';
	const displayName = cleanText(readField(r, ids.displayName), ids.displayName);
	const fullName = [firstName, lastName].filter(Boolean).join(' ') || displayName || '';
	if (!fullName) {
		const hidden = missingFields.includes(ids.firstName) && missingFields.includes(ids.surname);
		throw new Refusal(
			hibobId,
			hidden ? 'field_not_visible' : 'missing_name',
			hidden
				? 'HiBob did not return the first and last name: grant the service user the "Basic info" section.'
				: 'The person has no first name, last name or display name in HiBob.',
			[ids.firstName, ids.surname],
		);
	}
	return { firstName, lastName, fullName };
}

function readEmails(
	r: Record<string, unknown>,
	ids: Ids,
	hibobId: string,
	missingFields: string[],
) {
	const rawWork = readField(r, ids.email);
	const rawPersonal = readField(r, ids.privateEmail);
	const workEmail = normaliseEmail(rawWork);
	const personalEmail = normaliseEmail(rawPersonal);
	for (const [field, value, raw] of [
		[ids.email, workEmail, rawWork],
		[ids.privateEmail, personalEmail, rawPersonal],
	] as const) {
		if (raw !== undefined && raw !== null && typeof raw !== 'string') {
			throw new Refusal(hibobId, 'invalid_email', `The email in ${field} is not text.`, [field]);
		}
		if (value && (!EMAIL.test(value) || value.length > 254 || hasControlCharacters(value))) {
			throw new Refusal(
				hibobId,
				'invalid_email',
				`${JSON.stringify(value)} in ${field} is not a valid email address.`,
				[field],
			);
		}
	}
	if (!workEmail && !personalEmail) {
		const hidden = missingFields.includes(ids.email);
		throw new Refusal(
			hibobId,
			hidden ? 'field_not_visible' : 'missing_email',
			hidden
				? 'HiBob did not return the work email: grant the service user the "Basic info" section.'
				: 'The person has neither a work email nor a personal email in HiBob; Remote needs one.',
			[ids.email, ids.privateEmail],
		);
	}
	return { workEmail, personalEmail };
}

function readStartDate(r: Record<string, unknown>, ids: Ids, hibobId: string): string | null {
	const rawStart = readField(r, ids.startDate);
	if (rawStart === undefined || rawStart === null || rawStart === '') return null;
	const candidate = typeof rawStart === 'string' ? rawStart.trim().slice(0, 10) : '';
	if (typeof rawStart !== 'string' || !validDate(candidate) || rawStart.trim().length > 30) {
		throw new Refusal(
			hibobId,
			'invalid_start_date',
			`The start date ${JSON.stringify(rawStart)} is not a real date (expected YYYY-MM-DD).`,
			[ids.startDate],
		);
	}
	return candidate;
}

/** Job title (a list item must have a label), department (a warning when it has none), work site. */
function readWork(
	r: Record<string, unknown>,
	ids: Ids,
	ctx: NormaliseContext,
	hibobId: string,
	warnings: Person['warnings'],
) {
	const titleValue = readField(r, ids.title);
	const jobTitle = cleanText(
		label(r, ids.title, titleValue, ctx.listItems?.[ids.title]),
		ids.title,
	);
	if (
		titleValue !== null &&
		titleValue !== undefined &&
		titleValue !== '' &&
		label(r, ids.title, titleValue, ctx.listItems?.[ids.title]) === undefined
	) {
		throw new Refusal(
			hibobId,
			'unresolved_list_value',
			`The job title is the HiBob list item ${JSON.stringify(String(titleValue))}, which has no label.`,
			[ids.title],
		);
	}
	const departmentLabel = label(
		r,
		ids.department,
		readField(r, ids.department),
		ctx.listItems?.[ids.department],
	);
	if (departmentLabel === undefined)
		warnings.push({ field: ids.department, reason: 'unresolved_list_value' });
	const department = cleanText(departmentLabel ?? null, ids.department);
	const site = cleanText(
		label(r, ids.site, readField(r, ids.site), ctx.listItems?.[ids.site]) ?? null,
		ids.site,
	);
	return { jobTitle, department, site };
}

function readSupervisor(r: Record<string, unknown>, ids: Ids, warnings: Person['warnings']) {
	const reportsTo = readField(r, ids.reportsTo);
	let supervisorEmail: string | null = null;
	let supervisorName: string | null = null;
	if (reportsTo && typeof reportsTo === 'object') {
		const ref = reportsTo as Record<string, unknown>;
		supervisorEmail = normaliseEmail(ref.email);
		if (supervisorEmail && !EMAIL.test(supervisorEmail)) {
			warnings.push({ field: `${ids.reportsTo}.email`, reason: 'invalid_email' });
			supervisorEmail = null;
		}
		supervisorName =
			cleanText(ref.displayName, ids.reportsTo) ??
			([cleanText(ref.firstName, ids.reportsTo), cleanText(ref.surname, ids.reportsTo)]
				.filter(Boolean)
				.join(' ') ||
				null);
	}
	return { supervisorEmail, supervisorName };
}

/** N4: the address, and the country from the address, else from the work site. */
function readAddress(
	r: Record<string, unknown>,
	ids: Ids,
	ctx: NormaliseContext,
	hibobId: string,
	site: string | null,
) {
	const countryRaw = cleanText(
		label(r, ids.country, readField(r, ids.country), ctx.listItems?.[ids.country]) ??
			readField(r, ids.country),
		ids.country,
	);
	const address = {
		line1: cleanText(readField(r, ids.addressLine1), ids.addressLine1),
		line2: cleanText(readField(r, ids.addressLine2), ids.addressLine2),
		city: cleanText(readField(r, ids.city), ids.city),
		postalCode: cleanText(
			readField(r, ids.postCode) ?? readField(r, 'address.zipCode'),
			ids.postCode,
		),
		state: cleanText(
			label(r, ids.usaState, readField(r, ids.usaState), ctx.listItems?.[ids.usaState]) ?? null,
			ids.usaState,
		),
		country: countryRaw,
	};
	const hasAddress = Object.values(address).some((v) => v !== null);
	let countryCode: string | null;
	if (countryRaw) {
		countryCode = toAlpha3(countryRaw) ?? null;
		if (!countryCode) {
			throw new Refusal(
				hibobId,
				'unknown_country',
				`The address country ${JSON.stringify(countryRaw)} is not a country Remote knows (ISO 3166).`,
				[ids.country],
			);
		}
	} else {
		countryCode = siteCountry(site);
	}
	return { address: hasAddress ? address : null, countryCode };
}

function readEmergencyContact(
	r: Record<string, unknown>,
	ids: Ids,
	ctx: NormaliseContext,
): Person['emergencyContact'] {
	const eFirst = cleanText(readField(r, ids.emergencyFirstName), ids.emergencyFirstName);
	const eLast = cleanText(readField(r, ids.emergencySurname), ids.emergencySurname);
	const eName = [eFirst, eLast].filter(Boolean).join(' ');
	const ePhone =
		cleanText(readField(r, ids.emergencyPhone), ids.emergencyPhone) ??
		cleanText(readField(r, ids.emergencyMobile), ids.emergencyMobile);
	const eEmail = normaliseEmail(readField(r, ids.emergencyEmail));
	if (!eName) return null;
	return {
		name: eName,
		relationship: cleanText(
			label(
				r,
				ids.emergencyRelation,
				readField(r, ids.emergencyRelation),
				ctx.listItems?.[ids.emergencyRelation],
			) ?? null,
			ids.emergencyRelation,
		),
		phone: ePhone,
		email: eEmail && EMAIL.test(eEmail) ? eEmail : null,
	};
}

/**
 * The valid work and personal emails of a record read with only a few fields (the people a batched read
 * does not read in full), for the duplicate check below.
 */
export function recordEmails(record: unknown, fields: ResolvedFields): string[] {
	if (!record || typeof record !== 'object') return [];
	const r = record as Record<string, unknown>;
	return [readField(r, fields.ids.email), readField(r, fields.ids.privateEmail)]
		.map(normaliseEmail)
		.filter(
			(e): e is string => !!e && EMAIL.test(e) && e.length <= 254 && !hasControlCharacters(e),
		);
}

/**
 * Two HiBob people with the same email would both match (or both create) the same Remote
 * employment: both are skipped with `duplicate_hibob_email`. `others` are people read without their
 * other fields (a batched read's unflagged people): their emails count, they are not returned.
 */
export function markDuplicateEmails(
	results: PersonResult[],
	others: Array<{ hibobId: string; emails: string[] }> = [],
): PersonResult[] {
	const counts = new Map<string, string[]>();
	const own = (email: string, hibobId: string) => {
		const owners = counts.get(email);
		if (owners) owners.push(hibobId);
		else counts.set(email, [hibobId]);
	};
	for (const result of results) {
		if (!result.valid) continue;
		for (const email of new Set(
			[result.workEmail, result.personalEmail].filter((e): e is string => !!e),
		)) {
			own(email, result.hibobId);
		}
	}
	for (const other of others) for (const email of new Set(other.emails)) own(email, other.hibobId);
	return results.map((result) => {
		if (!result.valid) return result;
		for (const email of [result.workEmail, result.personalEmail]) {
			const owners = email ? counts.get(email) : undefined;
			if (owners && owners.length > 1) {
				return {
					...invalid(
						result.hibobId,
						'duplicate_hibob_email',
						`The email ${email} belongs to ${owners.length} HiBob people (${owners.join(', ')}); fix it in HiBob so the right Remote employment is updated.`,
						['root.email'],
						result.kind,
					),
					name: result.fullName,
				};
			}
		}
		return result;
	});
}

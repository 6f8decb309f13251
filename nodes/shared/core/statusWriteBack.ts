/**
 * R8: the sync's status written back to HiBob, decided without I/O. Four custom fields in the Work
 * section (created by HiBob → Setup → Create Remote Status Fields, S5) tell HR who is in Remote and
 * who needs action. A person is written only when a value differs from what HiBob holds.
 */
import type { FieldMeta } from './hibobFields';

/** The four fields, found by these names (never by a tenant's `field_<ts>` id, as S1). */
export const STATUS_FIELDS = [
	{
		key: 'employmentId',
		name: 'Remote employment ID',
		type: 'text',
		description: 'The Remote employment this person is linked to (n8n-nodes-hibob-remote)',
	},
	{
		key: 'status',
		name: 'Remote status',
		type: 'text',
		description:
			"The Remote employment's status, e.g. active or onboarding (n8n-nodes-hibob-remote)",
	},
	{
		key: 'result',
		name: 'Remote sync result',
		type: 'text',
		description:
			'The last sync outcome and reason, e.g. "skipped: remote_schema_invalid (mobile_number)" (n8n-nodes-hibob-remote)',
	},
	{
		key: 'lastSynced',
		name: 'Remote last synced',
		type: 'date',
		description: 'The day the sync last wrote this status (n8n-nodes-hibob-remote)',
	},
] as const;

export type StatusKey = (typeof STATUS_FIELDS)[number]['key'];

export type StatusValues = Record<StatusKey, string>;

/** What the sync decided for one person (one output item of Remote Upsert Employee). */
export interface SyncResultForStatus {
	hibobId: string;
	remoteEmploymentId: string | null;
	remoteStatus: string | null;
	outcome: string;
	reason: string;
	/** Field names (never values) the reason is about, e.g. the fields a schema refused. */
	fields?: string[];
}

export interface StatusWrite {
	hibobId: string;
	values: StatusValues;
	/** The keys whose value differs from what HiBob holds (lastSynced included when refreshed). */
	changed: StatusKey[];
}

const MAX_RESULT_LENGTH = 200;

/**
 * The "Remote sync result" text: `outcome: reason`, and the field names the reason is about in
 * brackets. Built from codes and field names only: no value (SSN, salary, …) can reach it.
 */
export function resultText(result: Pick<SyncResultForStatus, 'outcome' | 'reason' | 'fields'>) {
	const safe = (text: string) => text.replace(/[^A-Za-z0-9_.\-[\] ]/g, '');
	const head = `${safe(result.outcome)}: ${safe(result.reason)}`;
	const fields = [...new Set((result.fields ?? []).map(safe).filter(Boolean))];
	if (!fields.length) return head;
	const text = `${head} (${fields.join(', ')})`;
	return text.length <= MAX_RESULT_LENGTH ? text : `${text.slice(0, MAX_RESULT_LENGTH - 2)}…)`;
}

/** A value as HiBob holds it, compared as text ('' for none). */
function held(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'object' && 'value' in (value as object))
		return held((value as { value: unknown }).value);
	return String(value).trim();
}

/**
 * Who needs a write-back, and with what values. `current` is what HiBob holds (hibobId → the four
 * values as read in one people search). "Remote last synced" is today's date; it is refreshed when
 * another value changes, or when the date HiBob holds is older than today (at most one write per
 * person a day when nothing else changes), so that a stale date tells HR the sync stopped for them.
 */
export function planStatusWriteBack(
	results: SyncResultForStatus[],
	current: ReadonlyMap<string, Partial<Record<StatusKey, unknown>>>,
	today: string,
): StatusWrite[] {
	const writes: StatusWrite[] = [];
	const seen = new Set<string>();
	for (const result of results) {
		if (!result.hibobId || seen.has(result.hibobId)) continue;
		seen.add(result.hibobId);
		const now = current.get(result.hibobId) ?? {};
		const values: StatusValues = {
			employmentId: result.remoteEmploymentId ?? '',
			status: result.remoteStatus ?? '',
			result: resultText(result),
			lastSynced: today,
		};
		const changed = (['employmentId', 'status', 'result'] as const).filter(
			(key) => held(now[key]) !== values[key],
		) as StatusKey[];
		const heldDate = held(now.lastSynced).slice(0, 10);
		if (changed.length || heldDate < today) changed.push('lastSynced');
		if (changed.length) writes.push({ hibobId: result.hibobId, values, changed });
	}
	return writes;
}

/**
 * The body of `PUT /v1/people/{id}`: each field under its id's path (`work.custom.field_…` →
 * `{work: {custom: {field_…: value}}}`), as HiBob reads fields. Only the fields that changed.
 */
export function statusUpdateBody(
	write: StatusWrite,
	fieldIds: Record<StatusKey, string>,
): Record<string, unknown> {
	const body: Record<string, unknown> = {};
	for (const key of write.changed) {
		const parts = fieldIds[key].split('.');
		let cursor = body;
		for (const part of parts.slice(0, -1)) {
			cursor[part] = (cursor[part] as Record<string, unknown>) ?? {};
			cursor = cursor[part] as Record<string, unknown>;
		}
		// An empty value clears the field (HiBob takes null for "no value").
		cursor[parts[parts.length - 1]] = write.values[key] === '' ? null : write.values[key];
	}
	return body;
}

/** The four fields as this tenant's metadata lists them, found by name (case and spaces ignored). */
export function findStatusFields(fields: FieldMeta[]): {
	found: Partial<Record<StatusKey, FieldMeta>>;
	missing: StatusKey[];
} {
	const norm = (text: unknown) =>
		String(text ?? '')
			.trim()
			.toLowerCase();
	const found: Partial<Record<StatusKey, FieldMeta>> = {};
	const missing: StatusKey[] = [];
	for (const spec of STATUS_FIELDS) {
		const field = fields.find((f) => norm(f.name) === norm(spec.name));
		if (field) found[spec.key] = field;
		else missing.push(spec.key);
	}
	return { found, missing };
}

/** A field's id as a path (`work.custom.field_…`); an id without a category is completed from the entry. */
export function fieldPath(field: FieldMeta): string {
	const id = field.id.trim();
	if (id.includes('.')) return id;
	const category = field.category ?? '';
	if (category && field.jsonPath) return `${category}.${field.jsonPath}`;
	return category ? `${category}.custom.${id}` : id;
}

/**
 * The result vocabulary every sync node speaks (SYNC_RULES R1): one item per HiBob person or
 * time-off request with an outcome, a machine-readable reason code, a human sentence, the
 * field-level changes and what was left out.
 */
export type Outcome = 'created' | 'updated' | 'unchanged' | 'skipped' | 'failed';

export const OUTCOMES: Outcome[] = ['created', 'updated', 'unchanged', 'skipped', 'failed'];

export type SyncKind = 'employee' | 'contractor' | 'global_payroll_employee';

export const SYNC_KINDS: SyncKind[] = ['employee', 'contractor', 'global_payroll_employee'];

export interface FieldChange {
	field: string;
	from: unknown;
	to: unknown;
}

/** A field that differs but was not written, and why (e.g. needs_contract_amendment). */
export interface HeldBackField {
	field: string;
	reason: string;
	from?: unknown;
	to?: unknown;
}

export interface PlannedRequest {
	method: 'POST' | 'PATCH' | 'GET';
	path: string;
	body?: Record<string, unknown>;
	/** What the request is for, e.g. "create employment", "update address". */
	purpose: string;
}

/** The sensitive fields: their values never leave the node unmasked (R1). */
export const SENSITIVE_FIELDS = new Set([
	'ssn',
	'administrative_details.ssn',
	'annual_gross_salary',
	'contract_details.annual_gross_salary',
	'salary',
	'bank_account',
	'bank_account_details',
	'iban',
	'account_number',
]);

export function isSensitiveField(field: string): boolean {
	if (SENSITIVE_FIELDS.has(field)) return true;
	const last = field.split('.').pop() ?? field;
	return SENSITIVE_FIELDS.has(last) || /ssn|salary|iban|bank|account_number|routing/i.test(last);
}

/** Masks a sensitive value, keeping only enough to recognise it (last two characters). */
export function maskValue(value: unknown): unknown {
	if (value === undefined || value === null || value === '') return value;
	const text = String(value);
	if (text.length <= 2) return '***';
	return `***${text.slice(-2)}`;
}

/** Masks sensitive values anywhere inside a JSON-like value (by key name). */
export function maskDeep<T>(value: T): T {
	if (Array.isArray(value)) return value.map((v) => maskDeep(v)) as unknown as T;
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		const record = value as Record<string, unknown>;
		const fieldName = typeof record.field === 'string' ? record.field : undefined;
		for (const [key, inner] of Object.entries(record)) {
			if (fieldName && isSensitiveField(fieldName) && (key === 'from' || key === 'to')) {
				out[key] = maskValue(inner);
			} else if (isSensitiveField(key) && (typeof inner !== 'object' || inner === null)) {
				out[key] = maskValue(inner);
			} else if (isSensitiveField(key) && inner && typeof inner === 'object') {
				out[key] = maskAll(inner);
			} else {
				out[key] = maskDeep(inner);
			}
		}
		return out as T;
	}
	return value;
}

function maskAll(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(maskAll);
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskAll(v)]));
	}
	return maskValue(value);
}

/** One summary of a run: counts by outcome and by reason. */
export function summarise(results: Array<{ outcome: Outcome; reason: string }>) {
	const byOutcome: Record<string, number> = Object.fromEntries(OUTCOMES.map((o) => [o, 0]));
	const byReason: Record<string, number> = {};
	for (const result of results) {
		byOutcome[result.outcome] = (byOutcome[result.outcome] ?? 0) + 1;
		byReason[result.reason] = (byReason[result.reason] ?? 0) + 1;
	}
	return { total: results.length, byOutcome, byReason };
}

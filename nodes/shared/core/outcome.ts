/**
 * The result vocabulary every sync node speaks (rule R1, docs/sync-rules.md): one item per HiBob person or
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

/** Whole words (of a field name split at `_`, `-`, `.` and camelCase) that mark it sensitive. */
const SENSITIVE_WORDS = new Set([
	'ssn',
	'sin',
	'nin',
	'tin',
	'bsn',
	'nif',
	'nie',
	'cpf',
	'curp',
	'pesel',
	'aadhaar',
	'iban',
	'bic',
	'swift',
	'bank',
	'routing',
	'salary',
	'salaries',
	'wage',
	'wages',
	'bonus',
	'passport',
	'compensation',
]);

/** Word sequences that mark a field name sensitive (matched on its words joined with `_`). */
const SENSITIVE_PHRASES =
	/(^|_)(social_security|social_insurance|national_insurance|national_id|national_identification|identification_number|id_number|personal_number|tax_(id|number|code|identification)|taxpayer|sort_code|account_number|account_no|hourly_rate|pay_rate|day_rate|daily_rate|base_pay|gross_pay|yearly_payment|annual_gross)(_|$)/;

/** The words of a field name: `signingBonusAmount`, `signing_bonus_amount` → signing, bonus, amount. */
function fieldWords(name: string): string[] {
	return name
		.replace(/([a-z0-9])([A-Z])/g, '$1_$2')
		.toLowerCase()
		.split(/[^a-z0-9]+/)
		.filter(Boolean);
}

/**
 * Whether a field (a key, or a dotted path) holds a sensitive value (SSN and other national or tax
 * ids, passport, salary and other pay, bank details), by name; `extra` adds names or paths found
 * elsewhere (e.g. the country forms' hints, `sensitiveKeysOfSchema`).
 */
export function isSensitiveField(field: string, extra?: ReadonlySet<string>): boolean {
	if (SENSITIVE_FIELDS.has(field) || extra?.has(field)) return true;
	const last = field.split('.').pop() ?? field;
	if (SENSITIVE_FIELDS.has(last) || extra?.has(last)) return true;
	return sensitiveByWords(last);
}

/** Field names already judged by their words (the same few dozen keys recur in every item). */
const judgedByWords = new Map<string, boolean>();

function sensitiveByWords(name: string): boolean {
	let verdict = judgedByWords.get(name);
	if (verdict === undefined) {
		const words = fieldWords(name);
		verdict =
			words.some((word) => SENSITIVE_WORDS.has(word)) || SENSITIVE_PHRASES.test(words.join('_'));
		if (judgedByWords.size >= 10_000) judgedByWords.clear();
		judgedByWords.set(name, verdict);
	}
	return verdict;
}

/**
 * The property names a country form (JSON schema) marks as sensitive: money inputs, password inputs,
 * and properties whose title or description names a sensitive value (e.g. "Social security number").
 */
export function sensitiveKeysOfSchema(
	schema: unknown,
	out = new Set<string>(),
	depth = 0,
): Set<string> {
	if (!schema || typeof schema !== 'object' || depth > 12) return out;
	if (Array.isArray(schema)) {
		for (const inner of schema) sensitiveKeysOfSchema(inner, out, depth + 1);
		return out;
	}
	const record = schema as Record<string, unknown>;
	const properties = record.properties;
	if (properties && typeof properties === 'object' && !Array.isArray(properties)) {
		for (const [key, property] of Object.entries(properties as Record<string, unknown>)) {
			const p = (property ?? {}) as Record<string, unknown>;
			const presentation = (p['x-jsf-presentation'] ?? {}) as Record<string, unknown>;
			const label = `${typeof p.title === 'string' ? p.title : ''} ${typeof p.description === 'string' ? p.description : ''}`;
			if (
				presentation.inputType === 'money' ||
				presentation.inputType === 'password' ||
				(label.trim() && isSensitiveField(fieldWords(label.slice(0, 200)).join('_')))
			) {
				out.add(key);
			}
		}
	}
	for (const value of Object.values(record))
		if (value && typeof value === 'object') sensitiveKeysOfSchema(value, out, depth + 1);
	return out;
}

/** Masks a sensitive value, keeping only enough to recognise it (last two characters). */
export function maskValue(value: unknown): unknown {
	if (value === undefined || value === null || value === '') return value;
	const text = String(value);
	if (text.length <= 2) return '***';
	return `***${text.slice(-2)}`;
}

/** Masks sensitive values anywhere inside a JSON-like value (by key name; `extra` as in `isSensitiveField`). */
export function maskDeep<T>(value: T, extra?: ReadonlySet<string>): T {
	if (Array.isArray(value)) return value.map((v) => maskDeep(v, extra)) as unknown as T;
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		const record = value as Record<string, unknown>;
		const fieldName = typeof record.field === 'string' ? record.field : undefined;
		for (const [key, inner] of Object.entries(record)) {
			if (fieldName && isSensitiveField(fieldName, extra) && (key === 'from' || key === 'to')) {
				out[key] = maskValue(inner);
			} else if (isSensitiveField(key, extra) && (typeof inner !== 'object' || inner === null)) {
				out[key] = maskValue(inner);
			} else if (isSensitiveField(key, extra) && inner && typeof inner === 'object') {
				out[key] = maskAll(inner);
			} else {
				out[key] = maskDeep(inner, extra);
			}
		}
		return out as T;
	}
	return value;
}

function maskAll(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(maskAll);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskAll(v)]),
		);
	}
	return maskValue(value);
}

/** An SSN in any common form: 123-45-6789, 123 45 6789, 123.45.6789, 123456789. */
const SSN_SHAPE = /(?<![\d.,])\d{3}([ .\u00a0-]?)\d{2}\1\d{4}(?![\d]|[.,]\d)/g;

/** Currency marks next to an amount. */
const CURRENCY =
	'(?:[$€£¥₹]|\\b(?:USD|EUR|GBP|CHF|CAD|AUD|NZD|JPY|CNY|INR|BRL|MXN|SEK|NOK|DKK|PLN|CZK|HUF|RON|ZAR|SGD|HKD|ILS|AED|TRY|KRW|PHP|IDR|MYR|THB|COP|CLP|ARS|PEN|EGP|NGN|KES|UAH)\\b)';

/** A number as people and APIs write it: digit groups joined by one separator (`85,000.00`, `85 000`). */
const NUMBER = /\d+(?:[ ,.'’\u00a0\u202f]\d+)*/g;

/** An amount with a currency mark before or after it (at least four digits): a salary-shaped value. */
const CURRENCY_AMOUNT = new RegExp(
	`${CURRENCY}\\s?\\d[\\d ,.'’\\u00a0\\u202f]*\\d|\\d[\\d ,.'’\\u00a0\\u202f]*\\d\\s?${CURRENCY}`,
	'g',
);

/** The numbers a written number may stand for: its digits, and with its last one or two digits as decimals. */
function readings(token: string): number[] {
	const digits = token.replace(/\D/g, '');
	const out = [Number(digits)];
	const decimals = /[.,](\d{1,2})$/.exec(token);
	if (decimals)
		out.push(
			Number(digits.slice(0, -decimals[1].length)) + Number(decimals[1]) / 10 ** decimals[1].length,
		);
	return out;
}

/**
 * The values of sensitive fields (`isSensitiveField`, plus `extra`) anywhere in a request body, for
 * `maskSensitiveText`.
 */
export function sensitiveValuesOf(
	value: unknown,
	extra?: ReadonlySet<string>,
	sensitive = false,
	out = new Set<string>(),
): string[] {
	if (Array.isArray(value)) {
		for (const inner of value) sensitiveValuesOf(inner, extra, sensitive, out);
	} else if (value && typeof value === 'object') {
		for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
			sensitiveValuesOf(inner, extra, sensitive || isSensitiveField(key, extra), out);
		}
	} else if (sensitive && (typeof value === 'string' || typeof value === 'number')) {
		const text = String(value).trim();
		if (text.length >= 4 || text.replace(/\D/g, '').length >= 4) out.add(text);
	}
	return [...out].sort((a, b) => b.length - a.length);
}

/**
 * Masks sensitive values in a text (an API's error message), in every form they may be echoed in:
 * the exact values sent (`sent`, from `sensitiveValuesOf`), any number that stands for one of them
 * whatever its separators, decimals or currency (85000 as `USD 85,000.00`, `85.000,00 €`, the minor
 * units `8500000`), and anything shaped like an SSN or a currency amount.
 */
export function maskSensitiveText(text: string, sent: string[] = []): string {
	let out = text;
	for (const value of sent) if (value.length >= 4) out = out.split(value).join('***');
	const numbers = new Set<number>();
	const digitForms = new Set<string>();
	for (const value of sent) {
		const digits = value.replace(/\D/g, '');
		if (digits.length < 4) continue;
		digitForms.add(digits);
		for (const n of readings(value)) {
			// Money travels in minor units (×100) at Remote and in major units at HiBob.
			numbers.add(n);
			numbers.add(n * 100);
			numbers.add(n / 100);
		}
	}
	const matches = (token: string) => {
		const digits = token.replace(/\D/g, '');
		if (digits.length < 4) return false;
		if (digitForms.has(digits)) return true;
		return readings(token).some((n) => [...numbers].some((m) => Math.abs(m - n) < 1e-6));
	};
	out = out.replace(NUMBER, (token) => {
		if (matches(token)) return '***';
		// A run like "2026 85000": look at each group and each run of groups inside it.
		const groups = token.split(/(?<=\d)(?=[ ,.'’\u00a0\u202f])/);
		for (let i = 0; i < groups.length; i++) {
			for (let j = i; j < groups.length; j++) {
				const part = groups
					.slice(i, j + 1)
					.join('')
					.replace(/^[^\d]+/, '');
				if (matches(part)) return '***';
			}
		}
		return token;
	});
	return out
		.replace(SSN_SHAPE, '***')
		.replace(CURRENCY_AMOUNT, (amount) => amount.replace(/\d[\d ,.'’\u00a0\u202f]*\d/, '***'));
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

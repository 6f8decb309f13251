/**
 * Ids that go into a URL path are checked first: an id such as `..` would turn
 * `/v1/timeoff/employees/{id}/requests/{requestId}` into another endpoint (encodeURIComponent leaves
 * dots alone). Each kind as the APIs show it.
 */
export type IdKind = 'hibobEmployee' | 'hibobRequest' | 'remote' | 'country' | 'form' | 'name';

const RULES: Record<IdKind, { pattern: RegExp; what: string }> = {
	// HiBob shows digits; the people rule (person.ts, invalid_hibob_id) also allows letters, `_` and `-`.
	hibobEmployee: {
		pattern: /^[A-Za-z0-9_-]{1,64}$/,
		what: 'a HiBob employee id (letters and digits)',
	},
	hibobRequest: { pattern: /^\d{1,20}$/, what: 'a HiBob time-off request id (an integer)' },
	remote: {
		pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,126}[A-Za-z0-9])?$/,
		what: 'a Remote id (letters, digits and dashes)',
	},
	country: { pattern: /^[A-Za-z]{3}$/, what: 'a three-letter country code' },
	form: { pattern: /^[a-z][a-z_]{0,63}$/, what: 'a Remote form name' },
	/** A name or email (a HiBob list name, a person's email): not `.`/`..`, no slashes, `?`, `#` or line breaks. */
	name: {
		pattern: /^(?!\.{1,2}$)[^/\\?#\s]{1}(?:[^/\\?#\n\r\t]{0,198}[^/\\?#\s])?$/,
		what: 'a usable name',
	},
};

/** Why `value` cannot be used as an id of this kind in a path (a sentence), or undefined. */
export function idProblem(kind: IdKind, value: unknown): string | undefined {
	const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
	if (typeof text === 'string' && RULES[kind].pattern.test(text)) return undefined;
	const shown =
		typeof text === 'string'
			? `"${text.slice(0, 40)}${text.length > 40 ? '…' : ''}"`
			: String(text);
	return `${shown} is not ${RULES[kind].what}`;
}

/** A non-empty string id (trimmed) or a finite number as text, from a payload; otherwise undefined. */
export function asId(value: unknown): string | undefined {
	if (typeof value === 'string' && value.trim() !== '') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

import { createHash } from 'crypto';

/** A JSON text with sorted keys, so equal values always give equal text. */
export function stableStringify(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		return `{${Object.keys(record)
			.filter((k) => record[k] !== undefined)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${stableStringify(record[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(value ?? null);
}

/** A short, stable hash of a value (16 hex characters of SHA-256). */
export function fingerprint(value: unknown): string {
	return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 16);
}

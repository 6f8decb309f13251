import { createHmac } from 'crypto';

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

/**
 * The key of the fingerprints a node keeps in static data, derived from credential secrets (which
 * n8n stores encrypted, never next to the fingerprints). Without it a stored fingerprint cannot be
 * recomputed from a person's values, so a copy of the database does not give away the SSN or salary
 * behind it. A rotated token gives another key: every fingerprint differs once (one full re-read).
 */
export function fingerprintKey(purpose: string, ...secrets: unknown[]): Buffer {
	const hmac = createHmac('sha256', 'n8n-nodes-hibob-remote/fingerprint-key/v2').update(purpose);
	for (const secret of secrets)
		hmac.update('\u0000').update(typeof secret === 'string' ? secret : '');
	return hmac.digest();
}

/** A short, stable, keyed hash of a value: 32 hex characters of HMAC-SHA256 under `key`. */
export function fingerprint(key: Buffer, value: unknown): string {
	return createHmac('sha256', key).update(stableStringify(value)).digest('hex').slice(0, 32);
}

/** Whether a stored value is a fingerprint of this version (older, unkeyed ones are dropped). */
export function isFingerprint(value: unknown): boolean {
	return typeof value === 'string' && /^[0-9a-f]{32}$/.test(value);
}

/** Turns the documented error-body shapes of both APIs into one readable sentence. */
export function describeErrorBody(body: unknown): string | undefined {
	if (body === null || body === undefined || body === '') return undefined;
	if (typeof body === 'string') return body.slice(0, 500);
	if (Array.isArray(body)) {
		const parts = body.map((part) => describeErrorBody(part)).filter(Boolean);
		return parts.length ? parts.join('; ') : undefined;
	}
	if (typeof body !== 'object') return String(body);
	const record = body as Record<string, unknown>;
	// HiBob: {key, error}; Remote: {message: string | {code, message, param|action|resource_id}}
	if (typeof record.error === 'string') return record.error;
	if (record.message !== undefined) {
		const message = record.message;
		if (typeof message === 'string') return message;
		if (Array.isArray(message)) {
			// ParameterError[] / ActionError[]: keep the field each one names.
			const parts = message.map((part) => describeErrorDetail(part)).filter(Boolean);
			return parts.length ? parts.join('; ') : undefined;
		}
		if (message && typeof message === 'object') return describeErrorDetail(message);
	}
	// Remote 422: {errors: {field: ["is invalid"]}} or {errors: [..]}
	if (record.errors !== undefined) {
		const errors = record.errors;
		if (Array.isArray(errors)) return describeErrorBody(errors);
		if (errors && typeof errors === 'object') {
			return Object.entries(errors as Record<string, unknown>)
				.map(
					([field, value]) =>
						`${field}: ${Array.isArray(value) ? value.join(', ') : JSON.stringify(value)}`,
				)
				.join('; ');
		}
	}
	return undefined;
}

/** Remote's ParameterError / ActionError / ResourceError: `{code, message, param|action|resource_type}`. */
function describeErrorDetail(detail: unknown): string | undefined {
	if (!detail || typeof detail !== 'object' || Array.isArray(detail))
		return describeErrorBody(detail);
	const inner = detail as Record<string, unknown>;
	const where = inner.param ?? inner.action ?? inner.resource_type;
	const text = typeof inner.message === 'string' ? inner.message : JSON.stringify(inner);
	return where ? `${text} (${String(where)})` : text;
}

/** What to do after an HTTP error, said the same way for both APIs; `specific` (by status) answers first. */
export function hintFor(label: string, status: number, specific: Record<number, string>): string {
	if (specific[status]) return specific[status];
	if (status === 404) return `${label} does not know this record; it may have been deleted.`;
	if (status === 429)
		return `${label} kept answering "too many requests". Run the workflow again later.`;
	if (status >= 500)
		return `${label} had a temporary problem. Run the workflow again; nothing is written twice.`;
	return 'Check the node settings.';
}

/**
 * What both webhook triggers (HiBob Trigger, Remote Trigger) share: reading a header whatever its
 * case, answering the sender directly, reading the raw body as JSON, and the window of deliveries
 * already turned into executions (kept in the workflow's static data).
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/** A request header, whatever case the sender used for its name. */
export function headerValue(headers: unknown, name: string): unknown {
	if (!headers || typeof headers !== 'object') return undefined;
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
		if (key.toLowerCase() === wanted) return value;
	}
	return undefined;
}

/** Answers the request directly and starts no execution. */
export function answer(
	ctx: IWebhookFunctions,
	status: number,
	body: IDataObject,
): IWebhookResponseData {
	// Express's json() sends the body and ends the response.
	ctx.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

/** Parses the raw body as JSON (a leading byte-order mark is ignored); `undefined` if it is not JSON. */
export function parseRawJson(rawBody: Buffer): unknown {
	const text = rawBody
		.toString('utf8')
		.replace(/^\uFEFF/, '')
		.trim();
	if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/** Deliveries already turned into executions, newest last: `[fingerprint or delivery id, epoch ms]`. */
export type SeenDeliveries = Array<[string, number]>;

/** The default replay window (24 h). Deliveries are remembered by time, however many there are. */
export const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The remembered deliveries whose time is still inside the window (by time only, never by count). */
export function pruneSeen(
	seen: unknown,
	nowMs: number,
	windowMs = DEDUPE_WINDOW_MS,
): SeenDeliveries {
	if (!Array.isArray(seen)) return [];
	return seen.filter(
		(entry): entry is [string, number] =>
			Array.isArray(entry) &&
			typeof entry[0] === 'string' &&
			typeof entry[1] === 'number' &&
			nowMs - entry[1] < windowMs,
	);
}

/**
 * Whether a delivery with this fingerprint already started a run within the window; if not, it is
 * remembered. Either way the pruned list is assigned back to `staticData.seen`, which marks the
 * static data as changed so n8n saves it.
 */
export function seenBefore(
	staticData: IDataObject,
	fingerprint: string,
	nowMs: number,
	windowMs = DEDUPE_WINDOW_MS,
): boolean {
	const seen = pruneSeen(staticData.seen, nowMs, windowMs);
	const repeated = seen.some(([known]) => known === fingerprint);
	if (!repeated) seen.push([fingerprint, nowMs]);
	staticData.seen = pruneSeen(seen, nowMs, windowMs);
	return repeated;
}

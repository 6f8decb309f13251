/**
 * Remote's webhook deliveries, without I/O: the signature and freshness check, the delivery's
 * fingerprint for de-duplication, and reading the flat payload `{event_type, employment_id, ...}`
 * (remote-api.md §8).
 */
import { createHmac, timingSafeEqual } from 'crypto';
import type { IDataObject } from 'n8n-workflow';
import { asId } from '../shared/core/ids';

/** Remote's payloads are a few ids; anything much larger is not from Remote. */
export const MAX_BODY_BYTES = 64 * 1024;
/** A delivery signed longer ago than this is refused (a captured delivery cannot be replayed later). */
export const MAX_AGE_MS = 5 * 60 * 1000;
/** Clocks differ a little: a timestamp up to this far in the future is accepted. */
export const MAX_FUTURE_SKEW_MS = 60 * 1000;

const SHA256_HEX = /^[0-9a-f]{64}$/i;
const EPOCH_MS = /^\d{1,16}$/;

export type DeliveryCheck =
	| 'valid'
	| 'noRawBody'
	| 'tooLarge'
	| 'noSigningKey'
	| 'missingSignature'
	| 'malformedSignature'
	| 'missingTimestamp'
	| 'malformedTimestamp'
	| 'stale'
	| 'future'
	| 'mismatch';

/** What each refusal means, in words for the log (never a key or a signature). */
export const DELIVERY_REFUSALS: Record<
	Exclude<DeliveryCheck, 'valid'>,
	{ status: number; reason: string }
> = {
	noRawBody: {
		status: 401,
		reason: 'n8n did not keep the raw request body, so the signature cannot be checked',
	},
	tooLarge: {
		status: 413,
		reason: `the body is larger than ${MAX_BODY_BYTES / 1024} KB, which no Remote delivery is`,
	},
	noSigningKey: {
		status: 401,
		reason:
			"the node holds no signing key from Remote: deactivate and activate (publish) the workflow again so the node registers with Remote. In n8n's queue mode (n8n 2.40.7) a worker that finishes a run in which a node wrote workflow static data (a Code node's $getWorkflowStaticData) erases the key: keep such nodes in another workflow (README, Running at scale)",
	},
	missingSignature: { status: 401, reason: 'the request has no X-Remote-Signature header' },
	malformedSignature: {
		status: 401,
		reason: 'the X-Remote-Signature header is not a hex HMAC-SHA256 signature',
	},
	missingTimestamp: { status: 401, reason: 'the request has no X-Remote-Timestamp header' },
	malformedTimestamp: {
		status: 401,
		reason: 'the X-Remote-Timestamp header is not a time in milliseconds',
	},
	stale: {
		status: 401,
		reason: `the delivery was signed more than ${MAX_AGE_MS / 60_000} minutes ago (a replay, or a clock far off)`,
	},
	future: { status: 401, reason: 'the delivery is dated in the future (a clock far off)' },
	mismatch: {
		status: 401,
		reason: 'the X-Remote-Signature does not match the signing key Remote gave this node',
	},
};

export interface DeliveryInput {
	signingKeys: string[];
	signature: unknown;
	timestamp: unknown;
	rawBody: unknown;
	nowMs: number;
}

function single(value: unknown): unknown {
	return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

/** HMAC-SHA256 of `raw_body + ":" + timestamp`, keyed by the signing key (Remote's scheme). */
export function remoteSignature(signingKey: string, rawBody: Buffer, timestamp: string): Buffer {
	return createHmac('sha256', Buffer.from(signingKey, 'utf8'))
		.update(rawBody)
		.update(':')
		.update(timestamp)
		.digest();
}

/**
 * Checks one delivery before anything reads its body: size, then the headers, then the age of the
 * timestamp, then the signature against every signing key the node holds (at most one per
 * webhook URL), each compared in constant time over two 32-byte digests.
 */
export function checkRemoteDelivery(input: DeliveryInput): DeliveryCheck {
	const { rawBody, nowMs } = input;
	if (!Buffer.isBuffer(rawBody)) return 'noRawBody';
	if (rawBody.length > MAX_BODY_BYTES) return 'tooLarge';
	const keys = input.signingKeys.filter((key) => typeof key === 'string' && key !== '');
	if (keys.length === 0) return 'noSigningKey';
	const signature = single(input.signature);
	if (signature === undefined || signature === null || signature === '') return 'missingSignature';
	if (typeof signature !== 'string' || !SHA256_HEX.test(signature.trim()))
		return 'malformedSignature';
	const timestamp = single(input.timestamp);
	if (timestamp === undefined || timestamp === null || timestamp === '') return 'missingTimestamp';
	if (typeof timestamp !== 'string' || !EPOCH_MS.test(timestamp.trim()))
		return 'malformedTimestamp';
	const stamp = timestamp.trim();
	const signedAt = Number(stamp);
	if (nowMs - signedAt > MAX_AGE_MS) return 'stale';
	if (signedAt - nowMs > MAX_FUTURE_SKEW_MS) return 'future';
	const provided = Buffer.from(signature.trim(), 'hex');
	let matched = false;
	for (const key of keys) {
		// Every key is tried, so the time taken does not say which one matched.
		if (timingSafeEqual(remoteSignature(key, rawBody, stamp), provided)) matched = true;
	}
	return matched ? 'valid' : 'mismatch';
}

/**
 * The delivery's id for de-duplication: HMAC-SHA256 of the raw body keyed by the signing key. A
 * redelivery carries the same body (with a new timestamp), so it has the same fingerprint; the
 * fingerprint says nothing about the body to someone who reads the static data.
 */
export function deliveryFingerprint(signingKey: string, rawBody: Buffer): string {
	return createHmac('sha256', Buffer.from(signingKey, 'utf8')).update(rawBody).digest('hex');
}

export interface RemoteEvent {
	event: string;
	employmentId?: string;
	companyId?: string;
	/** The other `<resource>_id` fields of the payload (`timeoff_id`, `contract_amendment_id`, ...). */
	resourceIds: IDataObject;
}

/** Reads Remote's flat payload; `undefined` when it carries no `event_type`. */
export function readRemoteEvent(body: unknown): RemoteEvent | undefined {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
	const root = body as IDataObject;
	const type = root.event_type;
	if (typeof type !== 'string' || type.trim() === '') return undefined;
	const event: RemoteEvent = { event: type.trim().toLowerCase(), resourceIds: {} };
	const employmentId = asId(root.employment_id);
	if (employmentId) event.employmentId = employmentId;
	const companyId = asId(root.company_id);
	if (companyId) event.companyId = companyId;
	for (const [key, value] of Object.entries(root)) {
		if (key === 'employment_id' || key === 'company_id' || !key.endsWith('_id')) continue;
		const id = asId(value);
		if (id) event.resourceIds[key] = id;
	}
	return event;
}

/** Employment ids are UUIDs; anything else is not put into a request path. */
export function isEmploymentId(id: string): boolean {
	return /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/.test(id);
}

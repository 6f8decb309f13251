import { createHmac, timingSafeEqual } from 'crypto';
import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';
import { fingerprintKey } from '../shared/core/fingerprint';
import { DEDUPE_WINDOW_MS, parseRawJson, pruneSeen } from '../shared/webhook';
import { asId } from '../shared/core/ids';

export { parseRawJson };

/**
 * The largest body the trigger reads. Bob's v2 deliveries are metadata only (well under 1 KiB), and
 * a v1 delivery with a whole employee is a few KiB; anything bigger is refused with 413 before any
 * work (no signature computed, nothing parsed).
 */
export const MAX_BODY_BYTES = 256 * 1024;

/** HMAC-SHA512 digests are 64 bytes long. */
const SHA512_BYTES = 64;

/** Standard base64, optionally padded; nothing else (no prefix, no whitespace inside). */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export type SignatureCheck =
	'valid' | 'missing' | 'malformed' | 'mismatch' | 'noRawBody' | 'noSecret';

/**
 * Checks HiBob's `Bob-Signature` header: Base64(HMAC-SHA512(secret as UTF-8, raw body bytes)).
 * The header is decoded and must be exactly 64 bytes; the comparison is constant-time over
 * two 64-byte digests, so neither the content nor the length of the secret leaks.
 */
export function checkBobSignature(
	secret: string,
	header: unknown,
	rawBody: unknown,
): SignatureCheck {
	if (!secret) return 'noSecret';
	if (header === undefined || header === null || header === '') return 'missing';
	if (typeof header !== 'string') return 'malformed';
	const value = header.trim();
	if (!BASE64.test(value) || value.length % 4 !== 0) return 'malformed';
	const provided = Buffer.from(value, 'base64');
	if (provided.length !== SHA512_BYTES) return 'malformed';
	if (!Buffer.isBuffer(rawBody)) return 'noRawBody';
	const expected = createHmac('sha512', Buffer.from(secret, 'utf8')).update(rawBody).digest();
	return timingSafeEqual(expected, provided) ? 'valid' : 'mismatch';
}

/**
 * The id of a delivery for de-duplication: HMAC-SHA256 of the raw bytes under a key derived from the
 * webhook secret, so the id kept in static data and shown in the item cannot be matched against
 * guessed payloads by anyone who does not hold the secret.
 */
export function deliveryHash(secret: string, rawBody: Buffer): string {
	return createHmac('sha256', fingerprintKey('webhook-delivery', secret))
		.update(rawBody)
		.digest('hex');
}

/** The longest ping body: `{"text":"Ping test"}` with some spacing. */
const PING_MAX_BYTES = 64;

/**
 * Bob's test delivery when a webhook is saved: the text `Ping test`, or `{"text":"Ping test"}`.
 * Recognised by its exact shape, without parsing: a body longer than a ping is never read here.
 */
export function isPing(rawBody: Buffer): boolean {
	if (rawBody.length > PING_MAX_BYTES) return false;
	const text = rawBody
		.toString('utf8')
		.replace(/^\uFEFF/, '')
		.trim();
	return /^"?ping test"?$/i.test(text) || /^\{\s*"text"\s*:\s*"\s*ping test\s*"\s*\}$/i.test(text);
}

export type EventCategory = 'employee' | 'timeoff';

export interface HiBobEvent {
	event: string;
	category: EventCategory | 'other';
	employeeId?: string;
	requestId?: string;
	fieldUpdates?: string[];
	happenedAt?: string;
	triggeredBy?: string;
	companyId?: string | number;
	version: string;
	getApi?: string;
	deliveryId: string;
}

export const EMPLOYEE_EVENTS = [
	'employee.created',
	'employee.updated',
	'employee.deleted',
	'employee.joined',
	'employee.left',
	'employee.activated',
	'employee.inactivated',
];

export const TIMEOFF_EVENTS = [
	'timeoff.request.requested',
	'timeoff.request.approved',
	'timeoff.request.declined',
	'timeoff.request.updated',
	'timeoff.request.cancelled',
	'timeoff.request.deleted',
];

/**
 * One spelling per event, so the filter and the output do not depend on how Bob spelt it:
 * lower case, and the American "canceled" read as "cancelled".
 */
export function normaliseEventName(type: string): string {
	return type
		.trim()
		.toLowerCase()
		.replace(/\.canceled$/, '.cancelled');
}

function asRecord(value: unknown): IDataObject | undefined {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
}

/** `fieldUpdates: ["root.surname"]` or `fieldUpdatesIds: [{id: "root.surname"}]` (both seen). */
function fieldList(value: unknown): string[] | undefined {
	if (!Array.isArray(value)) return undefined;
	const out: string[] = [];
	for (const entry of value) {
		if (typeof entry === 'string' && entry.trim() !== '') out.push(entry.trim());
		else {
			const record = asRecord(entry);
			const id = asId(record?.id ?? record?.fieldId ?? record?.fieldPath);
			if (id) out.push(id);
		}
	}
	return out;
}

/**
 * Reads a delivery in the v2 envelope (`{companyId, type, triggeredBy, triggeredAt, version, data}`)
 * or a v1 payload (`employee.id`, `data.fieldUpdates`, full objects). Returns `undefined` when the
 * body carries no event type.
 */
export function readEvent(body: unknown, deliveryId: string): HiBobEvent | undefined {
	const root = asRecord(body);
	if (!root) return undefined;
	const rawType = root.type ?? root.event ?? root.eventType ?? root.topic;
	if (typeof rawType !== 'string' || rawType.trim() === '') return undefined;
	const event = normaliseEventName(rawType);
	const data = asRecord(root.data) ?? {};
	const employee = asRecord(root.employee) ?? asRecord(data.employee);
	const category: HiBobEvent['category'] = event.startsWith('employee.')
		? 'employee'
		: event.startsWith('timeoff.')
			? 'timeoff'
			: 'other';

	const result: HiBobEvent = {
		event,
		category,
		version: typeof root.version === 'string' && root.version ? root.version : 'v1',
		deliveryId,
	};
	const employeeId = asId(data.employeeId) ?? asId(employee?.id) ?? asId(root.employeeId);
	if (employeeId) result.employeeId = employeeId;
	if (category === 'timeoff') {
		const request = asRecord(data.timeoffRequest) ?? asRecord(data.request);
		const requestId =
			asId(data.requestId) ?? asId(data.timeoffRequestId) ?? asId(data.id) ?? asId(request?.id);
		if (requestId) result.requestId = requestId;
	}
	const fields =
		fieldList(data.fieldUpdates) ??
		fieldList(data.fieldUpdatesIds) ??
		fieldList(root.fieldUpdates) ??
		fieldList(root.fieldUpdatesIds);
	if (fields) result.fieldUpdates = fields;
	const happenedAt = root.triggeredAt ?? root.creationDate ?? root.createdAt ?? root.timestamp;
	if (typeof happenedAt === 'string' && happenedAt) result.happenedAt = happenedAt;
	const triggeredBy = asId(root.triggeredBy);
	if (triggeredBy) result.triggeredBy = triggeredBy;
	if (typeof root.companyId === 'string' || typeof root.companyId === 'number') {
		result.companyId = root.companyId;
	}
	const getApi = data.getApi ?? root.getApi;
	if (typeof getApi === 'string' && getApi) result.getApi = getApi;
	return result;
}

/** Deliveries already turned into executions: `[delivery id, triggeredAt in epoch ms]` (shared window logic). */
export type { SeenDeliveries } from '../shared/webhook';
export { DEDUPE_WINDOW_MS, pruneSeen };

/**
 * How far `triggeredAt` may be ahead of this clock. Bob writes it without a zone (read as UTC); 14 h
 * covers a sender that used local time anywhere on Earth. A delivery is remembered until its
 * `triggeredAt` leaves the window, so a tolerated future time cannot be replayed later either.
 */
export const MAX_FUTURE_SKEW_MS = 14 * 60 * 60 * 1000;

/** `triggeredAt` in epoch ms: ISO 8601, UTC when it carries no zone (as Bob sends it). */
export function triggeredAtMs(value: string | undefined): number | undefined {
	if (!value) return undefined;
	const parsed = DateTime.fromISO(value.trim(), { zone: 'utc' });
	return parsed.isValid ? parsed.toMillis() : undefined;
}

/** Whether a delivery's time lies inside the replay window: 'ok', 'old' or 'future'. */
export function deliveryAge(triggeredMs: number, nowMs: number): 'ok' | 'old' | 'future' {
	if (triggeredMs <= nowMs - DEDUPE_WINDOW_MS) return 'old';
	if (triggeredMs > nowMs + MAX_FUTURE_SKEW_MS) return 'future';
	return 'ok';
}

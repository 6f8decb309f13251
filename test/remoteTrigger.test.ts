/**
 * Remote Trigger (Remote webhooks): registration with Remote on activation, signed deliveries
 * checked before anything is read, repeats ignored, and one item per delivery carrying the HiBob
 * employee id Remote holds as the employment's external_id. Everything goes over real HTTP to the
 * fake Remote, whose webhooks (test/fakes/remoteWebhooks.ts) follow remote-api.md §8.
 *
 * "Now" is pinned: only `Date` is faked (timers and the network run normally).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { StoredCallback } from '../nodes/RemoteTrigger/RemoteTrigger.node';
import { RemoteTrigger } from '../nodes/RemoteTrigger/RemoteTrigger.node';
import { MAX_BODY_BYTES } from '../nodes/RemoteTrigger/remoteWebhook';
import { RemoteFake, signRemoteDelivery, TEST_CREDENTIALS } from './fakes';
import { runHook, runWebhook } from './harness/n8n';

const PINNED_NOW = Date.parse('2031-03-12T09:30:00.000Z');
const WEBHOOK_URL = 'http://127.0.0.1:5678/webhook/0d5c0f57-remote/remote';
const trigger = new RemoteTrigger();

beforeAll(() => {
	jest.useFakeTimers({
		now: PINNED_NOW,
		doNotFake: [
			'hrtime',
			'nextTick',
			'performance',
			'queueMicrotask',
			'requestAnimationFrame',
			'cancelAnimationFrame',
			'requestIdleCallback',
			'cancelIdleCallback',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
		],
	});
});

afterAll(() => {
	jest.useRealTimers();
});

let remote: RemoteFake;

function credentials() {
	return {
		remoteApi: {
			apiToken: TEST_CREDENTIALS.remoteToken,
			environment: 'custom',
			customUrl: remote.url,
		},
	};
}

beforeEach(async () => {
	remote = await RemoteFake.start({
		token: TEST_CREDENTIALS.remoteToken,
		employments: [
			{
				id: 'e1000000-0000-4000-8000-000000000001',
				external_id: '3332883884017713938',
				status: 'invited',
				full_name: 'Ada Linked',
			},
			{
				id: 'e1000000-0000-4000-8000-000000000002',
				external_id: null,
				status: 'invited',
				full_name: 'Nobody Linked',
			},
		],
	});
});

afterEach(async () => {
	await remote.webhooks.idle();
	await remote.close();
});

const LINKED = 'e1000000-0000-4000-8000-000000000001';
const UNLINKED = 'e1000000-0000-4000-8000-000000000002';

interface HookOptions {
	staticData: IDataObject;
	events?: string[];
	url?: string;
	logs?: string[];
}

function hook(method: 'checkExists' | 'create' | 'delete', options: HookOptions) {
	const parameters: IDataObject = {};
	if (options.events) parameters.events = options.events;
	return runHook(trigger, method, {
		parameters: parameters as any,
		credentials: credentials() as any,
		staticData: options.staticData,
		webhookUrl: options.url ?? WEBHOOK_URL,
		logs: options.logs,
	});
}

/** What n8n does on activation: create only when checkExists says no. */
async function activate(options: HookOptions): Promise<boolean> {
	const exists = await hook('checkExists', options);
	if (exists.result) return false;
	await hook('create', options);
	return true;
}

function stored(staticData: IDataObject): StoredCallback[] {
	return (staticData.callbacks as StoredCallback[]) ?? [];
}

interface DeliverOptions {
	staticData: IDataObject;
	headers?: Record<string, string>;
	events?: string[];
	dedupeMinutes?: number;
	logs?: string[];
	noRawBody?: boolean;
}

async function deliver(body: string | Buffer, options: DeliverOptions) {
	const raw = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw.toString('utf8'));
	} catch {
		parsed = {};
	}
	const parameters: IDataObject = {};
	if (options.events) parameters.events = options.events;
	if (options.dedupeMinutes !== undefined)
		parameters.options = { dedupeMinutes: options.dedupeMinutes };
	const run = await runWebhook(trigger, {
		parameters: parameters as any,
		credentials: credentials() as any,
		mode: 'webhook',
		staticData: options.staticData,
		logs: options.logs,
		webhookUrl: WEBHOOK_URL,
		request: {
			headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
			body: parsed,
			rawBody: options.noRawBody ? (undefined as any) : raw,
		},
	});
	const items: INodeExecutionData[] = run.result.workflowData?.[0] ?? [];
	return { ...run, executions: run.result.workflowData ? 1 : 0, items };
}

function signedHeaders(
	key: string,
	body: string | Buffer,
	timestampMs = Date.now(),
): Record<string, string> {
	const timestamp = String(timestampMs);
	return {
		'X-Remote-Signature': signRemoteDelivery(key, body, timestamp),
		'X-Remote-Timestamp': timestamp,
	};
}

async function registered(events?: string[]) {
	const staticData: IDataObject = {};
	await activate({ staticData, events });
	const key = stored(staticData)[0].signingKey;
	return { staticData, key };
}

function payload(event: string, employmentId: string | null, extra: IDataObject = {}): string {
	return JSON.stringify({
		event_type: event,
		...(employmentId ? { employment_id: employmentId } : {}),
		company_id: remote.companyId,
		...extra,
	});
}

describe('Remote Trigger: registration with Remote (webhook lifecycle)', () => {
	it('R7: activation registers the Production URL with the default events and keeps the signing key', async () => {
		const staticData: IDataObject = {};
		expect(await activate({ staticData })).toBe(true);
		expect(remote.webhooks.callbacks).toHaveLength(1);
		const [callback] = remote.webhooks.callbacks;
		expect(callback.url).toBe(WEBHOOK_URL);
		expect([...callback.subscribed_events].sort()).toEqual([
			'contract_amendment.canceled',
			'contract_amendment.done',
			'employment.details.updated',
			'employment.onboarding.completed',
			'employment.status.updated',
			'employment.user_status.activated',
			'employment.work_email.updated',
		]);
		expect(stored(staticData)).toEqual([
			expect.objectContaining({
				id: callback.id,
				url: WEBHOOK_URL,
				signingKey: callback.signing_key,
			}),
		]);
		expect(remote.count('POST /v1/webhook-callbacks')).toBe(1);
	});

	it('R7: activating again (n8n restart) finds the callback and registers nothing more', async () => {
		const staticData: IDataObject = {};
		await activate({ staticData });
		expect(await activate({ staticData })).toBe(false);
		expect(remote.webhooks.callbacks).toHaveLength(1);
		expect(remote.count('POST /v1/webhook-callbacks')).toBe(1);
	});

	it('R7: deactivation deletes the callback at Remote and forgets the key; re-activation leaves exactly one', async () => {
		const staticData: IDataObject = {};
		await activate({ staticData });
		const first = remote.webhooks.callbacks[0].id;
		const removed = await hook('delete', { staticData });
		expect(removed.result).toBe(true);
		expect(remote.webhooks.callbacks).toHaveLength(0);
		expect(stored(staticData)).toEqual([]);
		await activate({ staticData });
		expect(remote.webhooks.callbacks).toHaveLength(1);
		expect(remote.webhooks.callbacks[0].id).not.toBe(first);
	});

	it('R7: changing the events replaces the callback (the old one is deleted first)', async () => {
		const staticData: IDataObject = {};
		await activate({ staticData });
		const old = remote.webhooks.callbacks[0].id;
		expect(await activate({ staticData, events: ['employment.onboarding.completed'] })).toBe(true);
		expect(remote.webhooks.callbacks).toHaveLength(1);
		expect(remote.webhooks.callbacks[0].id).not.toBe(old);
		expect(remote.webhooks.callbacks[0].subscribed_events).toEqual([
			'employment.onboarding.completed',
		]);
		expect(stored(staticData)).toHaveLength(1);
	});

	it('R7: a deactivation that cannot reach Remote keeps the record; the next activation removes the old callback first', async () => {
		const staticData: IDataObject = {};
		await activate({ staticData });
		remote.failNext('DELETE /v1/webhook-callbacks/:id', { status: 401 });
		const logs: string[] = [];
		const removed = await hook('delete', { staticData, logs });
		expect(removed.result).toBe(false);
		expect(logs.join('\n')).toMatch(/could not delete Remote callback/);
		expect(remote.webhooks.callbacks).toHaveLength(1);
		expect(stored(staticData)).toHaveLength(1);
		// Whatever n8n thinks, a new activation never leaves two callbacks.
		await hook('create', { staticData });
		expect(remote.webhooks.callbacks).toHaveLength(1);
		expect(stored(staticData)).toHaveLength(1);
		expect(stored(staticData)[0].id).toBe(remote.webhooks.callbacks[0].id);
	});

	it('R7: a callback already deleted at Remote (404) counts as deleted', async () => {
		const staticData: IDataObject = {};
		await activate({ staticData });
		remote.webhooks.callbacks.length = 0;
		const removed = await hook('delete', { staticData });
		expect(removed.result).toBe(true);
		expect(stored(staticData)).toEqual([]);
	});

	it('R7: the test URL and the Production URL each have their own callback and key', async () => {
		const staticData: IDataObject = {};
		await activate({ staticData });
		await activate({
			staticData,
			url: 'http://127.0.0.1:5678/webhook-test/0d5c0f57-remote/remote',
		});
		expect(remote.webhooks.callbacks.map((c) => c.url).sort()).toEqual(
			['http://127.0.0.1:5678/webhook-test/0d5c0f57-remote/remote', WEBHOOK_URL].sort(),
		);
		await hook('delete', {
			staticData,
			url: 'http://127.0.0.1:5678/webhook-test/0d5c0f57-remote/remote',
		});
		expect(remote.webhooks.callbacks.map((c) => c.url)).toEqual([WEBHOOK_URL]);
		expect(stored(staticData).map((c) => c.url)).toEqual([WEBHOOK_URL]);
	});

	it('R7: no event selected stops activation with a message saying what to do; nothing is registered', async () => {
		const staticData: IDataObject = {};
		await expect(hook('create', { staticData, events: [] })).rejects.toThrow(
			/No Remote events are selected/,
		);
		expect(remote.webhooks.callbacks).toHaveLength(0);
	});

	it("R7: a wrong Remote token stops activation with Remote's hint, and the token appears nowhere", async () => {
		const staticData: IDataObject = {};
		const logs: string[] = [];
		const wrong = {
			remoteApi: {
				apiToken: 'ra_test_wrong-token-value',
				environment: 'custom',
				customUrl: remote.url,
			},
		};
		const error = await runHook(trigger, 'create', {
			parameters: {},
			credentials: wrong as any,
			staticData,
			webhookUrl: WEBHOOK_URL,
			logs,
		}).catch((e: Error) => e);
		expect(error).toBeInstanceOf(Error);
		expect(
			JSON.stringify({ message: (error as any).message, description: (error as any).description }),
		).toMatch(/token/i);
		expect(JSON.stringify(error) + (error as Error).message + logs.join('\n')).not.toContain(
			'wrong-token-value',
		);
		expect(remote.webhooks.callbacks).toHaveLength(0);
	});
});

describe('Remote Trigger: signed deliveries', () => {
	it('R7: a signed onboarding-completed delivery starts one run with the HiBob id read from Remote', async () => {
		const { staticData, key } = await registered();
		const body = payload('employment.onboarding.completed', LINKED);
		const run = await deliver(body, { staticData, headers: signedHeaders(key, body) });
		expect(run.responded).toEqual({ status: 200, body: { received: true } });
		expect(run.executions).toBe(1);
		expect(run.items.map((i) => i.json)).toEqual([
			{
				event: 'employment.onboarding.completed',
				employmentId: LINKED,
				hibobId: '3332883884017713938',
				remoteStatus: 'invited',
				companyId: remote.companyId,
				deliveryId: expect.stringMatching(/^[0-9a-f]{64}$/),
			},
		]);
		expect(remote.count('GET /v1/employments/:id')).toBe(1);
		// R1: neither the signing key nor the Remote token reaches the output, the log or the answer.
		const everything =
			JSON.stringify(run.items) + run.logs.join('\n') + JSON.stringify(run.responded);
		expect(everything).not.toContain(key);
		expect(everything).not.toContain(TEST_CREDENTIALS.remoteToken);
	});

	it('R7: an employment with no external_id → one item with the reason, nothing else', async () => {
		const { staticData, key } = await registered();
		const body = payload('employment.onboarding.completed', UNLINKED);
		const run = await deliver(body, { staticData, headers: signedHeaders(key, body) });
		expect(run.executions).toBe(1);
		expect(run.items).toHaveLength(1);
		expect(run.items[0].json).toMatchObject({
			employmentId: UNLINKED,
			hibobId: null,
			reason: 'no_external_id',
		});
		expect(String(run.items[0].json.message)).toMatch(/external ID/);
		expect(remote.writeCount()).toBe(1); // only the registration
	});

	it('R7: an employment Remote does not know → one item with reason employment_not_found', async () => {
		const { staticData, key } = await registered();
		const body = payload('employment.status.updated', 'e1000000-0000-4000-8000-0000000000ff');
		const run = await deliver(body, { staticData, headers: signedHeaders(key, body) });
		expect(run.items.map((i) => i.json.reason)).toEqual(['employment_not_found']);
	});

	it('R7: an employment id that is not a Remote id is never put in a request path', async () => {
		const { staticData, key } = await registered();
		const body = payload('employment.status.updated', '../companies/x');
		const run = await deliver(body, { staticData, headers: signedHeaders(key, body) });
		expect(run.items.map((i) => i.json.reason)).toEqual(['invalid_employment_id']);
		expect(remote.count('GET /v1/employments/:id')).toBe(0);
	});

	it('R7: other resource ids of the payload are passed on (timeoff_id)', async () => {
		const { staticData, key } = await registered(['timeoff.approved']);
		const body = payload('timeoff.approved', LINKED, {
			timeoff_id: 'aaaa0000-0000-4000-8000-000000000001',
		});
		const run = await deliver(body, {
			staticData,
			headers: signedHeaders(key, body),
			events: ['timeoff.approved'],
		});
		expect(run.items[0].json).toMatchObject({
			event: 'timeoff.approved',
			hibobId: '3332883884017713938',
			timeoff_id: 'aaaa0000-0000-4000-8000-000000000001',
		});
	});

	it('R7: an event not selected, or a body without event_type, is answered 200 and starts nothing', async () => {
		const { staticData, key } = await registered();
		const other = payload('expense.approved', LINKED);
		const a = await deliver(other, { staticData, headers: signedHeaders(key, other) });
		expect(a.executions).toBe(0);
		expect(a.responded).toEqual({
			status: 200,
			body: { received: true, ignored: 'event not selected' },
		});
		const none = JSON.stringify({ employment_id: LINKED });
		const b = await deliver(none, { staticData, headers: signedHeaders(key, none) });
		expect(b.executions).toBe(0);
		expect(b.responded?.status).toBe(200);
		expect(remote.count('GET /v1/employments/:id')).toBe(0);
	});

	describe('R7: signature and timestamp table', () => {
		const body = () => payload('employment.onboarding.completed', LINKED);
		const hmacHex = (key: string, text: string, ts: string, algorithm = 'sha256') =>
			createHmac(algorithm, key).update(text).update(':').update(ts).digest('hex');
		const cases: Array<{
			name: string;
			headers: (key: string, b: string) => Record<string, string>;
			status: number | 'run';
			sentBody?: (b: string) => string;
		}> = [
			{
				name: 'valid signature, timestamp now',
				headers: (k, b) => signedHeaders(k, b),
				status: 'run',
			},
			{
				name: 'header names in lower case',
				headers: (k, b) => ({
					'x-remote-signature': signRemoteDelivery(k, b, String(PINNED_NOW)),
					'x-remote-timestamp': String(PINNED_NOW),
				}),
				status: 'run',
			},
			{
				name: 'signed 4 min 59 s ago',
				headers: (k, b) => signedHeaders(k, b, PINNED_NOW - 299_000),
				status: 'run',
			},
			{
				name: 'dated 30 s in the future (clock skew)',
				headers: (k, b) => signedHeaders(k, b, PINNED_NOW + 30_000),
				status: 'run',
			},
			{
				name: 'signed 5 min 1 s ago (replay)',
				headers: (k, b) => signedHeaders(k, b, PINNED_NOW - 301_000),
				status: 401,
			},
			{
				name: 'dated 2 min in the future',
				headers: (k, b) => signedHeaders(k, b, PINNED_NOW + 120_000),
				status: 401,
			},
			{
				name: 'timestamp in seconds',
				headers: (k, b) => signedHeaders(k, b, Math.floor(PINNED_NOW / 1000)),
				status: 401,
			},
			{
				name: 'timestamp as a date string',
				headers: (k, b) => ({
					'X-Remote-Signature': hmacHex(k, b, '2031-03-12T09:30:00Z'),
					'X-Remote-Timestamp': '2031-03-12T09:30:00Z',
				}),
				status: 401,
			},
			{
				name: 'no timestamp',
				headers: (k, b) => ({ 'X-Remote-Signature': hmacHex(k, b, '') }),
				status: 401,
			},
			{
				name: 'no signature',
				headers: () => ({ 'X-Remote-Timestamp': String(PINNED_NOW) }),
				status: 401,
			},
			{
				name: 'empty signature',
				headers: () => ({ 'X-Remote-Signature': '', 'X-Remote-Timestamp': String(PINNED_NOW) }),
				status: 401,
			},
			{
				name: 'signed with another key',
				headers: (_k, b) => signedHeaders('another-signing-key', b),
				status: 401,
			},
			{
				name: 'signature of the body without the timestamp',
				headers: (k, b) => ({
					'X-Remote-Signature': createHmac('sha256', k).update(b).digest('hex'),
					'X-Remote-Timestamp': String(PINNED_NOW),
				}),
				status: 401,
			},
			{
				name: 'signature over another timestamp than the header',
				headers: (k, b) => ({
					'X-Remote-Signature': hmacHex(k, b, String(PINNED_NOW - 1000)),
					'X-Remote-Timestamp': String(PINNED_NOW),
				}),
				status: 401,
			},
			{
				name: 'HMAC-SHA512 instead of SHA-256',
				headers: (k, b) => ({
					'X-Remote-Signature': hmacHex(k, b, String(PINNED_NOW), 'sha512'),
					'X-Remote-Timestamp': String(PINNED_NOW),
				}),
				status: 401,
			},
			{
				name: 'Base64 instead of hex',
				headers: (k, b) => ({
					'X-Remote-Signature': Buffer.from(hmacHex(k, b, String(PINNED_NOW)), 'hex').toString(
						'base64',
					),
					'X-Remote-Timestamp': String(PINNED_NOW),
				}),
				status: 401,
			},
			{
				name: 'prefixed "sha256="',
				headers: (k, b) => ({
					'X-Remote-Signature': `sha256=${hmacHex(k, b, String(PINNED_NOW))}`,
					'X-Remote-Timestamp': String(PINNED_NOW),
				}),
				status: 401,
			},
			{
				name: 'one byte of the body changed',
				headers: (k, b) => signedHeaders(k, b),
				sentBody: (b) =>
					b.replace('"employment.onboarding.completed"', '"employment.onboarding.completes"'),
				status: 401,
			},
		];

		it.each(cases)('R7: $name → $status', async ({ headers, status, sentBody }) => {
			const { staticData, key } = await registered();
			const logs: string[] = [];
			const signed = body();
			const run = await deliver(sentBody ? sentBody(signed) : signed, {
				staticData,
				headers: headers(key, signed),
				logs,
			});
			if (status === 'run') {
				expect(run.executions).toBe(1);
				expect(run.responded?.status).toBe(200);
			} else {
				expect(run.executions).toBe(0);
				expect(run.responded?.status).toBe(status);
				expect(logs.join('\n')).toMatch(/refused a delivery with 401/);
				expect(logs.join('\n')).not.toContain(key);
				// Refused before anything was read: Remote was not asked about the employment.
				expect(remote.count('GET /v1/employments/:id')).toBe(0);
			}
		});
	});

	it('R7: an oversized body is refused with 413 before the signature is even computed', async () => {
		const { staticData, key } = await registered();
		const big = JSON.stringify({
			event_type: 'employment.onboarding.completed',
			employment_id: LINKED,
			pad: 'x'.repeat(MAX_BODY_BYTES),
		});
		const logs: string[] = [];
		const run = await deliver(big, { staticData, headers: signedHeaders(key, big), logs });
		expect(run.executions).toBe(0);
		expect(run.responded?.status).toBe(413);
		expect(logs.join('\n')).toMatch(/larger than 64 KB/);
	});

	it('R7: without the raw body the delivery is refused (fail closed), even when signed', async () => {
		const { staticData, key } = await registered();
		const body = payload('employment.onboarding.completed', LINKED);
		const run = await deliver(body, {
			staticData,
			headers: signedHeaders(key, body),
			noRawBody: true,
		});
		expect(run.executions).toBe(0);
		expect(run.responded?.status).toBe(401);
	});

	it('R7: a node that never registered (no signing key) refuses everything and says how to fix it', async () => {
		const staticData: IDataObject = {};
		const body = payload('employment.onboarding.completed', LINKED);
		const logs: string[] = [];
		const run = await deliver(body, { staticData, headers: signedHeaders('any-key', body), logs });
		expect(run.executions).toBe(0);
		expect(run.responded?.status).toBe(401);
		expect(logs.join('\n')).toMatch(/activate \(publish\) the workflow again/);
		// the known way to lose the key (n8n 2.40.7 queue mode, README "Running at scale") is named
		expect(logs.join('\n')).toMatch(/queue mode .* erases the key/);
	});
});

describe('Remote Trigger: repeated deliveries (at least once)', () => {
	it('R7: the same delivery twice, and a redelivery re-signed with a new timestamp, start one run', async () => {
		const { staticData, key } = await registered();
		const body = payload('employment.onboarding.completed', LINKED);
		const first = await deliver(body, { staticData, headers: signedHeaders(key, body) });
		const again = await deliver(body, { staticData, headers: signedHeaders(key, body) });
		const resigned = await deliver(body, {
			staticData,
			headers: signedHeaders(key, body, PINNED_NOW + 20_000),
		});
		expect([first.executions, again.executions, resigned.executions]).toEqual([1, 0, 0]);
		expect(again.responded).toEqual({ status: 200, body: { received: true, duplicate: true } });
		expect(remote.count('GET /v1/employments/:id')).toBe(1);
	});

	it('R7: the same event for another employment is not a repeat', async () => {
		const { staticData, key } = await registered();
		const a = payload('employment.status.updated', LINKED);
		const b = payload('employment.status.updated', UNLINKED);
		const runs = [
			await deliver(a, { staticData, headers: signedHeaders(key, a) }),
			await deliver(b, { staticData, headers: signedHeaders(key, b) }),
		];
		expect(runs.map((r) => r.executions)).toEqual([1, 1]);
	});

	it('R7: after the window the same content starts a run again; 0 turns de-duplication off', async () => {
		const { staticData, key } = await registered();
		const body = payload('employment.details.updated', LINKED);
		expect(
			(await deliver(body, { staticData, headers: signedHeaders(key, body), dedupeMinutes: 10 }))
				.executions,
		).toBe(1);
		jest.setSystemTime(PINNED_NOW + 11 * 60_000);
		try {
			expect(
				(await deliver(body, { staticData, headers: signedHeaders(key, body), dedupeMinutes: 10 }))
					.executions,
			).toBe(1);
		} finally {
			jest.setSystemTime(PINNED_NOW);
		}
		const off: IDataObject = (await registered()).staticData;
		const offKey = stored(off)[0].signingKey;
		const runs = [
			await deliver(body, {
				staticData: off,
				headers: signedHeaders(offKey, body),
				dedupeMinutes: 0,
			}),
			await deliver(body, {
				staticData: off,
				headers: signedHeaders(offKey, body),
				dedupeMinutes: 0,
			}),
		];
		expect(runs.map((r) => r.executions)).toEqual([1, 1]);
	});

	it('R7: the static data keeps keyed fingerprints only, never an employment id or a payload', async () => {
		const { staticData, key } = await registered();
		const body = payload('employment.onboarding.completed', LINKED);
		await deliver(body, { staticData, headers: signedHeaders(key, body) });
		const seen = staticData.seen as Array<[string, number]>;
		expect(seen).toHaveLength(1);
		expect(seen[0][0]).toMatch(/^[0-9a-f]{64}$/);
		const text = JSON.stringify(seen);
		expect(text).not.toContain(LINKED);
		expect(text).not.toContain('onboarding');
		// Not a plain hash of the body: without the signing key the fingerprint cannot be recomputed.
		expect(seen[0][0]).not.toBe(createHmac('sha256', '').update(body).digest('hex'));
	});
});

/** A stand-in for n8n's webhook endpoint: every POST goes to the node, with the static data n8n keeps. */
async function receiver(staticData: IDataObject) {
	const runs: INodeExecutionData[][] = [];
	const statuses: number[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			deliver(raw, { staticData, headers: req.headers as Record<string, string> })
				.then((run) => {
					if (run.items.length) runs.push(run.items);
					const status = run.responded?.status ?? 500;
					statuses.push(status);
					res.writeHead(status, { 'content-type': 'application/json' });
					res.end(JSON.stringify(run.responded?.body ?? {}));
				})
				.catch(() => {
					res.writeHead(500);
					res.end();
				});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/remote`;
	return {
		url,
		runs,
		statuses,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

describe("Remote Trigger with the fake Remote's own deliveries", () => {
	it('R7: onboarding completes at Remote → signed deliveries → one run per selected event, with the HiBob id', async () => {
		const staticData: IDataObject = {};
		const endpoint = await receiver(staticData);
		try {
			await runHook(trigger, 'create', {
				parameters: {},
				credentials: credentials() as any,
				staticData,
				webhookUrl: endpoint.url,
			});
			remote.setStatus(LINKED, 'active');
			await remote.webhooks.idle();
			const events = remote.webhooks.deliveries.map((d) => d.eventType).sort();
			expect(events).toEqual([
				'employment.onboarding.completed',
				'employment.status.updated',
				'employment.user_status.activated',
			]);
			expect(remote.webhooks.deliveries.every((d) => d.delivered && d.attempts.length === 1)).toBe(
				true,
			);
			expect(endpoint.runs.map((r) => r[0].json.event).sort()).toEqual(events);
			expect(endpoint.runs.every((r) => r[0].json.hibobId === '3332883884017713938')).toBe(true);
		} finally {
			await endpoint.close();
		}
	});

	it('R7: the fake delivers at least once (every delivery twice): still one run per event', async () => {
		const staticData: IDataObject = {};
		const endpoint = await receiver(staticData);
		try {
			await runHook(trigger, 'create', {
				parameters: { events: ['employment.onboarding.completed'] },
				credentials: credentials() as any,
				staticData,
				webhookUrl: endpoint.url,
			});
			remote.webhooks.options.repeatEveryDelivery = true;
			remote.setStatus(LINKED, 'active');
			await remote.webhooks.idle();
			expect(remote.webhooks.deliveries).toHaveLength(2);
			expect(endpoint.statuses).toEqual([200, 200]);
			expect(endpoint.runs).toHaveLength(1);
		} finally {
			await endpoint.close();
		}
	});

	it('R7: after deactivation Remote has no callback, so a status change delivers nothing', async () => {
		const staticData: IDataObject = {};
		const endpoint = await receiver(staticData);
		try {
			await runHook(trigger, 'create', {
				parameters: {},
				credentials: credentials() as any,
				staticData,
				webhookUrl: endpoint.url,
			});
			await runHook(trigger, 'delete', {
				parameters: {},
				credentials: credentials() as any,
				staticData,
				webhookUrl: endpoint.url,
			});
			remote.setStatus(LINKED, 'active');
			await remote.webhooks.idle();
			expect(remote.webhooks.deliveries).toHaveLength(0);
			expect(endpoint.runs).toHaveLength(0);
		} finally {
			await endpoint.close();
		}
	});
});

describe('fake Remote webhook callbacks follow the documents', () => {
	async function call(method: string, path: string, body?: unknown) {
		const response = await fetch(`${remote.url}${path}`, {
			method,
			headers: { authorization: remote.authHeader(), 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: response.status, body: (await response.json()) as any };
	}

	it('R7: POST refuses a missing url, unknown events, and subscribed_events together with subscribe_to_all_events', async () => {
		expect(
			(await call('POST', '/v1/webhook-callbacks', { subscribed_events: ['timeoff.approved'] }))
				.status,
		).toBe(422);
		const unknown = await call('POST', '/v1/webhook-callbacks', {
			url: WEBHOOK_URL,
			subscribed_events: ['timeoff.cancelled'],
		});
		expect(unknown.status).toBe(422);
		expect(JSON.stringify(unknown.body)).toMatch(/timeoff\.cancelled/);
		const both = await call('POST', '/v1/webhook-callbacks', {
			url: WEBHOOK_URL,
			subscribed_events: ['timeoff.canceled'],
			subscribe_to_all_events: true,
		});
		expect(both.status).toBe(422);
		expect(remote.webhooks.callbacks).toHaveLength(0);
	});

	it('R7: the signing key is shown once: in the POST answer, never in the list', async () => {
		const created = await call('POST', '/v1/webhook-callbacks', {
			url: WEBHOOK_URL,
			subscribed_events: ['timeoff.canceled'],
		});
		expect(created.status).toBe(200);
		expect(created.body.data.webhook_callback).toEqual({
			id: expect.any(String),
			url: WEBHOOK_URL,
			subscribed_events: ['timeoff.canceled'],
			signing_key: expect.stringMatching(/^[0-9a-f]{64}$/),
		});
		const list = await call('GET', '/v1/webhook-callbacks');
		expect(JSON.stringify(list.body)).not.toContain(created.body.data.webhook_callback.signing_key);
		expect(
			(await call('DELETE', `/v1/webhook-callbacks/${created.body.data.webhook_callback.id}`)).body,
		).toEqual({ data: { status: 'ok' } });
		expect(
			(await call('DELETE', `/v1/webhook-callbacks/${created.body.data.webhook_callback.id}`))
				.status,
		).toBe(404);
	});

	it('R7: a delivery not answered 2xx is retried, each attempt signed with its own timestamp', async () => {
		const seen: Array<{ status: number; timestamp: string; valid: boolean }> = [];
		let key = '';
		const answers = [500, 200];
		const server = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				const timestamp = String(req.headers['x-remote-timestamp']);
				const valid =
					req.headers['x-remote-signature'] ===
					signRemoteDelivery(key, Buffer.concat(chunks), timestamp);
				const status = answers.shift() ?? 200;
				seen.push({ status, timestamp, valid });
				res.writeHead(status);
				res.end();
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
			const created = await call('POST', '/v1/webhook-callbacks', {
				url,
				subscribed_events: ['employment.onboarding.completed'],
			});
			key = created.body.data.webhook_callback.signing_key;
			remote.webhooks.options.retryDelayMs = 10;
			remote.setStatus(LINKED, 'active');
			await remote.webhooks.idle();
			expect(seen.map((s) => [s.status, s.valid])).toEqual([
				[500, true],
				[200, true],
			]);
			expect(remote.webhooks.deliveries[0]).toMatchObject({
				eventType: 'employment.onboarding.completed',
				delivered: true,
			});
			expect(JSON.parse(remote.webhooks.deliveries[0].body)).toEqual({
				event_type: 'employment.onboarding.completed',
				employment_id: LINKED,
				company_id: remote.companyId,
			});
		} finally {
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	});

	it('R7: the sandbox trigger endpoint emits a documented event; other events are refused', async () => {
		const staticData: IDataObject = {};
		const endpoint = await receiver(staticData);
		try {
			await runHook(trigger, 'create', {
				parameters: {},
				credentials: credentials() as any,
				staticData,
				webhookUrl: endpoint.url,
			});
			const ok = await call('POST', '/v1/sandbox/webhook-callbacks/trigger', {
				employment_id: LINKED,
				event_type: 'employment.details.updated',
			});
			expect(ok.status).toBe(200);
			const refused = await call('POST', '/v1/sandbox/webhook-callbacks/trigger', {
				employment_id: LINKED,
				event_type: 'employment.status.updated',
			});
			expect(refused.status).toBe(422);
			await remote.webhooks.idle();
			expect(endpoint.runs.map((r) => r[0].json.event)).toEqual(['employment.details.updated']);
		} finally {
			await endpoint.close();
		}
	});
});

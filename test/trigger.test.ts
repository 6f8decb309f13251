/**
 * HiBob Trigger (webhook) and HiBob Poll Trigger: rule R7 (docs/sync-rules.md) (sync runs on HiBob webhooks and on a
 * schedule). Webhook deliveries go through the harness's webhook runner with the raw bytes n8n keeps in
 * `rawBody`; polls go over real HTTP to the fake HiBob.
 */
import { createHmac } from 'crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { HiBobPollTrigger } from '../nodes/HiBobPollTrigger/HiBobPollTrigger.node';
import { HiBobTrigger } from '../nodes/HiBobTrigger/HiBobTrigger.node';
import type { HiBobFixture, NewHiBobPerson, SyncFieldInfo } from './fakes';
import { HiBobFake, timeoffChangeFor, withSyncToRemoteField } from './fakes';
import { runPoll, runWebhook } from './harness/n8n';

const SECRET = 'test-only-bob-webhook-secret';
const trigger = new HiBobTrigger();

function sign(body: Buffer | string, secret = SECRET, algorithm = 'sha512'): string {
	return createHmac(algorithm, Buffer.from(secret, 'utf8')).update(body).digest('base64');
}

interface DeliveryOptions {
	headers?: Record<string, string>;
	/** Signs with the test secret unless a header is given or `unsigned` is set. */
	unsigned?: boolean;
	events?: string[];
	secret?: string;
	staticData?: IDataObject;
	logs?: string[];
	/** What n8n parsed; the node must not rely on it. */
	parsedBody?: unknown;
	noRawBody?: boolean;
}

async function deliver(body: string | Buffer, options: DeliveryOptions = {}) {
	const raw = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		...(options.headers ?? {}),
	};
	if (
		!options.unsigned &&
		!Object.keys(headers).some((key) => key.toLowerCase() === 'bob-signature')
	) {
		headers['bob-signature'] = sign(raw);
	}
	let parsed: unknown = options.parsedBody;
	if (parsed === undefined) {
		try {
			parsed = JSON.parse(raw.toString('utf8'));
		} catch {
			parsed = raw.toString('utf8');
		}
	}
	const parameters: IDataObject = { secret: options.secret ?? SECRET };
	if (options.events) parameters.events = options.events;
	const run = await runWebhook(trigger, {
		parameters: parameters as any,
		mode: 'webhook',
		staticData: options.staticData,
		logs: options.logs,
		request: { headers, body: parsed, rawBody: options.noRawBody ? (undefined as any) : raw },
	});
	const executions = run.result.workflowData ? 1 : 0;
	const items: INodeExecutionData[] = run.result.workflowData?.[0] ?? [];
	return { ...run, executions, items };
}

function v2(type: string, data: IDataObject, extra: IDataObject = {}): string {
	return JSON.stringify({
		companyId: 636192,
		type,
		triggeredBy: '3332883804594373380',
		triggeredAt: '2025-01-08T13:06:26.915906',
		version: 'v2',
		data,
		...extra,
	});
}

const UPDATED = v2('employee.updated', {
	employeeId: '3332883884017713938',
	fieldUpdates: ['root.surname', 'work.title'],
});

/** "Now" for every webhook test: four minutes after the `triggeredAt` of the sample deliveries (UTC). */
const NOW = Date.parse('2025-01-08T13:10:00Z');
const HOUR = 60 * 60 * 1000;
/** A `triggeredAt` as Bob writes it (UTC, no zone suffix), `ms` before NOW. */
const triggeredAgo = (ms: number) => new Date(NOW - ms).toISOString().replace('Z', '');

describe('HiBob Trigger (webhook)', () => {
	beforeEach(() => {
		jest.spyOn(Date, 'now').mockReturnValue(NOW);
	});
	afterEach(() => {
		jest.restoreAllMocks();
	});

	it('R7: a valid Bob-Signature starts one execution with one item', async () => {
		const run = await deliver(UPDATED);
		expect(run.executions).toBe(1);
		// The node answers Bob with 200 itself, then hands n8n the item (see the node for why).
		expect(run.responded).toEqual({ status: 200, body: { received: true } });
		expect(run.result.noWebhookResponse).toBe(true);
		expect(run.items).toHaveLength(1);
		expect(run.items[0].json).toEqual({
			event: 'employee.updated',
			category: 'employee',
			employeeId: '3332883884017713938',
			fieldUpdates: ['root.surname', 'work.title'],
			happenedAt: '2025-01-08T13:06:26.915906',
			triggeredBy: '3332883804594373380',
			companyId: 636192,
			version: 'v2',
			deliveryId: expect.stringMatching(/^[0-9a-f]{64}$/),
		});
	});

	describe('R7: signature table', () => {
		const raw = Buffer.from(UPDATED, 'utf8');
		const tampered = Buffer.from(raw);
		tampered[tampered.indexOf('7')] = '8'.charCodeAt(0);

		const cases: Array<{
			name: string;
			body: Buffer;
			headers: Record<string, string>;
			status: number | 'run';
		}> = [
			{
				name: 'valid HMAC-SHA512 signature',
				body: raw,
				headers: { 'Bob-Signature': sign(raw) },
				status: 'run',
			},
			{
				name: 'header name in lower case',
				body: raw,
				headers: { 'bob-signature': sign(raw) },
				status: 'run',
			},
			{
				name: 'signed with another secret',
				body: raw,
				headers: { 'Bob-Signature': sign(raw, 'another-secret') },
				status: 401,
			},
			{
				name: 'one byte of the body changed',
				body: tampered,
				headers: { 'Bob-Signature': sign(raw) },
				status: 401,
			},
			{ name: 'no Bob-Signature header', body: raw, headers: {}, status: 401 },
			{
				name: 'empty Bob-Signature header',
				body: raw,
				headers: { 'Bob-Signature': '' },
				status: 401,
			},
			{
				name: 'HMAC-SHA256 (base64) instead of SHA-512',
				body: raw,
				headers: { 'Bob-Signature': sign(raw, SECRET, 'sha256') },
				status: 401,
			},
			{
				name: 'SHA-512 as hex instead of Base64',
				body: raw,
				headers: { 'Bob-Signature': createHmac('sha512', SECRET).update(raw).digest('hex') },
				status: 401,
			},
			{
				name: 'prefixed "sha512=" signature',
				body: raw,
				headers: { 'Bob-Signature': `sha512=${sign(raw)}` },
				status: 401,
			},
			{
				name: 'not Base64 at all',
				body: raw,
				headers: { 'Bob-Signature': '!!not-base64!!' },
				status: 401,
			},
			{
				name: 'signature of a 64-byte zero digest',
				body: raw,
				headers: { 'Bob-Signature': Buffer.alloc(64).toString('base64') },
				status: 401,
			},
			{ name: 'empty body, no signature', body: Buffer.alloc(0), headers: {}, status: 401 },
			{
				name: 'empty body, validly signed (nothing to run)',
				body: Buffer.alloc(0),
				headers: { 'Bob-Signature': sign(Buffer.alloc(0)) },
				status: 200,
			},
			{
				name: 'ping "Ping test", unsigned',
				body: Buffer.from('Ping test'),
				headers: {},
				status: 200,
			},
			{
				name: 'ping "Ping test", signed',
				body: Buffer.from('Ping test'),
				headers: { 'Bob-Signature': sign('Ping test') },
				status: 200,
			},
			{
				name: 'ping {"text":"Ping test"}, unsigned',
				body: Buffer.from('{"text":"Ping test"}'),
				headers: {},
				status: 200,
			},
			{
				name: 'ping {"text":"Ping test"}, signed',
				body: Buffer.from('{"text":"Ping test"}'),
				headers: { 'Bob-Signature': sign('{"text":"Ping test"}') },
				status: 200,
			},
		];

		it.each(cases)('R7: $name → $status', async ({ body, headers, status }) => {
			const logs: string[] = [];
			const run = await deliver(body, { headers, unsigned: true, logs });
			if (status === 'run') {
				expect(run.executions).toBe(1);
				expect(run.responded?.status).toBe(200);
			} else {
				expect(run.executions).toBe(0);
				expect(run.result.noWebhookResponse).toBe(true);
				expect(run.responded?.status).toBe(status);
			}
			if (status === 401) expect(logs.join('\n')).toMatch(/refused a delivery with 401/);
		});

		it('R7: a delivery without the raw body is refused (fail closed), even with a matching signature', async () => {
			const run = await deliver(UPDATED, { noRawBody: true });
			expect(run.executions).toBe(0);
			expect(run.responded?.status).toBe(401);
		});

		it('R7: the signature is checked over the raw bytes, not over re-serialised JSON', async () => {
			// Same JSON, different bytes (spacing): signed as Bob sent it.
			const spaced = Buffer.from(JSON.stringify(JSON.parse(UPDATED), null, 2), 'utf8');
			const ok = await deliver(spaced, {
				headers: { 'Bob-Signature': sign(spaced) },
				unsigned: true,
			});
			expect(ok.executions).toBe(1);
			// A signature over the compact form does not match the spaced bytes, though the JSON is equal.
			const bad = await deliver(spaced, {
				headers: { 'Bob-Signature': sign(UPDATED) },
				unsigned: true,
			});
			expect(bad.responded?.status).toBe(401);
		});

		it('R7: without a Webhook Secret every event is refused, but the ping is still answered', async () => {
			const event = await deliver(UPDATED, { secret: '' });
			expect(event.responded?.status).toBe(401);
			const ping = await deliver('Ping test', {
				secret: '',
				headers: { 'Bob-Signature': sign('Ping test') },
			});
			expect(ping.responded?.status).toBe(200);
			expect(ping.executions).toBe(0);
		});

		it('R7: a ping signed with a different secret is answered and warns that the secret differs', async () => {
			const logs: string[] = [];
			const run = await deliver('Ping test', {
				logs,
				headers: { 'Bob-Signature': sign('Ping test', 'other') },
			});
			expect(run.responded?.status).toBe(200);
			expect(run.executions).toBe(0);
			expect(logs.join('\n')).toMatch(/does not match the Webhook Secret/);
		});
	});

	it('R7: the same delivery twice starts one execution; a new delivery starts another', async () => {
		const staticData: IDataObject = {};
		const first = await deliver(UPDATED, { staticData });
		const again = await deliver(UPDATED, { staticData });
		expect(first.executions).toBe(1);
		expect(again.executions).toBe(0);
		expect(again.responded).toEqual({ status: 200, body: { received: true, duplicate: true } });
		const other = await deliver(v2('employee.updated', { employeeId: '1', fieldUpdates: [] }), {
			staticData,
		});
		expect(other.executions).toBe(1);
		expect((staticData.deliveries as unknown[]).length).toBe(2);
	});

	it('R7: the de-duplication memory is kept by time, not by count: a delivery seen 600 deliveries ago is still refused', async () => {
		const staticData: IDataObject = {};
		const first = v2('employee.updated', { employeeId: '1' }, { triggeredAt: triggeredAgo(HOUR) });
		expect((await deliver(first, { staticData })).executions).toBe(1);
		for (let i = 0; i < 600; i++) {
			const other = v2(
				'employee.updated',
				{ employeeId: String(1000 + i) },
				{ triggeredAt: triggeredAgo(30 * 60 * 1000) },
			);
			expect((await deliver(other, { staticData })).executions).toBe(1);
		}
		const replay = await deliver(first, { staticData });
		expect(replay.executions).toBe(0);
		expect(replay.responded?.body).toMatchObject({ duplicate: true });
		// What is remembered expires with the window: entries older than 24 h are dropped.
		(Date.now as jest.Mock).mockReturnValue(NOW + 25 * HOUR);
		await deliver(
			v2('employee.updated', { employeeId: '2' }, { triggeredAt: triggeredAgo(-25 * HOUR) }),
			{ staticData },
		);
		expect(staticData.deliveries).toHaveLength(1);
	});

	describe('R7: replays', () => {
		it('R7: a signed delivery whose triggeredAt is older than the 24 h window starts nothing, even when never seen', async () => {
			const logs: string[] = [];
			const old = await deliver(
				v2('employee.updated', { employeeId: '1' }, { triggeredAt: '2021-06-01T10:00:00' }),
				{ logs },
			);
			expect(old.executions).toBe(0);
			expect(old.responded).toEqual({ status: 200, body: { received: true, ignored: 'too old' } });
			expect(logs.join('\n')).toMatch(/older than 24 h/);
			const justOutside = await deliver(
				v2(
					'employee.updated',
					{ employeeId: '1' },
					{ triggeredAt: triggeredAgo(24 * HOUR + 1000) },
				),
			);
			expect(justOutside.executions).toBe(0);
			const justInside = await deliver(
				v2('employee.updated', { employeeId: '1' }, { triggeredAt: triggeredAgo(23 * HOUR) }),
			);
			expect(justInside.executions).toBe(1);
		});

		it('R7: a triggeredAt far in the future, or none at all, starts nothing (a replay could not be told apart)', async () => {
			const future = await deliver(
				v2('employee.updated', { employeeId: '1' }, { triggeredAt: triggeredAgo(-15 * HOUR) }),
			);
			expect(future.executions).toBe(0);
			expect(future.responded?.body).toMatchObject({ ignored: 'triggeredAt in the future' });
			const none = await deliver(
				JSON.stringify({ type: 'employee.updated', data: { employeeId: '1' } }),
			);
			expect(none.executions).toBe(0);
			expect(none.responded?.body).toMatchObject({ ignored: 'no triggeredAt' });
			// A zone suffix is honoured (two hours ahead of UTC is still four minutes ago).
			const zoned = await deliver(
				v2(
					'employee.updated',
					{ employeeId: '1' },
					{ triggeredAt: '2025-01-08T15:06:26.915+02:00' },
				),
			);
			expect(zoned.executions).toBe(1);
		});

		it('R7: a replay of a delivery within the window starts nothing, however many deliveries came between', async () => {
			const staticData: IDataObject = {};
			expect((await deliver(UPDATED, { staticData })).executions).toBe(1);
			(Date.now as jest.Mock).mockReturnValue(NOW + 23 * HOUR);
			expect((await deliver(UPDATED, { staticData })).executions).toBe(0);
			// After the window the same bytes are too old to run anyway.
			(Date.now as jest.Mock).mockReturnValue(NOW + 25 * HOUR);
			expect((await deliver(UPDATED, { staticData })).executions).toBe(0);
		});
	});

	describe('R7: the signature is checked before anything is read', () => {
		it('R7: an unsigned, deeply nested body is refused with 401 without being parsed', async () => {
			const nested = Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
			const parse = jest.spyOn(JSON, 'parse');
			const run = await deliver(nested, { unsigned: true, parsedBody: {} });
			expect(run.responded?.status).toBe(401);
			expect(parse).not.toHaveBeenCalled();
		});

		it("R7: Bob's ping is recognised without parsing the body", async () => {
			const parse = jest.spyOn(JSON, 'parse');
			for (const body of ['Ping test', '{"text":"Ping test"}', '{ "text" : "Ping test" }\n']) {
				const run = await deliver(body, { unsigned: true, parsedBody: {} });
				expect(run.responded).toEqual({ status: 200, body: { received: true, ping: true } });
			}
			expect(parse).not.toHaveBeenCalled();
			// Anything else that mentions the ping is not a ping.
			const other = await deliver('{"text":"Ping test","type":"employee.deleted"}', {
				unsigned: true,
				parsedBody: {},
			});
			expect(other.responded?.status).toBe(401);
		});

		it('R7: a body above 256 KiB is refused with 413 before the signature is computed, signed or not', async () => {
			const big = Buffer.from(
				v2('employee.updated', { employeeId: '1', padding: 'x'.repeat(256 * 1024) }),
			);
			const logs: string[] = [];
			for (const options of [{ unsigned: true }, {}]) {
				const run = await deliver(big, { ...options, logs, parsedBody: {} });
				expect(run.executions).toBe(0);
				expect(run.responded).toEqual({
					status: 413,
					body: { message: 'Payload too large: HiBob webhook bodies are at most 256 KiB' },
				});
			}
			expect(logs.join('\n')).toMatch(/413/);
			// Just under the limit runs.
			const fits = Buffer.from(
				v2('employee.updated', { employeeId: '1', padding: 'x'.repeat(200 * 1024) }),
			);
			expect((await deliver(fits)).executions).toBe(1);
		});
	});

	describe('R7: event filter', () => {
		const requested = v2('timeoff.request.requested', {
			employeeId: '42',
			requestId: 9001,
			getApi: '/v1/timeoff/employees/42/requests/9001',
		});

		it('R7: events that are not selected are answered with 200 and start nothing', async () => {
			const run = await deliver(requested);
			expect(run.executions).toBe(0);
			expect(run.responded).toEqual({
				status: 200,
				body: { received: true, ignored: 'event not selected' },
			});
		});

		it('R7: by default every employee event starts a run', async () => {
			for (const type of [
				'created',
				'updated',
				'deleted',
				'joined',
				'left',
				'activated',
				'inactivated',
			]) {
				const run = await deliver(v2(`employee.${type}`, { employeeId: '7' }));
				expect(run.executions).toBe(1);
				expect(run.items[0].json.event).toBe(`employee.${type}`);
			}
		});

		it('R7: a selected time-off event starts a run with the request id and getApi', async () => {
			const run = await deliver(requested, { events: ['timeoff.request.requested'] });
			expect(run.executions).toBe(1);
			expect(run.items[0].json).toMatchObject({
				event: 'timeoff.request.requested',
				category: 'timeoff',
				employeeId: '42',
				requestId: '9001',
				getApi: '/v1/timeoff/employees/42/requests/9001',
			});
			const employeeOnly = await deliver(UPDATED, { events: ['timeoff.request.requested'] });
			expect(employeeOnly.executions).toBe(0);
		});

		it('R7: "canceled" and "cancelled" spellings both match the Cancelled event', async () => {
			for (const type of [
				'timeoff.request.canceled',
				'timeoff.request.cancelled',
				'TimeOff.Request.Cancelled',
			]) {
				const run = await deliver(v2(type, { employeeId: '5', timeoffRequestId: '77' }), {
					events: ['timeoff.request.cancelled'],
				});
				expect(run.executions).toBe(1);
				expect(run.items[0].json).toMatchObject({
					event: 'timeoff.request.cancelled',
					requestId: '77',
				});
			}
		});

		it('R7: a signed delivery without an event type is answered with 200 and starts nothing', async () => {
			const run = await deliver(JSON.stringify({ hello: 'world' }));
			expect(run.executions).toBe(0);
			expect(run.responded?.status).toBe(200);
		});
	});

	describe('R7: payload shapes', () => {
		it('R7: v2 fieldUpdatesIds [{id}] reads like fieldUpdates', async () => {
			const run = await deliver(
				v2('employee.updated', {
					employeeId: '11',
					fieldUpdatesIds: [{ id: 'root.surname' }, { id: 'address.city' }],
				}),
			);
			expect(run.items[0].json.fieldUpdates).toEqual(['root.surname', 'address.city']);
		});

		it('R7: a v1 payload (employee.id, data.fieldUpdates, no version) is read', async () => {
			const body = JSON.stringify({
				companyId: 636192,
				type: 'employee.updated',
				triggeredBy: 'system',
				triggeredAt: '2025-01-08T13:00:00',
				employee: { id: '3332883884017713938', firstName: 'Ada', surname: 'Lovelace' },
				data: { fieldUpdates: ['root.firstName'] },
			});
			const run = await deliver(body);
			expect(run.items[0].json).toMatchObject({
				event: 'employee.updated',
				employeeId: '3332883884017713938',
				fieldUpdates: ['root.firstName'],
				version: 'v1',
				companyId: 636192,
			});
			// v1 carried full objects: none of them is copied into the item.
			expect(JSON.stringify(run.items[0].json)).not.toContain('Lovelace');
		});

		it('R7: the time-off request id is read from requestId, timeoffRequestId or id', async () => {
			const events = ['timeoff.request.approved'];
			for (const data of [{ requestId: 1 }, { timeoffRequestId: '1' }, { id: 1 }]) {
				const run = await deliver(v2('timeoff.request.approved', { employeeId: '3', ...data }), {
					events,
				});
				expect(run.items[0].json.requestId).toBe('1');
			}
		});

		it('R7: the node reads the raw body even when n8n parsed something else', async () => {
			const run = await deliver(UPDATED, {
				parsedBody: { type: 'employee.deleted', data: { employeeId: 'x' } },
			});
			expect(run.items[0].json).toMatchObject({
				event: 'employee.updated',
				employeeId: '3332883884017713938',
			});
		});
	});

	it('R7: the webhook secret never appears in an output item, a response or a log line', async () => {
		const logs: string[] = [];
		const runs = [
			await deliver(UPDATED, { logs }),
			await deliver(UPDATED, { logs, headers: { 'Bob-Signature': sign(UPDATED, 'wrong') } }),
			await deliver('Ping test', {
				logs,
				headers: { 'Bob-Signature': sign('Ping test', 'wrong') },
			}),
			await deliver(v2('timeoff.request.approved', { employeeId: '1' }), { logs }),
		];
		const everything =
			JSON.stringify(runs.map((run) => [run.items, run.responded])) + logs.join('\n');
		expect(logs.length).toBeGreaterThan(0);
		expect(everything).not.toContain(SECRET);
		expect(everything).not.toContain(sign(UPDATED));
	});

	it('R7: webhook registration is manual in Bob: checkExists/create/delete succeed without any request', async () => {
		const logs: string[] = [];
		const ctx = {
			getNode: () => ({ name: 'HiBob Trigger' }),
			logger: { debug: (message: string) => logs.push(message) },
		};
		const methods = trigger.webhookMethods.default;
		expect(await methods.checkExists.call(ctx as any)).toBe(true);
		expect(await methods.create.call(ctx as any)).toBe(true);
		expect(await methods.delete.call(ctx as any)).toBe(true);
		expect(logs.join('\n')).toMatch(/Bob admin/);
	});

	it('R7: the node description follows the trigger conventions', () => {
		const d = trigger.description;
		expect(d.name).toBe('hiBobTrigger');
		expect(d.inputs).toEqual([]);
		expect(d.webhooks).toEqual([
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'hibob' },
		]);
		expect((d as any).usableAsTool).toBeUndefined();
		const secret = d.properties.find((p) => p.name === 'secret');
		expect(secret?.typeOptions?.password).toBe(true);
	});
});

// ---------------------------------------------------------------------------------------------------
// HiBob Poll Trigger, over real HTTP against the fake HiBob.
// ---------------------------------------------------------------------------------------------------

const pollTrigger = new HiBobPollTrigger();
const HIBOB_TOKEN = 'poll-test-hibob-token';
const DAY = 24 * 60 * 60 * 1000;

function person(n: number, extra: Partial<NewHiBobPerson> = {}): NewHiBobPerson {
	return {
		id: `33328838840177139${String(n).padStart(2, '0')}`,
		email: `person${n}@example.com`,
		firstName: `First${n}`,
		surname: `Last${n}`,
		work: {
			title: null,
			startDate: '2024-01-15',
			department: null,
			site: 'London',
			reportsTo: null,
		},
		address: {
			line1: `${n} High Street`,
			city: 'London',
			postCode: 'N1 1AA',
			country: 'United Kingdom',
		},
		...extra,
	};
}

describe('HiBob Poll Trigger', () => {
	let fake: HiBobFake;
	let sync: SyncFieldInfo;

	beforeEach(async () => {
		const fixture: HiBobFixture = {
			serviceUserId: 'SERVICE-USER-POLL',
			token: HIBOB_TOKEN,
			people: [person(1), person(2), person(3)],
		};
		// A field number unlike the usual example: the node must find the field by its name.
		sync = withSyncToRemoteField(fixture, { fieldNumber: 1700000000123 });
		fake = await HiBobFake.start(fixture);
	});

	afterEach(async () => {
		await fake.close();
	});

	const credentials = () => ({
		hiBobApi: {
			serviceUserId: 'SERVICE-USER-POLL',
			token: HIBOB_TOKEN,
			environment: 'custom',
			customUrl: fake.url,
		},
	});

	async function poll(
		parameters: IDataObject,
		staticData: IDataObject,
		extra: { mode?: 'manual' | 'trigger'; logs?: string[]; pollBudgetMs?: number } = {},
	) {
		return runPoll(pollTrigger, {
			parameters: parameters as any,
			staticData,
			mode: extra.mode ?? 'trigger',
			credentials: credentials(),
			logs: extra.logs,
			pollBudgetMs: extra.pollBudgetMs,
		});
	}

	describe('R7: employees', () => {
		it('R7: the first poll stores a baseline of short fingerprints and emits nothing', async () => {
			const staticData: IDataObject = {};
			const run = await poll({ watch: 'employees' }, staticData);
			expect(run.output).toBeNull();
			const fp = staticData.fp as Record<string, string>;
			expect(Object.keys(fp).sort()).toEqual([person(1).id, person(2).id, person(3).id].sort());
			for (const hash of Object.values(fp)) expect(hash).toMatch(/^[0-9a-f]{32}$/);
			// Nothing but ids and hashes is kept: no names, no emails.
			expect(JSON.stringify(staticData)).not.toContain('example.com');
		});

		it('R7: one people search (with inactive people and the "Sync to Remote" field found by name) per poll', async () => {
			fake.resetCounters();
			await poll({ watch: 'employees' }, {});
			const searches = fake.requests.filter((r) => r.endpoint === 'POST /v1/people/search');
			expect(searches).toHaveLength(1);
			const body = searches[0].body as { fields: string[]; showInactive: boolean };
			expect(body.showInactive).toBe(true);
			expect(body.fields).toEqual(
				expect.arrayContaining([
					'root.id',
					'root.email',
					'work.reportsTo',
					'internal.lifecycleStatus',
					sync.fieldId,
				]),
			);
			expect(
				fake.requests.filter((r) => r.endpoint === 'GET /v1/company/people/fields'),
			).toHaveLength(1);
		});

		it('R7: "Emit Everyone on First Poll" reports everyone as created', async () => {
			const run = await poll({ watch: 'employees', emitOnFirstPoll: true }, {});
			expect(run.output?.map((item) => item.json.change)).toEqual([
				'created',
				'created',
				'created',
			]);
		});

		it('R7: three polls after the baseline report an added, a changed and a removed person', async () => {
			const staticData: IDataObject = {};
			expect((await poll({ watch: 'employees' }, staticData)).output).toBeNull();

			fake.addPerson(
				person(4, {
					email: 'new.hire@example.com',
					firstName: 'Nia',
					surname: 'Hire',
					displayName: 'Nia Hire',
				}),
			);
			const added = await poll({ watch: 'employees' }, staticData);
			expect(added.output?.map((item) => item.json)).toEqual([
				{
					change: 'created',
					employeeId: person(4).id,
					email: 'new.hire@example.com',
					displayName: 'Nia Hire',
				},
			]);

			fake.updatePerson(person(2).id, { address: { city: 'Manchester' } });
			fake.setSyncToRemote(person(3).id, sync, 'employee');
			const changed = await poll({ watch: 'employees' }, staticData);
			expect(changed.output?.map((item) => [item.json.change, item.json.employeeId])).toEqual([
				['changed', person(2).id],
				['changed', person(3).id],
			]);
			expect(changed.output?.[0].json.email).toBe('person2@example.com');

			fake.removePerson(person(1).id);
			const removed = await poll({ watch: 'employees' }, staticData);
			expect(removed.output?.map((item) => item.json)).toEqual([
				{ change: 'gone', employeeId: person(1).id, email: null, displayName: null },
			]);

			// Nothing changed since: no execution.
			expect((await poll({ watch: 'employees' }, staticData)).output).toBeNull();
		});

		it('R7: a change to a field the sync does not read is not reported', async () => {
			const staticData: IDataObject = {};
			await poll({ watch: 'employees' }, staticData);
			fake.updatePerson(person(1).id, { payroll: { salary: { payPeriod: 'Monthly' } } });
			expect((await poll({ watch: 'employees' }, staticData)).output).toBeNull();
		});

		it('R7: "Fetch Test Event" returns one sample item and keeps the baseline', async () => {
			const staticData: IDataObject = {};
			const first = await poll({ watch: 'employees' }, staticData, { mode: 'manual' });
			expect(first.output).toHaveLength(1);
			expect(staticData).toEqual({});

			await poll({ watch: 'employees' }, staticData);
			const baseline = JSON.parse(JSON.stringify(staticData));
			fake.addPerson(person(5));
			const sample = await poll({ watch: 'employees' }, staticData, { mode: 'manual' });
			expect(sample.output?.map((item) => item.json)).toEqual([
				{
					change: 'created',
					employeeId: person(5).id,
					email: 'person5@example.com',
					displayName: 'First5 Last5',
				},
			]);
			expect(staticData).toEqual(baseline);
			// The real poll still sees the new person afterwards.
			expect(
				(await poll({ watch: 'employees' }, staticData)).output?.map(
					(item) => item.json.employeeId,
				),
			).toEqual([person(5).id]);
		});

		it('R7: an empty answer for a company that had people keeps the baseline (no mass "gone")', async () => {
			const staticData: IDataObject = {};
			await poll({ watch: 'employees' }, staticData);
			const baseline = JSON.parse(JSON.stringify(staticData));
			for (const p of [...fake.people]) fake.removePerson(p.id);
			const logs: string[] = [];
			expect((await poll({ watch: 'employees' }, staticData, { logs })).output).toBeNull();
			expect(staticData).toEqual(baseline);
			expect(logs.join('\n')).toMatch(/returned nobody/);
		});

		it('R7: a failed search leaves the baseline alone and fails the poll', async () => {
			const staticData: IDataObject = {};
			await poll({ watch: 'employees' }, staticData);
			const baseline = JSON.parse(JSON.stringify(staticData));
			fake.addPerson(person(6));
			fake.failNext('POST /v1/people/search', { status: 403 });
			await expect(poll({ watch: 'employees' }, staticData)).rejects.toThrow(/403/);
			expect(staticData).toEqual(baseline);
			expect(
				(await poll({ watch: 'employees' }, staticData)).output?.map((item) => item.json.change),
			).toEqual(['created']);
		});
	});

	describe('R7: time off', () => {
		function addChange(n: number, createdOn: Date, changeType: 'Created' | 'Canceled' = 'Created') {
			const request = {
				requestId: 5000 + n,
				employeeId: person(1).id,
				policyTypeDisplayName: 'Holiday',
				type: 'days' as const,
				startDate: '2026-12-01',
				startDatePortion: 'all_day' as const,
				endDate: '2026-12-03',
				endDatePortion: 'all_day' as const,
				durationUnit: 'days' as const,
				totalDuration: 3,
				status: 'approved' as const,
				approved: true,
			};
			fake.state.timeoffChanges.push(
				timeoffChangeFor(request, changeType, fake.getPerson(person(1).id), createdOn),
			);
		}

		function sinceOf(run: { http: Array<{ url: string }> }, index = 0): number {
			const calls = run.http.filter((entry) => entry.url.includes('/v1/timeoff/requests/changes'));
			return Date.parse(new URL(calls[index].url).searchParams.get('since')!);
		}

		it('R7: the first poll reads back the look-back window (default 1 day) and stores a cursor', async () => {
			addChange(1, new Date(Date.now() - 3 * DAY));
			addChange(2, new Date(Date.now() - 2 * 60 * 60 * 1000));
			const staticData: IDataObject = {};
			const before = Date.now();
			const run = await poll({ watch: 'timeOff' }, staticData);
			expect(run.output?.map((item) => item.json)).toEqual([
				expect.objectContaining({
					changeType: 'Created',
					requestId: '5002',
					employeeId: person(1).id,
					startDate: '2026-12-01',
					endDate: '2026-12-03',
					policyType: 'Holiday',
				}),
			]);
			expect(Date.parse(staticData.cursor as string)).toBeGreaterThanOrEqual(before);
			expect(Math.abs(sinceOf(run) - (before - DAY))).toBeLessThan(5000);
		});

		it('R7: the cursor persists: the next polls report only newer changes, once each', async () => {
			const staticData: IDataObject = {};
			expect((await poll({ watch: 'timeOff' }, staticData)).output).toBeNull();
			const firstCursor = staticData.cursor as string;

			const request = fake.addTimeoffRequest({
				employeeId: person(2).id,
				startDate: '2026-12-10',
				endDate: '2026-12-11',
			});
			const second = await poll({ watch: 'timeOff' }, staticData);
			expect(second.output?.map((item) => [item.json.changeType, item.json.requestId])).toEqual([
				['Created', String(request.requestId)],
			]);
			expect(Date.parse(staticData.cursor as string)).toBeGreaterThanOrEqual(
				Date.parse(firstCursor),
			);
			// The next poll starts from the stored cursor (minus a short overlap).
			expect(sinceOf(second)).toBeGreaterThanOrEqual(Date.parse(firstCursor) - 3 * 60 * 1000);

			// The overlap re-reads the change; it is not reported twice.
			expect((await poll({ watch: 'timeOff' }, staticData)).output).toBeNull();

			fake.cancelTimeoffRequest(request.requestId);
			const third = await poll({ watch: 'timeOff' }, staticData);
			expect(third.output?.map((item) => [item.json.changeType, item.json.requestId])).toEqual([
				['Canceled', String(request.requestId)],
			]);
		});

		it('R7: a hard change carries previousRequestId', async () => {
			const staticData: IDataObject = {};
			await poll({ watch: 'timeOff' }, staticData);
			const old = fake.addTimeoffRequest({ employeeId: person(1).id, startDate: '2026-12-10' });
			const next = fake.replaceTimeoffRequest(old.requestId, {
				startDate: '2026-12-11',
				endDate: '2026-12-11',
			});
			const run = await poll({ watch: 'timeOff' }, staticData);
			expect(run.output?.map((item) => item.json)).toEqual([
				expect.objectContaining({ changeType: 'Created', requestId: String(old.requestId) }),
				expect.objectContaining({ changeType: 'Canceled', requestId: String(old.requestId) }),
				expect.objectContaining({
					changeType: 'Created',
					requestId: String(next.requestId),
					previousRequestId: String(old.requestId),
				}),
			]);
		});

		it('R7: a cursor older than six months is clamped to six months (HiBob refuses more)', async () => {
			addChange(1, new Date(Date.now() - 150 * DAY));
			const staticData: IDataObject = { cursor: new Date(Date.now() - 240 * DAY).toISOString() };
			const logs: string[] = [];
			const run = await poll({ watch: 'timeOff' }, staticData, { logs });
			const sixMonthsAgo = new Date();
			sixMonthsAgo.setUTCMonth(sixMonthsAgo.getUTCMonth() - 6);
			expect(sinceOf(run)).toBeGreaterThanOrEqual(sixMonthsAgo.getTime());
			expect(sinceOf(run)).toBeLessThan(sixMonthsAgo.getTime() + 10 * 60 * 1000);
			expect(run.output?.map((item) => item.json.requestId)).toEqual(['5001']);
			expect(logs.join('\n')).toMatch(/six months/);
		});

		it('R7: a long look-back is read in windows, and a spent poll budget leaves the rest to the next poll', async () => {
			addChange(1, new Date(Date.now() - 100 * DAY));
			addChange(2, new Date(Date.now() - 60 * 1000));
			const staticData: IDataObject = {};
			const first = await poll({ watch: 'timeOff', lookbackDays: 120 }, staticData, {
				pollBudgetMs: 0,
			});
			// One window only (the budget is spent after the first request); its change is reported.
			expect(first.http.filter((entry) => entry.url.includes('/changes'))).toHaveLength(1);
			expect(first.output?.map((item) => item.json.requestId)).toEqual(['5001']);
			const cursor = Date.parse(staticData.cursor as string);
			expect(cursor).toBeLessThan(Date.now() - 80 * DAY);

			const rest = await poll({ watch: 'timeOff', lookbackDays: 120 }, staticData);
			expect(rest.output?.map((item) => item.json.requestId)).toEqual(['5002']);
			expect(Date.parse(staticData.cursor as string)).toBeGreaterThan(Date.now() - 60 * 1000);
		});

		it('R7: "Fetch Test Event" returns one change and does not move the cursor', async () => {
			addChange(1, new Date(Date.now() - 60 * 60 * 1000));
			addChange(2, new Date(Date.now() - 30 * 60 * 1000));
			const staticData: IDataObject = {};
			const run = await poll({ watch: 'timeOff' }, staticData, { mode: 'manual' });
			expect(run.output).toHaveLength(1);
			expect(staticData).toEqual({});
		});

		it('R7: a failed read does not move the cursor', async () => {
			const staticData: IDataObject = {};
			await poll({ watch: 'timeOff' }, staticData);
			const cursor = staticData.cursor;
			fake.failNext('GET /v1/timeoff/requests/changes', {
				status: 400,
				body: { key: 'bad_request', error: 'nope' },
			});
			await expect(poll({ watch: 'timeOff' }, staticData)).rejects.toThrow(/400/);
			expect(staticData.cursor).toBe(cursor);
		});

		it('R7: pending requests are reported only when asked for', async () => {
			const staticData: IDataObject = {};
			await poll({ watch: 'timeOff' }, staticData);
			fake.addTimeoffRequest({
				employeeId: person(1).id,
				startDate: '2026-12-20',
				status: 'pending',
			});
			const withoutPending = await poll({ watch: 'timeOff' }, { ...staticData });
			expect(withoutPending.output).toBeNull();
			const withPending = await poll({ watch: 'timeOff', includePending: true }, { ...staticData });
			expect(withPending.output?.map((item) => item.json.changeType)).toEqual(['Pending']);
		});
	});

	it('R7: neither the HiBob token nor the webhook secret appears in an output item or a log line', async () => {
		const logs: string[] = [];
		const staticData: IDataObject = {};
		const outputs: unknown[] = [];
		outputs.push(
			(await poll({ watch: 'employees', emitOnFirstPoll: true }, staticData, { logs })).output,
		);
		fake.addTimeoffRequest({ employeeId: person(1).id, startDate: '2026-12-10' });
		outputs.push((await poll({ watch: 'timeOff' }, {}, { logs })).output);
		outputs.push(
			(
				await poll(
					{ watch: 'timeOff' },
					{ cursor: new Date(Date.now() - 400 * DAY).toISOString() },
					{ logs },
				)
			).output,
		);
		// A refused credential: the error message must not carry the token either.
		let message = '';
		fake.failNext('POST /v1/people/search', { status: 401 });
		await poll({ watch: 'employees' }, staticData, { logs }).catch(
			(error: Error) => (message = `${error.message} ${(error as any).description ?? ''}`),
		);
		expect(message).toMatch(/401/);
		const webhookLogs: string[] = [];
		outputs.push((await deliver(UPDATED, { logs: webhookLogs })).items);
		const everything = JSON.stringify(outputs) + logs.join('\n') + webhookLogs.join('\n') + message;
		expect(logs.length).toBeGreaterThan(0);
		expect(everything).not.toContain(HIBOB_TOKEN);
		expect(everything).not.toContain(
			Buffer.from(`SERVICE-USER-POLL:${HIBOB_TOKEN}`).toString('base64'),
		);
		expect(everything).not.toContain(SECRET);
	});

	it('R7: the node description follows the polling-trigger conventions', () => {
		const d = pollTrigger.description;
		expect(d.name).toBe('hiBobPollTrigger');
		expect(d.polling).toBe(true);
		expect(d.inputs).toEqual([]);
		expect(d.credentials).toEqual([{ name: 'hiBobApi', required: true }]);
		expect((d as any).usableAsTool).toBeUndefined();
	});
});

/**
 * The transport (nodes/shared/transport): credentials' request shape, rate limits and retries
 * (docs/sync-rules.md R5), creates that are never duplicated (R6), paging, and error mapping, run over
 * real HTTP against the fake HiBob and Remote servers through the stand-in n8n runtime.
 *
 * Every wait the client makes goes through n8n-workflow's `sleep`, which is wrapped here (it still
 * really sleeps) so tests can read the delays the client chose.
 */
jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual('n8n-workflow');
	return { __esModule: true, ...actual, sleep: jest.fn((ms: number) => actual.sleep(ms)) };
});

import net from 'node:net';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import { HiBob } from '../nodes/HiBob/HiBob.node';
import type { RetryPolicy } from '../nodes/shared/transport/ApiClient';
import { ApiClient } from '../nodes/shared/transport/ApiClient';
import { HIBOB_HOSTS, REMOTE_HOSTS } from '../nodes/shared/transport/baseUrl';
import { HiBobClient, hibobProfile } from '../nodes/shared/transport/hibob';
import { RemoteClient, remoteProfile } from '../nodes/shared/transport/remote';
import type { HiBobFixture, RemoteFixture, RunningFakes, StartFakesOptions } from './fakes';
import { startFakes, TEST_CREDENTIALS } from './fakes';
import { makeContext } from './harness/n8n';

jest.setTimeout(15_000);

const sleepMock = sleep as unknown as jest.Mock;
/** The delays (ms) the client asked `sleep` for since the test started. */
const sleeps = (): number[] => sleepMock.mock.calls.map((call) => Number(call[0]));

/** Small delays so retries cost milliseconds. */
const FAST: RetryPolicy = {
	maxRetries: 3,
	maxRateLimitRetries: 3,
	baseDelayMs: 10,
	maxDelayMs: 40,
	timeoutMs: 3_000,
	lowWater: 2,
};

const HIBOB_TOKEN = TEST_CREDENTIALS.hibobToken;
const REMOTE_TOKEN = TEST_CREDENTIALS.remoteToken;
const HIBOB_BASIC = Buffer.from(`${TEST_CREDENTIALS.hibobServiceUserId}:${HIBOB_TOKEN}`).toString(
	'base64',
);

const FIELDS = 'GET /v1/company/people/fields';
const SEARCH = 'POST /v1/people/search';
const EMPLOYMENTS = 'GET /v1/employments';
const DEPARTMENTS = 'GET /v1/company-departments';
const CREATE_DEPARTMENT = 'POST /v1/company-departments';

let fakes: RunningFakes | undefined;

beforeEach(() => sleepMock.mockClear());
afterEach(async () => {
	await fakes?.close();
	fakes = undefined;
});

function hibobFixture(extra: Partial<HiBobFixture> = {}): HiBobFixture {
	return {
		serviceUserId: TEST_CREDENTIALS.hibobServiceUserId,
		token: HIBOB_TOKEN,
		people: [],
		...extra,
	};
}

function remoteFixture(extra: Partial<RemoteFixture> = {}): RemoteFixture {
	return { token: REMOTE_TOKEN, ...extra };
}

async function start(options: Partial<StartFakesOptions> = {}): Promise<RunningFakes> {
	fakes = await startFakes({ hibob: hibobFixture(), remote: remoteFixture(), ...options });
	return fakes;
}

type Credentials = Record<'hiBobApi' | 'remoteApi', ICredentialDataDecryptedObject>;

function credentialsFor(f: RunningFakes, overrides: Partial<Credentials> = {}): Credentials {
	return {
		hiBobApi: {
			serviceUserId: TEST_CREDENTIALS.hibobServiceUserId,
			token: HIBOB_TOKEN,
			environment: 'custom',
			customUrl: f.hibobUrl,
			...overrides.hiBobApi,
		},
		remoteApi: {
			apiToken: REMOTE_TOKEN,
			environment: 'custom',
			customUrl: f.remoteUrl,
			...overrides.remoteApi,
		},
	};
}

/** Both clients on one stand-in n8n context (any node type will do). */
function connect(credentials: Credentials, policy: RetryPolicy = FAST) {
	const { ctx, http, credentialReads } = makeContext(new HiBob(), { parameters: {}, credentials });
	return {
		ctx,
		http,
		credentialReads,
		hibob: new HiBobClient(ctx, policy),
		remote: new RemoteClient(ctx, policy),
	};
}

async function failure(promise: Promise<unknown>): Promise<any> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	throw new Error('expected the call to fail');
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; elapsed: number }> {
	const started = Date.now();
	const result = await run();
	return { result, elapsed: Date.now() - started };
}

const at = (timestamp: string) => Date.parse(timestamp);

describe('Credentials: request shape', () => {
	it('HiBob sends Authorization: Basic base64(serviceUserId:token) to the custom base URL', async () => {
		const f = await start();
		const { hibob, http } = connect(credentialsFor(f));
		expect(Array.isArray(await hibob.getFields())).toBe(true);
		// The fake accepts exactly `Basic base64(id:token)` and answers 401 to anything else.
		expect(f.hibob.authHeader()).toBe(`Basic ${HIBOB_BASIC}`);
		expect(f.hibob.requests).toHaveLength(1);
		expect(f.hibob.requests[0]).toMatchObject({
			status: 200,
			authScheme: 'Basic',
			endpoint: FIELDS,
		});
		expect(http[0].url).toBe(`${f.hibobUrl}/v1/company/people/fields`);
	});

	it('Remote sends Authorization: Bearer <token> to the custom base URL', async () => {
		const f = await start();
		const { remote, http } = connect(credentialsFor(f));
		expect(await remote.listEmployments()).toEqual([]);
		expect(f.remote.authHeader()).toBe(`Bearer ${REMOTE_TOKEN}`);
		expect(f.remote.requests).toHaveLength(1);
		expect(f.remote.requests[0]).toMatchObject({
			status: 200,
			authScheme: 'Bearer',
			endpoint: EMPLOYMENTS,
		});
		expect(http[0].url.startsWith(`${f.remoteUrl}/v1/employments?`)).toBe(true);
	});

	it('each client reads its credential once and hands it to n8n with every request (n8n would otherwise read and decrypt it per request)', async () => {
		const f = await start();
		const { hibob, remote, credentialReads } = connect(credentialsFor(f));
		for (let i = 0; i < 4; i++) {
			await hibob.getFields();
			await remote.listEmployments();
		}
		expect(f.hibob.requests).toHaveLength(4);
		expect(f.remote.requests).toHaveLength(4);
		// Every request carried the right credential: the fakes answer 401 to anything else.
		expect([...f.hibob.requests, ...f.remote.requests].every((r) => r.status === 200)).toBe(true);
		expect(credentialReads.count).toBe(2);
	});

	it('trailing slashes (and spaces) of a custom base URL are trimmed', async () => {
		const f = await start();
		const { hibob, remote, http } = connect(
			credentialsFor(f, {
				hiBobApi: { customUrl: `  ${f.hibobUrl}///  ` },
				remoteApi: { customUrl: `${f.remoteUrl}/` },
			}),
		);
		expect(await hibob.baseUrl()).toBe(f.hibobUrl);
		expect(await remote.baseUrl()).toBe(f.remoteUrl);
		await hibob.getFields();
		await remote.listEmployments();
		expect(http.map((h) => h.url.replace(/\?.*$/, ''))).toEqual([
			`${f.hibobUrl}/v1/company/people/fields`,
			`${f.remoteUrl}/v1/employments`,
		]);
		expect(f.hibob.requests[0].status).toBe(200);
		expect(f.remote.requests[0].status).toBe(200);
	});

	it('production and sandbox environments use the documented hosts', async () => {
		const f = await start();
		for (const environment of ['production', 'sandbox'] as const) {
			const { hibob, remote } = connect(
				credentialsFor(f, { hiBobApi: { environment }, remoteApi: { environment } }),
			);
			expect(await hibob.baseUrl()).toBe(HIBOB_HOSTS[environment]);
			expect(await remote.baseUrl()).toBe(REMOTE_HOSTS[environment]);
		}
		expect(HIBOB_HOSTS).toEqual({
			production: 'https://api.hibob.com',
			sandbox: 'https://api.sandbox.hibob.com',
		});
		expect(REMOTE_HOSTS).toEqual({
			production: 'https://gateway.remote.com',
			sandbox: 'https://gateway.remote-sandbox.com',
		});
	});

	it.each([
		['empty', ''],
		['not a URL', 'not a url'],
		['another scheme', 'ftp://files.example.com'],
		['a space in the host', 'https://bad host.example.com'],
		['a broken IPv6 host', 'https://[::1'],
		['a port out of range', 'https://hibob.example.com:99999'],
	])(
		'an invalid custom URL (%s) is a NodeOperationError telling to fix the credential; nothing is sent',
		async (_what, url) => {
			const f = await start();
			const { hibob, remote, http } = connect(
				credentialsFor(f, { hiBobApi: { customUrl: url }, remoteApi: { customUrl: url } }),
			);
			const hibobError = await failure(hibob.getFields());
			const remoteError = await failure(remote.listEmployments());
			for (const [error, label] of [
				[hibobError, 'HiBob'],
				[remoteError, 'Remote'],
			] as const) {
				expect(error).toBeInstanceOf(NodeOperationError);
				expect(error.message).toContain(`The ${label} credential has no valid base URL`);
				expect(error.description).toMatch(/Open the credential/);
			}
			expect(http).toHaveLength(0);
			expect(f.hibob.requests).toHaveLength(0);
			expect(f.remote.requests).toHaveLength(0);
		},
	);
});

describe('R5: rate limits', () => {
	it('R5: HiBob 429 waits until X-RateLimit-Reset (epoch seconds), then succeeds', async () => {
		const f = await start();
		const { hibob } = connect(credentialsFor(f));
		const started = Date.now();
		const resetSec = Math.ceil((started + 500) / 1000);
		f.hibob.failNext(FIELDS, { status: 429, headers: { 'X-RateLimit-Reset': String(resetSec) } });
		const { elapsed } = await timed(() => hibob.getFields());
		const distance = resetSec * 1000 - started;
		expect(elapsed).toBeGreaterThanOrEqual(distance - 20);
		// Not much longer either: the waits asked for add up to the distance (plus the client's small margin).
		expect(sleeps().reduce((a, b) => a + b, 0)).toBeLessThan(distance + 200);
		expect(f.hibob.requests.map((r) => r.status)).toEqual([429, 200]);
		expect(at(f.hibob.requests[1].timestamp)).toBeGreaterThanOrEqual(resetSec * 1000 - 20);
		expect(hibob.stats).toMatchObject({ calls: 2, rateLimited: 1, retries: 1 });
	});

	it('R5: HiBob 429 from its own limiter: a second client waits for the window, then succeeds', async () => {
		const f = await start({ hibobOptions: { rateLimit: { limit: 1, windowMs: 500 } } });
		const first = connect(credentialsFor(f));
		const second = connect(credentialsFor(f));
		await first.hibob.getFields();
		await second.hibob.getFields();
		expect(f.hibob.requests.map((r) => r.status)).toEqual([200, 429, 200]);
		expect(at(f.hibob.requests[2].timestamp)).toBeGreaterThanOrEqual(
			at(f.hibob.requests[0].timestamp) + 500 - 10,
		);
		expect(second.hibob.stats.rateLimited).toBe(1);
	});

	it('R5: Remote 429 waits x-ratelimit-reset milliseconds (no Retry-After), then succeeds', async () => {
		const f = await start();
		const { remote } = connect(credentialsFor(f));
		f.remote.failNext(EMPLOYMENTS, { status: 429, headers: { 'x-ratelimit-reset': '600' } });
		const { elapsed } = await timed(() => remote.listEmployments());
		expect(elapsed).toBeGreaterThanOrEqual(600 - 20);
		expect(sleeps().some((ms) => ms >= 600 && ms < 700)).toBe(true);
		expect(f.remote.requests.map((r) => r.status)).toEqual([429, 200]);
		expect(
			at(f.remote.requests[1].timestamp) - at(f.remote.requests[0].timestamp),
		).toBeGreaterThanOrEqual(600 - 20);
		expect(remote.stats).toMatchObject({ calls: 2, rateLimited: 1, retries: 1 });
	});

	it('R5: Remote 429 from its own limiter: a second client waits the reset milliseconds, then succeeds', async () => {
		const f = await start({ remoteOptions: { rateLimit: { limit: 2, windowMs: 600 } } });
		const first = connect(credentialsFor(f));
		const second = connect(credentialsFor(f));
		await first.remote.listEmployments();
		await first.remote.listEmployments();
		await second.remote.listEmployments();
		expect(f.remote.requests.map((r) => r.status)).toEqual([200, 200, 429, 200]);
		expect(at(f.remote.requests[3].timestamp)).toBeGreaterThanOrEqual(
			at(f.remote.requests[0].timestamp) + 600 - 10,
		);
		expect(second.remote.stats.rateLimited).toBe(1);
	});

	it('R5: HiBob at N calls per window: a burst of N+3 calls gets no 429 (the client slows down first)', async () => {
		const N = 4;
		const f = await start({ hibobOptions: { rateLimit: { limit: N, windowMs: 1_000 } } });
		const { hibob } = connect(credentialsFor(f));
		const { elapsed } = await timed(async () => {
			for (let i = 0; i < N + 3; i++) await hibob.getFields();
		});
		expect(f.hibob.requests.map((r) => r.status)).toEqual(Array(N + 3).fill(200));
		expect(hibob.stats.rateLimited).toBe(0);
		expect(hibob.stats.waitsBeforeLimit).toBeGreaterThan(0);
		expect(elapsed).toBeGreaterThanOrEqual(1_000 - 20);
	});

	it('R5: Remote at N calls per window: a burst of N+3 calls gets no 429 (x-ratelimit-remaining low → waits)', async () => {
		const N = 4;
		const f = await start({ remoteOptions: { rateLimit: { limit: N, windowMs: 600 } } });
		const { remote } = connect(credentialsFor(f));
		const { elapsed } = await timed(async () => {
			for (let i = 0; i < N + 3; i++) await remote.listEmployments();
		});
		expect(f.remote.requests.map((r) => r.status)).toEqual(Array(N + 3).fill(200));
		expect(remote.stats.rateLimited).toBe(0);
		expect(remote.stats.waitsBeforeLimit).toBeGreaterThan(0);
		expect(elapsed).toBeGreaterThanOrEqual(600 - 20);
		// The N+1st call went out in a new window.
		expect(at(f.remote.requests[N].timestamp)).toBeGreaterThanOrEqual(
			at(f.remote.requests[0].timestamp) + 600 - 10,
		);
	});

	it('R5: 429 on every attempt fails after maxRateLimitRetries+1 attempts, saying so', async () => {
		const f = await start();
		const { remote, hibob } = connect(credentialsFor(f));
		f.remote.failNext(EMPLOYMENTS, { status: 429, headers: { 'x-ratelimit-reset': '5' } }, 10);
		const error = await failure(remote.listEmployments());
		expect(error).toBeInstanceOf(NodeApiError);
		expect(f.remote.count(EMPLOYMENTS)).toBe(FAST.maxRateLimitRetries + 1);
		expect(error.message).toContain('Too many requests');
		expect(error.description).toBe(remoteProfile.hint(429));
		expect(error.httpCode).toBe('429');

		// HiBob without any reset header: backs off instead.
		f.hibob.failNext(FIELDS, { status: 429, headers: { 'X-RateLimit-Reset': '' } }, 10);
		const hibobError = await failure(hibob.getFields());
		expect(hibobError).toBeInstanceOf(NodeApiError);
		expect(f.hibob.count(FIELDS)).toBe(FAST.maxRateLimitRetries + 1);
		expect(hibobError.description).toBe(hibobProfile.hint(429));
	});
});

describe('R5: retries', () => {
	it('R5: HiBob 5xx then success: retried, counted in stats.retries', async () => {
		const f = await start();
		const { hibob } = connect(credentialsFor(f));
		f.hibob.failNext(FIELDS, { status: 502 });
		expect(Array.isArray(await hibob.getFields())).toBe(true);
		expect(f.hibob.requests.map((r) => r.status)).toEqual([502, 200]);
		expect(hibob.stats).toMatchObject({ calls: 2, retries: 1, rateLimited: 0 });
	});

	it('R5: Remote 5xx then success: retried, counted in stats.retries', async () => {
		const f = await start();
		const { remote } = connect(credentialsFor(f));
		f.remote.failNext(EMPLOYMENTS, { status: 503 }, 2);
		expect(await remote.listEmployments()).toEqual([]);
		expect(f.remote.requests.map((r) => r.status)).toEqual([503, 503, 200]);
		expect(remote.stats).toMatchObject({ calls: 3, retries: 2, rateLimited: 0 });
	});

	it('R5: 5xx on every attempt fails after maxRetries+1 attempts with a NodeApiError carrying the API message', async () => {
		const f = await start();
		const { hibob, remote } = connect(credentialsFor(f));
		f.hibob.failNext(
			FIELDS,
			{ status: 503, body: { key: 'internal_error', error: 'Bob is having a bad day' } },
			10,
		);
		f.remote.failNext(
			EMPLOYMENTS,
			{ status: 500, body: { message: 'Upstream database unavailable' } },
			10,
		);

		const hibobError = await failure(hibob.getFields());
		expect(hibobError).toBeInstanceOf(NodeApiError);
		expect(f.hibob.count(FIELDS)).toBe(FAST.maxRetries + 1);
		expect(hibob.stats.retries).toBe(FAST.maxRetries);
		expect(hibobError.message).toContain('Bob is having a bad day');
		expect(hibobError.message).toContain('503');
		expect(hibobError.httpCode).toBe('503');
		expect(hibobError.description).toBe(hibobProfile.hint(503));

		const remoteError = await failure(remote.listEmployments());
		expect(remoteError).toBeInstanceOf(NodeApiError);
		expect(f.remote.count(EMPLOYMENTS)).toBe(FAST.maxRetries + 1);
		expect(remoteError.message).toContain('Upstream database unavailable');
		expect(remoteError.httpCode).toBe('500');
		expect(remoteError.description).toBe(remoteProfile.hint(500));
	});

	it('R5: retry delays are capped exponential backoff with jitter', async () => {
		const f = await start();
		const { ctx } = connect(credentialsFor(f));
		const policy: RetryPolicy = { ...FAST, maxRetries: 5, baseDelayMs: 10, maxDelayMs: 40 };
		const high = new ApiClient(ctx, remoteProfile, policy, () => 1);
		f.remote.failNext(EMPLOYMENTS, { status: 500 }, 4);
		await high.listAll('/v1/employments', 'employments');
		// random 1 → the full exponential delay: 10, 20, 40, then capped at 40.
		expect(sleeps()).toEqual([10, 20, 40, 40]);

		sleepMock.mockClear();
		const low = new ApiClient(ctx, remoteProfile, policy, () => 0);
		f.remote.failNext(EMPLOYMENTS, { status: 500 }, 4);
		await low.listAll('/v1/employments', 'employments');
		// random 0 → half of it: jitter spreads each delay over [exp/2, exp].
		expect(sleeps()).toEqual([5, 10, 20, 20]);
		expect(high.stats.retries + low.stats.retries).toBe(8);
	});

	it('R5: a dropped connection on a GET is retried (both APIs)', async () => {
		const f = await start();
		const { hibob, remote } = connect(credentialsFor(f));
		f.hibob.failNext(FIELDS, { drop: true });
		f.remote.failNext(EMPLOYMENTS, { drop: true });
		expect(Array.isArray(await hibob.getFields())).toBe(true);
		expect(await remote.listEmployments()).toEqual([]);
		expect(f.hibob.requests.map((r) => [r.status, r.dropped ?? false])).toEqual([
			[200, true],
			[200, false],
		]);
		expect(f.remote.count(EMPLOYMENTS)).toBe(2);
		expect(hibob.stats.retries).toBe(1);
		expect(remote.stats.retries).toBe(1);
	});

	it('R5: a dropped connection on HiBob people search (a read sent as POST) is retried', async () => {
		const f = await start();
		const { hibob } = connect(credentialsFor(f));
		f.hibob.failNext(SEARCH, { drop: true });
		expect(await hibob.searchPeople({ fields: ['root.id'] })).toEqual([]);
		expect(f.hibob.count(SEARCH)).toBe(2);
	});

	it('R5: a GET that times out is retried', async () => {
		const f = await start();
		const { remote } = connect(credentialsFor(f), { ...FAST, timeoutMs: 150 });
		f.remote.failNext(EMPLOYMENTS, { latencyMs: 500 });
		expect(await remote.listEmployments()).toEqual([]);
		expect(f.remote.count(EMPLOYMENTS)).toBe(2);
		expect(remote.stats.retries).toBe(1);
	});

	it('R5: a connection dropped on every attempt fails after maxRetries+1 attempts', async () => {
		const f = await start();
		const { remote } = connect(credentialsFor(f));
		f.remote.failNext(EMPLOYMENTS, { drop: true }, 10);
		const error = await failure(remote.listEmployments());
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('Remote could not be reached for GET /v1/employments');
		expect(error.description).toContain(`failed ${FAST.maxRetries + 1} times`);
		expect(f.remote.count(EMPLOYMENTS)).toBe(FAST.maxRetries + 1);
	});

	it('R5: a server that refuses connections is retried, then the failure names the API and the call', async () => {
		// A port that was free a moment ago: connections to it are refused.
		const probe = net.createServer();
		await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const { port } = probe.address() as net.AddressInfo;
		await new Promise<void>((resolve) => probe.close(() => resolve()));
		const f = await start();
		const { hibob } = connect(
			credentialsFor(f, { hiBobApi: { customUrl: `http://127.0.0.1:${port}` } }),
		);
		const error = await failure(hibob.getFields());
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('HiBob could not be reached for GET /v1/company/people/fields');
		expect(error.description).toContain(`failed ${FAST.maxRetries + 1} times`);
		expect(hibob.stats).toMatchObject({ calls: FAST.maxRetries + 1, retries: FAST.maxRetries });
		for (const text of [error.message, error.description, JSON.stringify(error)])
			expect(text).not.toContain(HIBOB_TOKEN);
	});

	it('R5: 401 is never retried: exactly one request on both APIs', async () => {
		const f = await start();
		const { hibob, remote } = connect(
			credentialsFor(f, {
				hiBobApi: { token: 'wrong-hibob-token' },
				remoteApi: { apiToken: 'wrong-remote-token' },
			}),
		);
		const hibobError = await failure(hibob.getFields());
		const remoteError = await failure(remote.listEmployments());
		expect(f.hibob.requests.map((r) => r.status)).toEqual([401]);
		expect(f.remote.requests.map((r) => r.status)).toEqual([401]);
		expect(hibobError).toBeInstanceOf(NodeApiError);
		expect(hibobError.httpCode).toBe('401');
		expect(hibobError.message).toContain('Invalid service user credentials');
		expect(hibobError.description).toBe(hibobProfile.hint(401));
		expect(remoteError).toBeInstanceOf(NodeApiError);
		expect(remoteError.httpCode).toBe('401');
		expect(remoteError.message).toContain('Unauthorized');
		expect(remoteError.description).toBe(remoteProfile.hint(401));
		expect(hibob.stats.retries + remote.stats.retries).toBe(0);
		expect(sleeps()).toEqual([]);
	});

	it('R5: 401 and 403 answers are never retried, even on idempotent reads', async () => {
		const f = await start();
		const { hibob, remote } = connect(credentialsFor(f));
		f.hibob.failNext(SEARCH, { status: 401 }, 3);
		f.hibob.failNext(FIELDS, { status: 403 }, 3);
		f.remote.failNext(
			EMPLOYMENTS,
			{ status: 403, body: { message: 'Forbidden: missing scope employment:read' } },
			3,
		);
		f.remote.failNext('GET /v1/company-managers', { status: 401 }, 3);

		expect((await failure(hibob.searchPeople({ fields: ['root.id'] }))).httpCode).toBe('401');
		const hibob403 = await failure(hibob.getFields());
		expect(hibob403.httpCode).toBe('403');
		expect(hibob403.description).toBe(hibobProfile.hint(403));
		const remote403 = await failure(remote.listEmployments());
		expect(remote403.httpCode).toBe('403');
		expect(remote403.message).toContain('missing scope employment:read');
		expect((await failure(remote.listCompanyManagers())).httpCode).toBe('401');

		expect(f.hibob.count(SEARCH)).toBe(1);
		expect(f.hibob.count(FIELDS)).toBe(1);
		expect(f.remote.count(EMPLOYMENTS)).toBe(1);
		expect(f.remote.count('GET /v1/company-managers')).toBe(1);
		expect(hibob.stats.retries + remote.stats.retries).toBe(0);
	});
});

describe('R5/R6: writes that are not idempotent', () => {
	const createDepartment = (
		client: RemoteClient,
		companyId: string,
		name: string,
		recover?: () => Promise<IDataObject | undefined>,
	) =>
		client.request({
			method: 'POST',
			path: '/v1/company-departments',
			body: { company_id: companyId, name },
			idempotent: false,
			recover,
		});

	const named = (f: RunningFakes, name: string) =>
		f.remote.state.departments.filter((d) => d.name === name);

	it('R6: a non-idempotent POST whose connection drops is not re-sent without recover', async () => {
		const f = await start();
		const { remote } = connect(credentialsFor(f));

		f.remote.failNext(CREATE_DEPARTMENT, { drop: true });
		const dropped = await failure(createDepartment(remote, f.remote.companyId, 'Finance'));
		expect(dropped).toBeInstanceOf(NodeApiError);
		expect(dropped.message).toContain(
			'Remote could not be reached for POST /v1/company-departments',
		);
		expect(f.remote.count(CREATE_DEPARTMENT)).toBe(1);
		expect(named(f, 'Finance')).toHaveLength(0);

		// Applied, then the answer was lost: still sent once, and the record exists once.
		f.remote.failNext(CREATE_DEPARTMENT, { dropAfterApply: true });
		await failure(createDepartment(remote, f.remote.companyId, 'Legal'));
		expect(f.remote.count(CREATE_DEPARTMENT)).toBe(2);
		expect(named(f, 'Legal')).toHaveLength(1);
		expect(remote.stats.retries).toBe(0);
	});

	it('R6: a POST that is not marked idempotent is not re-sent after a 5xx (both APIs)', async () => {
		const f = await start();
		const { remote, hibob } = connect(credentialsFor(f));
		f.remote.failNext(CREATE_DEPARTMENT, { status: 500 });
		const remoteError = await failure(
			remote.request({
				method: 'POST',
				path: '/v1/company-departments',
				body: { company_id: f.remote.companyId, name: 'Ops' },
			}),
		);
		expect(remoteError.httpCode).toBe('500');
		expect(f.remote.count(CREATE_DEPARTMENT)).toBe(1);

		const list = f.hibob.state.namedLists[0].name;
		f.hibob.failNext('POST /v1/company/named-lists/:name', { status: 503 });
		const hibobError = await failure(hibob.addNamedListItem(list, 'Brand new item'));
		expect(hibobError.httpCode).toBe('503');
		expect(f.hibob.count('POST /v1/company/named-lists/:name')).toBe(1);
	});

	it('R6: with recover returning the record found, a dropped create is not re-sent', async () => {
		const f = await start();
		const { remote } = connect(credentialsFor(f));
		let lookups = 0;
		const recover = async () => {
			lookups++;
			const all = await remote.listDepartments(f.remote.companyId);
			return all.find((d) => d.name === 'Finance');
		};
		f.remote.failNext(CREATE_DEPARTMENT, { dropAfterApply: true });
		const result = await createDepartment(remote, f.remote.companyId, 'Finance', recover);
		expect(result).toMatchObject({ name: 'Finance', company_id: f.remote.companyId });
		expect(f.remote.count(CREATE_DEPARTMENT)).toBe(1);
		expect(named(f, 'Finance')).toHaveLength(1);
		expect(lookups).toBe(1);
		expect(remote.stats.recovered).toBe(1);
	});

	it('R6: with recover finding nothing, the create is re-sent once and exists once', async () => {
		const f = await start();
		const { remote } = connect(credentialsFor(f));
		let lookups = 0;
		const recover = async () => {
			lookups++;
			const all = await remote.listDepartments(f.remote.companyId);
			return all.find((d) => d.name === 'Finance');
		};
		f.remote.failNext(CREATE_DEPARTMENT, { drop: true });
		const result = await createDepartment(remote, f.remote.companyId, 'Finance', recover);
		expect(result).toMatchObject({ data: { company_department: { name: 'Finance' } } });
		expect(f.remote.count(CREATE_DEPARTMENT)).toBe(2);
		expect(named(f, 'Finance')).toHaveLength(1);
		expect(lookups).toBe(1);
		expect(remote.stats.recovered).toBe(0);
	});
});

describe('Paging', () => {
	/** The fake Remote with `count` employments, and a client to read them. */
	async function withEmployments(count: number) {
		const employments = Array.from({ length: count }, (_, i) => ({
			login_email: `person${i}@example.com`,
		}));
		const f = await start({ remote: remoteFixture({ employments }) });
		return { f, remote: connect(credentialsFor(f)).remote };
	}

	it('listAll walks page/page_size=100 until total_pages: 250 employments → 3 calls, every item', async () => {
		const { f, remote } = await withEmployments(250);
		const all = await remote.listEmployments();
		expect(all).toHaveLength(250);
		expect(new Set(all.map((e) => e.id)).size).toBe(250);
		expect(f.remote.requests.map((r) => [r.query.page, r.query.page_size])).toEqual([
			['1', '100'],
			['2', '100'],
			['3', '100'],
		]);
	});

	it("listAll hands each item to the caller's keep as its page arrives: 250 employments kept as their ids, in order", async () => {
		const { f, remote } = await withEmployments(250);
		const full = await remote.listEmployments();
		const kept = await remote.listEmployments({}, (e) => ({ id: String(e.id) }));
		expect(kept).toEqual(full.map((e) => ({ id: e.id })));
		expect(Object.keys(full[0]).length).toBeGreaterThan(5);
		expect(f.remote.count(EMPLOYMENTS)).toBe(6);
	});

	it("listAll keeps the caller's filters on every page and stops at one page when that is all", async () => {
		const { f, remote } = await withEmployments(100);
		expect(await remote.listEmployments({ status: 'active' })).toHaveLength(100);
		expect(f.remote.requests.map((r) => r.query)).toEqual([
			{ status: 'active', page: '1', page_size: '100' },
		]);
	});

	it('listAll reads paging keys at the top level of the body as well as inside data', async () => {
		const departments = Array.from({ length: 250 }, (_, i) => ({ name: `Department ${i}` }));
		const f = await start({ remote: remoteFixture({ departments, departmentsPaging: 'top' }) });
		const { remote } = connect(credentialsFor(f));
		expect(await remote.listDepartments(f.remote.companyId)).toHaveLength(250);
		expect(f.remote.count(DEPARTMENTS)).toBe(3);

		f.remote.departmentsPaging = 'data';
		expect(await remote.listDepartments(f.remote.companyId)).toHaveLength(250);
		expect(f.remote.count(DEPARTMENTS)).toBe(6);

		// Items and paging keys both at the top level (no `data` envelope).
		const managers = 'GET /v1/company-managers';
		f.remote.failNext(managers, {
			status: 200,
			body: {
				company_managers: [{ user_id: 'a' }, { user_id: 'b' }],
				current_page: 1,
				total_pages: 2,
			},
		});
		f.remote.failNext(managers, {
			status: 200,
			body: { company_managers: [{ user_id: 'c' }], current_page: 2, total_pages: 2 },
		});
		expect((await remote.listCompanyManagers()).map((m) => m.user_id)).toEqual(['a', 'b', 'c']);
		expect(f.remote.count(managers)).toBe(2);
	});
});

describe('Errors', () => {
	it('HiBob {key, error} bodies give a NodeApiError with the API message and a hint', async () => {
		const f = await start();
		const { hibob } = connect(credentialsFor(f));
		f.hibob.failNext(SEARCH, {
			status: 400,
			body: { key: 'bad_request', error: 'Field /work/nope does not exist' },
		});
		const error = await failure(hibob.searchPeople({ fields: ['/work/nope'] }));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'HiBob answered 400 to POST /v1/people/search: Field /work/nope does not exist',
		);
		expect(error.description).toBe(hibobProfile.hint(400));
		expect(error.httpCode).toBe('400');
	});

	it.each([
		['{message}', 400, { message: 'page_size must be an integer' }, 'page_size must be an integer'],
		[
			'{message: {code, message, param}}',
			422,
			{
				message: {
					code: 'parameter_invalid_date',
					message: 'is not a valid date',
					param: 'provisional_start_date',
				},
			},
			'is not a valid date (provisional_start_date)',
		],
		[
			'{message: [ParameterError, ...]}',
			422,
			{ message: [{ code: 'parameter_required_missing', message: 'is required', param: 'email' }] },
			'is required (email)',
		],
		[
			'{errors: {field: [..]}}',
			422,
			{
				errors: { login_email: ['is invalid', 'has already been taken'], name: ["can't be blank"] },
			},
			"login_email: is invalid, has already been taken; name: can't be blank",
		],
		[
			'{message: {code, message, resource_type}}',
			409,
			{
				message: {
					code: 'resource_already_exists',
					message: 'already exists',
					resource_id: 'x',
					resource_type: 'employment',
				},
			},
			'already exists (employment)',
		],
	])(
		'Remote %s bodies give a NodeApiError with the API message and a hint',
		async (_shape, status, body, expected) => {
			const f = await start();
			const { remote } = connect(credentialsFor(f));
			f.remote.failNext(EMPLOYMENTS, { status, body });
			const error = await failure(remote.listEmployments());
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toBe(`Remote answered ${status} to GET /v1/employments: ${expected}`);
			expect(error.description).toBe(remoteProfile.hint(status));
			expect(error.description).toBeTruthy();
			expect(error.httpCode).toBe(String(status));
			expect(f.remote.count(EMPLOYMENTS)).toBe(1);
		},
	);

	/** Everything of an error a user or a log can see. */
	function visible(error: any): string[] {
		return [
			String(error.message),
			String(error.description),
			JSON.stringify(error),
			JSON.stringify(error.errorResponse ?? null),
			JSON.stringify(error.messages ?? null),
			String(error.stack),
		];
	}

	it('the HiBob token never appears in an error, even when the server echoes it', async () => {
		const f = await start();
		const { hibob } = connect(credentialsFor(f));
		const echoes = [
			{ key: 'forbidden', error: `Token ${HIBOB_TOKEN} may not read fields` },
			{ key: 'forbidden', error: `Header was Authorization: Basic ${HIBOB_BASIC}` },
			{ key: 'forbidden', error: `Credential ${HIBOB_BASIC} is blocked`, token: HIBOB_TOKEN },
		];
		for (const body of echoes) {
			f.hibob.failNext(FIELDS, { status: 403, body });
			const error = await failure(hibob.getFields());
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toContain('HiBob answered 403');
			for (const text of visible(error)) {
				expect(text).not.toContain(HIBOB_TOKEN);
				expect(text).not.toContain(HIBOB_BASIC);
			}
		}
		// Also when every retry fails with an echo.
		f.hibob.failNext(
			FIELDS,
			{ status: 500, body: { key: 'internal_error', error: `oops ${HIBOB_TOKEN}` } },
			10,
		);
		const error = await failure(hibob.getFields());
		expect(error.message).toContain('oops ***');
		for (const text of visible(error)) expect(text).not.toContain(HIBOB_TOKEN);
	});

	it('the Remote token never appears in an error, even when the server echoes it', async () => {
		const f = await start();
		const { remote } = connect(credentialsFor(f));
		const echoes = [
			{ message: `Token ${REMOTE_TOKEN} does not belong to this host` },
			{
				message: {
					code: 'parameter_value_invalid',
					message: `Bearer ${REMOTE_TOKEN} is invalid`,
					param: 'authorization',
				},
			},
			{ errors: { authorization: [`Bearer ${REMOTE_TOKEN}`], token: [REMOTE_TOKEN] } },
		];
		for (const body of echoes) {
			f.remote.failNext(EMPLOYMENTS, { status: 422, body });
			const error = await failure(remote.listEmployments());
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toContain('Remote answered 422');
			for (const text of visible(error)) expect(text).not.toContain(REMOTE_TOKEN);
		}
		// And in a 401 from a wrong token that the server echoes.
		const wrong = connect(credentialsFor(f, { remoteApi: { apiToken: 'not-a-real-wrong-token' } }));
		f.remote.failNext(EMPLOYMENTS, {
			status: 401,
			body: { message: 'Bearer not-a-real-wrong-token is not valid here' },
		});
		const error = await failure(wrong.remote.listEmployments());
		for (const text of visible(error)) expect(text).not.toContain('not-a-real-wrong-token');
	});

	it('missingAsUndefined answers undefined on 404 (not retried); without it a 404 is a NodeApiError', async () => {
		const f = await start();
		const { hibob, remote } = connect(credentialsFor(f));
		expect(await hibob.getNamedList('no-such-list')).toBeUndefined();
		expect(f.hibob.count('GET /v1/company/named-lists/:name')).toBe(1);
		expect(await hibob.getTimeoffRequest('E1', 42)).toBeUndefined();
		expect(
			await remote.request({
				method: 'GET',
				path: '/v1/employments/does-not-exist',
				missingAsUndefined: true,
			}),
		).toBeUndefined();

		const error = await failure(remote.getEmployment('does-not-exist'));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('404');
		expect(error.message).toContain('Employment not found');
		expect(error.description).toBe(remoteProfile.hint(404));
		expect(f.remote.count('GET /v1/employments/:id')).toBe(2);
	});
});

/**
 * Reliability under faults (docs/sync-rules.md R2, R5, R6, T3): a bad day at HiBob or Remote must not
 * damage anyone's data. The employee sync (HiBob → Get Employees, Remote Upsert Employee) and the
 * time-off sync (HiBob → Get Approved Time Off, Remote Time Off) run through the real nodes, over
 * HTTP, against fakes that answer from a fixed seed with 5xx, 429 and dropped connections.
 *
 * Retry delays: the nodes build their clients with `ApiClient.defaultPolicy` (DEFAULT_RETRY_POLICY in
 * n8n). Thousands of injected faults at the shipped 400 ms base delay take minutes, so this file sets
 * FAST_POLICY through that documented hook and restores the default afterwards: the same retry
 * counts, low-water mark and timeout, only the backoff delays divided by 40. Waits that follow
 * the APIs' rate-limit headers are not shortened by the client: the fakes get short windows instead.
 *
 * The figures (runs to converge, retries, recovered creates, 429 share) are printed after the tests.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { HiBob } from '../nodes/HiBob/HiBob.node';
import { RemoteTimeOff } from '../nodes/RemoteTimeOff/RemoteTimeOff.node';
import { RemoteUpsertEmployee } from '../nodes/RemoteUpsertEmployee/RemoteUpsertEmployee.node';
import { markerIds } from '../nodes/shared/core/timeoff';
import type { ClientStats, RetryPolicy } from '../nodes/shared/transport/ApiClient';
import { ApiClient, DEFAULT_RETRY_POLICY } from '../nodes/shared/transport/ApiClient';
import type {
	FaultConfig,
	GeneratedCompany,
	RateLimitConfig,
	RemoteEmployment,
	RemoteTimeoff,
	RunningFakes,
} from './fakes';
import { HiBobFake, makeCompany, RemoteFake, startFakes } from './fakes';
import { runExecute } from './harness/n8n';
import { ProcessedDataStore } from './harness/processedData';
import { makeWorld } from './helpers/world';

// A guard against a hang, not a speed goal: a busy machine (shared CI, several suites at once) may take minutes.
jest.setTimeout(600_000);

const PEOPLE = 1_000;
const TIMEOFF_REQUESTS = 2_000;
const COMPANY_SEED = 7;
const FAULT_SEED = 20_251_122;
const MAX_RUNS = 3;
/** Runs allowed at 50% 5xx (see the test). */
const HARSH_MAX_RUNS = 8;

/** DEFAULT_RETRY_POLICY with its backoff delays divided by 40 (everything else as shipped). */
const FAST_POLICY: RetryPolicy = {
	...DEFAULT_RETRY_POLICY,
	baseDelayMs: DEFAULT_RETRY_POLICY.baseDelayMs / 40,
	maxDelayMs: DEFAULT_RETRY_POLICY.maxDelayMs / 40,
};

/** 10% 5xx, 5% 429 (with the API's own headers), 2% dropped mid-response, 2% of writes applied then dropped. */
const FAULTS: FaultConfig = {
	seed: FAULT_SEED,
	error5xxRate: 0.1,
	rateLimit429Rate: 0.05,
	dropRate: 0.02,
	dropAfterApplyRate: 0.02,
	// An injected 429 says "reset in 30 ms" (Remote: x-ratelimit-reset 30; HiBob: the next whole second).
	fault429ResetMs: 30,
};

// ---- client statistics --------------------------------------------------------------------------------

/** Every client the nodes construct (collected on their first request), to add up their `stats`. */
const clients = new Set<ApiClient>();
let requestSpy: jest.SpyInstance | undefined;

function statsSince(start: Set<ApiClient>): ClientStats {
	const total: ClientStats = {
		calls: 0,
		retries: 0,
		rateLimited: 0,
		waitsBeforeLimit: 0,
		recovered: 0,
	};
	for (const client of clients) {
		if (start.has(client)) continue;
		for (const key of Object.keys(total) as Array<keyof ClientStats>)
			total[key] += client.stats[key];
	}
	return total;
}

/** Runs `fn` and adds up the stats of the clients it used (runs are sequential, never concurrent). */
async function measured<T>(fn: () => Promise<T>): Promise<{ result: T; stats: ClientStats }> {
	const before = new Set(clients);
	const result = await fn();
	return { result, stats: statsSince(before) };
}

function addStats(a: ClientStats, b: ClientStats): ClientStats {
	const out = { ...a };
	for (const key of Object.keys(out) as Array<keyof ClientStats>) out[key] += b[key];
	return out;
}

beforeAll(() => {
	ApiClient.defaultPolicy = FAST_POLICY;
	const original = ApiClient.prototype.request;
	requestSpy = jest.spyOn(ApiClient.prototype, 'request').mockImplementation(function (
		this: ApiClient,
		request,
	) {
		clients.add(this);
		return original.call(this, request);
	});
});

afterAll(() => {
	ApiClient.defaultPolicy = DEFAULT_RETRY_POLICY;
	requestSpy?.mockRestore();
	printFigures();
});

// ---- a company on the fakes, and one pass of both syncs ----------------------------------------------

interface World {
	company: GeneratedCompany;
	fakes: RunningFakes;
	credentials: Record<string, IDataObject>;
	/** The Remote Upsert Employee node's static data (one workflow, kept between runs). */
	employeeStaticData: IDataObject;
	/** n8n's deduplication store of the workflow (what the sync remembers). */
	store: ProcessedDataStore;
}

async function startWorld(
	size: { people: number; timeoff: number },
	options: { faults?: FaultConfig; rateLimit?: RateLimitConfig } = {},
): Promise<World> {
	const company = makeCompany({
		people: size.people,
		seed: COMPANY_SEED,
		withTimeoff: size.timeoff,
	});
	const serverOptions = { faults: options.faults, rateLimit: options.rateLimit };
	const fakes = await startFakes({
		hibob: company.hibob,
		remote: company.remote,
		hibobOptions: serverOptions,
		remoteOptions: serverOptions,
	});
	const credentials = {
		hiBobApi: {
			serviceUserId: company.credentials.hibobServiceUserId,
			token: company.credentials.hibobToken,
			environment: 'custom',
			customUrl: fakes.hibobUrl,
		},
		remoteApi: {
			apiToken: company.credentials.remoteToken,
			environment: 'custom',
			customUrl: fakes.remoteUrl,
		},
	};
	return { company, fakes, credentials, employeeStaticData: {}, store: new ProcessedDataStore() };
}

interface PassResult {
	/** Items reported `failed`, plus node runs that stopped: work the next run has to do. */
	pending: number;
	outcomes: Record<string, number>;
	nodeErrors: string[];
	/** The `failed` items: HiBob id (and request id), reason and message. */
	failures: string[];
}

/** One scheduled run of both workflows: employees first (it links employments), then time off. */
async function syncPass(w: World): Promise<PassResult> {
	const result: PassResult = { pending: 0, outcomes: {}, nodeErrors: [], failures: [] };
	const tally = (items: INodeExecutionData[]) => {
		for (const item of items) {
			const outcome = String(item.json.outcome);
			result.outcomes[outcome] = (result.outcomes[outcome] ?? 0) + 1;
			// A create or update that went through only in part (created_incomplete, or an update whose
			// other writes failed) is pending work too: the next run sends the rest.
			const partial = ['created_incomplete', 'remote_api_error', 'remote_refused'].includes(
				String(item.json.reason),
			);
			if (outcome === 'failed' || partial) {
				result.pending++;
				result.failures.push(
					`${String(item.json.hibobId)}${item.json.requestId ? `/${String(item.json.requestId)}` : ''}: ${String(item.json.reason)}: ${String(item.json.message)}`,
				);
			}
		}
	};
	const step = async (
		name: string,
		run: () => Promise<INodeExecutionData[]>,
	): Promise<INodeExecutionData[]> => {
		try {
			return await run();
		} catch (error) {
			result.pending++;
			result.nodeErrors.push(`${name}: ${(error as Error).message}`);
			return [];
		}
	};
	const credentials = w.credentials as any;
	const people = await step(
		'HiBob Get Employees',
		async () =>
			(
				await runExecute(new HiBob(), {
					parameters: { resource: 'employee', operation: 'getEmployees', person: '' },
					credentials,
				})
			).output,
	);
	if (people.length) {
		tally(
			await step(
				'Remote Upsert Employee',
				async () =>
					(
						await runExecute(new RemoteUpsertEmployee(), {
							parameters: { options: {} },
							input: people,
							credentials,
							staticData: w.employeeStaticData,
							processedData: w.store,
						})
					).output,
			),
		);
	}
	const requests = await step(
		'HiBob Get Approved Time Off',
		async () =>
			(
				await runExecute(new HiBob(), {
					parameters: { resource: 'timeOff', operation: 'getApproved' },
					credentials,
				})
			).output,
	);
	if (requests.length) {
		tally(
			await step(
				'Remote Time Off',
				async () =>
					(
						await runExecute(new RemoteTimeOff(), {
							parameters: { approverId: w.company.approverId, options: {} },
							input: requests,
							credentials,
						})
					).output,
			),
		);
	}
	return result;
}

/** One run of the time-off workflow on HiBob's changes feed since `since` (cancellations, T4). */
async function changesPass(w: World, since: string): Promise<PassResult> {
	const result: PassResult = { pending: 0, outcomes: {}, nodeErrors: [], failures: [] };
	const credentials = w.credentials as any;
	try {
		const requests = (
			await runExecute(new HiBob(), {
				parameters: { resource: 'timeOff', operation: 'getChanges', since },
				credentials,
			})
		).output;
		const { output } = await runExecute(new RemoteTimeOff(), {
			parameters: { approverId: w.company.approverId, options: {} },
			input: requests,
			credentials,
		});
		for (const item of output) {
			const outcome = String(item.json.outcome);
			result.outcomes[outcome] = (result.outcomes[outcome] ?? 0) + 1;
			// A create or update that went through only in part (created_incomplete, or an update whose
			// other writes failed) is pending work too: the next run sends the rest.
			const partial = ['created_incomplete', 'remote_api_error', 'remote_refused'].includes(
				String(item.json.reason),
			);
			if (outcome === 'failed' || partial) {
				result.pending++;
				result.failures.push(`${String(item.json.requestId)}: ${String(item.json.message)}`);
			}
		}
	} catch (error) {
		result.pending++;
		result.nodeErrors.push((error as Error).message);
	}
	return result;
}

/** Runs both syncs until a run leaves no pending work (at most `max` runs). */
async function converge(w: World, max: number): Promise<PassResult[]> {
	const passes: PassResult[] = [];
	while (passes.length < max) {
		const pass = await syncPass(w);
		passes.push(pass);
		if (pass.pending === 0) break;
	}
	return passes;
}

// ---- Remote's state, without what Remote generates ----------------------------------------------------

/** Keys Remote fills in itself (ids, timestamps); everything else is what the sync wrote or left. */
const GENERATED_EMPLOYMENT_KEYS = [
	'id',
	'short_id',
	'active_contract_id',
	'created_at',
	'updated_at',
];
const GENERATED_TIMEOFF_KEYS = [
	'id',
	'employment_id',
	'created_at',
	'updated_at',
	'approved_at',
	'cancelled_at',
];

/** An employment is known by its external_id; an unlinked one (never touched by the sync) by its fixture id. */
const employmentKey = (e: RemoteEmployment) =>
	e.external_id ? `external_id:${e.external_id}` : `id:${e.id}`;

function strip<T extends object>(record: T, keys: string[]): Record<string, unknown> {
	const copy = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
	for (const key of keys) delete copy[key];
	return copy;
}

interface RemoteView {
	employments: Map<string, Array<Record<string, unknown>>>;
	/** Sorted keys: employment + dates + type + status, then the days, notes (the HiBob request id) and the rest. */
	timeoffs: string[];
}

function remoteView(remote: RemoteFake): RemoteView {
	const employments = new Map<string, Array<Record<string, unknown>>>();
	const keyById = new Map<string, string>();
	for (const e of remote.state.employments) {
		const key = employmentKey(e);
		keyById.set(e.id, key);
		employments.set(key, [...(employments.get(key) ?? []), strip(e, GENERATED_EMPLOYMENT_KEYS)]);
	}
	const timeoffs = remote.state.timeoffs
		.map((t: RemoteTimeoff) =>
			JSON.stringify([
				keyById.get(t.employment_id) ?? `unknown:${t.employment_id}`,
				t.start_date,
				t.end_date,
				t.timeoff_type,
				t.status,
				strip(t, GENERATED_TIMEOFF_KEYS),
			]),
		)
		.sort();
	return { employments, timeoffs };
}

function duplicateEmployments(remote: RemoteFake): string[] {
	const byExternalId = new Map<string, number>();
	const byLogin = new Map<string, number>();
	for (const e of remote.state.employments) {
		if (e.external_id) byExternalId.set(e.external_id, (byExternalId.get(e.external_id) ?? 0) + 1);
		if (e.status !== 'deleted')
			byLogin.set(e.login_email.toLowerCase(), (byLogin.get(e.login_email.toLowerCase()) ?? 0) + 1);
	}
	return [
		...[...byExternalId].filter(([, n]) => n > 1).map(([id]) => `external_id ${id}`),
		...[...byLogin].filter(([, n]) => n > 1).map(([email]) => `login email ${email}`),
	];
}

/** HiBob request ids that more than one live (not cancelled) Remote time off carries. */
function duplicateTimeoffs(remote: RemoteFake): string[] {
	const count = new Map<string, number>();
	for (const t of remote.state.timeoffs) {
		if (t.status === 'cancelled' || t.status === 'declined') continue;
		for (const id of markerIds(t.notes)) count.set(id, (count.get(id) ?? 0) + 1);
	}
	return [...count].filter(([, n]) => n > 1).map(([id]) => id);
}

/** The paths at which two JSON values differ, with both values. */
function diffPaths(a: unknown, b: unknown, path: string, out: string[]): void {
	if (JSON.stringify(a) === JSON.stringify(b)) return;
	const isObject = (v: unknown) => v !== null && typeof v === 'object';
	if (isObject(a) && isObject(b) && Array.isArray(a) === Array.isArray(b)) {
		const ra = a as Record<string, unknown>;
		const rb = b as Record<string, unknown>;
		for (const key of new Set([...Object.keys(ra), ...Object.keys(rb)]))
			diffPaths(ra[key], rb[key], path ? `${path}.${key}` : key, out);
		return;
	}
	out.push(`${path}: ${JSON.stringify(a)} (expected ${JSON.stringify(b)})`);
}

/** The differences between two views, as short sentences (empty: identical). */
function differences(actual: RemoteView, expected: RemoteView): string[] {
	const out: string[] = [];
	for (const key of new Set([...actual.employments.keys(), ...expected.employments.keys()])) {
		const a = actual.employments.get(key) ?? [];
		const e = expected.employments.get(key) ?? [];
		if (a.length !== e.length) {
			out.push(`employment ${key}: ${a.length} in Remote, expected ${e.length}`);
			continue;
		}
		const paths: string[] = [];
		diffPaths(a, e, '', paths);
		if (paths.length) out.push(`employment ${key}: ${paths.join('; ').slice(0, 400)}`);
	}
	const expectedTimeoffs = [...expected.timeoffs];
	const extra: string[] = [];
	for (const t of actual.timeoffs) {
		const at = expectedTimeoffs.indexOf(t);
		if (at >= 0) expectedTimeoffs.splice(at, 1);
		else extra.push(t);
	}
	for (const t of extra) out.push(`time off not expected: ${t.slice(0, 300)}`);
	for (const t of expectedTimeoffs) out.push(`time off missing: ${t.slice(0, 300)}`);
	return out;
}

// ---- what the fakes saw ---------------------------------------------------------------------------------

interface FakeFigures {
	requests: number;
	answered429: number;
	/** 429s from the fake's own rate limiter (not drawn by the fault generator). */
	limiter429: number;
	byFault: Record<string, number>;
	authFailures: number;
}

function fakeFigures(...fakes: Array<HiBobFake | RemoteFake>): FakeFigures {
	const figures: FakeFigures = {
		requests: 0,
		answered429: 0,
		limiter429: 0,
		byFault: {},
		authFailures: 0,
	};
	for (const fake of fakes) {
		const injected429 = new Set(
			fake.faultTrace.filter((d) => d.kind === '429' && !d.preempted).map((d) => d.seq),
		);
		for (const r of fake.requests) {
			figures.requests++;
			if (r.status === 429) {
				figures.answered429++;
				if (!injected429.has(r.seq)) figures.limiter429++;
			}
			if (r.status === 401 || r.status === 403) figures.authFailures++;
			if (r.fault && r.fault !== 'latency')
				figures.byFault[r.fault] = (figures.byFault[r.fault] ?? 0) + 1;
		}
	}
	return figures;
}

const figures: {
	convergence?: {
		runs: number;
		pendingByRun: number[];
		stats: ClientStats;
		createsRecovered: number;
		fakes: FakeFigures;
		hibobFaults: Record<string, number>;
		employments: number;
		timeoffs: number;
		duplicates: { employments: number; timeoffs: number };
		differences: number;
		seconds: number;
		cancels: { requested: number; inRemote: number; runs: number; recovered: number };
	};
	rateLimit?: {
		calls: number;
		limiter429: number;
		waitsBeforeLimit: number;
		retries: number;
		seconds: number;
		limit: RateLimitConfig;
	};
	authFailure?: { hibob401Requests: number; hibob403Requests: number; remote401Requests: number };
	harsh?: { pendingByRun: number[] };
} = {};

const pct = (part: number, whole: number) =>
	whole ? `${((100 * part) / whole).toFixed(2)}%` : 'n/a';

function printFigures(): void {
	const c = figures.convergence;
	const r = figures.rateLimit;
	const a = figures.authFailure;
	const lines = ['', '### Reliability under faults (test/reliability.test.ts)', ''];
	if (c) {
		lines.push(
			`Company: ${PEOPLE} HiBob people, ${TIMEOFF_REQUESTS} time-off requests. Both fakes, seed ${FAULT_SEED}: 10% 5xx, 5% 429, 2% dropped mid-response, 2% of writes applied then dropped.`,
			'',
			'| Figure | Value |',
			'| --- | --- |',
			`| Runs to converge (no \`failed\` item) | ${c.runs} (pending after each run: ${c.pendingByRun.join(', ')}) |`,
			`| API calls / retries | ${c.stats.calls} / ${c.stats.retries} |`,
			`| Creates recovered after a lost answer (found by the lookup, not re-sent) | ${c.createsRecovered} |`,
			`| Calls answered 429 | ${c.fakes.answered429} of ${c.fakes.requests} (${pct(c.fakes.answered429, c.fakes.requests)}) |`,
			`| Faults the fakes injected | ${Object.entries(c.fakes.byFault)
				.map(([k, v]) => `${k} ${v}`)
				.join(', ')} (HiBob: ${
				Object.entries(c.hibobFaults)
					.map(([k, v]) => `${k} ${v}`)
					.join(', ') || 'none'
			}) |`,
			`| Cancellations (every 10th request cancelled in HiBob, changes feed synced) | ${c.cancels.inRemote} cancelled in Remote in ${c.cancels.runs} run(s); ${c.cancels.recovered} lost cancel answers recovered |`,
			`| Final state vs fault-free run | ${c.differences === 0 ? 'identical' : `${c.differences} differences`} (${c.employments} employments, ${c.timeoffs} time offs) |`,
			`| Duplicate employments / time offs | ${c.duplicates.employments} / ${c.duplicates.timeoffs} |`,
			`| 401/403 answers during the run | ${c.fakes.authFailures} |`,
			`| Wall time (faulty run, fast backoff) | ${c.seconds.toFixed(1)} s |`,
		);
	}
	if (figures.harsh) {
		lines.push(
			`| Retries exhausted (50% 5xx, 120 people): \`failed\` items after each run | ${figures.harsh.pendingByRun.join(', ')}; final state = fault-free state |`,
		);
	}
	if (r) {
		lines.push(
			`| Real rate limit (${r.limit.limit} calls / ${r.limit.windowMs} ms, no random 429): 429 while headers said wait | ${r.limiter429} of ${r.calls} calls (${pct(r.limiter429, r.calls)}); the client waited ${r.waitsBeforeLimit} times first |`,
		);
	}
	if (a) {
		lines.push(
			`| Wrong HiBob token / HiBob 403 / wrong Remote token | ${a.hibob401Requests} / ${a.hibob403Requests} / ${a.remote401Requests} request(s), never retried |`,
		);
	}
	console.log(lines.join('\n'));
}

// ---- the tests ------------------------------------------------------------------------------------------

describe('Reliability under faults', () => {
	it('R2/R5/R6/T3: with 10% 5xx, 5% 429 and 2% dropped connections on both APIs, the syncs converge to exactly the fault-free state: no duplicate, no lost update', async () => {
		const size = { people: PEOPLE, timeoff: TIMEOFF_REQUESTS };

		// The reference: the same company, no fault. One run leaves nothing pending.
		const clean = await startWorld(size);
		const faulty = await startWorld(size, { faults: FAULTS });
		try {
			const cleanPasses = await converge(clean, MAX_RUNS);
			expect(cleanPasses.map((p) => [p.pending, p.nodeErrors])).toEqual([[0, []]]);

			// The same company, both fakes faulty from a fixed seed.
			const started = Date.now();
			const { result: passes, stats: syncStats } = await measured(() => converge(faulty, MAX_RUNS));
			// The reference runs as often (every run is a full reconciliation, so the count matters).
			while (cleanPasses.length < passes.length) cleanPasses.push(await syncPass(clean));

			// Then every 10th approved request is cancelled in HiBob, and the changes feed is synced
			// (T4: cancels, also written under faults) until nothing is pending, on both companies.
			const since = new Date(Date.now() - 60_000).toISOString();
			const approved = faulty.fakes.hibob.state.timeoffRequests.filter(
				(r) => r.status === 'approved',
			);
			const cancelled = approved.filter((_, i) => i % 10 === 0).map((r) => r.requestId);
			for (const world of [clean, faulty])
				for (const id of cancelled) world.fakes.hibob.cancelTimeoffRequest(id);
			const cancelRun = await measured(async () => {
				const runs: PassResult[] = [];
				do runs.push(await changesPass(faulty, since));
				while (runs[runs.length - 1].pending > 0 && runs.length < MAX_RUNS);
				return runs;
			});
			const cancelPasses = cancelRun.result;
			const seconds = (Date.now() - started) / 1000;
			const stats = addStats(syncStats, cancelRun.stats);
			const cleanCancel = await changesPass(clean, since);
			expect([cleanCancel.pending, cleanCancel.nodeErrors]).toEqual([0, []]);
			for (let i = 1; i < cancelPasses.length; i++) await changesPass(clean, since);

			const expected = remoteView(clean.fakes.remote);
			const actual = remoteView(faulty.fakes.remote);
			const diff = differences(actual, expected);
			const dupEmployments = duplicateEmployments(faulty.fakes.remote);
			const dupTimeoffs = duplicateTimeoffs(faulty.fakes.remote);
			const seen = fakeFigures(faulty.fakes.hibob, faulty.fakes.remote);
			figures.convergence = {
				runs: passes.length,
				pendingByRun: passes.map((p) => p.pending),
				stats,
				createsRecovered: syncStats.recovered,
				fakes: seen,
				hibobFaults: fakeFigures(faulty.fakes.hibob).byFault,
				employments: faulty.fakes.remote.state.employments.length,
				timeoffs: faulty.fakes.remote.state.timeoffs.length,
				duplicates: { employments: dupEmployments.length, timeoffs: dupTimeoffs.length },
				differences: diff.length,
				seconds,
				cancels: {
					requested: cancelled.length,
					inRemote: faulty.fakes.remote.state.timeoffs.filter((t) => t.status === 'cancelled')
						.length,
					runs: cancelPasses.length,
					recovered: cancelRun.stats.recovered,
				},
			};

			// It converged: the last run left nothing pending, within MAX_RUNS.
			expect(passes[passes.length - 1].failures).toEqual([]);
			expect(passes[passes.length - 1].nodeErrors).toEqual([]);
			expect(passes[passes.length - 1].pending).toBe(0);
			expect(cancelPasses[cancelPasses.length - 1].failures).toEqual([]);
			expect(cancelPasses[cancelPasses.length - 1].pending).toBe(0);
			expect(figures.convergence.cancels.inRemote).toBeGreaterThan(50);
			// The faults really happened, on both kinds of request, and writes were recovered (R6).
			for (const kind of ['5xx', '429', 'drop', 'dropAfterApply'])
				expect(seen.byFault[kind] ?? 0).toBeGreaterThan(0);
			expect(stats.retries).toBeGreaterThan(0);
			expect(stats.recovered).toBeGreaterThan(0);
			// The outcome is the fault-free outcome, exactly.
			expect(dupEmployments).toEqual([]);
			expect(dupTimeoffs).toEqual([]);
			expect(diff).toEqual([]);
			expect(actual.timeoffs.length).toBeGreaterThan(1_000);
			// R5: no credential was refused, so nothing could have been retried after a 401/403.
			expect(seen.authFailures).toBe(0);
		} finally {
			await clean.fakes.close();
			await faulty.fakes.close();
		}
	});

	it('R2/R6: when retries run out (50% 5xx), the failed items are pending work that the next run finishes, with the fault-free result', async () => {
		const size = { people: 120, timeoff: 240 };
		const clean = await startWorld(size);
		const harsh = await startWorld(size, {
			faults: { ...FAULTS, seed: FAULT_SEED + 2, error5xxRate: 0.5 },
		});
		try {
			// Which requests draw a 5xx depends on the order concurrent requests reach the fake, so the
			// number of runs is not fixed: each left-over item fails again with p ≈ 8% per run, and 8 runs
			// leave one pending with p < 1e-6 (3 runs did, once, in CI).
			const passes = await converge(harsh, HARSH_MAX_RUNS);
			const cleanPasses: PassResult[] = [];
			while (cleanPasses.length < passes.length) cleanPasses.push(await syncPass(clean));
			figures.harsh = { pendingByRun: passes.map((p) => p.pending) };
			// Some work was left pending by the first run (R2: the others went through); at 50% 5xx a
			// request runs out of its 5 retries with p ≈ 1.6%, so several of the ~600 writes do ...
			expect(passes[0].pending).toBeGreaterThan(0);
			// ... and a later run finished it, with exactly the fault-free result.
			expect(passes[passes.length - 1].failures).toEqual([]);
			expect(passes[passes.length - 1].pending).toBe(0);
			expect(duplicateEmployments(harsh.fakes.remote)).toEqual([]);
			expect(duplicateTimeoffs(harsh.fakes.remote)).toEqual([]);
			expect(differences(remoteView(harsh.fakes.remote), remoteView(clean.fakes.remote))).toEqual(
				[],
			);
		} finally {
			await clean.fakes.close();
			await harsh.fakes.close();
		}
	});

	it('R5: 401 and 403 are never retried: a wrong HiBob token, a HiBob 403 and a wrong Remote token each cost exactly one request', async () => {
		const w = await startWorld({ people: 40, timeoff: 20 }, { faults: FAULTS });
		try {
			const hibob = w.fakes.hibob;
			const remote = w.fakes.remote;
			const wrongHiBob = {
				...w.credentials,
				hiBobApi: { ...w.credentials.hiBobApi, token: 'wrong-hibob-token-value' },
			} as any;

			// HiBob Get Employees with a wrong token: the node stops, and HiBob saw exactly one request.
			await expect(
				runExecute(new HiBob(), {
					parameters: { resource: 'employee', operation: 'getEmployees', person: '' },
					credentials: wrongHiBob,
				}),
			).rejects.toThrow(/401/);
			expect(hibob.requests.map((r) => r.status)).toEqual([401]);

			// The time-off read with the same wrong token: one more request, no retry.
			await expect(
				runExecute(new HiBob(), {
					parameters: { resource: 'timeOff', operation: 'getApproved' },
					credentials: wrongHiBob,
				}),
			).rejects.toThrow(/401/);
			expect(hibob.requests.map((r) => r.status)).toEqual([401, 401]);

			// A 403 (service user without permission) on the people search: one request, no retry.
			hibob.resetCounters();
			hibob.failNext('POST /v1/people/search', {
				status: 403,
				body: { key: 'forbidden', error: 'Forbidden' },
			});
			await expect(
				runExecute(new HiBob(), {
					parameters: { resource: 'employee', operation: 'getEmployees', person: '' },
					credentials: w.credentials as any,
				}),
			).rejects.toThrow(/403/);
			const hibob403Requests = hibob.count('POST /v1/people/search');
			expect(
				hibob.requests.filter((r) => r.endpoint === 'POST /v1/people/search').map((r) => r.status),
			).toEqual([403]);

			// Remote Upsert Employee with a wrong Remote token: one request to Remote, no retry.
			hibob.resetCounters();
			const people = (
				await runExecute(new HiBob(), {
					parameters: { resource: 'employee', operation: 'getEmployees', person: '' },
					credentials: w.credentials as any,
				})
			).output;
			expect(people.length).toBeGreaterThan(0);
			const wrongRemote = {
				...w.credentials,
				remoteApi: { ...w.credentials.remoteApi, apiToken: 'wrong-remote-token-value' },
			} as any;
			await expect(
				runExecute(new RemoteUpsertEmployee(), {
					parameters: { options: {} },
					input: people,
					credentials: wrongRemote,
				}),
			).rejects.toThrow(/401/);
			expect(remote.requests.map((r) => r.status)).toEqual([401]);

			// The Upsert node reads SSN and salary from HiBob itself: a wrong HiBob token there is one request too.
			remote.resetCounters();
			hibob.resetCounters();
			await expect(
				runExecute(new RemoteUpsertEmployee(), {
					parameters: { options: { dryRun: true } },
					input: people,
					credentials: wrongHiBob,
				}),
			).rejects.toThrow(/401/);
			expect(hibob.requests.map((r) => r.status)).toEqual([401]);

			figures.authFailure = { hibob401Requests: 1, hibob403Requests, remote401Requests: 1 };
		} finally {
			await w.fakes.close();
		}
	});

	it('R5: under a real rate limit and no random 429, under 1% of calls are answered 429 while the headers told the client to wait', async () => {
		// 30 calls per 300 ms window on each fake; 5xx and dropped connections stay on (a dropped answer
		// hides its headers, the hardest case for the client's bookkeeping).
		const limit: RateLimitConfig = { limit: 30, windowMs: 300 };
		const w = await startWorld(
			{ people: 250, timeoff: 500 },
			{ faults: { ...FAULTS, seed: FAULT_SEED + 1, rateLimit429Rate: 0 }, rateLimit: limit },
		);
		const started = Date.now();
		try {
			const { result: passes, stats } = await measured(() => converge(w, MAX_RUNS));
			const seconds = (Date.now() - started) / 1000;
			expect(passes[passes.length - 1].failures).toEqual([]);
			expect(passes[passes.length - 1].pending).toBe(0);
			const seen = fakeFigures(w.fakes.hibob, w.fakes.remote);
			figures.rateLimit = {
				calls: seen.requests,
				limiter429: seen.limiter429,
				waitsBeforeLimit: stats.waitsBeforeLimit,
				retries: stats.retries,
				seconds,
				limit,
			};
			// No 429 was drawn by the fault generator: every 429 here came from the limiter.
			expect(seen.answered429).toBe(seen.limiter429);
			// The limit was really reached (the client had to slow down) ...
			expect(stats.waitsBeforeLimit).toBeGreaterThan(0);
			expect(seen.requests).toBeGreaterThan(10 * limit.limit);
			// ... and it ran into it in under 1% of the calls.
			expect(seen.limiter429 / seen.requests).toBeLessThan(0.01);
			expect(duplicateEmployments(w.fakes.remote)).toEqual([]);
			expect(duplicateTimeoffs(w.fakes.remote)).toEqual([]);
		} finally {
			await w.fakes.close();
		}
	});
});

describe('R6: a write that may have landed is looked up, never sent twice', () => {
	it('R6: an employment create applied by Remote whose answer is lost is found by external_id and login email, not created again', async () => {
		const w = await makeWorld({}, ({ person }) => ({
			people: [
				person('1', 'contractor'),
				person('2', 'global_payroll_employee', { work: { startDate: '2020-01-06' } }),
			],
		}));
		try {
			w.fakes.remote.failNext('POST /v1/employments', { dropAfterApply: true }, 2);
			const out = await w.run();
			const employments = w.fakes.remote.state.employments;
			expect(employments.map((e) => e.external_id).sort()).toEqual(['1', '2']);
			expect(w.fakes.remote.count('POST /v1/employments')).toBe(2);
			const posts = w.fakes.remote.requests.filter((r) => r.endpoint === 'POST /v1/employments');
			expect(posts.map((r) => [r.fault, r.applied])).toEqual([
				['dropAfterApply', true],
				['dropAfterApply', true],
			]);
			// The lookup asked Remote for the login email the create had sent.
			const lookups = w.fakes.remote.requests.filter(
				(r) => r.endpoint === 'GET /v1/employments' && r.query.email !== undefined,
			);
			expect(lookups.map((r) => r.query.email)).toEqual(
				posts.map((r) => (r.body as any).basic_information.email),
			);
			for (const id of ['1', '2']) {
				const employment = employments.find((e) => e.external_id === id)!;
				expect(out.get(id)).toMatchObject({
					outcome: 'created',
					remoteEmploymentId: employment.id,
				});
			}
			// A second run finds both linked and creates nothing.
			const again = await w.run();
			expect(w.fakes.remote.count('POST /v1/employments')).toBe(2);
			expect([...again.values()].map((o) => o.outcome)).not.toContain('created');
		} finally {
			await w.close();
		}
	});

	it('R6: an employment create refused with 503 (nothing applied) is looked up, then sent again exactly once', async () => {
		const w = await makeWorld({}, ({ person }) => ({ people: [person('1', 'contractor')] }));
		try {
			w.fakes.remote.failNext('POST /v1/employments', { status: 503 });
			const out = await w.run();
			expect(out.get('1')).toMatchObject({ outcome: 'created' });
			expect(
				w.fakes.remote.requests
					.filter((r) => r.endpoint === 'POST /v1/employments')
					.map((r) => r.status),
			).toEqual([503, 201]);
			expect(w.fakes.remote.state.employments).toHaveLength(1);
		} finally {
			await w.close();
		}
	});

	it('R6/T3: a time-off create applied by Remote whose answer is lost is found by the HiBob request id in its notes, not created again', async () => {
		const hibob = await HiBobFake.start({
			serviceUserId: 'SERVICE-R6',
			token: 'hibob-r6-token',
			people: [{ id: 'E1', email: 'e1@example.com', firstName: 'E1', surname: 'Tester' }],
		});
		const remote = await RemoteFake.start({
			token: 'remote-r6-token',
			companyManagers: [
				{ user_id: 'approver-1', user_email: 'boss@example.com', user_name: 'Boss', role: 'admin' },
			],
		});
		try {
			const employment = remote.addEmployment({
				external_id: 'E1',
				status: 'active',
				type: 'employee',
			});
			// A second request on the same dates: the lookup must tell them apart by the HiBob request id.
			const start = nextMonday(7);
			const first = hibob.addTimeoffRequest({ employeeId: 'E1', startDate: start, endDate: start });
			const second = hibob.addTimeoffRequest({
				employeeId: 'E1',
				startDate: start,
				endDate: start,
				startDatePortion: 'morning',
				endDatePortion: 'morning',
				policyTypeDisplayName: 'Sick',
			});
			const credentials: any = {
				hiBobApi: {
					serviceUserId: 'SERVICE-R6',
					token: 'hibob-r6-token',
					environment: 'custom',
					customUrl: hibob.url,
				},
				remoteApi: { apiToken: 'remote-r6-token', environment: 'custom', customUrl: remote.url },
			};
			const items = (
				await runExecute(new HiBob(), {
					parameters: { resource: 'timeOff', operation: 'getApproved' },
					credentials,
				})
			).output;
			expect(items).toHaveLength(2);
			remote.failNext('POST /v1/timeoff', { dropAfterApply: true }, 2);
			const sync = () =>
				runExecute(new RemoteTimeOff(), {
					parameters: { approverId: 'approver-1', options: { summary: true } },
					input: items,
					credentials,
				});
			const run = await sync();
			expect(run.output.slice(0, 2).map((o) => o.json.outcome)).toEqual(['created', 'created']);
			expect(run.output[2].json).toMatchObject({ recovered: 2 });
			expect(remote.count('POST /v1/timeoff')).toBe(2);
			const mine = remote.state.timeoffs.filter((t) => t.employment_id === employment.id);
			expect(mine.map((t) => markerIds(t.notes)).sort()).toEqual([
				[String(first.requestId)],
				[String(second.requestId)],
			]);
			for (const item of run.output.slice(0, 2)) {
				const own = mine.find((t) => markerIds(t.notes).includes(String(item.json.requestId)))!;
				expect(item.json.createdTimeoffId).toBe(own.id);
			}
			// Running again creates nothing (T3).
			const again = await sync();
			expect(again.output.slice(0, 2).map((o) => o.json.reason)).toEqual([
				'already_synced',
				'already_synced',
			]);
			expect(remote.count('POST /v1/timeoff')).toBe(2);
			expect(remote.state.timeoffs).toHaveLength(2);
		} finally {
			await hibob.close();
			await remote.close();
		}
	});
});

/** The ISO date of the Monday at least `days` days from now (UTC). */
function nextMonday(days: number): string {
	const d = new Date(Date.now() + days * 86_400_000);
	while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
	return d.toISOString().slice(0, 10);
}

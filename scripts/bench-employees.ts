/**
 * Employee-sync benchmark: HiBob → Get Employees, then Remote Upsert Employee, run in-process
 * through the jest-free harness against the fake servers over real HTTP.
 *
 *  1. Full reconcile of a 10,000-person company (about 1,000 creates + updates), three times with
 *     the same workflow static data: run 1 (first run: nothing remembered), run 2 (after 1,000
 *     people were changed in HiBob: the "full reconcile with 1,000 differences") and run 3 (no
 *     change). Each run's API calls per endpoint are set next to the minimum the sync could make.
 *  2. CPU time of the pure core (normalise, index + match, plan with full employments) for the
 *     10,000 people, outside HTTP, and the peak heap of the whole employee bench.
 *  3. A run with 1,000 writes against a fake Remote limited to 250 calls a minute (quick mode:
 *     100 writes, 25 calls per 6 s): wall time against the bound the limit sets, share of 429s.
 *
 *   npm run build:dev && node --expose-gc .build/scripts/bench-employees.js [--quick] [--people N]
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { HiBob } from '../nodes/HiBob/HiBob.node';
import { RemoteUpsertEmployee } from '../nodes/RemoteUpsertEmployee/RemoteUpsertEmployee.node';
import { DEFAULT_FULL_RECHECK_HOURS } from '../nodes/RemoteUpsertEmployee/sync';
import type {
	FullEmployment,
	Lookups,
	PlanInput,
	PlanOptions,
	SensitiveValues,
} from '../nodes/shared/core/employee/plan';
import { planEmployee, statusFamily } from '../nodes/shared/core/employee/plan';
import { fingerprint as keyedFingerprint, fingerprintKey } from '../nodes/shared/core/fingerprint';

/** The benchmark's own change detection (any fixed key will do). */
const fingerprint = (value: unknown) => keyedFingerprint(fingerprintKey('bench'), value);
import { metadataList, resolveFields } from '../nodes/shared/core/hibobFields';
import type {
	EmploymentIndex,
	MatchResult,
	RemoteEmployment as ListedEmployment,
} from '../nodes/shared/core/match';
import { indexEmployments, matchPerson } from '../nodes/shared/core/match';
import type { Person, PersonResult } from '../nodes/shared/core/person';
import { markDuplicateEmails, normalisePerson, personSchema } from '../nodes/shared/core/person';
import type {
	GeneratedCompany,
	GeneratedPerson,
	HiBobPerson,
	MakeCompanyOptions,
	RunningFakes,
} from '../test/fakes';
import {
	DEFAULT_DEPARTMENTS,
	formForBlob,
	makeCompany,
	MINIMAL_EMPLOYMENT_KEYS,
	startFakes,
} from '../test/fakes';
import { runExecute } from '../test/harness/n8n';
import { ProcessedDataStore } from '../test/harness/processedData';
import { RECHECK, stampNames } from '../nodes/shared/core/memoryKeys';

// ---- options and result shapes --------------------------------------------------------------------

export interface BenchEmployeesOptions {
	/** People in the reconcile company (default 10,000). */
	people?: number;
	/** Seed of the generated company (default 20240601). */
	seed?: number;
	/** Rate-limit part in quick mode: 25 calls per 6 s window and 1/10 of the writes (default false). */
	quick?: boolean;
	/** Leave out the rate-limited run (default false). */
	skipRateLimit?: boolean;
	/** Progress lines (default: console.log). */
	log?: (line: string) => void;
}

/** One line of the calls-versus-minimum table of a run. */
export interface CallLine {
	/** Who makes the call. */
	caller: 'HiBob node' | 'Upsert node → HiBob' | 'Upsert node → Remote';
	endpoint: string;
	what: string;
	calls: number;
	minimum: number;
	/** Why calls exceed the minimum (empty when they do not). */
	notes: string[];
}

export interface RunFigures {
	label: string;
	people: number;
	employmentsListed: number;
	wallMs: number;
	hibobNodeMs: number;
	upsertMs: number;
	outcomes: Record<string, number>;
	reasons: Record<string, number>;
	created: number;
	updated: number;
	/** Real differences written: created + updated outcomes. */
	differences: number;
	failed: number;
	lines: CallLine[];
	totalCalls: number;
	minimumCalls: number;
	overMinimum: number;
	hibobCalls: number;
	remoteCalls: number;
	remoteReads: number;
	remoteWrites: number;
	minimumWrites: number;
	detailReads: number;
	minimumDetailReads: number;
	/** Why detail reads exceeded the minimum: reason → count. */
	extraDetailReads: Record<string, number>;
	/** Needed detail reads the run did not make (the node trusted its memory): should be 0. */
	missingDetailReads: number;
	/** Detail reads on the first run: everyone who reached the step that needs the full employment. */
	needsDetailWithoutMemory: number;
	/** The work measured at the fake Remote (requests, not people). */
	work: Work;
	/** The country forms read (`COUNTRY/form`), sorted. */
	schemaForms: string[];
	/** The work the bench's own data requires (expectedWork), set after the run. */
	expected?: ExpectedWork;
}

/** Counts of required work: Remote requests answered (not 429). */
export interface Work {
	creates: number;
	/** Every write request: creates and PATCHes. */
	writes: number;
	fullReads: number;
	schemaReads: number;
}

export interface ExpectedWork extends Work {
	/** The country forms the run must read (`COUNTRY/form`), sorted. */
	schemaForms: string[];
	/** How each figure was derived, in words. */
	basis: string[];
}

export interface CoreFigures {
	people: number;
	validPeople: number;
	matched: number;
	plannedWithDetail: number;
	outcomes: Record<string, number>;
	/** CPU ms (user + system) of each timed pass. */
	passes: Array<{
		normaliseMs: number;
		matchMs: number;
		planMs: number;
		totalMs: number;
		bookkeepingMs: number;
	}>;
	/** The verdict figure: the slowest timed pass. */
	coreCpuMs: number;
	goalMs: number;
}

export interface HeapFigures {
	gcExposed: boolean;
	baselineMb: number;
	/** Peak heapUsed of the 50 ms samples (includes garbage not collected yet). */
	peakMb: number;
	peakPhase: string;
	/** Peak heapUsed right after a forced full collection (what the bench and the sync hold). */
	livePeakMb: number;
	livePeakPhase: string;
	samples: number;
	collections: number;
	goalMb: number;
	phases: Record<string, { peakMb: number; livePeakMb: number }>;
}

export interface RateLimitFigures {
	mode: 'full' | 'quick';
	limit: number;
	windowMs: number;
	newHires: number;
	writes: number;
	created: number;
	/** Remote calls answered other than 429 (what had to fit into the windows). */
	calls: number;
	requestsIncl429: number;
	answered429: number;
	share429: number;
	windows: number;
	callsInLastWindow: number;
	unthrottledMs: number;
	unthrottledCalls: number;
	inWindowMs: number;
	boundMs: number;
	wallMs: number;
	ratio: number;
	goalRatio: number;
	goal429Share: number;
}

export interface BenchEmployeesResult {
	company: {
		people: number;
		seed: number;
		flagged: number;
		employments: number;
		generator: Partial<MakeCompanyOptions>;
	};
	changedForRun2: Record<string, number>;
	runs: RunFigures[];
	core: CoreFigures;
	heap: HeapFigures;
	rateLimit?: RateLimitFigures;
	explanation: string[];
}

// ---- small helpers ------------------------------------------------------------------------------------

const PAGE = 100;
const MB = 1024 * 1024;
const PLAN_OPTIONS = (): PlanOptions => ({
	today: new Date().toISOString().slice(0, 10),
	syncSsn: true,
	syncSalary: true,
});

const bump = (record: Record<string, number>, key: string, by = 1) => {
	record[key] = (record[key] ?? 0) + by;
};
const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE));

function cpuMs(start: NodeJS.CpuUsage): number {
	const d = process.cpuUsage(start);
	return (d.user + d.system) / 1000;
}

function gc(): void {
	const collect = (globalThis as { gc?: () => void }).gc;
	if (collect) collect();
}

/**
 * Samples heapUsed every 50 ms (and at every phase boundary), remembering the peak per phase.
 * heapUsed counts garbage V8 has not collected yet, so it mostly shows how lazily V8 collects. To
 * show what the bench really holds, a sample that finds the heap 24 MB above the last collected
 * figure also forces a full collection and records the live heap right after it.
 */
class HeapSampler {
	peak = 0;
	peakPhase = '';
	livePeak = 0;
	livePhase = '';
	baseline = 0;
	samples = 0;
	collections = 0;
	phase = 'setup';
	readonly phases: Record<string, { peakMb: number; livePeakMb: number }> = {};
	private nextCollectAt = 0;
	private timer?: NodeJS.Timeout;
	readonly gcExposed = typeof (globalThis as { gc?: unknown }).gc === 'function';

	start(): void {
		gc();
		this.baseline = process.memoryUsage().heapUsed;
		this.sample();
		this.timer = setInterval(() => this.sample(), 50);
		this.timer.unref();
	}

	/** A new phase starts from a collected heap (global.gc before it). */
	enter(phase: string): void {
		this.sample();
		this.phase = phase;
		this.collect();
	}

	private figures() {
		return (this.phases[this.phase] ??= { peakMb: 0, livePeakMb: 0 });
	}

	private collect(): void {
		if (!this.gcExposed) return;
		gc();
		this.collections++;
		const live = process.memoryUsage().heapUsed;
		this.nextCollectAt = live + 24 * MB;
		const f = this.figures();
		f.livePeakMb = Math.max(f.livePeakMb, live / MB);
		if (live > this.livePeak) {
			this.livePeak = live;
			this.livePhase = this.phase;
		}
	}

	sample(): void {
		const used = process.memoryUsage().heapUsed;
		this.samples++;
		const f = this.figures();
		f.peakMb = Math.max(f.peakMb, used / MB);
		if (used > this.peak) {
			this.peak = used;
			this.peakPhase = this.phase;
		}
		if (used > this.nextCollectAt) this.collect();
	}

	stop(): void {
		this.sample();
		if (this.timer) clearInterval(this.timer);
	}
}

function credentialsFor(fakes: RunningFakes, secrets: GeneratedCompany['credentials']) {
	return {
		hiBobApi: {
			serviceUserId: secrets.hibobServiceUserId,
			token: secrets.hibobToken,
			environment: 'custom',
			customUrl: fakes.hibobUrl,
		},
		remoteApi: { apiToken: secrets.remoteToken, environment: 'custom', customUrl: fakes.remoteUrl },
	};
}

/** The list record of an employment, as `GET /v1/employments` answers it. */
function minimalOf(e: Record<string, unknown>): ListedEmployment {
	const out: Record<string, unknown> = {};
	for (const key of MINIMAL_EMPLOYMENT_KEYS) out[key] = structuredClone(e[key]);
	return out as ListedEmployment;
}

/** What the Upsert node reads straight from HiBob (R1), taken from the fake's state. */
function sensitiveOf(person: HiBobPerson | undefined): SensitiveValues {
	const salary = person?.payroll?.salary;
	const yearly = salary?.yearlyPayment ?? salary?.payment ?? null;
	const ssn = person?.identification?.ssn;
	return {
		ssn: typeof ssn === 'string' && /^\d{3}-?\d{2}-?\d{4}$/.test(ssn.trim()) ? ssn.trim() : null,
		yearlySalary: yearly ? { value: yearly.value, currency: yearly.currency ?? null } : null,
		payPeriod: typeof salary?.payPeriod === 'string' ? salary.payPeriod : null,
	};
}

/** A person's HiBob values (what must stay the same for a remembered plan to still hold). */
function valuesKey(person: Person, sensitive: SensitiveValues): string {
	const { warnings: _w, missingFields: _m, raw: _r, ...values } = person;
	return fingerprint({ values, sensitive });
}

interface Prepared {
	persons: Person[];
	index: EmploymentIndex;
	matches: Map<string, MatchResult>;
	/** Employment id → HiBob id of the people whose plan (without memory) asks for the full employment. */
	needsDetail: Map<string, string>;
	wantsSensitive: boolean;
	needsLookups: boolean;
	listed: number;
}

/**
 * What the run has to work with, computed on the bench side from the HiBob node's output and the
 * employment list as it stands before the Upsert node runs: who matches what, who would need the
 * full employment on a first run, whether SSN/salary must be read.
 */
function prepare(
	items: INodeExecutionData[],
	fakes: RunningFakes,
	options: PlanOptions,
	hibobById: Map<string, HiBobPerson>,
): Prepared {
	// The HiBob node's items are Person objects (valid: true) or skipped items; used as they are.
	const persons: Person[] = [];
	const seen = new Set<string>();
	for (const item of items) {
		const json = item.json as unknown as Person;
		if (json.valid !== true || typeof json.hibobId !== 'string' || seen.has(json.hibobId)) continue;
		seen.add(json.hibobId);
		persons.push(json);
	}
	const list = fakes.remote.employments
		.filter((e) => e.status !== 'deleted')
		.map((e) => minimalOf(e as never));
	const index = indexEmployments(list);
	const matches = new Map<string, MatchResult>();
	const claims = new Map<string, string[]>();
	for (const person of persons) {
		const match = matchPerson(person, index);
		matches.set(person.hibobId, match);
		if (match.kind === 'match')
			claims.set(match.employment.id, [...(claims.get(match.employment.id) ?? []), person.hibobId]);
	}
	const lookups: Lookups = { managers: new Map(), departments: new Map() };
	const needsDetail = new Map<string, string>();
	let wantsSensitive = false;
	for (const person of persons) {
		const match = matches.get(person.hibobId)!;
		if (match.kind === 'match' && claims.get(match.employment.id)!.length > 1) continue; // M2: never written
		const family =
			match.kind === 'match'
				? statusFamily(match.employment.status)
				: match.kind === 'none'
					? 'new'
					: 'none';
		if (
			person.countryCode === 'USA' &&
			options.syncSsn &&
			(family === 'new' || family === 'not_started')
		)
			wantsSensitive = true;
		if (
			person.kind === 'global_payroll_employee' &&
			options.syncSalary &&
			['new', 'not_started', 'active'].includes(family)
		)
			wantsSensitive = true;
		if (match.kind !== 'match' && match.kind !== 'none') continue;
		const step = planEmployee({
			person,
			match,
			options,
			lookups,
			sensitive: sensitiveOf(hibobById.get(person.hibobId)),
		});
		if (step.done) continue;
		if (step.needs === 'detail' && step.part !== 'contractAmendments')
			needsDetail.set(step.employmentId, person.hibobId);
	}
	return {
		persons,
		index,
		matches,
		needsDetail,
		wantsSensitive,
		needsLookups: persons.some((p) => p.supervisorEmail || p.department),
		listed: list.length,
	};
}

/** The managers and departments as Remote lists them (a held-back manager or department depends on them). */
function lookupsKey(fakes: RunningFakes): string {
	return fingerprint({
		managers: fakes.remote.companyManagers,
		departments: fakes.remote.departments,
	});
}

/** `26 (country, form) pairs: DEU 6, GBR 6, …` */
function schemaSummary(keys: Set<string>): string {
	const byCountry = new Map<string, string[]>();
	for (const key of [...keys].sort()) {
		const [country, form] = key.split('/');
		byCountry.set(country, [...(byCountry.get(country) ?? []), form]);
	}
	return `${keys.size} (country, form) pairs: ${[...byCountry].map(([country, forms]) => `${country} ${forms.length}`).join(', ')}`;
}

/** ` (fields: a, b)`: the fields a plan changed or held back. */
function fieldsOf(json: IDataObject | undefined): string {
	if (!json) return '';
	const fields = [
		...((json.changes as IDataObject[]) ?? []),
		...((json.heldBack as IDataObject[]) ?? []),
	].map((c) => String(c.field));
	return fields.length ? ` (${[...new Set(fields)].join(', ')})` : '';
}

/** What a run left behind for one person, to judge whether the next run must look again. */
interface Settled {
	values: string;
	/** The employment's list record as the run left it. */
	listAfter: string | null;
	outcome: string;
	reason: string;
	heldBack: boolean;
	/** `field (reason), …` of what was held back. */
	heldFields: string;
	employmentId: string | null;
}

// ---- one reconcile run ----------------------------------------------------------------------------------

/**
 * "A day later" without waiting a day: the node's stamp of the last full re-check (in n8n's store, one
 * name per minute and hour, see memoryKeys) is taken out, and the bench's own record moved back.
 */
function moveFullRecheckBack(ctx: RunContext, byMs: number): void {
	const last = ctx.lastFullRecheck!;
	const names = new Set<string>();
	for (let t = last.startMs - 60_000; t <= last.endMs + 60_000; t += 30_000)
		for (const name of stampNames(RECHECK, t)) names.add(ProcessedDataStore.hash(name));
	for (const row of ctx.store.rows.values()) row.data = row.data.filter((hash) => !names.has(hash));
	ctx.lastFullRecheck = { startMs: last.startMs - byMs, endMs: last.endMs - byMs };
}

interface RunContext {
	fakes: RunningFakes;
	staticData: IDataObject;
	/** n8n's deduplication store of the workflow: what the sync remembers between runs. */
	store: ProcessedDataStore;
	/** When the last full re-check ran (start and end), as the bench saw it. */
	lastFullRecheck?: { startMs: number; endMs: number };
	credentials: ReturnType<typeof credentialsFor>;
	previous: Map<string, Settled>;
	/** The managers and departments lists as the previous run saw them. */
	previousLookups?: string;
}

async function reconcile(
	label: string,
	ctx: RunContext,
	expected: ExpectedWork,
): Promise<{ figures: RunFigures; output: INodeExecutionData[] }> {
	const { fakes } = ctx;
	const options = PLAN_OPTIONS();
	// The node's daily full re-check (option "Full Re-Check Every (Hours)", 24 by default) reads every
	// matched employment again, remembered or not.
	const last = ctx.lastFullRecheck?.endMs;
	const fullRecheck =
		last === undefined || Date.now() - last >= DEFAULT_FULL_RECHECK_HOURS * 3600_000;
	fakes.hibob.resetCounters();
	fakes.remote.resetCounters();
	const started = Date.now();
	const read = await runExecute(new HiBob(), {
		parameters: { resource: 'employee', operation: 'getEmployees' },
		credentials: ctx.credentials,
	});
	const hibobNodeMs = Date.now() - started;
	const hibobNodeCounters = { ...fakes.hibob.counters };
	fakes.hibob.resetCounters();

	// Bench-side bookkeeping between the two nodes (not timed): nothing changes Remote meanwhile.
	const items = read.output;
	const hibobById = new Map(fakes.hibob.people.map((p) => [p.id, p]));
	const prepared = prepare(items, fakes, options, hibobById);
	const currentValues = new Map(
		prepared.persons.map((p) => [p.hibobId, valuesKey(p, sensitiveOf(hibobById.get(p.hibobId)))]),
	);

	const upsertStarted = Date.now();
	const sync = await runExecute(new RemoteUpsertEmployee(), {
		parameters: { options: {} },
		input: items,
		credentials: ctx.credentials,
		staticData: ctx.staticData,
		processedData: ctx.store,
	});
	const upsertMs = Date.now() - upsertStarted;
	if (fullRecheck) ctx.lastFullRecheck = { startMs: upsertStarted, endMs: Date.now() };
	const wallMs = Date.now() - started;
	const upsertHiBobCounters = { ...fakes.hibob.counters };
	const remoteCounters = { ...fakes.remote.counters };

	// Outcomes.
	const outcomes: Record<string, number> = {};
	const reasons: Record<string, number> = {};
	const byId = new Map<string, IDataObject>();
	for (const item of sync.output) {
		const json = item.json;
		bump(outcomes, String(json.outcome));
		bump(reasons, `${json.outcome}/${json.reason}`);
		if (json.hibobId) byId.set(String(json.hibobId), json);
	}
	const created = outcomes.created ?? 0;
	const updated = outcomes.updated ?? 0;

	// Detail reads: which employments were read, and which had to be.
	const readIds: Record<string, number> = {};
	const schemaPaths: Record<string, number> = {};
	for (const request of fakes.remote.requests) {
		if (request.status === 429) continue;
		if (request.endpoint === 'GET /v1/employments/:id')
			bump(readIds, decodeURIComponent(request.path.split('/').pop()!));
		if (request.endpoint === 'GET /v1/countries/:code/:form') bump(schemaPaths, request.path);
	}
	const required = new Set<string>();
	const lookupsNow = lookupsKey(fakes);
	for (const [employmentId, hibobId] of prepared.needsDetail) {
		const before = ctx.previous.get(hibobId);
		const match = prepared.matches.get(hibobId)!;
		const known =
			!fullRecheck &&
			before !== undefined &&
			before.outcome !== 'failed' &&
			before.values === currentValues.get(hibobId) &&
			before.employmentId === employmentId &&
			match.kind === 'match' &&
			before.listAfter === fingerprint(match.employment) &&
			ctx.previousLookups === lookupsNow;
		if (!known) required.add(employmentId);
	}
	const extraDetailReads: Record<string, number> = {};
	let detailReads = 0;
	for (const [employmentId, n] of Object.entries(readIds)) {
		detailReads += n;
		if (n > 1) bump(extraDetailReads, 'the same employment read more than once', n - 1);
		if (required.has(employmentId)) continue;
		const hibobId = prepared.needsDetail.get(employmentId);
		const before = hibobId ? ctx.previous.get(hibobId) : undefined;
		let why: string;
		if (!hibobId) why = 'employment no plan needs in full';
		else if (before?.heldBack)
			why = `unchanged person whose last run (${before.outcome}/${before.reason}) held back ${before.heldFields}`;
		else if (
			before &&
			(before.outcome === 'unchanged' ||
				before.outcome === 'updated' ||
				before.outcome === 'created')
		)
			why = `unchanged person left in sync last run (${before.outcome}), re-read: its list record differs${fieldsOf(byId.get(hibobId!))}`;
		else
			why = `unchanged person, ${before ? `${before.outcome}/${before.reason}` : 'not seen'} last run`;
		bump(extraDetailReads, why);
	}
	// Writes: one per difference, unless the person was settled in sync by the previous run and has
	// not changed since (then a write repeats or completes an earlier one).
	let requiredWrites = 0;
	const extraWrites: Record<string, number> = {};
	for (const [hibobId, json] of byId) {
		if (json.outcome !== 'created' && json.outcome !== 'updated') continue;
		const before = ctx.previous.get(hibobId);
		const settledInSync =
			before !== undefined &&
			!before.heldBack &&
			(before.outcome === 'unchanged' ||
				before.outcome === 'updated' ||
				before.outcome === 'created') &&
			before.values === currentValues.get(hibobId) &&
			before.employmentId === (json.remoteEmploymentId ? String(json.remoteEmploymentId) : null);
		if (!settledInSync) requiredWrites++;
		else
			bump(
				extraWrites,
				`person reported ${before!.outcome} and in sync last run, unchanged since, written again${fieldsOf(json)}`,
			);
	}
	let missingDetailReads = 0;
	for (const employmentId of required) if (!readIds[employmentId]) missingDetailReads++;

	// Calls against the minimum, line by line.
	const lines: CallLine[] = [];
	const take = (counters: Record<string, number>, key: string) => {
		const n = counters[key] ?? 0;
		delete counters[key];
		return n;
	};
	const hn = { ...hibobNodeCounters };
	const uh = { ...upsertHiBobCounters };
	const rc = { ...remoteCounters };
	lines.push({
		caller: 'HiBob node',
		endpoint: 'GET /v1/company/people/fields',
		what: 'fields metadata',
		calls: take(hn, 'GET /v1/company/people/fields'),
		minimum: 1,
		notes: [],
	});
	lines.push({
		caller: 'HiBob node',
		endpoint: 'POST /v1/people/search',
		what: 'people search (everyone)',
		calls: take(hn, 'POST /v1/people/search'),
		minimum: 1,
		notes: [],
	});
	for (const [key, n] of Object.entries(hn))
		lines.push({
			caller: 'HiBob node',
			endpoint: key,
			what: 'other',
			calls: n,
			minimum: 0,
			notes: ['not needed for this company'],
		});
	const sensitive = prepared.wantsSensitive ? 1 : 0;
	lines.push({
		caller: 'Upsert node → HiBob',
		endpoint: 'POST /v1/people/search',
		what: 'sensitive-fields search (SSN, salary)',
		calls: take(uh, 'POST /v1/people/search'),
		minimum: sensitive,
		notes: sensitive ? [] : ['no USA new hire and no global payroll person: not needed'],
	});
	const uhFields = take(uh, 'GET /v1/company/people/fields');
	lines.push({
		caller: 'Upsert node → HiBob',
		endpoint: 'GET /v1/company/people/fields',
		what: 'fields metadata again',
		calls: uhFields,
		minimum: 0,
		notes: uhFields
			? [
					'readSensitive() in the Upsert node resolves the SSN and salary field ids through the fields metadata a second time (the HiBob node read it already, but nothing of it reaches the Upsert node)',
				]
			: [],
	});
	for (const [key, n] of Object.entries(uh))
		lines.push({
			caller: 'Upsert node → HiBob',
			endpoint: key,
			what: 'other',
			calls: n,
			minimum: 0,
			notes: [],
		});
	const listCalls = take(rc, 'GET /v1/employments');
	lines.push({
		caller: 'Upsert node → Remote',
		endpoint: 'GET /v1/employments',
		what: `employment list pages (${prepared.listed} employments, 100 a page)`,
		calls: listCalls,
		minimum: pages(prepared.listed),
		notes:
			listCalls > pages(prepared.listed)
				? ['extra list calls (R6 look-ups after a lost create answer?)']
				: [],
	});
	const managers = fakes.remote.companyManagers.length;
	const departments = fakes.remote.departments.length;
	lines.push({
		caller: 'Upsert node → Remote',
		endpoint: 'GET /v1/company-managers',
		what: `company managers (${managers})`,
		calls: take(rc, 'GET /v1/company-managers'),
		minimum: prepared.needsLookups ? pages(managers) : 0,
		notes: [],
	});
	lines.push({
		caller: 'Upsert node → Remote',
		endpoint: 'GET /v1/company-departments',
		what: `departments (${departments})`,
		calls: take(rc, 'GET /v1/company-departments'),
		minimum: prepared.needsLookups ? pages(departments) : 0,
		notes: [],
	});
	const schemaCalls = take(rc, 'GET /v1/countries/:code/:form');
	lines.push({
		caller: 'Upsert node → Remote',
		endpoint: 'GET /v1/countries/:code/:form',
		what: 'country form schemas (each form a write or a create check of the run needs, once)',
		calls: schemaCalls,
		minimum: expected.schemaReads,
		notes: [
			...(schemaCalls > Object.keys(schemaPaths).length
				? ['a schema was read more than once']
				: []),
			...(expected.schemaReads
				? [`the run needs ${schemaSummary(new Set(expected.schemaForms))} (expectedWork)`]
				: []),
		],
	});
	const minimumDetailReads = required.size;
	const detailCalls = take(rc, 'GET /v1/employments/:id');
	lines.push({
		caller: 'Upsert node → Remote',
		endpoint: 'GET /v1/employments/:id',
		what: 'full employment reads',
		calls: detailCalls,
		minimum: minimumDetailReads,
		notes: Object.entries(extraDetailReads).map(
			([why, n]) => `${n.toLocaleString('en-US')}× ${why}`,
		),
	});
	const posts = take(rc, 'POST /v1/employments');
	lines.push({
		caller: 'Upsert node → Remote',
		endpoint: 'POST /v1/employments',
		what: `creates (${created} created)`,
		calls: posts,
		minimum: expected.creates,
		notes: [],
	});
	// The PATCHes of the create sequence (one per remaining form, remote-api.md §6.5) and of the
	// updates; an active employment's department goes through /v2 (§6.6). Minimum: expectedWork.
	const patchesV2 = take(rc, 'PATCH /v2/employments/:id');
	const patches = take(rc, 'PATCH /v1/employments/:id') + patchesV2;
	const patchNotes = Object.entries(extraWrites).map(
		([why, n]) => `${n.toLocaleString('en-US')}× ${why}`,
	);
	if (patchesV2)
		patchNotes.push(
			`${patchesV2.toLocaleString('en-US')} of them PATCH /v2/employments/:id (the department of an active employment)`,
		);
	lines.push({
		caller: 'Upsert node → Remote',
		endpoint: 'PATCH /v1|v2/employments/:id',
		what: `form PATCHes after creates + updates (${updated} updated)`,
		calls: patches,
		minimum: expected.writes - expected.creates,
		notes: patchNotes,
	});
	for (const [key, n] of Object.entries(rc))
		lines.push({
			caller: 'Upsert node → Remote',
			endpoint: key,
			what: 'other',
			calls: n,
			minimum: 0,
			notes: [],
		});

	const totalCalls = lines.reduce((s, l) => s + l.calls, 0);
	const minimumCalls = lines.reduce((s, l) => s + l.minimum, 0);
	const hibobCalls = lines
		.filter((l) => l.caller !== 'Upsert node → Remote')
		.reduce((s, l) => s + l.calls, 0);
	const remoteCalls = totalCalls - hibobCalls;
	const remoteWrites = fakes.remote.writeCount();

	// What this run leaves behind, for the next run's minimum.
	const employmentNow = new Map(fakes.remote.employments.map((e) => [e.id, e]));
	const settled = new Map<string, Settled>();
	for (const person of prepared.persons) {
		const json = byId.get(person.hibobId);
		if (!json) continue;
		const employmentId = json.remoteEmploymentId ? String(json.remoteEmploymentId) : null;
		const after = employmentId ? employmentNow.get(employmentId) : undefined;
		settled.set(person.hibobId, {
			values: currentValues.get(person.hibobId)!,
			listAfter: after ? fingerprint(minimalOf(after as never)) : null,
			outcome: String(json.outcome),
			reason: String(json.reason),
			heldBack: ((json.heldBack as unknown[]) ?? []).length > 0,
			heldFields: [
				...new Set(
					((json.heldBack as IDataObject[]) ?? []).map(
						(h) => `${String(h.field)} (${String(h.reason)})`,
					),
				),
			]
				.sort()
				.join(', '),
			employmentId,
		});
	}
	ctx.previous = settled;
	ctx.previousLookups = lookupsNow;

	const figures: RunFigures = {
		label,
		people: items.length,
		employmentsListed: prepared.listed,
		wallMs,
		hibobNodeMs,
		upsertMs,
		outcomes,
		reasons,
		created,
		updated,
		differences: created + updated,
		failed: outcomes.failed ?? 0,
		lines,
		totalCalls,
		minimumCalls,
		overMinimum: totalCalls - minimumCalls,
		hibobCalls,
		remoteCalls,
		remoteReads: remoteCalls - remoteWrites,
		remoteWrites,
		minimumWrites: requiredWrites,
		detailReads,
		minimumDetailReads,
		extraDetailReads,
		missingDetailReads,
		needsDetailWithoutMemory: prepared.needsDetail.size,
		work: {
			creates: posts,
			writes: remoteWrites,
			fullReads: detailCalls,
			schemaReads: schemaCalls,
		},
		schemaForms: Object.keys(schemaPaths)
			.map((p) => p.replace(/^\/v1\/countries\//, ''))
			.sort(),
	};
	return { figures, output: sync.output };
}

// ---- the 1,000 HiBob changes before run 2 ----------------------------------------------------------

/**
 * Changes `count` people in HiBob, people that run 1 left fully in sync with an employment Remote
 * lets the API update (active or not started): a move to another city, a new work email, or a move
 * to another department that exists in Remote, in turn. Supervisors are left alone (their email is
 * a Remote manager's).
 */
function changePeople(
	fakes: RunningFakes,
	output: INodeExecutionData[],
	count: number,
): { changed: Record<string, number>; ids: string[]; what: Map<string, string> } {
	const supervisors = new Set(
		fakes.hibob.people.map((p) => (p.work.reportsTo ? p.work.reportsTo.id : '')).filter(Boolean),
	);
	const employmentById = new Map(fakes.remote.employments.map((e) => [e.id, e]));
	const candidates = output
		.map((o) => o.json)
		.filter((json) => {
			if (json.outcome !== 'unchanged' && json.outcome !== 'updated') return false;
			if (((json.heldBack as unknown[]) ?? []).length) return false;
			if (supervisors.has(String(json.hibobId))) return false;
			const employment = employmentById.get(String(json.remoteEmploymentId));
			const family = statusFamily(employment?.status);
			return family === 'active' || family === 'not_started';
		});
	if (candidates.length < count)
		throw new Error(`only ${candidates.length} people can take a change (${count} wanted)`);
	// Spread the changes over the whole company, deterministically.
	const step = candidates.length / count;
	const changed: Record<string, number> = {};
	const ids: string[] = [];
	const what = new Map<string, string>();
	for (let k = 0; k < count; k++) {
		const id = String(candidates[Math.floor(k * step)].hibobId);
		ids.push(id);
		what.set(id, ['address city', 'work email', 'department'][k % 3]);
		const person = fakes.hibob.people.find((p) => p.id === id)!;
		if (k % 3 === 0) {
			fakes.hibob.updatePerson(id, { address: { city: `${person.address?.city ?? 'City'} Nord` } });
			bump(changed, 'address city');
		} else if (k % 3 === 1) {
			fakes.hibob.updatePerson(id, {
				email: person.email.replace('@example.com', '.moved@example.com'),
			});
			bump(changed, 'work email');
		} else {
			// The first six HiBob departments (201–206) exist in Remote.
			const current = Number(person.work.department ?? 201) - 201;
			fakes.hibob.updatePerson(id, { work: { department: String(201 + ((current + 1) % 6)) } });
			bump(changed, 'department');
		}
	}
	return { changed, ids, what };
}

/**
 * Edits `count` addresses directly in Remote (as someone would by hand in Remote's UI), on active
 * employments linked to a HiBob person that `avoid` does not hold. Returns the employment ids.
 */
function editInRemote(fakes: RunningFakes, count: number, avoid: Set<string>): string[] {
	const flagged = new Set(
		fakes.hibob.people.filter((p) => p.internal?.status !== 'Inactive').map((p) => p.id),
	);
	const candidates = fakes.remote.employments.filter(
		(e) =>
			e.status === 'active' &&
			e.external_id &&
			flagged.has(String(e.external_id)) &&
			!avoid.has(String(e.external_id)) &&
			e.address_details,
	);
	if (candidates.length < count)
		throw new Error(`only ${candidates.length} employments can take a hand edit (${count} wanted)`);
	const step = candidates.length / count;
	const ids: string[] = [];
	for (let k = 0; k < count; k++) {
		const employment = fakes.remote.getEmployment(candidates[Math.floor(k * step)].id)!;
		(employment.address_details as Record<string, unknown>).address =
			`${k + 1} Edited By Hand Street`;
		ids.push(employment.id);
	}
	return ids;
}

// ---- the work each run must do, from the bench's own data ----------------------------------------------

/** The fake Remote's employment record (its state, read by the bench). */
type FakeEmployment = RunningFakes['remote']['employments'][number];

/** What the bench knows without asking the product: the generator's records, the fakes' state, what it changed. */
export interface KnownData {
	today: string;
	generated: GeneratedPerson[];
	/** The fake HiBob's people (what the bench set up, changes included). */
	hibob: Map<string, HiBobPerson>;
	/** The fake Remote's employments before the run. */
	employments: Map<string, FakeEmployment>;
	/** The country forms the fake Remote serves (Remote's documents: one JSON schema per country and form). */
	schemas: Record<string, Record<string, { schema?: unknown }>>;
	/** Remote's company managers (lower-cased emails) and departments (lower-cased names). */
	managerEmails: Set<string>;
	departmentNames: Set<string>;
}

/** The fakes' state as it stands (read before each run; expectedWork uses it right away). */
export function knownData(fakes: RunningFakes, generated: GeneratedPerson[]): KnownData {
	return {
		today: new Date().toISOString().slice(0, 10),
		generated,
		hibob: new Map(fakes.hibob.people.map((p) => [p.id, p])),
		employments: new Map(fakes.remote.employments.map((e) => [e.id, e])),
		schemas: fakes.remote.schemas,
		managerEmails: new Set(fakes.remote.companyManagers.map((m) => m.user_email.toLowerCase())),
		departmentNames: new Set(fakes.remote.departments.map((d) => d.name.trim().toLowerCase())),
	};
}

/**
 * An employment whose differences only its full record shows: active or not started (the API may
 * update it), or onboarding (U3: every difference that waits is listed); not an active one whose
 * person left in HiBob (U9: reported, not read).
 */
const needsFullRead = (p: Pick<GeneratedPerson, 'active'>, status: string) =>
	(status === 'active' && p.active) || NOT_STARTED.has(status) || ONBOARDING.has(status);

/** U7: Remote's API does not update contractors (the fake's default, as Remote documents it). */
const CONTRACTOR = 'contractor';

const NOT_STARTED = new Set([
	'created',
	'pre_hire',
	'created_awaiting_reserve',
	'created_reserve_paid',
]);
const ONBOARDING = new Set([
	'initiated',
	'invited',
	'pending',
	'review',
	'job_title_review',
	'pending_post_self_enrollment_actions',
]);

const blankValue = (v: unknown) => v === null || v === undefined || v === '';
const schemaOf = (data: KnownData, country: string, form: string) =>
	data.schemas[country]?.[form]?.schema as
		{ properties?: Record<string, unknown>; required?: string[] } | undefined;

/**
 * A person's HiBob values under the keys of Remote's forms (N3 lists what a new hire gets; the form
 * names are Remote's, `formForBlob`). `has_seniority_date` is "no" for a new hire (no earlier service).
 */
function hibobValues(h: HiBobPerson) {
	const a = h.address ?? {};
	const e = (h.emergency ?? {}) as Record<string, string | null | undefined>;
	const home = (h.home ?? {}) as Record<string, string | null | undefined>;
	return {
		basic: {
			name: h.displayName,
			first_name: h.firstName,
			last_name: h.surname,
			email: home.privateEmail ?? h.email,
			personal_email: home.privateEmail,
			work_email: h.email,
			job_title: h.work.title,
			provisional_start_date: h.work.startDate,
			mobile_number: home.mobilePhone,
			has_seniority_date: 'no',
		} as Record<string, unknown>,
		address: {
			address: a.line1,
			address_line_2: a.line2,
			city: a.city,
			postal_code: a.postCode,
			state: (a as Record<string, unknown>).usaState,
		} as Record<string, unknown>,
		emergency: {
			name: [e.firstName, e.surname].filter(Boolean).join(' '),
			relationship: e.relation,
			phone_number: e.phone,
			email: e.email,
		} as Record<string, unknown>,
	};
}

/** What HiBob holds for the USA SSN and the GP annual salary (minor units), as the sync reads them (R1). */
function sensitiveFigures(h: HiBobPerson | undefined) {
	const s = sensitiveOf(h);
	const annual =
		s.yearlySalary && s.yearlySalary.value > 0 && (!s.payPeriod || /annual|year/i.test(s.payPeriod))
			? Math.round(s.yearlySalary.value * 100)
			: undefined;
	return { ssn: s.ssn ?? undefined, annual };
}

/** The department name HiBob gives a person (the generator's department ids 201… name DEFAULT_DEPARTMENTS). */
const departmentOf = (h: HiBobPerson) =>
	h.work.department ? DEFAULT_DEPARTMENTS[Number(h.work.department) - 201] : undefined;

/** A new hire: the documented create sequence (remote-api.md §6.4–6.5) and what N1–N7 refuse. */
interface NewHire {
	person: GeneratedPerson;
	/** Refused before any form is checked (N1 start date, terminated, no legal entity). */
	refused?: string;
	/** The country forms N5 checks before the create (the forms the sequence sends). */
	forms: string[];
	/** Refused by N5: a required key of a form that HiBob's data cannot fill. */
	invalid: boolean;
	writes: number;
}

/**
 * The create sequence of one new hire: `POST /v1/employments` with the basic information (§6.4),
 * then `PATCH /v1/employments/{id}` once per remaining form (§6.5): address and emergency contact
 * when HiBob has them, administrative details for a USA SSN (N3), contract details for a GP annual
 * salary (N7). `department_id` is a field of the same PATCH body (§6.6): it needs a request of its own
 * only when the country's basic-information form has no department and no form follows. A
 * contractor gets the POST alone (U7: Remote's API does not update contractors).
 */
function newHire(p: GeneratedPerson, data: KnownData, hasLegalEntity: boolean): NewHire {
	const h = data.hibob.get(p.hibobId)!;
	const kind = p.kind as 'employee' | 'contractor' | 'global_payroll_employee';
	const none = (refused: string): NewHire => ({
		person: p,
		refused,
		forms: [],
		invalid: false,
		writes: 0,
	});
	if (!p.active) return none('terminated in HiBob');
	if (kind === 'employee' && !(p.startDate > data.today)) return none('N1: start not after today');
	if (kind === 'global_payroll_employee' && !hasLegalEntity) return none('N3: no legal entity');
	const names = formForBlob[kind];
	const values = hibobValues(h);
	const sensitive = sensitiveFigures(h);
	const present = (o: Record<string, unknown>) => Object.values(o).some((v) => !blankValue(v));
	const sent: Array<[form: string, values: Record<string, unknown>]> = [
		[names.basic_information, values.basic],
	];
	if (kind !== CONTRACTOR) {
		if (present(values.address)) sent.push([names.address_details, values.address]);
		if (present(values.emergency)) sent.push([names.emergency_contact_details, values.emergency]);
		if (p.country === 'USA' && sensitive.ssn)
			sent.push([names.administrative_details, { ssn: sensitive.ssn }]);
		if (kind === 'global_payroll_employee' && sensitive.annual !== undefined)
			sent.push([names.contract_details, { annual_gross_salary: sensitive.annual }]);
	}
	// N5: a key the country's form requires that HiBob's data does not fill refuses the person.
	const invalid = sent.some(([form, given]) =>
		(schemaOf(data, p.country, form)?.required ?? []).some((key) => blankValue(given[key])),
	);
	const forms = sent.map(([form]) => form);
	if (invalid) return { person: p, forms, invalid, writes: 0 };
	const basicProps = schemaOf(data, p.country, names.basic_information)?.properties ?? {};
	const department = departmentOf(h);
	const departmentAlone =
		kind !== CONTRACTOR &&
		!!department &&
		data.departmentNames.has(department.toLowerCase()) &&
		!('department' in basicProps) &&
		sent.length === 1;
	return { person: p, forms, invalid, writes: sent.length + (departmentAlone ? 1 : 0) };
}

/**
 * A not-started employment's differences the generator left in Remote's state: a basic-information
 * form that has `manager` or `department` fields (Portugal's EOR form) but holds neither, for a
 * person whose supervisor is a Remote manager or whose department Remote has (U2); and a GP
 * employment whose contract details lack the annual salary HiBob has (N7, U2).
 */
function notStartedDiffers(p: GeneratedPerson, e: FakeEmployment, data: KnownData) {
	const h = data.hibob.get(p.hibobId)!;
	const kind = p.kind as 'employee' | 'contractor' | 'global_payroll_employee';
	const basic = (e.basic_information ?? {}) as Record<string, unknown>;
	const props = schemaOf(data, p.country, formForBlob[kind].basic_information)?.properties ?? {};
	const supervisor = h.work.reportsTo?.email?.toLowerCase();
	const department = departmentOf(h)?.toLowerCase();
	const basicDiffers =
		('manager' in props &&
			basic.manager === undefined &&
			!!supervisor &&
			data.managerEmails.has(supervisor)) ||
		('department' in props &&
			basic.department === undefined &&
			!!department &&
			data.departmentNames.has(department));
	const annual = sensitiveFigures(h).annual;
	const salaryDiffers =
		kind === 'global_payroll_employee' &&
		annual !== undefined &&
		(e.contract_details as Record<string, unknown> | undefined)?.annual_gross_salary !== annual;
	return { basicDiffers, salaryDiffers };
}

/** `DEU/employment_basic_information, …`: (country, form) pairs. */
const pair = (country: string, form: string) => `${country}/${form}`;

/**
 * THE derivation of the work a run must do (creates, write requests, full employment reads, schema
 * reads), from the bench's own data only: the generator's record of every person (who is new, whose
 * employment drifts, who is linked by email only), the fakes' state (HiBob's people, Remote's
 * employments and country forms) and the changes the bench made. It never calls the product's
 * matcher or planner. Writes are requests, as Remote's documented flow needs them.
 */
export function expectedWork(
	run:
		| { kind: 'first' }
		| { kind: 'changed'; people: string[]; what: Map<string, string> }
		| { kind: 'none' }
		| { kind: 'daily'; handEdits: string[]; read: string[] },
	data: KnownData,
): ExpectedWork {
	const gen = data.generated.filter((p) => p.kind);
	const byId = new Map(gen.map((p) => [p.hibobId, p]));
	const statusOf = (p: GeneratedPerson) =>
		p.remoteEmploymentId ? String(data.employments.get(p.remoteEmploymentId)?.status ?? '') : '';
	// The employments read in full on a first run (R4: the list proves nothing unchanged).
	const updatable = gen.filter((p) => p.remoteEmploymentId && needsFullRead(p, statusOf(p)));
	// N3: a GP create names the legal entity that engages the person; Remote's documents offer it on
	// a GP employment's full record only (§6.3 `engaged_by_legal_entity_id`; the list has no such field).
	const gpOf = (country: string) =>
		[...data.employments.values()].filter(
			(e) =>
				e.type === 'global_payroll_employee' &&
				e.country?.code === country &&
				e.status !== 'deleted',
		);
	const entityRead = (country: string, readAnyway: Set<string>) => {
		const gp = gpOf(country);
		if (gp.some((e) => readAnyway.has(e.id) && e.engaged_by_legal_entity_id))
			return { has: true, extraReads: 0 };
		const rest = gp.filter((e) => !readAnyway.has(e.id));
		const at = rest.findIndex((e) => e.engaged_by_legal_entity_id);
		return at >= 0 && at < 3
			? { has: true, extraReads: at + 1 }
			: { has: false, extraReads: Math.min(3, rest.length) };
	};
	// New hires: every run looks at the ones Remote does not have (the refused ones again each run).
	const missing = gen.filter((p) => p.remote === 'missing');
	const hiresOf = (readAnyway: Set<string>) => {
		const entity = new Map<string, ReturnType<typeof entityRead>>();
		const hires = missing.map((p) => {
			if (p.kind === 'global_payroll_employee' && p.active && !entity.has(p.country))
				entity.set(p.country, entityRead(p.country, readAnyway));
			return newHire(p, data, entity.get(p.country)?.has ?? false);
		});
		const entityReads = [...entity.values()].reduce((s, e) => s + e.extraReads, 0);
		return { hires, entityReads, countries: [...entity.keys()] };
	};
	const schemaSet = new Set<string>();
	const checkedForms = (hires: NewHire[]) => {
		for (const h of hires) for (const form of h.forms) schemaSet.add(pair(h.person.country, form));
	};
	const refusedBasis = (hires: NewHire[]) => {
		const invalid = hires.filter((h) => h.invalid);
		const forms = new Set(invalid.flatMap((h) => h.forms.map((f) => pair(h.person.country, f))));
		return `${invalid.length} new hires that Remote's forms refuse (N5: a required key HiBob's data does not fill, e.g. DEU's tax_servicing_countries and tax_job_category) are checked again on every run: ${forms.size} forms (${[...forms].sort().join(', ')})`;
	};
	const basicOf = (e: FakeEmployment) =>
		pair(String(e.country?.code), formForBlob[e.type as 'employee'].basic_information);
	const basicBasis =
		"a not-started employment read in full: its country's basic-information form (U2 keeps that form in step, and only the form says which HiBob values it takes: first and last name, personal email, mobile; remote-api.md §10.2 never hard-code form fields)";

	if (run.kind === 'none') {
		// Run 3 follows run 2, in which no new hire appeared: the refused ones are checked again.
		const { hires } = hiresOf(new Set());
		const checked = hires.filter((h) => h.invalid);
		checkedForms(checked);
		return {
			creates: 0,
			writes: 0,
			fullReads: 0,
			schemaReads: schemaSet.size,
			schemaForms: [...schemaSet].sort(),
			basis: ['nothing changed on either side: no write, no full read', refusedBasis(checked)],
		};
	}
	const refusedEveryRun = () => {
		const checked = hiresOf(new Set()).hires.filter((h) => h.invalid);
		checkedForms(checked);
		return checked;
	};
	if (run.kind === 'changed') {
		const refused = refusedEveryRun();
		const writable = run.people.filter((id) => byId.get(id)?.kind !== CONTRACTOR);
		let notStarted = 0;
		let addresses = 0;
		for (const id of run.people) {
			const p = byId.get(id)!;
			const e = data.employments.get(p.remoteEmploymentId!)!;
			if (NOT_STARTED.has(String(e.status))) {
				schemaSet.add(basicOf(e));
				notStarted++;
			}
			if (run.what.get(id) === 'address city' && p.kind !== CONTRACTOR) {
				schemaSet.add(pair(p.country, 'address_details'));
				addresses++;
			}
		}
		return {
			creates: 0,
			writes: writable.length,
			fullReads: run.people.length,
			schemaReads: schemaSet.size,
			schemaForms: [...schemaSet].sort(),
			basis: [
				`${run.people.length} people changed in HiBob by the bench: one full read each`,
				`${writable.length} of them EOR or global payroll employees: one PATCH each; ${run.people.length - writable.length} contractors: reported, not written (U7)`,
				`schemas: ${addresses} new addresses sent (N5: the address form of each country), ${notStarted} of the changed employments not started (${basicBasis}); ${refusedBasis(refused)}; ${schemaSet.size} (country, form) pairs in all`,
			],
		};
	}
	if (run.kind === 'daily') {
		const refused = refusedEveryRun();
		const writable = run.handEdits.filter((id) => data.employments.get(id)?.type !== CONTRACTOR);
		let notStarted = 0;
		for (const id of run.read) {
			const e = data.employments.get(id)!;
			if (NOT_STARTED.has(String(e.status))) {
				schemaSet.add(basicOf(e));
				notStarted++;
			}
		}
		for (const id of writable)
			schemaSet.add(pair(String(data.employments.get(id)!.country?.code), 'address_details'));
		return {
			creates: 0,
			writes: writable.length,
			fullReads: run.read.length,
			schemaReads: schemaSet.size,
			schemaForms: [...schemaSet].sort(),
			basis: [
				`a day after the last full re-check: every linked employment active, not started or onboarding is read in full (${run.read.length}, counted in the fake's state)`,
				`${run.handEdits.length} addresses the bench edited by hand in Remote: one PATCH each for the ${writable.length} employees; ${run.handEdits.length - writable.length} contractors reported, not written (U7)`,
				`schemas: the address form of each country with an address edited by hand (N5), ${notStarted} not-started employments read (${basicBasis}); ${refusedBasis(refused)}; ${schemaSet.size} (country, form) pairs in all`,
			],
		};
	}

	// The first run: nothing remembered; every employment Remote lets the API update, or that is
	// onboarding, is read in full.
	const readAnyway = new Set(updatable.map((p) => p.remoteEmploymentId!));
	const { hires, entityReads, countries } = hiresOf(readAnyway);
	const created = hires.filter((h) => !h.refused && !h.invalid);
	checkedForms(hires.filter((h) => !h.refused));
	const createWrites = created.reduce((s, h) => s + h.writes, 0);
	const contractorsCreated = created.filter((h) => h.person.kind === CONTRACTOR).length;
	const refusedBy: Record<string, number> = {};
	for (const h of hires)
		if (h.refused || h.invalid) bump(refusedBy, h.refused ?? 'N5: a form would refuse');
	// Linked employments: one PATCH each where the generator left a difference that may be written.
	let linkWrites = 0;
	let driftWrites = 0;
	let notStartedWrites = 0;
	let notStartedRead = 0;
	for (const p of updatable) {
		if (p.kind === CONTRACTOR) continue;
		const e = data.employments.get(p.remoteEmploymentId!)!;
		const status = String(e.status);
		if (status === 'active') {
			if (p.linkedBy === 'email') linkWrites++;
			else if (p.drift?.length) driftWrites++;
			if (p.drift?.includes('address_details.address'))
				schemaSet.add(pair(p.country, 'address_details'));
		} else if (NOT_STARTED.has(status)) {
			const { basicDiffers, salaryDiffers } = notStartedDiffers(p, e, data);
			if (p.linkedBy === 'email') linkWrites++;
			else if (basicDiffers || salaryDiffers) notStartedWrites++;
			if (salaryDiffers)
				schemaSet.add(pair(p.country, formForBlob.global_payroll_employee.contract_details));
		}
	}
	for (const p of updatable) {
		const e = data.employments.get(p.remoteEmploymentId!)!;
		if (NOT_STARTED.has(String(e.status))) {
			schemaSet.add(basicOf(e));
			notStartedRead++;
		}
	}
	return {
		creates: created.length,
		writes: createWrites + linkWrites + driftWrites + notStartedWrites,
		fullReads: updatable.length + entityReads,
		schemaReads: schemaSet.size,
		schemaForms: [...schemaSet].sort(),
		basis: [
			`${created.length} new hires created (no employment; not created: ${Object.entries(refusedBy)
				.map(([why, n]) => `${n} ${why}`)
				.join(
					', ',
				)}): ${createWrites} write requests, as Remote documents the create (remote-api.md §6.4–6.5): 1 POST with the basic information, then 1 PATCH per remaining form HiBob fills (address, emergency contact, administrative details for a USA SSN, contract details for a GP annual salary); the department rides on the first PATCH (§6.6); ${contractorsCreated} contractors: the POST alone (U7)`,
			`${linkWrites} employments active or not started linked by email only: 1 PATCH each (M4 external_id, with any other difference); contractors: reported, not written (U7)`,
			`${driftWrites} active employments linked by external id whose address or work email the generator made differ: 1 PATCH each`,
			`${notStartedWrites} not-started employments whose form the generator left short (a Portuguese EOR basic information without the manager or department the form has; a GP contract without HiBob's annual salary): 1 PATCH each`,
			`${updatable.length} linked employments active, not started or onboarding (U3): each read once in full; + ${entityReads} read for the legal entity of the GP hires of ${countries.length} countries (N3: a GP employment of the country read anyway gives it)`,
			`schemas: every form of each new hire's create checked before the create (N5, the refused ones too), ${notStartedRead} not-started employments read (${basicBasis}), the address and contract forms of the differences written: ${schemaSet.size} (country, form) pairs`,
		],
	};
}

// ---- 2. the core, outside HTTP -------------------------------------------------------------------------

async function benchCore(
	fakes: RunningFakes,
	secrets: GeneratedCompany['credentials'],
	heap: HeapSampler,
): Promise<CoreFigures> {
	// Prepared data, read once (not timed): the people-search records as the HiBob node asks for
	// them, the employment list, every full employment, the lookups, the sensitive values, schemas.
	const auth = {
		authorization: fakes.hibob.authHeader(),
		'content-type': 'application/json',
		accept: 'application/json',
	};
	const fieldsResponse = await (
		await fetch(`${fakes.hibobUrl}/v1/company/people/fields`, { headers: auth })
	).json();
	const resolved = resolveFields(metadataList(fieldsResponse));
	const fieldIds = [
		...new Set([
			...Object.values(resolved.ids),
			...(resolved.syncField ? [resolved.syncField.id] : []),
		]),
	];
	const searchResponse = (await (
		await fetch(`${fakes.hibobUrl}/v1/people/search`, {
			method: 'POST',
			headers: auth,
			body: JSON.stringify({ fields: fieldIds, showInactive: true, humanReadable: 'APPEND' }),
		})
	).json()) as { employees: unknown[] };
	const records = searchResponse.employees;
	const list = fakes.remote.employments
		.filter((e) => e.status !== 'deleted')
		.map((e) => minimalOf(e as never));
	const details = new Map(
		fakes.remote.employments.map((e) => [e.id, structuredClone(e) as unknown as FullEmployment]),
	);
	const lookups: Lookups = { managers: new Map(), departments: new Map() };
	for (const m of fakes.remote.companyManagers)
		lookups.managers.set(m.user_email.toLowerCase(), m.user_id);
	for (const d of fakes.remote.departments)
		lookups.departments.set(d.name.trim().toLowerCase(), { id: d.id, name: d.name });
	const sensitive = new Map(fakes.hibob.people.map((p) => [p.id, sensitiveOf(p)]));
	const schemas = new Map<string, unknown>();
	const remoteAuth = { authorization: `Bearer ${secrets.remoteToken}`, accept: 'application/json' };
	const options = PLAN_OPTIONS();

	/** Plans everyone; `fetchSchemas` collects the forms a first pass needs (read over HTTP, untimed). */
	const pass = (missingSchemas?: Set<string>) => {
		const outcomes: Record<string, number> = {};
		let t = process.cpuUsage();
		const results: PersonResult[] = markDuplicateEmails(
			records.map((r) => normalisePerson(r, { fields: resolved })),
		);
		const normaliseMs = cpuMs(t);
		t = process.cpuUsage();
		const index = indexEmployments(list);
		const persons = results.filter((r): r is Person => r.valid);
		const matches = persons.map((p) => matchPerson(p, index));
		const matchMs = cpuMs(t);
		t = process.cpuUsage();
		let withDetail = 0;
		for (let i = 0; i < persons.length; i++) {
			const person = persons[i];
			const input: PlanInput = {
				person,
				match: matches[i],
				options,
				lookups,
				sensitive: sensitive.get(person.hibobId),
			};
			for (let guard = 0; guard < 8; guard++) {
				const step = planEmployee(input);
				if (step.done) {
					bump(outcomes, `${step.plan.outcome}/${step.plan.reason}`);
					break;
				}
				if (step.needs === 'legalEntity') {
					input.legalEntityId = 'bench-legal-entity'; // as if given in the node option
				} else if (step.needs === 'detail' && step.part === 'contractAmendments') {
					input.contractAmendments = []; // only with the (off by default) contract-amendment option
				} else if (step.needs === 'detail') {
					input.detail = details.get(step.employmentId);
					withDetail++;
				} else {
					const found: Record<string, unknown> = {};
					for (const form of step.forms) {
						const key = `${step.country}/${form}`;
						if (schemas.has(key)) found[form] = schemas.get(key);
						else missingSchemas?.add(key);
					}
					if (Object.keys(found).length < step.forms.length) break;
					input.schemas = { ...input.schemas, ...found };
				}
			}
		}
		const planMs = cpuMs(t);
		// What the node adds around the core: item validation (zod) and fingerprints (informative).
		t = process.cpuUsage();
		for (const person of persons) personSchema.safeParse(person);
		for (let i = 0; i < persons.length; i++) {
			const m = matches[i];
			if (m.kind === 'match')
				fingerprint({
					values: persons[i],
					employmentId: m.employment.id,
					status: m.employment.status,
				});
		}
		const bookkeepingMs = cpuMs(t);
		return {
			timing: {
				normaliseMs,
				matchMs,
				planMs,
				totalMs: normaliseMs + matchMs + planMs,
				bookkeepingMs,
			},
			outcomes,
			valid: persons.length,
			matched: matches.filter((m) => m.kind === 'match').length,
			withDetail,
		};
	};

	// Warm-up pass: finds the schemas the new hires need; they are read once over HTTP.
	const missing = new Set<string>();
	pass(missing);
	for (const key of missing) {
		const [country, form] = key.split('/');
		const body = (await (
			await fetch(`${fakes.remoteUrl}/v1/countries/${country}/${form}?json_schema_version=latest`, {
				headers: remoteAuth,
			})
		).json()) as {
			data?: { schema?: unknown };
		};
		schemas.set(key, body?.data?.schema ?? body);
	}
	heap.sample();
	const passes: CoreFigures['passes'] = [];
	let last: ReturnType<typeof pass> | undefined;
	for (let n = 0; n < 3; n++) {
		gc();
		last = pass();
		heap.sample();
		passes.push(last.timing);
	}
	return {
		people: records.length,
		validPeople: last!.valid,
		matched: last!.matched,
		plannedWithDetail: last!.withDetail,
		outcomes: last!.outcomes,
		passes,
		coreCpuMs: Math.max(...passes.map((p) => p.totalMs)),
		goalMs: 1000,
	};
}

// ---- 3. rate-limited run ---------------------------------------------------------------------------------

async function benchRateLimit(
	quick: boolean,
	seed: number,
	log: (line: string) => void,
): Promise<RateLimitFigures> {
	const mode = quick ? 'quick' : 'full';
	const limit = quick ? 25 : 250;
	const windowMs = quick ? 6_000 : 60_000;
	const newHires = quick ? 100 : 1000;
	// New EOR hires in Portugal, whose basic-information form takes the department: one POST each.
	const generator: MakeCompanyOptions = {
		people: newHires,
		seed: seed + 1,
		countries: ['PRT'],
		kinds: { employee: 1 },
		statuses: { missing: 1 },
		pastStartRate: 0,
		inactiveRate: 0,
		missingMobileRate: 0,
	};
	const once = async (rateLimited: boolean) => {
		const company = makeCompany(generator);
		const fakes = await startFakes({
			hibob: company.hibob,
			remote: company.remote,
			remoteOptions: rateLimited ? { rateLimit: { limit, windowMs } } : undefined,
		});
		try {
			const credentials = credentialsFor(fakes, company.credentials);
			const read = await runExecute(new HiBob(), {
				parameters: { resource: 'employee', operation: 'getEmployees' },
				credentials,
			});
			fakes.remote.resetCounters();
			const started = Date.now();
			const sync = await runExecute(new RemoteUpsertEmployee(), {
				parameters: { options: {} },
				input: read.output,
				credentials,
				staticData: {},
			});
			const ms = Date.now() - started;
			const requests = fakes.remote.requests.length;
			const answered429 = fakes.remote.requests.filter((r) => r.status === 429).length;
			return {
				ms,
				requests,
				answered429,
				calls: requests - answered429,
				writes: fakes.remote.writeCount(),
				created: sync.output.filter((o) => o.json.outcome === 'created').length,
			};
		} finally {
			await fakes.close();
		}
	};
	const free = await once(false);
	log(
		`  unthrottled: ${free.calls} Remote calls in ${free.ms} ms; now the limited run (${limit} calls per ${windowMs / 1000} s) …`,
	);
	const limited = await once(true);
	const windows = Math.ceil(limited.calls / limit);
	const callsInLastWindow = limited.calls - (windows - 1) * limit;
	const inWindowMs = Math.round((free.ms * callsInLastWindow) / Math.max(1, free.calls));
	const boundMs = (windows - 1) * windowMs + inWindowMs;
	return {
		mode,
		limit,
		windowMs,
		newHires,
		writes: limited.writes,
		created: limited.created,
		calls: limited.calls,
		requestsIncl429: limited.requests,
		answered429: limited.answered429,
		share429: limited.requests ? limited.answered429 / limited.requests : 0,
		windows,
		callsInLastWindow,
		unthrottledMs: free.ms,
		unthrottledCalls: free.calls,
		inWindowMs,
		boundMs,
		wallMs: limited.ms,
		ratio: limited.ms / boundMs,
		goalRatio: 1.05,
		goal429Share: 0.01,
	};
}

// ---- the whole employee bench --------------------------------------------------------------------------

export async function benchEmployees(
	opts: BenchEmployeesOptions = {},
): Promise<BenchEmployeesResult> {
	const log = opts.log ?? ((line: string) => console.log(line));
	const people = opts.people ?? 10_000;
	const seed = opts.seed ?? 20240601;
	const changesMade = Math.max(1, Math.round((1000 * people) / 10_000));
	const heap = new HeapSampler();
	heap.start();

	// About 1,000 differences on the first run: ~6 % new hires to create, ~8 % drift among active
	// employments (address or work email), ~2 % of existing employments linked by email only (their
	// external_id gets written), plus global payroll employments not started yet without a salary.
	const generator: MakeCompanyOptions = {
		people,
		seed,
		statuses: {
			missing: 0.065,
			active: 0.63,
			created: 0.1,
			invited: 0.05,
			initiated: 0.02,
			review: 0.02,
			archived: 0.03,
			offboarding: 0.03,
		},
		driftRate: 0.07,
		matchByEmailRate: 0.02,
	};
	heap.enter('reconcile: company + fakes');
	// The fakes keep their own copy of the company; the generator's copy is dropped right away so
	// the heap figures hold the fakes and the sync, not a second fixture.
	const { fakes, flagged, employments, secrets, generated } = await (async () => {
		const company = makeCompany(generator);
		const started = await startFakes({ hibob: company.hibob, remote: company.remote });
		return {
			fakes: started,
			flagged: company.people.filter((p) => p.kind).length,
			employments: company.remote.employments?.length ?? 0,
			secrets: company.credentials,
			generated: company.people,
		};
	})();
	const known = () => knownData(fakes, generated);
	const ctx: RunContext = {
		fakes,
		staticData: {},
		store: new ProcessedDataStore(),
		credentials: credentialsFor(fakes, secrets),
		previous: new Map(),
	};
	const runs: RunFigures[] = [];
	let changedForRun2: Record<string, number> = {};
	let core: CoreFigures;
	try {
		heap.enter('core (pure planning)');
		log(`core: planning ${people} people outside HTTP …`);
		core = await benchCore(fakes, secrets, heap);

		heap.enter('reconcile run 1');
		log(
			`reconcile run 1 (first run, nothing remembered): ${people} people, ${employments} employments …`,
		);
		let expected = expectedWork({ kind: 'first' }, known());
		let first: Awaited<ReturnType<typeof reconcile>> | undefined = await reconcile(
			'run 1: first run (nothing remembered)',
			ctx,
			expected,
		);
		runs.push({ ...first.figures, expected });
		const changes = changesMade;
		const change = changePeople(fakes, first.output, changes);
		changedForRun2 = change.changed;
		first = undefined;

		heap.enter('reconcile run 2');
		log(
			`reconcile run 2: ${changes} people changed in HiBob (${Object.entries(changedForRun2)
				.map(([k, n]) => `${n} ${k}`)
				.join(', ')}) …`,
		);
		expected = expectedWork({ kind: 'changed', people: change.ids, what: change.what }, known());
		runs.push({
			...(await reconcile(`run 2: ${changes} differences (the full reconcile)`, ctx, expected))
				.figures,
			expected,
		});

		heap.enter('reconcile run 3');
		log('reconcile run 3: no change …');
		expected = expectedWork({ kind: 'none' }, known());
		runs.push({ ...(await reconcile('run 3: no change', ctx, expected)).figures, expected });

		// Run 4: a day later (the last full re-check moved back 25 hours), with addresses edited by hand in Remote.
		heap.enter('reconcile run 4');
		const handEdits = editInRemote(
			fakes,
			Math.max(1, Math.round(changesMade / 10)),
			new Set(change.ids),
		);
		log(
			`reconcile run 4: a day later, ${handEdits.length} addresses edited by hand in Remote (the daily full re-check) …`,
		);
		moveFullRecheckBack(ctx, 25 * 3600_000);
		const data = known();
		const linked = generated
			.filter(
				(p) =>
					p.kind &&
					p.remoteEmploymentId &&
					needsFullRead(p, String(data.employments.get(p.remoteEmploymentId)?.status ?? '')),
			)
			.map((p) => p.remoteEmploymentId!);
		const createdIds = new Set(
			generated.filter((p) => p.kind && p.active && p.remote === 'missing').map((p) => p.hibobId),
		);
		const createdUpdatable = fakes.remote.employments
			.filter((e) => createdIds.has(String(e.external_id)) && NOT_STARTED.has(String(e.status)))
			.map((e) => e.id);
		expected = expectedWork(
			{ kind: 'daily', handEdits, read: [...linked, ...createdUpdatable] },
			data,
		);
		runs.push({
			...(
				await reconcile(
					`run 4: a day later, ${handEdits.length} addresses edited in Remote (full re-check)`,
					ctx,
					expected,
				)
			).figures,
			expected,
		});
	} finally {
		await fakes.close();
	}

	let rateLimit: RateLimitFigures | undefined;
	if (!opts.skipRateLimit) {
		heap.enter('rate-limited run');
		log(
			`rate-limited run (${opts.quick ? 'quick: 25 calls per 6 s, 100 writes' : 'full: 250 calls per 60 s, 1,000 writes; about 4–5 minutes'}) …`,
		);
		rateLimit = await benchRateLimit(opts.quick === true, seed, log);
	}
	heap.stop();

	const explanation = [
		'Minimum of a run = 1 HiBob fields read + 1 people search (HiBob node) + 1 sensitive-fields search when there are USA new hires or global payroll people (read by the Upsert node directly from HiBob) + ceil(employments/100) employment pages + the managers and departments list pages + one schema per (country, form) that the creates and writes of the run need (derived by expectedWork from the data the bench set up) + one full-employment read per matched employment that may hold a difference + one write per difference (created + updated).',
		'The employment list is minimal (no address, emergency contact, start date, manager, SSN, salary), so it never proves an employment unchanged on its own. On the FIRST run every matched employment that Remote lets the API update is read once in full. The node then remembers, in workflow static data, a fingerprint of every person it left fully in sync; later runs skip the full read for a remembered person whose HiBob values are unchanged and whose list record shows no difference.',
		`So from run 2 on, a full read is needed only for a person whose HiBob values changed since the previous run (or who was not settled by it). Run 2 follows ${changesMade.toLocaleString('en-US')} changes made in HiBob: its minimum is the list reads plus ${changesMade.toLocaleString('en-US')} full reads plus ${changesMade.toLocaleString('en-US')} writes. Run 3 follows no change: its minimum is the list reads alone, with 0 writes.`,
		'Bench-side minimum for full reads: people whose plan (without memory) needs the full employment, minus those the previous run settled (any outcome but failed) whose HiBob values (incl. SSN/salary), employment list record and the managers/departments lists are all unchanged since. People held back last run (a job title needing a contract amendment, a department missing in Remote, a manager Remote does not take through the API) count as settled: nothing they depend on changed, so their plan cannot change either.',
	];

	return {
		company: { people, seed, flagged, employments, generator: { ...generator, people } },
		changedForRun2,
		runs,
		core,
		heap: {
			gcExposed: heap.gcExposed,
			baselineMb: heap.baseline / MB,
			peakMb: heap.peak / MB,
			peakPhase: heap.peakPhase,
			livePeakMb: heap.livePeak / MB,
			livePeakPhase: heap.livePhase,
			samples: heap.samples,
			collections: heap.collections,
			goalMb: 150,
			phases: heap.phases,
		},
		rateLimit,
		explanation,
	};
}

if (require.main === module) {
	const argv = process.argv.slice(2);
	const peopleArg = argv.indexOf('--people');
	benchEmployees({
		quick: argv.includes('--quick'),
		skipRateLimit: argv.includes('--skip-rate-limit'),
		people: peopleArg >= 0 ? Number(argv[peopleArg + 1]) : undefined,
	})
		.then((result) => {
			console.log(JSON.stringify(result, null, 2));
		})
		.catch((error) => {
			console.error(error);
			process.exitCode = 1;
		});
}

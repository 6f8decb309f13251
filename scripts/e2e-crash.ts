/**
 * Crash and re-run in a real n8n 2.40.7 (issue "Reliability under faults", item 3): kill the n8n process
 * (SIGKILL to its whole process group: the server and its task runner) at a seeded random moment of a large
 * full sync, start n8n again, run the sync again until a run writes nothing (at most 3 runs), and compare
 * the fake Remote with the one a clean run leaves: no duplicate employment (by external_id, by login
 * email), no duplicate time off (by the HiBob request id marker in the notes), the same final state.
 *
 *  base       one user folder set up as a user would: the packed package installed, credentials pointing
 *             at the fakes (fixed ports, so every scenario reuses them), the shipped template imported with
 *             the user's picks (scripts/lib/template.ts), started once to create the owner and flip
 *             Sync Settings.dryRun to false the way the editor saves it, then stopped.
 *  reference  a copy of the base folder, fresh fakes (makeCompany with time off, 5–15 ms latency per call
 *             on both fakes), "Manual sync" to the end: the fake Remote's state is the reference; its
 *             request log gives the moment of each of its writes. A second run must write nothing (that
 *             is what "nothing pending" means below).
 *  seed N     a copy of the base folder (a fresh DB), fresh fakes with the same company, "Manual sync",
 *             SIGKILL at a moment drawn by the seed: once this run has applied k+1 writes, plus a seeded
 *             part of the clean run's gap between its (k+1)-th and (k+2)-th write, k a
 *             fraction f ∈ [0.1, 0.9] of its writes (so the kill never lands in a stretch of reads where
 *             it would test nothing); checks that some but not all writes landed; `n8n start` again on the
 *             same folder; "Manual sync" again until a run writes nothing (at most 3 runs); duplicates and
 *             the state compared with the reference.
 *             The default seeds 1, 4, 7 give f = 0.60, 0.84, 0.11: a kill among the employee writes, one
 *             in the time-off lane, one early among the creates.
 *  in flight  the same, but the kill comes the moment the j-th create of an employment (seed 2) or of a
 *             time off (seed 3) reaches the fake (j a seeded fraction of the clean run's count); the fake
 *             holds that request 1.5 s and then applies it: a write that landed while n8n never saw the
 *             answer, the worst case for duplicates.
 *
 * What a killed execution leaves (measured with 2.40.7): `n8n start` finds the crash journal, logs "Last
 * session crashed" and waits 10 s before going on (crash-loop brake), then marks the execution `crashed`
 * from its event log ("[Recovery] ... amended execution"); it resumes nothing. No clean-up is needed.
 *
 * Run with `npm run test:e2e:crash` (builds first; about 5 minutes on 2 cores with n8n cached). Settings
 * (environment): CRASH_SEEDS=1,4,7 CRASH_IN_FLIGHT=employments:2,timeoff:3 (also `patch:<seed>`; empty
 * for none) CRASH_PEOPLE=500 CRASH_TIMEOFF=250 CRASH_LATENCY=5:15 (ms, min:max); KEEP_E2E=1 keeps the
 * user folders. Prints a table (one row per seed) and `e2e-crash: N passed, N failed` last; exits 1 on a
 * failure.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { markerIds } from '../nodes/shared/core/timeoff';
import type { RequestLogEntry, RunningFakes } from '../test/fakes';
import {
	DEFAULT_LEGAL_ENTITY_ID,
	makeCompany,
	mulberry32,
	startFakes,
	type GeneratedCompany,
} from '../test/fakes';
import {
	addCleanup,
	createApiKey,
	ensureN8n,
	freePort,
	getExecution,
	importCredentials,
	importWorkflow,
	installPackage,
	ownerSession,
	projectRoot,
	runFromTrigger,
	secs,
	sleep,
	startServer,
	waitForExecution,
	type ExecutionRecord,
	type N8nServer,
	type Session,
	fakeCredentialSpecs,
} from './lib/n8n';
import { countByOutcome, employeeResult, formatCounts, timeOffResult } from './lib/report';
import {
	applyUserSetup,
	loadTemplate,
	setDryRun,
	TRIGGERS,
	type WorkflowJson,
} from './lib/template';

// ---------------------------------------------------------------------------------------------------------
// Settings

const SEEDS = (process.env.CRASH_SEEDS ?? '1,4,7')
	.split(',')
	.filter((x) => x.trim() !== '')
	.map((x) => Number(x.trim()));
/** Writes that can be caught on the wire: the fake holds one of them while n8n is killed. */
const IN_FLIGHT_ENDPOINTS: Record<string, string> = {
	employments: 'POST /v1/employments',
	patch: 'PATCH /v1/employments/:id',
	timeoff: 'POST /v1/timeoff',
};
const IN_FLIGHT = (process.env.CRASH_IN_FLIGHT ?? 'employments:2,timeoff:3')
	.split(',')
	.filter((x) => x.trim() !== '')
	.map((x) => {
		const [what, seed] = x.trim().split(':');
		if (!IN_FLIGHT_ENDPOINTS[what] || !Number.isInteger(Number(seed)))
			throw new Error(`CRASH_IN_FLIGHT: bad entry "${x}" (use employments|patch|timeoff:<seed>)`);
		return { seed: Number(seed), inFlight: IN_FLIGHT_ENDPOINTS[what] };
	});
/** How long the fake holds the caught write before applying it (n8n is dead by then). */
const HOLD_MS = 1_500;
const PEOPLE = Number(process.env.CRASH_PEOPLE ?? 500);
const TIMEOFF = Number(process.env.CRASH_TIMEOFF ?? 250);
const LATENCY = (process.env.CRASH_LATENCY ?? '5:15').split(':').map(Number) as [number, number];
const COMPANY_SEED = 42;
const MAX_RUNS_AFTER_RESTART = 3;
const RUN_TIMEOUT_MS = 300_000;
const KEEP = process.env.KEEP_E2E === '1';

// ---------------------------------------------------------------------------------------------------------
// Checks and output

const results: Array<{ name: string; ok: boolean }> = [];

function check(name: string, ok: boolean, detail?: string): boolean {
	results.push({ name, ok });
	console.log(`${ok ? '  PASS' : '  FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
	return ok;
}

function note(msg: string): void {
	console.log(`   ${msg}`);
}

// ---------------------------------------------------------------------------------------------------------
// Reading the fakes

/** Write requests (Remote: any non-GET; HiBob: any but the people search), as e2e.ts counts them. */
function isWrite(r: RequestLogEntry): boolean {
	return r.method !== 'GET' && r.endpoint !== 'POST /v1/people/search';
}

function writes(f: RunningFakes, afterSeq = { hibob: 0, remote: 0 }): RequestLogEntry[] {
	return [
		...f.remote.requests.filter((r) => r.seq > afterSeq.remote && isWrite(r)),
		...f.hibob.requests.filter((r) => r.seq > afterSeq.hibob && isWrite(r)),
	];
}

function mark(f: RunningFakes): { hibob: number; remote: number } {
	const last = (list: Array<{ seq: number }>) => (list.length ? list[list.length - 1].seq : 0);
	return { hibob: last(f.hibob.requests), remote: last(f.remote.requests) };
}

function totalRequests(f: RunningFakes): number {
	return f.hibob.requests.length + f.remote.requests.length;
}

/** Short lane name of a write: which part of the sync was writing. */
function laneOf(r: RequestLogEntry | undefined): string {
	if (!r) return '-';
	if (r.path.startsWith('/v1/timeoff')) return 'time off';
	if (r.path.startsWith('/v1/employments')) return 'employees';
	if (r.path.startsWith('/v1/company-departments')) return 'departments';
	return r.endpoint;
}

// ---------------------------------------------------------------------------------------------------------
// The fake Remote's state, without generated ids and timestamps

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const DROP_KEYS = new Set(['id', 'short_id', 'active_contract_id']);

/** Deep copy without generated ids/timestamps; strings that are generated ids become stable names. */
function normalise(value: unknown, names: Map<string, string>): Json {
	if (typeof value === 'string') return names.get(value) ?? value;
	if (Array.isArray(value)) return value.map((v) => normalise(v, names));
	if (value && typeof value === 'object') {
		const out: Record<string, Json> = {};
		for (const key of Object.keys(value).sort()) {
			if (DROP_KEYS.has(key) || key.endsWith('_at')) continue;
			out[key] = normalise((value as Record<string, unknown>)[key], names);
		}
		return out;
	}
	return (value ?? null) as Json;
}

interface Snapshot {
	/** stable key → normalised record */
	employments: Map<string, string>;
	timeoffs: Map<string, string>;
	departments: string[];
	amendments: string[];
	counts: { employments: number; timeoffs: number; departments: number; amendments: number };
	duplicates: { byExternalId: string[]; byLoginEmail: string[]; timeoffsByMarker: string[] };
}

function snapshot(f: RunningFakes): Snapshot {
	const state = f.remote.state;
	const names = new Map<string, string>();
	const employmentKey = (e: { external_id: string | null; login_email: string }) =>
		e.external_id ? `ext:${e.external_id}` : `email:${String(e.login_email).toLowerCase()}`;
	for (const e of state.employments) names.set(e.id, `employment(${employmentKey(e)})`);
	for (const d of state.departments) names.set(d.id, `department(${d.name})`);

	const keyed = <T>(list: T[], key: (x: T) => string): Map<string, string> => {
		const out = new Map<string, string>();
		for (const x of list) {
			let k = key(x);
			// a duplicate keeps its own entry (key#2, key#3) so the comparison shows it
			for (let n = 2; out.has(k); n++) k = `${key(x)}#${n}`;
			out.set(k, JSON.stringify(normalise(x, names)));
		}
		return out;
	};
	const employments = keyed(state.employments, employmentKey);
	const timeoffs = keyed(
		state.timeoffs,
		(t) =>
			`${names.get(t.employment_id) ?? t.employment_id} ${t.start_date}..${t.end_date} ${t.timeoff_type} ${t.status} [${markerIds(t.notes).join(',')}]`,
	);
	const departments = state.departments.map((d) => d.name).sort();
	const amendments = state.contractAmendments
		.map((a) => JSON.stringify(normalise(a, names)))
		.sort();

	const groups = (keys: string[]) => {
		const count = new Map<string, number>();
		for (const k of keys) count.set(k, (count.get(k) ?? 0) + 1);
		return [...count].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
	};
	const live = state.employments.filter((e) => e.status !== 'deleted');
	return {
		employments,
		timeoffs,
		departments,
		amendments,
		counts: {
			employments: state.employments.length,
			timeoffs: state.timeoffs.length,
			departments: state.departments.length,
			amendments: state.contractAmendments.length,
		},
		duplicates: {
			byExternalId: groups(
				state.employments.filter((e) => e.external_id).map((e) => String(e.external_id)),
			),
			byLoginEmail: groups(
				live.filter((e) => e.login_email).map((e) => String(e.login_email).toLowerCase()),
			),
			timeoffsByMarker: groups(state.timeoffs.flatMap((t) => markerIds(t.notes))),
		},
	};
}

/** Differences between two snapshots, readable (at most `limit` lines). */
function compare(ref: Snapshot, got: Snapshot, limit = 10): string[] {
	const out = differences(ref, got);
	return out.length > limit ? [...out.slice(0, limit), `… and ${out.length - limit} more`] : out;
}

function differences(ref: Snapshot, got: Snapshot): string[] {
	const out: string[] = [];
	const maps = (label: string, a: Map<string, string>, b: Map<string, string>) => {
		for (const [k, v] of a) {
			if (!b.has(k)) out.push(`${label} ${k}: missing`);
			else if (b.get(k) !== v) out.push(`${label} ${k}: differs: ${fieldDiff(v, b.get(k)!)}`);
		}
		for (const k of b.keys()) if (!a.has(k)) out.push(`${label} ${k}: extra`);
	};
	maps('employment', ref.employments, got.employments);
	maps('time off', ref.timeoffs, got.timeoffs);
	if (JSON.stringify(ref.departments) !== JSON.stringify(got.departments)) {
		out.push(
			`departments: ${ref.departments.length} in the reference, ${got.departments.length} here (${got.departments.filter((d, i, all) => all.indexOf(d) !== i).join(', ') || 'different names'})`,
		);
	}
	if (JSON.stringify(ref.amendments) !== JSON.stringify(got.amendments)) {
		out.push(
			`contract amendments: ${ref.amendments.length} in the reference, ${got.amendments.length} here`,
		);
	}
	return out;
}

/** The first few top-level/nested paths whose values differ. */
function fieldDiff(a: string, b: string): string {
	const paths: string[] = [];
	const walk = (x: unknown, y: unknown, p: string) => {
		if (paths.length >= 4) return;
		if (JSON.stringify(x) === JSON.stringify(y)) return;
		if (
			x &&
			y &&
			typeof x === 'object' &&
			typeof y === 'object' &&
			!Array.isArray(x) &&
			!Array.isArray(y)
		) {
			for (const k of new Set([...Object.keys(x), ...Object.keys(y)]))
				walk((x as any)[k], (y as any)[k], p ? `${p}.${k}` : k);
			return;
		}
		paths.push(`${p}: ${JSON.stringify(x)?.slice(0, 60)} → ${JSON.stringify(y)?.slice(0, 60)}`);
	};
	walk(JSON.parse(a), JSON.parse(b), '');
	return paths.join('; ');
}

// ---------------------------------------------------------------------------------------------------------
// Scenario plumbing

interface Base {
	folder: string;
	workflowId: string;
	workflow: WorkflowJson;
	ports: { hibob: number; remote: number };
	now: Date;
}

function company(base: Base): GeneratedCompany {
	return makeCompany({ people: PEOPLE, seed: COMPANY_SEED, now: base.now, withTimeoff: TIMEOFF });
}

async function fakesFor(base: Base, faultSeed: number): Promise<RunningFakes> {
	const c = company(base);
	const faults = { seed: faultSeed, latencyMs: LATENCY };
	return startFakes({
		hibob: c.hibob,
		remote: c.remote,
		inspection: true,
		hibobOptions: { port: base.ports.hibob, faults },
		remoteOptions: { port: base.ports.remote, faults: { ...faults, seed: faultSeed + 1000 } },
	});
}

/** A fresh user folder: a copy of the base (the package, credentials, the workflow, the owner; a fresh DB). */
function copyBase(base: Base, label: string): string {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-hibob-remote-crash-${label}-`));
	fs.cpSync(base.folder, folder, { recursive: true });
	fs.rmSync(path.join(folder, 'n8n-server.log'), { force: true });
	if (!KEEP) addCleanup(() => fs.rmSync(folder, { recursive: true, force: true }));
	return folder;
}

async function serverSession(
	folder: string,
): Promise<{ srv: N8nServer; session: Session; apiKey: string }> {
	const srv = await startServer(folder);
	const session = await ownerSession(srv.url);
	const apiKey = await createApiKey(session);
	return { srv, session, apiKey };
}

/** One full sync from "Manual sync" to its end; the writes it made and a one-line account of its items. */
async function fullRun(
	f: RunningFakes,
	s: { srv: N8nServer; session: Session; apiKey: string },
	base: Base,
): Promise<{
	ex: ExecutionRecord;
	ms: number;
	writes: RequestLogEntry[];
	start: number;
	summary: string;
}> {
	const m = mark(f);
	const start = Date.now();
	const id = await runFromTrigger(s.session, base.workflowId, TRIGGERS.manualSync);
	const ex = await waitForExecution(s.srv.url, s.apiKey, id, { timeoutMs: RUN_TIMEOUT_MS });
	const ms = Date.now() - start;
	const employees = employeeResult(ex, base.workflow);
	const emp = countByOutcome(employees.rows);
	const to = countByOutcome(timeOffResult(ex, base.workflow).rows);
	const reasons = Object.entries((employees.summaryItem?.byReason ?? {}) as Record<string, number>)
		.map(([k, n]) => `${k} ${n}`)
		.join(', ');
	return {
		ex,
		ms,
		writes: writes(f, m),
		start,
		summary: `people ${formatCounts(emp)} (${reasons}); time off ${formatCounts(to)}`,
	};
}

/**
 * Processes of a process group that are still alive (zombies waiting to be reaped do not count), from
 * /proc; where there is no /proc, whether kill(-pgid, 0) still finds the group.
 */
function liveGroupMembers(pgid: number): string[] {
	if (!fs.existsSync('/proc/self/stat')) {
		try {
			process.kill(-pgid, 0);
			return ['(group exists)'];
		} catch (e) {
			return e.code === 'EPERM' ? ['(group exists)'] : [];
		}
	}
	const out: string[] = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let stat: string;
		try {
			stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
		} catch {
			continue; // gone meanwhile
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
		const close = stat.lastIndexOf(')');
		const [state, , pgrp] = stat.slice(close + 2).split(' ');
		if (Number(pgrp) === pgid && state !== 'Z')
			out.push(`${entry} ${stat.slice(stat.indexOf('(') + 1, close)} ${state}`);
	}
	return out;
}

async function waitGroupGone(pgid: number, timeoutMs: number): Promise<string[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const live = liveGroupMembers(pgid);
		if (live.length === 0 || Date.now() > deadline) return live;
		await sleep(20);
	}
}

// ---------------------------------------------------------------------------------------------------------

interface Reference {
	snap: Snapshot;
	ms: number;
	/** ms from the run's start to each applied write's arrival at a fake, in order */
	writeTimes: number[];
	/** applied writes by endpoint key */
	byEndpoint: Record<string, number>;
	writes: number;
	applied: number;
}

interface Scenario {
	seed: number;
	/**
	 * undefined: kill at a seeded moment among the writes. An endpoint key: kill the moment the j-th such
	 * write (j seeded) arrives at the fake, which holds it HOLD_MS and then applies it: n8n never gets the
	 * answer (the worst case for duplicates).
	 */
	inFlight?: string;
}

interface Row {
	seed: number;
	kill: string;
	killAtMs: number;
	killPct: number;
	lane: string;
	before: number;
	inFlight: number;
	refApplied: number;
	killedStatus: string;
	runs: number[];
	dupEmployments: number;
	dupTimeoffs: number;
	equal: boolean;
	ok: boolean;
}

async function setUpBase(): Promise<Base> {
	const root = projectRoot();
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-hibob-remote-crash-base-'));
	if (!KEEP) addCleanup(() => fs.rmSync(folder, { recursive: true, force: true }));
	console.log(`\n== base user folder ${folder}`);
	const t0 = Date.now();
	const pkg = await installPackage(folder);
	note(`package ${pkg.tarball} installed (${secs(pkg.ms)})`);
	const ports = { hibob: await freePort(), remote: await freePort() };
	const c = makeCompany({ people: 0, seed: COMPANY_SEED });
	const [hibobId, remoteId] = await importCredentials(
		folder,
		fakeCredentialSpecs(c.credentials, {
			hibob: `http://127.0.0.1:${ports.hibob}`,
			remote: `http://127.0.0.1:${ports.remote}`,
		}),
	);
	const setup = applyUserSetup(loadTemplate(root), {
		hibobCredential: { id: hibobId, name: 'HiBob account' },
		remoteCredential: { id: remoteId, name: 'Remote account' },
		approverId: c.approverId,
		gpLegalEntityId: DEFAULT_LEGAL_ENTITY_ID,
		// Every person's result is checked, so every person is listed (the template ships
		// "Changes and Problems Only"; the demo and the Remote-trigger e2e run it as shipped).
		output: 'all',
		webhookSecret: `crash-secret-${Date.now()}`,
	});
	const workflowId = await importWorkflow(folder, setup.workflow);
	note(`credentials and the shipped template imported (workflow ${workflowId})`);
	const srv = await startServer(folder);
	try {
		const session = await ownerSession(srv.url);
		await setDryRun(session, workflowId, false);
		note(
			`owner created, Sync Settings.dryRun saved as false (server ready in ${secs(srv.readyMs)})`,
		);
	} finally {
		await srv.stop();
	}
	note(`base ready in ${secs(Date.now() - t0)}`);
	return { folder, workflowId, workflow: setup.workflow, ports, now: new Date() };
}

async function runReference(base: Base): Promise<Reference> {
	console.log('\n== reference: a clean full run');
	const folder = copyBase(base, 'ref');
	const f = await fakesFor(base, 1);
	const c = company(base);
	note(
		`company: ${c.hibob.people.length} HiBob people, ${c.remote.employments!.length} Remote employments, ${c.hibob.timeoffRequests!.length} time-off requests; latency ${LATENCY.join('–')} ms per call`,
	);
	let s: Awaited<ReturnType<typeof serverSession>> | undefined;
	try {
		s = await serverSession(folder);
		const run = await fullRun(f, s, base);
		check(
			'reference run succeeded',
			run.ex.status === 'success',
			`${run.ex.status} in ${secs(run.ms)}: ${run.summary}`,
		);
		const w = run.writes.filter((r) => r.applied);
		const at = (r: RequestLogEntry) => Date.parse(r.timestamp) - run.start;
		const writeTimes = w.map(at).sort((a, b) => a - b);
		const lane = (name: string) => w.filter((r) => laneOf(r) === name).map(at);
		for (const name of ['employees', 'departments', 'time off']) {
			const t = lane(name);
			if (t.length)
				note(
					`${name} lane: ${t.length} writes from ${secs(Math.min(...t))} to ${secs(Math.max(...t))}`,
				);
		}
		const byEndpoint = countBy(w.map((r) => r.endpoint));
		note(
			`writes: ${run.writes.length} requests, ${w.length} applied (${Object.entries(byEndpoint)
				.map(([k, n]) => `${k} ${n}`)
				.join(', ')})`,
		);
		note(
			`writes from ${secs(writeTimes[0])} to ${secs(writeTimes[writeTimes.length - 1])} of ${secs(run.ms)}`,
		);
		check(
			'reference run wrote something (a large run)',
			w.length > 50,
			`${w.length} applied writes`,
		);
		const snap = snapshot(f);
		note(`Remote after the run: ${JSON.stringify(snap.counts)}`);
		const dups = snap.duplicates;
		check(
			'reference: no duplicates',
			dups.byExternalId.length + dups.byLoginEmail.length + dups.timeoffsByMarker.length === 0,
			JSON.stringify(dups).slice(0, 300),
		);
		const second = await fullRun(f, s, base);
		check(
			'reference: a second run writes nothing (what "nothing pending" means)',
			second.ex.status === 'success' && second.writes.length === 0,
			`${second.ex.status}, ${second.writes.length} writes in ${secs(second.ms)}`,
		);
		note(`second run: ${second.summary}`);
		check(
			'reference: the second run leaves the state as it was',
			compare(snap, snapshot(f)).length === 0,
		);
		return {
			snap,
			ms: run.ms,
			writeTimes,
			byEndpoint,
			writes: run.writes.length,
			applied: w.length,
		};
	} finally {
		if (s) await s.srv.stop().catch(() => undefined);
		await f.close();
	}
}

async function waitUntil(
	what: string,
	cond: () => boolean,
	timeoutMs = RUN_TIMEOUT_MS,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!cond()) {
		if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
		await sleep(2);
	}
}

async function runSeed(base: Base, ref: Reference, sc: Scenario): Promise<Row> {
	const { seed } = sc;
	const rand = mulberry32(seed);
	const frac = 0.1 + 0.8 * rand();
	const t = ref.writeTimes;
	const k = Math.min(t.length - 2, Math.floor(frac * t.length));
	const jitter = rand() * (t[k + 1] - t[k]);
	const j = sc.inFlight ? Math.max(1, Math.floor(frac * (ref.byEndpoint[sc.inFlight] ?? 0))) : 0;
	const plan = sc.inFlight
		? `the moment ${sc.inFlight} number ${j + 1} of the clean run's ${ref.byEndpoint[sc.inFlight] ?? 0} arrives (held ${HOLD_MS} ms, applied after the kill)`
		: `${Math.round(jitter)} ms after this run's write ${k + 1} (of the clean run's ${t.length}: f = ${frac.toFixed(2)})`;
	console.log(`\n== seed ${seed}: SIGKILL at ${plan}`);
	const row: Row = {
		seed,
		kill: sc.inFlight
			? `${sc.inFlight.replace(/^POST /, 'create ').replace(/^PATCH .*/, 'update')} in flight`
			: `write ${k + 1}/${t.length}`,
		killAtMs: 0,
		killPct: 0,
		lane: '-',
		before: 0,
		inFlight: 0,
		refApplied: ref.applied,
		killedStatus: '-',
		runs: [],
		dupEmployments: -1,
		dupTimeoffs: -1,
		equal: false,
		ok: false,
	};
	const failedBefore = results.filter((r) => !r.ok).length;
	const folder = copyBase(base, `seed${seed}`);
	const f = await fakesFor(base, seed * 7919);
	let s: Awaited<ReturnType<typeof serverSession>> | undefined;
	try {
		s = await serverSession(folder);
		const start = Date.now();
		const execId = await runFromTrigger(s.session, base.workflowId, TRIGGERS.manualSync);
		if (sc.inFlight) {
			const ep = sc.inFlight;
			await waitUntil(`${j} × ${ep}`, () => f.remote.count(ep) >= j);
			const n = f.remote.count(ep);
			f.remote.failNext(ep, { latencyMs: HOLD_MS });
			await waitUntil(`the held ${ep}`, () => f.remote.count(ep) > n);
		} else {
			// counted, not timed: the kill follows this run's own (k+1)-th applied write by a seeded part of the
			// clean run's gap to the one after, so a faster or slower run (or machine) cannot move it past the
			// last write (timed from the first write, a run 1.9 s faster than the clean one was killed after
			// all its writes had landed)
			await waitUntil(
				`the run's write ${k + 1}`,
				() => writes(f).filter((r) => r.applied).length > k,
			);
			await sleep(jitter);
		}
		const killedAt = Date.now();
		row.killAtMs = killedAt - start;
		row.killPct = Math.round((100 * row.killAtMs) / ref.ms);
		const logged = { hibob: f.hibob.requests.length, remote: f.remote.requests.length };
		await s.srv.kill('SIGKILL');
		const killMs = Date.now() - killedAt;
		const pid = s.srv.pid;
		s = undefined;
		const live = await waitGroupGone(pid, 5_000);
		check(
			`seed ${seed}: n8n's whole process group (server and task runner) is gone after SIGKILL`,
			live.length === 0,
			live.length
				? `still alive: ${live.join(', ')}`
				: `leader exited ${killMs} ms after the signal`,
		);
		// requests already on the wire reach the fake (and may be applied) after the kill
		await sleep(sc.inFlight ? HOLD_MS + 300 : 300);
		const all = writes(f);
		const done = [
			...f.remote.requests.slice(0, logged.remote).filter(isWrite),
			...f.hibob.requests.slice(0, logged.hibob).filter(isWrite),
		];
		const applied = done.filter((r) => r.applied);
		const late = all.filter((r) => !done.includes(r));
		row.before = applied.length;
		row.inFlight = late.filter((r) => r.applied).length;
		row.lane = laneOf(done[done.length - 1]);
		note(`killed at ${secs(row.killAtMs)} (${row.killPct}% of the clean run)`);
		note(
			`writes answered before the kill: ${done.length} (${applied.length} applied), the last ${done.length ? `${done[done.length - 1].method} ${done[done.length - 1].path}` : '-'}; ` +
				`on the wire at the kill: ${late.length ? late.map((r) => `${r.method} ${r.path} → ${r.status}${r.applied ? ' applied' : ''}`).join(', ') : 'none'}`,
		);
		if (sc.inFlight) {
			check(
				`seed ${seed}: the held ${sc.inFlight} was applied after n8n died (its answer lost)`,
				late.some((r) => r.endpoint === sc.inFlight && r.applied),
				late.map((r) => `${r.endpoint} ${r.status}`).join(', ') || 'nothing on the wire',
			);
		}
		check(
			`seed ${seed}: the kill came mid-run (some, not all, writes landed)`,
			applied.length > 0 && applied.length + row.inFlight < ref.applied,
			`${applied.length + row.inFlight} of the clean run's ${ref.applied}`,
		);
		const afterKill = totalRequests(f);
		const gap = differences(ref.snap, snapshot(f)).length;
		check(
			`seed ${seed}: right after the kill the fake Remote differs from the reference (what the re-runs must fix)`,
			gap > 0,
			`${gap} records differ`,
		);

		// start again on the same folder
		const restarted = await serverSession(folder);
		s = restarted;
		note(`n8n started again in ${secs(restarted.srv.readyMs)}`);
		const killed = await getExecution(restarted.srv.url, restarted.apiKey, execId);
		row.killedStatus = killed?.status ?? 'not stored';
		note(
			`the killed execution ${execId} after the restart: status ${row.killedStatus}, finished ${killed?.finished}, stoppedAt ${killed?.stoppedAt ?? '-'}, last node ${killed?.data?.resultData?.lastNodeExecuted ?? '-'}`,
		);
		check(
			`seed ${seed}: the killed execution is not left "running" after the restart`,
			!!killed && !['new', 'running', 'waiting'].includes(killed.status),
			row.killedStatus,
		);
		const recoveryLines = fs
			.readFileSync(restarted.srv.logFile, 'utf8')
			.split('\n')
			.filter((l) => /crash|recover|unfinished/i.test(l));
		if (recoveryLines.length)
			note(
				`server log on restart: ${recoveryLines
					.slice(0, 4)
					.map((l) => l.trim().slice(0, 160))
					.join(' | ')}`,
			);
		check(
			`seed ${seed}: the restarted n8n does not resume anything by itself`,
			totalRequests(f) === afterKill,
			`${totalRequests(f) - afterKill} requests to the fakes`,
		);

		for (let i = 0; i < MAX_RUNS_AFTER_RESTART; i++) {
			const run = await fullRun(f, restarted, base);
			row.runs.push(run.writes.length);
			note(
				`run ${i + 1} after the restart: ${run.ex.status} in ${secs(run.ms)}, ${run.writes.length} writes; ${run.summary}`,
			);
			if (run.ex.status !== 'success') {
				check(
					`seed ${seed}: run ${i + 1} after the restart succeeded`,
					false,
					run.ex.data?.resultData?.error?.message,
				);
				break;
			}
			if (run.writes.length === 0) break;
		}
		check(
			`seed ${seed}: converged (a run after the restart wrote nothing, within ${MAX_RUNS_AFTER_RESTART} runs)`,
			row.runs[row.runs.length - 1] === 0,
			`writes per run: ${row.runs.join(', ')}`,
		);

		const snap = snapshot(f);
		const d = snap.duplicates;
		row.dupEmployments = d.byExternalId.length + d.byLoginEmail.length;
		row.dupTimeoffs = d.timeoffsByMarker.length;
		check(
			`seed ${seed}: no duplicate employment by external_id`,
			d.byExternalId.length === 0,
			d.byExternalId.slice(0, 5).join(', ') || undefined,
		);
		check(
			`seed ${seed}: no duplicate employment by login email`,
			d.byLoginEmail.length === 0,
			d.byLoginEmail.slice(0, 5).join(', ') || undefined,
		);
		check(
			`seed ${seed}: no duplicate time off by HiBob request marker`,
			d.timeoffsByMarker.length === 0,
			d.timeoffsByMarker.slice(0, 5).join(', ') || undefined,
		);
		const diff = compare(ref.snap, snap);
		row.equal = diff.length === 0;
		check(
			`seed ${seed}: the fake Remote ends as after the clean run`,
			row.equal,
			row.equal ? JSON.stringify(snap.counts) : `\n      ${diff.join('\n      ')}`,
		);
	} catch (e) {
		check(`seed ${seed}: ran to the end`, false, e.stack ?? String(e));
		if (s) console.log(`--- n8n server log tail ---\n${s.srv.logTail(40)}`);
	} finally {
		if (s) await s.srv.stop().catch(() => undefined);
		await f.close();
		if (KEEP) note(`kept user folder ${folder}`);
	}
	row.ok = results.filter((r) => !r.ok).length === failedBefore;
	return row;
}

function countBy(keys: string[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const k of keys) out[k] = (out[k] ?? 0) + 1;
	return out;
}

function table(rows: Row[], ref: Reference): string {
	const head = [
		'seed',
		'kill',
		'at',
		'lane',
		'writes before kill',
		'killed exec',
		'runs after restart',
		'dup empl',
		'dup time off',
		'equal to ref',
		'',
	];
	const body = rows.map((r) => [
		String(r.seed),
		r.kill,
		`${secs(r.killAtMs)} (${r.killPct}%)`,
		r.lane,
		`${r.before}${r.inFlight ? ` + ${r.inFlight} on the wire` : ''} / ${r.refApplied}`,
		r.killedStatus,
		`${r.runs.length} (writes ${r.runs.join(', ') || '-'})`,
		r.dupEmployments < 0 ? '-' : String(r.dupEmployments),
		r.dupTimeoffs < 0 ? '-' : String(r.dupTimeoffs),
		r.equal ? 'yes' : 'NO',
		r.ok ? 'ok' : 'FAIL',
	]);
	const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
	const line = (cells: string[]) =>
		cells
			.map((c, i) => c.padEnd(widths[i]))
			.join('  ')
			.trimEnd();
	return [
		`clean run: ${secs(ref.ms)}, ${ref.applied} applied writes between ${secs(ref.writeTimes[0])} and ${secs(ref.writeTimes[ref.writeTimes.length - 1])}`,
		line(head),
		line(widths.map((w) => '-'.repeat(w))),
		...body.map(line),
	].join('\n');
}

async function main(): Promise<number> {
	const started = Date.now();
	const scenarios: Scenario[] = [...SEEDS.map((seed) => ({ seed })), ...IN_FLIGHT];
	console.log(
		`e2e-crash: ${PEOPLE} people, ${TIMEOFF} time-off requests; kills at a seeded moment: seeds ${SEEDS.join(', ') || '-'}; ` +
			`kills with a write on the wire: ${IN_FLIGHT.map((x) => `${x.inFlight} (seed ${x.seed})`).join(', ') || '-'}`,
	);
	const rows: Row[] = [];
	let ref: Reference | undefined;
	try {
		const paths = await ensureN8n();
		check(
			'n8n installed',
			fs.existsSync(paths.n8nBin),
			`${paths.n8nDir} (${paths.cold ? 'cold' : 'warm'})`,
		);
		check('dist/ exists (npm run build)', fs.existsSync(path.join(projectRoot(), 'dist')));
		const base = await setUpBase();
		ref = await runReference(base);
		for (const sc of scenarios) rows.push(await runSeed(base, ref, sc));
	} catch (e) {
		check('e2e-crash ran to the end', false, e.stack ?? String(e));
	}
	if (ref && rows.length) console.log(`\n== crashes\n${table(rows, ref)}`);
	console.log(`\ntotal ${secs(Date.now() - started)}`);
	const passed = results.filter((r) => r.ok).length;
	const failed = results.length - passed;
	if (failed)
		console.log(
			`\nfailed:\n${results
				.filter((r) => !r.ok)
				.map((r) => `  - ${r.name}`)
				.join('\n')}`,
		);
	console.log(`\ne2e-crash: ${passed} passed, ${failed} failed`);
	return failed === 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e);
		process.exit(1);
	},
);

/**
 * The shipped template in n8n's queue mode (issue 16), with real PostgreSQL and Redis: one main instance
 * (EXECUTIONS_MODE=queue, OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true), two workers (`n8n worker`) and one
 * webhook processor (`n8n webhook`), all n8n 2.40.7 from the cached install, each with its own user folder
 * (a copy: the packed package, nothing else) and all sharing the PostgreSQL database and the Bull queue.
 *
 *  services   PostgreSQL and Redis started on free ports with throwaway data folders (scripts/lib/services.ts),
 *             or existing ones (E2E_PG_*, E2E_REDIS_*); skipped with a message when neither is available.
 *  lanes      "Manual sync" (employee and time-off lanes) run from the editor's endpoint on main: a worker
 *             executes it (its log names the execution); the fake Remote holds the writes, no duplicates.
 *  again      the worker that ran it is stopped, "Manual sync" again: the OTHER worker runs it, 0 writes
 *             and no employment read in full (the in-sync memory the first worker wrote to n8n's
 *             deduplication store, in PostgreSQL, read by the other; the minimum derived from the data).
 *  webhook    the workflow published on main, the Remote webhook turned on (its signing key stored in the
 *             workflow's static data); a signed HiBob webhook sent to the webhook processor: the PATCH
 *             reaches the fake Remote (latency measured); the signing key is still stored after the
 *             worker's run (n8n 2.40.7 hands a worker no static data and saves the worker's whole when a
 *             node changed it: our action nodes never do); the same delivery again: answered `duplicate`,
 *             no run, no write (the delivery remembered in the workflow's static data by the webhook
 *             processor, in PostgreSQL); a second webhook for the same person with nothing changed, run by
 *             the worker that did not run the first: nothing written and the employment not read in full.
 *  kill       pending work added in HiBob (address changes, new approved time off); "Manual sync"; the
 *             worker running it SIGKILLed (its whole process group) once a share of the writes landed.
 *             Bull hands the stalled job to the other worker (retried), or, if n8n gives up on it, the
 *             sync is run again; either way: every pending change in Remote exactly once, no duplicate
 *             employment or time off, and a last run writes nothing.
 *
 * Run with `npm run test:e2e:queue` (builds first). Settings: QUEUE_PEOPLE=300 QUEUE_TIMEOFF=150
 * QUEUE_LATENCY=5:15 (ms per fake call, min:max) QUEUE_KILL_AT=0.4 (share of the kill run's writes);
 * KEEP_E2E=1 keeps the folders. Prints `e2e-queue: N passed, N failed` last.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHmac } from 'node:crypto';

import { markerIds } from '../nodes/shared/core/timeoff';
import type { RequestLogEntry, RunningFakes } from '../test/fakes';
import { makeCompany, startFakes, type GeneratedCompany } from '../test/fakes';
import {
	activateWorkflow,
	addCleanup,
	callWebhook,
	createApiKey,
	ensureN8n,
	getExecution,
	importCredentials,
	importWorkflow,
	installPackage,
	listExecutions,
	newId,
	ownerSession,
	projectRoot,
	rest,
	runFromTrigger,
	secs,
	sleep,
	startServer,
	waitForExecution,
	webhookUrl,
	type ExecutionRecord,
	type N8nServer,
	fakeCredentialSpecs,
} from './lib/n8n';
import { expectedWork, knownData } from './bench-employees';
import { countByOutcome, employeeResult, formatCounts, timeOffResult } from './lib/report';
import {
	missingServices,
	queueEnv,
	startPostgres,
	startRedis,
	type Postgres,
	type Redis,
} from './lib/services';
import {
	applyUserSetup,
	loadTemplate,
	onlyNode,
	setDryRun,
	TRIGGERS,
	typeOf,
} from './lib/template';

const PEOPLE = Number(process.env.QUEUE_PEOPLE ?? 300);
const TIMEOFF = Number(process.env.QUEUE_TIMEOFF ?? 150);
const LATENCY = (process.env.QUEUE_LATENCY ?? '5:15').split(':').map(Number) as [number, number];
const KILL_AT = Number(process.env.QUEUE_KILL_AT ?? 0.4);
const KEEP = process.env.KEEP_E2E === '1';
const RUN_TIMEOUT_MS = 300_000;

const results: Array<{ name: string; ok: boolean }> = [];
const phases: Array<{ name: string; ms: number }> = [];

function check(name: string, ok: boolean, detail?: string): boolean {
	results.push({ name, ok });
	console.log(`${ok ? '  PASS' : '  FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
	return ok;
}

function note(msg: string): void {
	console.log(`   ${msg}`);
}

async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
	console.log(`\n== ${name}`);
	const start = Date.now();
	try {
		return await fn();
	} finally {
		const ms = Date.now() - start;
		phases.push({ name, ms });
		console.log(`   (${secs(ms)})`);
	}
}

// ---------------------------------------------------------------------------------------------------------
// The fakes

const isWrite = (r: RequestLogEntry) =>
	r.method !== 'GET' && r.endpoint !== 'POST /v1/people/search';

function mark(f: RunningFakes): { hibob: number; remote: number } {
	const last = (list: Array<{ seq: number }>) => (list.length ? list[list.length - 1].seq : 0);
	return { hibob: last(f.hibob.requests), remote: last(f.remote.requests) };
}

function writesSince(f: RunningFakes, m: { hibob: number; remote: number }): RequestLogEntry[] {
	return [
		...f.remote.requests.filter((r) => r.seq > m.remote && isWrite(r)),
		...f.hibob.requests.filter((r) => r.seq > m.hibob && isWrite(r)),
	];
}

/** Duplicates in the fake Remote: employments by external_id and login email, time off by HiBob request id. */
function duplicates(f: RunningFakes): string[] {
	const groups = (label: string, keys: string[]) => {
		const count = new Map<string, number>();
		for (const k of keys) count.set(k, (count.get(k) ?? 0) + 1);
		return [...count].filter(([, n]) => n > 1).map(([k, n]) => `${label} ${k} ×${n}`);
	};
	const state = f.remote.state;
	const live = state.employments.filter((e) => e.status !== 'deleted');
	return [
		...groups(
			'external_id',
			state.employments.filter((e) => e.external_id).map((e) => String(e.external_id)),
		),
		...groups(
			'login_email',
			live.filter((e) => e.login_email).map((e) => String(e.login_email).toLowerCase()),
		),
		...groups(
			'time off for request',
			state.timeoffs.filter((t) => t.status !== 'cancelled').flatMap((t) => markerIds(t.notes)),
		),
	];
}

function countBy(keys: string[]): string {
	const m = new Map<string, number>();
	for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
	return [...m].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
}

function bobSignature(secret: string, raw: string): string {
	return createHmac('sha512', Buffer.from(secret, 'utf8'))
		.update(Buffer.from(raw, 'utf8'))
		.digest('base64');
}

function nextWeekday(from: Date, daysAhead: number): string {
	const d = new Date(from.getTime() + daysAhead * 86_400_000);
	while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
	return d.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------------------
// The n8n processes

interface Proc {
	name: string;
	srv?: N8nServer;
	folder: string;
	start: () => Promise<N8nServer>;
}

/** Which worker's log names the execution (n8n logs "Worker started execution <id>" at info level). */
function workerOf(workers: Proc[], executionId: string): string | undefined {
	const re = new RegExp(`execution ${executionId}\\b`);
	for (const w of workers) {
		const file = path.join(w.folder, `${w.name}.log`);
		if (fs.existsSync(file) && re.test(fs.readFileSync(file, 'utf8'))) return w.name;
	}
	return undefined;
}

async function waitFor<T>(
	what: string,
	fn: () => T | undefined | Promise<T | undefined>,
	timeoutMs: number,
	everyMs = 100,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v !== undefined) return v;
		if (Date.now() > deadline)
			throw new Error(`gave up waiting for ${what} after ${secs(timeoutMs)}`);
		await sleep(everyMs);
	}
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
	const started = Date.now();
	const missing = missingServices();
	if (missing.length) {
		console.log(
			`e2e-queue: SKIPPED — queue mode needs PostgreSQL and Redis; missing: ${missing.join('; ')}.`,
		);
		console.log(
			'  Install them (Debian: apt-get install -y postgresql redis-server) or point the test at existing servers',
		);
		console.log(
			'  with E2E_PG_HOST/E2E_PG_PORT/E2E_PG_USER/E2E_PG_PASSWORD/E2E_PG_DATABASE and E2E_REDIS_HOST/E2E_REDIS_PORT.',
		);
		return 0;
	}
	const root = projectRoot();
	let pg: Postgres | undefined;
	let redis: Redis | undefined;
	let fakes: RunningFakes | undefined;
	const procs: Proc[] = [];
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-hibob-remote-queue-'));
	if (!KEEP) addCleanup(() => fs.rmSync(workDir, { recursive: true, force: true }));
	const timing: Record<string, number> = {};

	try {
		const paths = await phase('ensure n8n', ensureN8n);
		note(`n8n ${paths.cold ? 'installed now' : 'cached'} (${secs(paths.ms)})`);

		const services = await phase('PostgreSQL and Redis', async () => {
			const [p, r] = await Promise.all([startPostgres(workDir), startRedis(workDir)]);
			pg = p;
			redis = r;
			check(
				'PostgreSQL and Redis up',
				true,
				`postgres ${p.host}:${p.port}/${p.database} (${p.owned ? 'started here' : 'existing'}), redis ${r.host}:${r.port} (${r.owned ? 'started here' : 'existing'})`,
			);
			return queueEnv(p, r, `e2e-${newId().slice(0, 8)}`);
		});
		// Short Bull locks, so a killed worker's job is seen as stalled within seconds (n8n's defaults: 60 s
		// lock, 30 s stalled check). n8n 2.40.7 sets Bull's maxStalledCount to 0: a stalled job is failed, not
		// handed to another worker, and main's queue recovery (every N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL
		// minutes, default 180) marks its execution crashed.
		const env = {
			...services,
			QUEUE_WORKER_LOCK_DURATION: '10000',
			QUEUE_WORKER_LOCK_RENEW_TIME: '3000',
			QUEUE_WORKER_STALLED_INTERVAL: '5000',
		};

		const now = new Date(
			Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()),
		);
		const company: GeneratedCompany = makeCompany({
			people: PEOPLE,
			seed: 16,
			now,
			withTimeoff: TIMEOFF,
		});
		const f = await phase('fakes', async () => {
			const faults = { seed: 16, latencyMs: LATENCY };
			const running = await startFakes({
				hibob: company.hibob,
				remote: company.remote,
				inspection: true,
				hibobOptions: { faults },
				remoteOptions: { faults: { ...faults, seed: 1016 } },
			});
			note(
				`${company.hibob.people.length} HiBob people, ${company.remote.employments!.length} Remote employments, ${company.hibob.timeoffRequests!.length} time-off requests; ${LATENCY.join('–')} ms per call`,
			);
			return running;
		});
		fakes = f;

		const webhookSecret = `queue-secret-${newId()}`;
		const setup = await phase(
			'user folders, credentials, the shipped template (into PostgreSQL)',
			async () => {
				const base = path.join(workDir, 'base');
				fs.mkdirSync(base);
				const pkg = await installPackage(base);
				note(`package ${pkg.tarball} installed (${secs(pkg.ms)})`);
				const [hibobId, remoteId] = await importCredentials(
					base,
					fakeCredentialSpecs(company.credentials, { hibob: f.hibobUrl, remote: f.remoteUrl }),
					env,
				);
				const { workflow } = applyUserSetup(loadTemplate(root), {
					hibobCredential: { id: hibobId, name: 'HiBob account' },
					remoteCredential: { id: remoteId, name: 'Remote account' },
					approverId: company.approverId,
					// Every person's result is checked, so every person is listed (the template ships
					// "Changes and Problems Only"; the demo and the Remote-trigger e2e run it as shipped).
					output: 'all',
					webhookSecret,
				});
				// The Remote webhook on too: publishing registers it with Remote and keeps the signing key in
				// the workflow's static data, which a worker's run may erase (observed below).
				delete onlyNode(workflow, typeOf('remoteTrigger')).disabled;
				const workflowId = await importWorkflow(base, workflow, env);
				check('credentials and template imported into PostgreSQL', true, `workflow ${workflowId}`);
				return { base, workflowId, workflow };
			},
		);

		// One user folder per process (n8n keeps its event log and crash journal there).
		const folder = (name: string) => {
			const dir = path.join(workDir, name);
			fs.cpSync(setup.base, dir, { recursive: true });
			return dir;
		};
		const main = { name: 'main', folder: folder('main') } as Proc;
		main.start = () =>
			startServer(main.folder, {
				env: {
					...env,
					N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
					N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '1',
				},
				logName: 'main.log',
			});
		const workers = ['worker-1', 'worker-2'].map((name) => {
			const p = { name, folder: folder(name) } as Proc;
			p.start = () =>
				startServer(p.folder, {
					command: 'worker',
					args: ['--concurrency=5'],
					env,
					logName: `${name}.log`,
				});
			return p;
		});
		const hook = { name: 'webhook', folder: folder('webhook') } as Proc;
		hook.start = () =>
			startServer(hook.folder, { command: 'webhook', env, logName: 'webhook.log' });
		procs.push(main, ...workers, hook);

		const s = await phase('n8n main, 2 workers, 1 webhook processor', async () => {
			main.srv = await main.start(); // runs the migrations first
			await Promise.all([...workers, hook].map(async (p) => (p.srv = await p.start())));
			for (const p of procs)
				note(
					`${p.name.padEnd(9)} ${p.srv!.url} ready after ${secs(p.srv!.readyMs)} (pid ${p.srv!.pid})`,
				);
			const session = await ownerSession(main.srv.url);
			const apiKey = await createApiKey(session);
			await setDryRun(session, setup.workflowId, false);
			check('all four n8n processes ready; Sync Settings.dryRun saved as false', true);
			return { session, apiKey, url: main.srv.url };
		});

		const runSync = async (
			label: string,
		): Promise<{
			ex: ExecutionRecord;
			worker?: string;
			ms: number;
			writes: RequestLogEntry[];
			requests: RequestLogEntry[];
		}> => {
			const m = mark(f);
			const t0 = Date.now();
			const id = await runFromTrigger(s.session, setup.workflowId, TRIGGERS.manualSync);
			const ex = await waitForExecution(s.url, s.apiKey, id, { timeoutMs: RUN_TIMEOUT_MS });
			const ms = Date.now() - t0;
			const worker = workerOf(workers, id);
			const emp = employeeResult(ex, setup.workflow);
			note(
				`${label}: execution ${id} ${ex.status} on ${worker ?? 'no worker (main?)'} in ${secs(ms)}; people ${formatCounts(countByOutcome(emp.rows))}; time off ${formatCounts(countByOutcome(timeOffResult(ex, setup.workflow).rows))}`,
			);
			return {
				ex,
				worker,
				ms,
				writes: writesSince(f, m),
				requests: f.remote.requests.filter((q) => q.seq > m.remote && q.status !== 429),
			};
		};

		const first = await phase(
			'employee and time-off lanes ("Manual sync"), run by a worker',
			async () => {
				const r = await runSync('first run');
				timing.firstRun = r.ms;
				check(
					'first run succeeded',
					r.ex.status === 'success',
					r.ex.data.resultData.error?.message,
				);
				check('a worker executed it, not main', !!r.worker, r.worker);
				const byEndpoint = countBy(r.writes.map((w) => w.endpoint));
				check(
					'it wrote to Remote (both lanes)',
					r.writes.some((w) => w.path.startsWith('/v1/employments')) &&
						r.writes.some((w) => w.path.startsWith('/v1/timeoff')),
					byEndpoint,
				);
				const dups = duplicates(f);
				check(
					'no duplicate in Remote',
					dups.length === 0,
					dups.slice(0, 5).join(', ') || undefined,
				);
				return r;
			},
		);

		await phase('second run on the other worker: 0 writes', async () => {
			const ran = workers.find((w) => w.name === first.worker);
			if (ran?.srv) {
				await ran.srv.stop();
				note(`${ran.name} stopped, so the other worker takes the run`);
			}
			const r = await runSync('second run');
			timing.secondRun = r.ms;
			check(
				'second run succeeded on the other worker',
				r.ex.status === 'success' && !!r.worker && r.worker !== first.worker,
				`${first.worker} then ${r.worker}`,
			);
			check(
				'second run: 0 writes',
				r.writes.length === 0,
				r.writes
					.slice(0, 5)
					.map((w) => `${w.method} ${w.path}`)
					.join(', ') || undefined,
			);
			// R4: nobody read in full again: what the first worker remembered, the other worker read.
			const fullReads = r.requests.filter((q) => q.endpoint === 'GET /v1/employments/:id').length;
			const minimum = expectedWork({ kind: 'none' }, knownData(f, company.people)).fullReads;
			check(
				'second run: the in-sync memory one worker wrote read by the other (full employment reads = minimum)',
				fullReads === minimum,
				`${fullReads} full read(s), minimum ${minimum}`,
			);
			if (ran) {
				ran.srv = await ran.start();
				note(`${ran.name} started again (${secs(ran.srv.readyMs)})`);
			}
		});

		await phase('published: signed HiBob webhooks to the webhook processor', async () => {
			const trigger = onlyNode(setup.workflow, typeOf('hiBobTrigger'));
			const url = webhookUrl(hook.srv!.url, {
				workflowId: setup.workflowId,
				node: { name: trigger.name, webhookId: trigger.webhookId },
				path: 'hibob',
			});
			const staticDataNow = async () => {
				const wf = await rest(s.session, 'GET', `/rest/workflows/${setup.workflowId}`);
				return (
					(typeof wf.staticData === 'string' ? JSON.parse(wf.staticData) : wf.staticData) ?? {}
				);
			};
			const remoteTrigger = onlyNode(setup.workflow, typeOf('remoteTrigger'));
			const remoteKeys = async () => {
				const callbacks = (await staticDataNow())[`node:${remoteTrigger.name}`]?.callbacks;
				return Array.isArray(callbacks) ? callbacks.length : 0;
			};
			await activateWorkflow(s.url, s.apiKey, setup.workflowId);
			// main registers the webhooks a moment after the activation answers
			const keysPublished = await waitFor(
				'the Remote webhook registered',
				async () => (await remoteKeys()) || undefined,
				30_000,
				250,
			).catch(() => 0);
			const registrations = f.remote.requests.filter(
				(r) => r.endpoint === 'POST /v1/webhook-callbacks',
			).length;
			check(
				'publishing registered the Remote webhook and stored its signing key',
				keysPublished === 1,
				`${keysPublished} callback(s) in the workflow's static data; ${registrations} registration(s) at Remote`,
			);
			const ping = await callWebhook(url, {
				body: 'Ping test',
				headers: { 'content-type': 'text/plain' },
				timeoutMs: 60_000,
			});
			check(
				'the webhook processor serves the published workflow (Bob ping 200)',
				ping.status === 200,
				`${url} → ${ping.status} ${JSON.stringify(ping.body)}`,
			);
			const before = (await listExecutions(s.url, s.apiKey, setup.workflowId)).length;
			// An EOR employee: Remote's API does not update contractors (U7), so a contractor's move writes nothing.
			const person = company.people.find(
				(p) =>
					p.remote === 'active' &&
					p.kind === 'employee' &&
					p.active &&
					p.linkedBy === 'external_id',
			)!;
			const employment = f.remote.state.employments.find(
				(e) => e.id === person.remoteEmploymentId,
			)!;
			const newLine = `16 Queue Street ${newId().slice(0, 4)}`;
			f.hibob.updatePerson(person.hibobId, { address: { line1: newLine } });
			const event = {
				companyId: 636192,
				type: 'employee.updated',
				triggeredBy: 'e2e-queue',
				triggeredAt: new Date().toISOString(),
				version: 'v2',
				data: { employeeId: person.hibobId, fieldUpdates: ['address.line1'] },
			};
			const raw = JSON.stringify(event);
			const headers = {
				'Bob-Signature': bobSignature(webhookSecret, raw),
				'content-type': 'application/json',
			};
			const known = new Set(
				(await listExecutions(s.url, s.apiKey, setup.workflowId)).map((e) => e.id),
			);
			const m1 = mark(f);
			const t0 = Date.now();
			const posted = await callWebhook(url, { body: raw, headers });
			const patch = await waitFor(
				'the PATCH at the fake Remote',
				() =>
					f.remote.requests.find(
						(r) =>
							r.seq > m1.remote &&
							r.method === 'PATCH' &&
							r.path === `/v1/employments/${employment.id}`,
					),
				30_000,
				5,
			);
			timing.webhookLatency = Date.parse(patch.timestamp) - t0;
			// regular mode's goal is < 2 s (README); queue mode adds Redis, a DB round trip for the execution
			// and a worker picking the job up, on a shared 2-core machine here
			check(
				`signed webhook → webhook processor → worker → PATCH at Remote: ${timing.webhookLatency} ms (< 5000 ms)`,
				posted.status === 200 && timing.webhookLatency < 5_000,
				`answer ${posted.status} ${JSON.stringify(posted.body)}`,
			);
			/** The next execution not seen before, once finished. */
			const nextRun = (what: string) =>
				waitFor(
					what,
					async () => {
						const fresh = (await listExecutions(s.url, s.apiKey, setup.workflowId)).filter(
							(e) => !known.has(e.id),
						);
						const doneRun = fresh.find((e) => !['new', 'running', 'waiting'].includes(e.status));
						if (doneRun) known.add(doneRun.id);
						return doneRun;
					},
					60_000,
					250,
				);
			const done = await nextRun('the webhook run to finish');
			const seenIn = async () => {
				const nodeData = (await staticDataNow())[`node:${trigger.name}`] ?? {};
				return Array.isArray(nodeData.seen) ? nodeData.seen.length : 0;
			};
			note(
				`after the run: the trigger's remembered deliveries in the workflow's static data (PostgreSQL): ${await seenIn()}`,
			);
			// n8n 2.40.7 hands the worker no static data and saves the worker's whole if a node changed it:
			// our action nodes never write static data, so the key kept by main when publishing survives.
			const keysAfter = await remoteKeys();
			check(
				"the Remote webhook's signing key is still stored after a worker's run",
				keysAfter === 1,
				`${keysAfter} callback(s) in the workflow's static data after execution ${done.id}`,
			);
			const hookWorker = workerOf(workers, done.id);
			check(
				'the webhook run succeeded on a worker',
				done.status === 'success' && done.mode === 'webhook' && !!hookWorker,
				`execution ${done.id} ${done.mode} ${done.status} on ${hookWorker}`,
			);
			check(
				'Remote has the new address',
				employment.address_details?.address === newLine,
				employment.address_details?.address,
			);

			// the same delivery again: the webhook processor reads the remembered delivery from PostgreSQL
			const m2 = mark(f);
			const again = await callWebhook(url, { body: raw, headers });
			const repeatRun =
				again.body?.duplicate === true
					? undefined
					: await nextRun('the run of the repeated delivery').catch(() => undefined);
			await sleep(1_000);
			const after = await listExecutions(s.url, s.apiKey, setup.workflowId);
			check(
				'the same delivery again: no write reaches Remote',
				again.status === 200 && writesSince(f, m2).length === 0,
				`${writesSince(f, m2).length} writes`,
			);
			// The webhook processor saved the remembered delivery in the workflow's static data (PostgreSQL);
			// the worker's run left it alone.
			check(
				'the same delivery again: answered as a duplicate, no run (dedupe across processes)',
				again.body?.duplicate === true && after.length === before + 1,
				`${again.status} ${JSON.stringify(again.body)}, ${after.length - before} webhook run(s)${repeatRun ? ` (repeat ran as execution ${repeatRun.id} on ${workerOf(workers, repeatRun.id)})` : ''}`,
			);

			// a new delivery for the same person, nothing changed, on the other worker: the in-sync memory
			// written by the first worker (n8n's deduplication store, in PostgreSQL) saves the full read
			const other = workers.find((w) => w.name !== hookWorker)!;
			const busy = workers.find((w) => w.name === hookWorker)!;
			await busy.srv!.stop();
			const event2 = { ...event, triggeredAt: new Date(Date.now() + 1_000).toISOString() };
			const raw2 = JSON.stringify(event2);
			const m3 = mark(f);
			const posted2 = await callWebhook(url, {
				body: raw2,
				headers: { ...headers, 'Bob-Signature': bobSignature(webhookSecret, raw2) },
			});
			const done2 = await nextRun('the second webhook run');
			const w2 = workerOf(workers, done2.id);
			const fullReads = f.remote.requests.filter(
				(r) =>
					r.seq > m3.remote && r.method === 'GET' && r.path === `/v1/employments/${employment.id}`,
			);
			const rows = employeeResult(done2, setup.workflow).rows;
			check(
				'a new delivery for the unchanged person, run by the other worker: nothing written',
				posted2.status === 200 &&
					done2.status === 'success' &&
					w2 === other.name &&
					writesSince(f, m3).length === 0,
				`${hookWorker} then ${w2}; ${rows.map((r) => `${r.person} ${r.outcome}/${r.reason}`).join('; ')}`,
			);
			check(
				'in-sync memory across workers: the other worker did not read the employment in full again',
				fullReads.length === 0,
				`${fullReads.length} full read(s) of ${employment.id}`,
			);
			busy.srv = await busy.start();
		});

		await phase(
			`a worker SIGKILLed during a run (at ${Math.round(KILL_AT * 100)}% of its writes)`,
			async () => {
				// pending work: address changes (PATCH) and new approved time off (POST: a duplicate would show)
				const active = company.people.filter(
					(p) => p.remote === 'active' && p.kind === 'employee' && p.active && p.remoteEmploymentId,
				);
				const moved = active.slice(1, 81);
				for (const [i, p] of moved.entries())
					f.hibob.updatePerson(p.hibobId, { address: { line1: `${i + 1} Killed Worker Road` } });
				const leave = active.slice(1, 61).map((p, i) => {
					const day = nextWeekday(now, 20 + (i % 20));
					return f.hibob.addTimeoffRequest({
						employeeId: p.hibobId,
						startDate: day,
						endDate: day,
						policyTypeDisplayName: 'Holiday',
						requestId: 61_000 + i,
					});
				});
				const expected = moved.length + leave.length;
				const m = mark(f);
				const execBefore = (await listExecutions(s.url, s.apiKey, setup.workflowId)).length;
				const id = await runFromTrigger(s.session, setup.workflowId, TRIGGERS.manualSync);
				const killAt = Math.max(1, Math.round(expected * KILL_AT));
				await waitFor(
					'writes before the kill',
					() => (writesSince(f, m).length >= killAt ? true : undefined),
					RUN_TIMEOUT_MS,
					2,
				);
				const victim = await waitFor(
					'the worker of the run',
					() => workers.find((w) => w.name === workerOf(workers, id)),
					10_000,
					20,
				);
				await victim.srv!.kill('SIGKILL');
				const atKill = writesSince(f, m).length;
				check(
					'worker SIGKILLed mid-run',
					atKill < expected,
					`${victim.name} killed after ${atKill} of ${expected} writes`,
				);

				// Bull sees the job stalled (lock expired) and hands it to the other worker, or n8n marks it crashed
				const t0 = Date.now();
				const ex = await waitFor(
					'the killed execution to end',
					async () => {
						const e = await getExecution(s.url, s.apiKey, id);
						return e && !['new', 'running', 'waiting'].includes(e.status) ? e : undefined;
					},
					100_000,
					500,
				).catch(() => undefined);
				const retriedBy = workers
					.filter((w) => w !== victim)
					.find((w) => w.name === workerOf([w], id))?.name;
				const status = ex?.status ?? 'still running';
				note(
					`execution ${id}: ${status} after ${secs(Date.now() - t0)}${retriedBy ? `, taken over by ${retriedBy}` : ''}`,
				);
				let reruns = 0;
				let last = ex;
				while (last?.status !== 'success' && reruns < 2) {
					reruns++;
					last = (await runSync(`re-run ${reruns}`)).ex;
				}
				check(
					'the run was retried by the other worker or re-run, and succeeded',
					last?.status === 'success',
					`killed execution: ${status}${retriedBy ? ` (retried by ${retriedBy})` : ''}; ${reruns} re-run(s)`,
				);
				victim.srv = await victim.start();

				const applied = writesSince(f, m).filter((w) => w.applied);
				const wrongAddress = moved.filter(
					(p) =>
						f.remote.state.employments.find((e) => e.id === p.remoteEmploymentId)?.address_details
							?.address !== f.hibob.state.people.find((x) => x.id === p.hibobId)?.address?.line1,
				);
				const leaveCount = leave.map(
					(r) =>
						f.remote.state.timeoffs.filter(
							(t) => t.status !== 'cancelled' && markerIds(t.notes).includes(String(r.requestId)),
						).length,
				);
				check(
					'every moved person has the new address in Remote',
					wrongAddress.length === 0,
					`${moved.length - wrongAddress.length}/${moved.length}`,
				);
				check(
					'every new time off is in Remote exactly once',
					leaveCount.every((n) => n === 1),
					`${leaveCount.filter((n) => n === 1).length}/${leave.length} once, ${leaveCount.filter((n) => n > 1).length} more than once`,
				);
				const dups = duplicates(f);
				check(
					'no duplicate employment or time off in Remote',
					dups.length === 0,
					dups.slice(0, 5).join(', ') || undefined,
				);
				note(
					`writes since the kill run started: ${applied.length} applied (${countBy(applied.map((w) => w.endpoint))}); executions: ${(await listExecutions(s.url, s.apiKey, setup.workflowId)).length - execBefore}`,
				);
				const final = await runSync('check run');
				check(
					'a last run writes nothing',
					final.ex.status === 'success' && final.writes.length === 0,
					`${final.writes.length} writes`,
				);
			},
		);
	} catch (e) {
		check('e2e-queue ran to the end', false, e.stack ?? String(e));
		for (const p of procs)
			if (p.srv) console.log(`--- ${p.name} log tail ---\n${p.srv.logTail(30)}`);
	} finally {
		await Promise.all(procs.map((p) => p.srv?.stop().catch(() => undefined)));
		if (fakes) await fakes.close().catch(() => undefined);
		if (redis) await redis.stop().catch(() => undefined);
		if (pg) await pg.stop().catch(() => undefined);
		if (!KEEP) fs.rmSync(workDir, { recursive: true, force: true });
		else console.log(`kept ${workDir}`);
	}

	const total = Date.now() - started;
	console.log('\n== timings');
	for (const p of phases) console.log(`   ${p.name.padEnd(80)} ${secs(p.ms).padStart(8)}`);
	console.log(
		`   first run ${secs(timing.firstRun ?? 0)}, second run ${secs(timing.secondRun ?? 0)}, webhook → Remote ${timing.webhookLatency ?? '-'} ms; total ${secs(total)}`,
	);
	const passed = results.filter((r) => r.ok).length;
	const failed = results.length - passed;
	if (failed)
		console.log(
			`\nfailed:\n${results
				.filter((r) => !r.ok)
				.map((r) => `  - ${r.name}`)
				.join('\n')}`,
		);
	console.log(`\ne2e-queue: ${passed} passed, ${failed} failed`);
	return failed === 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e);
		process.exit(1);
	},
);

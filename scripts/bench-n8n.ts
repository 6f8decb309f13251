/**
 * 10,000 people through the shipped template in a real n8n 2.40.7 (issue 16): a first run and a no-change
 * run, in regular mode (SQLite, `n8n execute --id`, as the issue's baseline was measured) and in queue mode
 * (PostgreSQL + Redis, one main and one worker, "Manual sync" run from the editor's endpoint and executed
 * by the worker). Measures per run: wall time, API calls (reads and writes, by endpoint), the execution's
 * stored data size (execution_data.data), and the peak RSS (VmHWM) of each n8n process involved.
 *
 * The company is scripts/fakes.ts's generator (companyPreset: N people, N/5 time-off requests, seed 1), no
 * rate limits, no latency. The template is the shipped file with the user's picks and dryRun = false.
 *
 *   npm run build && npm run build:dev && node .build/scripts/bench-n8n.js
 *   settings: BENCH_PEOPLE=10000 BENCH_MODES=regular,queue BENCH_OUTPUT=<changes|all> (the template's
 *   Output option of both sync nodes; default: as shipped) KEEP_E2E=1 BENCH_NODE_OPTIONS=<NODE_OPTIONS for
 *   n8n in regular mode, e.g. --max-old-space-size=400>
 *
 * Prints issue 16's goals (✔/✘) and exits 1 when one is missed. Not part of CI (about 10 minutes on 2 cores).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { RunningFakes } from '../test/fakes';
import { companyPreset, startFakes } from '../test/fakes';
import {
	addCleanup,
	createApiKey,
	ensureN8n,
	freePort,
	importCredentials,
	importWorkflow,
	installPackage,
	n8nEnv,
	ownerSession,
	projectRoot,
	run,
	runFromTrigger,
	secs,
	sleep,
	spawnGroup,
	startServer,
	waitForExecution,
	type N8nServer,
	fakeCredentialSpecs,
} from './lib/n8n';
import { countByOutcome, employeeResult, formatCounts, timeOffResult } from './lib/report';
import { postgresBinDir, queueEnv, startPostgres, startRedis, type Postgres } from './lib/services';
import {
	applyUserSetup,
	dryRunAssignment,
	loadTemplate,
	TRIGGERS,
	typeOf,
	type WorkflowJson,
} from './lib/template';

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 10_000);
const MODES = (process.env.BENCH_MODES ?? 'regular,queue').split(',').map((m) => m.trim());
const OUTPUT = process.env.BENCH_OUTPUT;
const KEEP = process.env.KEEP_E2E === '1';
/** How many no-change runs regular mode makes after the first run (wall times vary run to run). */
const NO_CHANGE_RUNS = Math.max(1, Number(process.env.BENCH_NO_CHANGE_RUNS ?? 3));
/** NODE_OPTIONS for the n8n process of the regular mode (e.g. --max-old-space-size=400). */
const NODE_OPTIONS = process.env.BENCH_NODE_OPTIONS;

// ---------------------------------------------------------------------------------------------------------
// Peak memory of a process group, from /proc

interface Peak {
	/** pid → [peak VmHWM in kB, command] */
	byPid: Map<number, [number, string]>;
	/** pid → CPU time (user + system, ms) at the last sample */
	cpuMs: Map<number, number>;
	stop(): void;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function procStat(pid: number): { pgrp: number; cpuMs: number } | undefined {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// fields[11], fields[12]: utime, stime (clock ticks), counted from the state field (index 0)
		const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
		return { pgrp: Number(fields[2]), cpuMs };
	} catch {
		return undefined;
	}
}

function vmHwmKb(pid: number): number {
	try {
		const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Number(m[1]) : 0;
	} catch {
		return 0;
	}
}

/** Samples VmHWM (the kernel's own peak RSS) of every process in the group every 200 ms. */
function watchGroup(pgid: number): Peak {
	const byPid = new Map<number, [number, string]>();
	const cpuMs = new Map<number, number>();
	const sample = () => {
		for (const name of fs.readdirSync('/proc')) {
			const pid = Number(name);
			const stat = Number.isInteger(pid) ? procStat(pid) : undefined;
			if (stat?.pgrp !== pgid) continue;
			cpuMs.set(pid, stat.cpuMs);
			const hwm = vmHwmKb(pid);
			let cmd = byPid.get(pid)?.[1];
			if (!cmd) {
				try {
					cmd = fs
						.readFileSync(`/proc/${pid}/cmdline`, 'utf8')
						.split('\0')
						.slice(1, 3)
						.map((a) => path.basename(a))
						.join(' ');
				} catch {
					cmd = '?';
				}
			}
			if (hwm > (byPid.get(pid)?.[0] ?? 0)) byPid.set(pid, [hwm, cmd]);
		}
	};
	sample();
	const timer = setInterval(sample, 200);
	return { byPid, cpuMs, stop: () => (clearInterval(timer), sample()) };
}

const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

function peakLine(p: Peak): string {
	return [...p.byPid.values()]
		.sort((a, b) => b[0] - a[0])
		.slice(0, 3)
		.map(([kb, cmd]) => `${cmd}: ${mb(kb)}`)
		.join(', ');
}

// ---------------------------------------------------------------------------------------------------------
// API calls

function mark(f: RunningFakes) {
	return { hibob: f.hibob.requests.length, remote: f.remote.requests.length };
}

/**
 * Where a run's time went, from the fakes' request log: n8n's start-up (until the first request), then
 * each endpoint's first and last request, in order, relative to the start of the run.
 */
function timeline(f: RunningFakes, m: { hibob: number; remote: number }, t0: number): string {
	const reqs = [
		...f.hibob.requests.slice(m.hibob).map((r) => ({ ...r, api: 'HiBob' })),
		...f.remote.requests.slice(m.remote).map((r) => ({ ...r, api: 'Remote' })),
	].map((r) => ({ key: `${r.api} ${r.endpoint}`, at: Date.parse(r.timestamp) - t0 }));
	const spans = new Map<string, { first: number; last: number; n: number }>();
	for (const r of reqs) {
		const s = spans.get(r.key) ?? { first: r.at, last: r.at, n: 0 };
		s.first = Math.min(s.first, r.at);
		s.last = Math.max(s.last, r.at);
		s.n++;
		spans.set(r.key, s);
	}
	const t = (ms: number) => (ms / 1000).toFixed(1);
	return [...spans]
		.sort((a, b) => a[1].first - b[1].first)
		.map(([k, s]) => `${k} ×${s.n} ${t(s.first)}–${t(s.last)} s`)
		.join('; ');
}

function callsSince(f: RunningFakes, m: { hibob: number; remote: number }) {
	const reqs = [
		...f.hibob.requests.slice(m.hibob).map((r) => ({ ...r, api: 'HiBob' })),
		...f.remote.requests.slice(m.remote).map((r) => ({ ...r, api: 'Remote' })),
	];
	const isWrite = (r: { method: string; endpoint: string }) =>
		r.method !== 'GET' && r.endpoint !== 'POST /v1/people/search';
	const by = new Map<string, number>();
	for (const r of reqs)
		by.set(`${r.api} ${r.endpoint}`, (by.get(`${r.api} ${r.endpoint}`) ?? 0) + 1);
	return {
		total: reqs.length,
		writes: reqs.filter(isWrite).length,
		byEndpoint: [...by]
			.sort((a, b) => b[1] - a[1])
			.map(([k, n]) => `${k} ${n}`)
			.join(', '),
	};
}

// ---------------------------------------------------------------------------------------------------------

interface Row {
	mode: string;
	run: string;
	ms: number;
	calls: number;
	writes: number;
	dataMb: number;
	peak: string;
	peakMainKb: number;
	people: string;
}

const rows: Row[] = [];

function prepareWorkflow(
	company: ReturnType<typeof companyPreset>,
	creds: { hibob: string; remote: string },
): WorkflowJson {
	const { workflow } = applyUserSetup(loadTemplate(projectRoot()), {
		hibobCredential: { id: creds.hibob, name: 'HiBob account' },
		remoteCredential: { id: creds.remote, name: 'Remote account' },
		approverId: company.approverId,
		webhookSecret: 'bench-secret',
	});
	dryRunAssignment(workflow).value = false;
	if (OUTPUT) {
		for (const n of workflow.nodes.filter(
			(x) => x.type === typeOf('remoteUpsertEmployee') || x.type === typeOf('remoteTimeOff'),
		)) {
			n.parameters.options = { ...n.parameters.options, output: OUTPUT };
		}
	}
	return workflow;
}

async function credsAndWorkflow(
	folder: string,
	f: RunningFakes,
	company: ReturnType<typeof companyPreset>,
	env?: Record<string, string>,
) {
	const [hibob, remote] = await importCredentials(
		folder,
		fakeCredentialSpecs(company.credentials, { hibob: f.hibobUrl, remote: f.remoteUrl }),
		env,
	);
	const workflow = prepareWorkflow(company, { hibob, remote });
	const id = await importWorkflow(folder, workflow, env);
	return { id, workflow };
}

/** Status and stored data size (execution_data.data, bytes) of the newest execution. */
async function sqliteExecution(folder: string): Promise<{ status: string; bytes: number }> {
	const paths = await ensureN8n();
	const script = `
const [mods, file] = process.argv.slice(1);
const sqlite3 = require(mods + '/sqlite3');
const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY);
db.get('SELECT e.status AS status, length(CAST(d.data AS BLOB)) AS n FROM execution_entity e JOIN execution_data d ON d.executionId = e.id ORDER BY e.id DESC LIMIT 1', (err, row) => {
  if (err) { console.error(err.message); process.exit(1); }
  process.stdout.write(JSON.stringify(row ?? { status: 'none', n: 0 }));
  db.close();
});`;
	const r = await run(
		paths.node,
		['-e', script, paths.n8nModules, path.join(folder, '.n8n', 'database.sqlite')],
		{ timeoutMs: 60_000 },
	);
	if (r.code !== 0) throw new Error(`reading the execution failed: ${r.stderr}`);
	const row = JSON.parse(r.stdout) as { status: string; n: number };
	return { status: row.status, bytes: row.n };
}

async function pgDataBytes(pg: Postgres, executionId: string): Promise<number> {
	const psql = path.join(postgresBinDir()!, 'psql');
	const r = await run(
		psql,
		[
			'-h',
			pg.host,
			'-p',
			String(pg.port),
			'-U',
			pg.user,
			'-d',
			pg.database,
			'-Atc',
			`SELECT octet_length(data) FROM execution_data WHERE "executionId" = ${Number(executionId)}`,
		],
		{
			timeoutMs: 60_000,
			env: { ...process.env, PGPASSWORD: pg.password },
		},
	);
	if (r.code !== 0) throw new Error(`psql failed: ${r.stderr}`);
	return Number(r.stdout.trim());
}

function record(row: Row): void {
	rows.push(row);
	console.log(
		`   ${row.mode} ${row.run}: ${secs(row.ms)}, ${row.calls} calls (${row.writes} writes), execution data ${row.dataMb.toFixed(1)} MB, peak RSS ${row.peak}; people ${row.people}`,
	);
}

async function regular(workDir: string): Promise<void> {
	console.log('\n== regular mode (SQLite, n8n execute --id)');
	const company = companyPreset(String(PEOPLE), 1);
	const f = await startFakes({ hibob: company.hibob, remote: company.remote, inspection: true });
	try {
		const folder = path.join(workDir, 'regular');
		fs.mkdirSync(folder);
		await installPackage(folder);
		const { id, workflow } = await credsAndWorkflow(folder, f, company);
		const paths = await ensureN8n();
		const labels = [
			'first run',
			...Array.from({ length: NO_CHANGE_RUNS }, (_, i) => `no-change run ${i + 1}`),
		];
		for (const label of labels) {
			const m = mark(f);
			const env = n8nEnv(
				paths,
				folder,
				await freePort(),
				await freePort(),
				NODE_OPTIONS ? { NODE_OPTIONS } : {},
			);
			const t0 = Date.now();
			const fakesCpu0 = process.cpuUsage();
			const child = spawnGroup(paths.node, [paths.n8nBin, 'execute', `--id=${id}`, '--rawOutput'], {
				cwd: folder,
				env,
			});
			const peak = watchGroup(child.pid!);
			// the run's JSON on stdout is as large as the execution data: not kept, the DB is read instead
			let tailOut = '';
			child
				.stdout!.setEncoding('utf8')
				.on('data', (d: string) => (tailOut = (tailOut + d).slice(-4_000)));
			child.stderr!.resume();
			const code = await new Promise<number | null>((resolve) =>
				child.once('close', (c) => resolve(c)),
			);
			const ms = Date.now() - t0;
			const fakesCpu = process.cpuUsage(fakesCpu0);
			peak.stop();
			console.log(
				`     CPU: n8n ${secs(peak.cpuMs.get(child.pid!) ?? 0)} (last sample, up to 200 ms short), the fake servers (this process) ${secs((fakesCpu.user + fakesCpu.system) / 1000)}`,
			);
			const stored = await sqliteExecution(folder);
			if (code !== 0 || stored.status !== 'success')
				throw new Error(`n8n execute failed (exit ${code}, status ${stored.status}): ${tailOut}`);
			const calls = callsSince(f, m);
			const bytes = stored.bytes;
			record({
				mode: 'regular',
				run: label,
				ms,
				calls: calls.total,
				writes: calls.writes,
				dataMb: bytes / 1024 / 1024,
				peak: peakLine(peak),
				peakMainKb: peak.byPid.get(child.pid!)?.[0] ?? 0,
				people: '(see the calls)',
			});
			console.log(`     calls: ${calls.byEndpoint}`);
			console.log(`     timeline: ${timeline(f, m, t0)}`);
		}
		void workflow;
	} finally {
		await f.close();
	}
}

async function queue(workDir: string): Promise<void> {
	console.log('\n== queue mode (PostgreSQL + Redis, main + 1 worker, "Manual sync")');
	const company = companyPreset(String(PEOPLE), 1);
	const f = await startFakes({ hibob: company.hibob, remote: company.remote, inspection: true });
	const [pg, redis] = await Promise.all([startPostgres(workDir), startRedis(workDir)]);
	const servers: N8nServer[] = [];
	try {
		const env = queueEnv(pg, redis, `bench-${Date.now()}`);
		const base = path.join(workDir, 'queue-base');
		fs.mkdirSync(base);
		await installPackage(base);
		const { id, workflow } = await credsAndWorkflow(base, f, company, env);
		const mainDir = path.join(workDir, 'queue-main');
		const workerDir = path.join(workDir, 'queue-worker');
		fs.cpSync(base, mainDir, { recursive: true });
		fs.cpSync(base, workerDir, { recursive: true });
		const main = await startServer(mainDir, { env, logName: 'main.log' });
		servers.push(main);
		const worker = await startServer(workerDir, { command: 'worker', env, logName: 'worker.log' });
		servers.push(worker);
		const session = await ownerSession(main.url);
		const apiKey = await createApiKey(session);
		for (const label of ['first run', 'no-change run']) {
			const m = mark(f);
			const peakWorker = watchGroup(worker.pid);
			const peakMain = watchGroup(main.pid);
			const t0 = Date.now();
			const execId = await runFromTrigger(session, id, TRIGGERS.manualSync);
			const ex = await waitForExecution(main.url, apiKey, execId, { timeoutMs: 600_000 });
			const ms = Date.now() - t0;
			peakWorker.stop();
			peakMain.stop();
			if (ex.status !== 'success') throw new Error(`execution ${execId}: ${ex.status}`);
			const calls = callsSince(f, m);
			const bytes = await pgDataBytes(pg, execId);
			record({
				mode: 'queue',
				run: label,
				ms,
				calls: calls.total,
				writes: calls.writes,
				dataMb: bytes / 1024 / 1024,
				peak: `worker: ${peakLine(peakWorker)}; main: ${peakLine(peakMain)}`,
				peakMainKb: peakWorker.byPid.get(worker.pid)?.[0] ?? 0,
				people: `${formatCounts(countByOutcome(employeeResult(ex, workflow).rows))}; time off ${formatCounts(countByOutcome(timeOffResult(ex, workflow).rows))}`,
			});
			console.log(`     calls: ${calls.byEndpoint}`);
			console.log(`     timeline: ${timeline(f, m, t0)}`);
			await sleep(1_000);
		}
	} finally {
		await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
		await redis.stop().catch(() => undefined);
		await pg.stop().catch(() => undefined);
		await f.close();
	}
}

async function main(): Promise<number> {
	const started = Date.now();
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-hibob-remote-bench-'));
	if (!KEEP) addCleanup(() => fs.rmSync(workDir, { recursive: true, force: true }));
	console.log(
		`bench-n8n: ${PEOPLE} people, modes ${MODES.join(', ')}, output ${OUTPUT ?? 'as shipped'}${NODE_OPTIONS ? `, NODE_OPTIONS ${NODE_OPTIONS}` : ''}`,
	);
	await ensureN8n();
	if (MODES.includes('regular')) await regular(workDir);
	if (MODES.includes('queue')) await queue(workDir);
	console.log(
		'\n| mode | run | wall time | API calls (writes) | execution data | peak RSS (n8n process / worker) |',
	);
	console.log('|---|---|---|---|---|---|');
	for (const r of rows)
		console.log(
			`| ${r.mode} | ${r.run} | ${secs(r.ms)} | ${r.calls} (${r.writes}) | ${r.dataMb.toFixed(1)} MB | ${mb(r.peakMainKb)} |`,
		);
	const missed = verdicts();
	console.log(`\nbench-n8n done in ${secs(Date.now() - started)}`);
	if (!KEEP) fs.rmSync(workDir, { recursive: true, force: true });
	return missed ? 1 : 0;
}

/**
 * Issue 16's goals for 10,000 people in regular mode (n8n execute, as the issue measured): a first run
 * within 60 s and 600 MB peak RSS; a no-change run (the median of the no-change runs) within 10 s, with
 * at most 5 MB of stored execution data and no write. Prints ✔/✘ per goal; returns the number missed.
 */
function verdicts(): number {
	if (PEOPLE !== 10_000 || !MODES.includes('regular')) {
		console.log('\nGoals are for 10,000 people in regular mode: not judged for this run.');
		return 0;
	}
	const first = rows.find((r) => r.mode === 'regular' && r.run === 'first run')!;
	const quiet = rows.filter((r) => r.mode === 'regular' && r.run.startsWith('no-change'));
	const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
	const goals: Array<[string, boolean, string]> = [
		['first run ≤ 60 s', first.ms <= 60_000, secs(first.ms)],
		['first run peak RSS ≤ 600 MB', first.peakMainKb <= 600 * 1024, mb(first.peakMainKb)],
		[
			`no-change run ≤ 10 s (median of ${quiet.length})`,
			median(quiet.map((r) => r.ms)) <= 10_000,
			quiet.map((r) => secs(r.ms)).join(', '),
		],
		[
			'no-change run stores ≤ 5 MB of execution data',
			quiet.every((r) => r.dataMb <= 5),
			quiet.map((r) => `${r.dataMb.toFixed(1)} MB`).join(', '),
		],
		[
			'no-change run writes == 0',
			quiet.every((r) => r.writes === 0),
			quiet.map((r) => r.writes).join(', '),
		],
	];
	console.log('\nGoals (issue 16, regular mode):');
	for (const [what, ok, measured] of goals) console.log(`  ${ok ? '✔' : '✘'} ${what}: ${measured}`);
	return goals.filter(([, ok]) => !ok).length;
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e);
		process.exit(1);
	},
);

/**
 * `npm run demo`: the whole HiBob → Remote sync on this machine, with no HiBob or Remote account.
 *
 *  1. installs n8n 2.40.7 and the Node 24 it needs, the first time (several minutes; cached afterwards),
 *  2. packs this package and installs it into a fresh n8n user folder, as a user's install does,
 *  3. starts fake HiBob and Remote servers seeded with a ~25-person company (every kind and Remote status,
 *     some time off: scripts/lib/company.ts),
 *  4. imports two credentials pointing at the fakes and the shipped template (credentials, approver and
 *     webhook secret filled in, as a user does after importing it),
 *  5. starts n8n, creates the owner account, runs the template as shipped (dry run), turns the dry run off
 *     in "Sync Settings" and runs "Manual sync" again, for real,
 *  6. prints what happened to each person and time-off request, and leaves the editor open at the printed
 *     URL until Ctrl-C (then stops n8n and the fakes and deletes the temporary folder).
 *
 * DEMO_NO_WAIT=1 exits after printing (CI smoke). DEMO_PORT picks the editor's port (default 5678, or a
 * free one when 5678 is taken).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { DEFAULT_LEGAL_ENTITY_ID, startFakes, type RunningFakes } from '../test/fakes';
import { makeShowcaseCompany } from './lib/company';
import {
	addCleanup,
	createApiKey,
	ensureN8n,
	freePort,
	importCredentials,
	importWorkflow,
	installPackage,
	N8N_VERSION,
	ownerSession,
	projectRoot,
	runFromTrigger,
	secs,
	startServer,
	waitForExecution,
	type N8nServer,
	type OwnerAccount,
	fakeCredentialSpecs,
} from './lib/n8n';
import {
	countByOutcome,
	employeeResult,
	formatCounts,
	peopleTable,
	timeOffResult,
	timeOffTable,
} from './lib/report';
import { applyUserSetup, loadTemplate, setDryRun, TRIGGERS } from './lib/template';

/** The login printed for the demo's own throw-away n8n (listening on 127.0.0.1 only). */
const DEMO_OWNER: OwnerAccount = {
	email: 'demo@example.com',
	firstName: 'Demo',
	lastName: 'User',
	password: 'Demo-Passw0rd',
};

const STAGES = 6;
let stageNo = 0;
const demoStart = Date.now();

function say(line = ''): void {
	process.stdout.write(`${line}\n`);
}

/** One line when a stage starts and one when it ends, both with the time since the demo started. */
async function stage<T>(
	title: string,
	fn: () => Promise<T>,
	done?: (value: T) => string,
): Promise<T> {
	stageNo++;
	const start = Date.now();
	say(`[demo ${stageNo}/${STAGES}] ${title} … (at ${secs(start - demoStart)})`);
	const value = await fn();
	say(`[demo ${stageNo}/${STAGES}] ${done ? done(value) : 'done'} in ${secs(Date.now() - start)}`);
	return value;
}

async function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

async function main(): Promise<void> {
	const root = projectRoot();
	const noWait = process.env.DEMO_NO_WAIT === '1';
	let server: N8nServer | undefined;
	let fakes: RunningFakes | undefined;
	let userFolder: string | undefined;
	const stopAll = async () => {
		if (server) await server.stop().catch(() => undefined);
		if (fakes) await fakes.close().catch(() => undefined);
		if (userFolder) fs.rmSync(userFolder, { recursive: true, force: true });
	};
	say(
		`HiBob → Remote sync demo: n8n ${N8N_VERSION} with fake HiBob and Remote servers (no accounts needed)\n`,
	);

	try {
		await stage(
			`n8n ${N8N_VERSION} + Node 24 (first time: ~7 min, progress below; then cached)`,
			() => ensureN8n(),
			(p) => (p.cold ? `installed into ${p.cacheDir}` : `cached in ${p.cacheDir}`),
		);

		const uf = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-hibob-remote-demo-'));
		userFolder = uf;
		addCleanup(() => fs.rmSync(uf, { recursive: true, force: true }));
		await stage(
			'packing this package and installing it into a fresh n8n user folder',
			() => installPackage(uf),
			(p) => `installed ${p.name}@${p.version} (n8n user folder ${uf})`,
		);

		const company = makeShowcaseCompany();
		const running = await stage(
			'starting the fake HiBob and Remote servers',
			() => startFakes({ hibob: company.hibob, remote: company.remote, inspection: true }),
			() =>
				`HiBob: ${company.hibob.people.length} people, ${company.hibob.timeoffRequests!.length} time-off requests; Remote: ${company.remote.employments!.length} employments`,
		);
		fakes = running;

		const template = loadTemplate(root);
		const workflowId = await stage(
			'importing the credentials and the template',
			async () => {
				const [hibobId, remoteId] = await importCredentials(
					uf,
					fakeCredentialSpecs(
						company.credentials,
						{ hibob: running.hibobUrl, remote: running.remoteUrl },
						{ hibob: 'HiBob (demo)', remote: 'Remote (demo)' },
					),
				);
				const { workflow } = applyUserSetup(template, {
					hibobCredential: { id: hibobId, name: 'HiBob (demo)' },
					remoteCredential: { id: remoteId, name: 'Remote (demo)' },
					approverId: company.approverId,
					gpLegalEntityId: DEFAULT_LEGAL_ENTITY_ID,
					webhookSecret: `demo-${Math.random().toString(36).slice(2)}`,
				});
				return importWorkflow(uf, workflow);
			},
			(id) => `"${template.name}" imported as workflow ${id}`,
		);

		const wanted = Number(process.env.DEMO_PORT ?? 5678);
		const port = (await portIsFree(wanted)) ? wanted : await freePort();
		const srv = await stage(
			`starting n8n on 127.0.0.1:${port}`,
			() => startServer(uf, { port }),
			(s) => `n8n is up at ${s.url}`,
		);
		server = srv;

		const runs = await stage(
			'syncing: "Manual sync" as shipped (dry run), then for real (dryRun off)',
			async () => {
				const session = await ownerSession(srv.url, DEMO_OWNER);
				const apiKey = await createApiKey(session, 'demo');
				const dryId = await runFromTrigger(session, workflowId, TRIGGERS.manualSync);
				const dry = await waitForExecution(srv.url, apiKey, dryId);
				const writesBefore = running.remote.requests.filter((r) => r.method !== 'GET').length;
				await setDryRun(session, workflowId, false);
				const realId = await runFromTrigger(session, workflowId, TRIGGERS.manualSync);
				const real = await waitForExecution(srv.url, apiKey, realId);
				const writes =
					running.remote.requests.filter((r) => r.method !== 'GET').length - writesBefore;
				return { dry, dryId, real, realId, writes };
			},
		);

		const dryPeople = employeeResult(runs.dry, template);
		const people = employeeResult(runs.real, template);
		const timeOff = timeOffResult(runs.real, template);
		const error =
			runs.real.data.resultData.error?.message ?? runs.dry.data.resultData.error?.message;
		const failure =
			error ??
			(runs.real.status !== 'success' || runs.dry.status !== 'success'
				? `status ${runs.real.status}`
				: undefined) ??
			(people.rows.length === 0 ? 'no person was synced' : undefined);
		say('');
		if (failure) say(`The sync run went wrong: ${failure}\n`);
		// The template ships Output "Changes and Problems Only": the rows are the people who moved or
		// need someone; the summary item counts everyone.
		const everyone = (
			lane: { summaryItem?: Record<string, unknown> },
			rows: Array<{ outcome: string }>,
		) =>
			formatCounts(
				(lane.summaryItem?.byOutcome as Record<string, number> | undefined) ?? countByOutcome(rows),
			);
		say(`Dry run (as shipped, nothing written): ${everyone(dryPeople, dryPeople.rows)}.`);
		say(`Real run: ${runs.writes} write requests reached the fake Remote.\n`);
		say(
			`People: ${everyone(people, people.rows)}. Listed below (${people.rows.length}): those created, updated or failed, or who need someone (Output "Changes and Problems Only", as shipped; set Output to "Everything" to list all).`,
		);
		say(peopleTable(people.rows));
		say('');
		say(`Time off: ${everyone(timeOff, timeOff.rows)}. Listed below (${timeOff.rows.length}):`);
		say(timeOffTable(timeOff.rows));
		const needs = people.rows.filter(
			(r) => r.outcome === 'skipped' || r.outcome === 'failed',
		).length;
		say('');
		say(
			`${needs} people need a human; "Employees: run summary" in the editor lists them with the reason.`,
		);
		say('');
		say(`n8n editor:  ${srv.url}/workflow/${workflowId}`);
		say(`this run:    ${srv.url}/workflow/${workflowId}/executions/${runs.realId}`);
		say(`dry run:     ${srv.url}/workflow/${workflowId}/executions/${runs.dryId}`);
		say(`login:       ${DEMO_OWNER.email} / ${DEMO_OWNER.password}`);
		say(`fake HiBob:  ${running.hibobUrl}/__fake/state`);
		say(`fake Remote: ${running.remoteUrl}/__fake/state`);
		say(`total time:  ${secs(Date.now() - demoStart)}`);

		if (noWait) {
			say('\nDEMO_NO_WAIT=1: stopping n8n and the fakes.');
			await stopAll();
			process.exit(failure ? 1 : 0);
		}
		say('\nPress Ctrl-C to stop n8n and the fakes (the temporary n8n folder is deleted).');
		process.once('SIGINT', () => say('\nStopping n8n and the fakes …'));
		await new Promise<never>(() => undefined);
	} catch (e) {
		process.stderr.write(`\ndemo failed: ${e.stack ?? e}\n`);
		if (server) process.stderr.write(`--- n8n server log tail ---\n${server.logTail(40)}\n`);
		await stopAll();
		process.exit(1);
	}
}

void main();

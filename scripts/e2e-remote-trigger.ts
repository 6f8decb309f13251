/**
 * End-to-end test of the Remote Trigger in a real n8n 2.40.7 (scripts/lib/n8n.ts), with the shipped
 * template and the fake Remote's own signed webhook deliveries (test/fakes/remoteWebhooks.ts):
 *
 *  1. the template is imported with the user's picks, dryRun switched off, and a full sync run: Sofia
 *     Marques is being onboarded in Remote (invited), so her changed address and her approved time
 *     off are held back (U3, T1);
 *  2. the workflow is published: the Remote Trigger registers its Production URL with the fake Remote;
 *  3. Remote completes Sofia's onboarding (the fake moves the employment to active and delivers
 *     `employment.onboarding.completed`, signed): the Remote-event lane re-syncs that one person and
 *     creates her time off; the time from the delivery to the PATCH and to the time off reaching the
 *     fake Remote is measured (goal < 2 s);
 *  4. a delivery for an employment without external_id runs and stops at "linked to HiBob?", writing
 *     nothing; a badly signed and a stale delivery are refused (401) and start nothing; the same
 *     delivery again starts nothing;
 *  5. a published run that fails (HiBob refuses the token) starts the template's alert lane;
 *  6. the workflow is unpublished: the callback is deleted at Remote.
 *
 * Run with `npm run test:e2e:remote` (builds first). Prints `e2e-remote: N passed, N failed` last.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { RunningFakes } from '../test/fakes';
import { signRemoteDelivery, startFakes } from '../test/fakes';
import { makeShowcaseCompany } from './lib/company';
import {
	activateWorkflow,
	addCleanup,
	callWebhook,
	createApiKey,
	deactivateWorkflow,
	ensureN8n,
	importCredentials,
	importWorkflow,
	installPackage,
	listExecutions,
	nodeItems,
	ownerSession,
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
import {
	applyUserSetup,
	loadTemplate,
	onlyNode,
	setDryRun,
	TRIGGERS,
	typeOf,
	employeeNodes,
} from './lib/template';

const results: Array<{ name: string; ok: boolean; detail?: string }> = [];

function check(name: string, ok: boolean, detail?: string): boolean {
	results.push({ name, ok, detail });
	console.log(`${ok ? '  ok  ' : '  FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
	return ok;
}

function nextWeekday(daysAhead: number): string {
	const d = new Date(Date.now() + daysAhead * 86_400_000);
	while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
	return d.toISOString().slice(0, 10);
}

async function until<T>(
	fn: () => T | undefined | Promise<T | undefined>,
	timeoutMs: number,
): Promise<T | undefined> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await fn();
		if (value !== undefined) return value;
		if (Date.now() > deadline) return undefined;
		await sleep(10);
	}
}

async function finishedExecutions(
	url: string,
	apiKey: string,
	workflowId: string,
	count: number,
): Promise<ExecutionRecord[]> {
	const all = await until(async () => {
		const list = await listExecutions(url, apiKey, workflowId);
		const done = list.filter((e) => !['new', 'running', 'waiting'].includes(e.status));
		return done.length >= count && list.length === done.length ? list : undefined;
	}, 60_000);
	if (!all) throw new Error(`fewer than ${count} finished executions of ${workflowId} after 60 s`);
	return all;
}

async function main(): Promise<number> {
	const started = Date.now();
	const keep = process.env.KEEP_E2E === '1';
	let userFolder: string | undefined;
	let server: N8nServer | undefined;
	let fakes: RunningFakes | undefined;
	const figures: string[] = [];
	try {
		await ensureN8n();
		userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-hibob-remote-e2e-remote-'));
		const uf = userFolder;
		if (!keep) addCleanup(() => fs.rmSync(uf, { recursive: true, force: true }));
		await installPackage(uf);

		const company = makeShowcaseCompany();
		const f = await startFakes({ hibob: company.hibob, remote: company.remote, inspection: true });
		fakes = f;
		const sofia = f.hibob.people.find((p) => p.firstName === 'Sofia' && p.surname === 'Marques')!;
		const employment = f.remote.state.employments.find((e) => e.external_id === sofia.id)!;
		check(
			'Sofia Marques is being onboarded in Remote (invited)',
			employment?.status === 'invited',
			employment?.status,
		);
		// She moved while Remote onboards her, and booked leave: both wait for the end of onboarding.
		const newAddress = '9 Rua Nova';
		f.hibob.updatePerson(sofia.id, { address: { line1: newAddress } });
		const leaveDay = nextWeekday(50);
		const request = f.hibob.addTimeoffRequest({
			employeeId: sofia.id,
			startDate: leaveDay,
			endDate: leaveDay,
			policyTypeDisplayName: 'Holiday',
			requestId: 48001,
		});

		const [hibobId, remoteId] = await importCredentials(
			uf,
			fakeCredentialSpecs(company.credentials, { hibob: f.hibobUrl, remote: f.remoteUrl }),
		);
		const template = loadTemplate();
		const setup = applyUserSetup(template, {
			hibobCredential: { id: hibobId, name: 'HiBob account' },
			remoteCredential: { id: remoteId, name: 'Remote account' },
			approverId: company.approverId,
			webhookSecret: `e2e-bob-secret-${Date.now()}`,
		});
		const trigger = onlyNode(setup.workflow, typeOf('remoteTrigger'));
		// The Remote webhook ships turned off (so the editor's run button starts from Manual sync): turn it on.
		delete trigger.disabled;
		const workflowId = await importWorkflow(uf, setup.workflow);

		const srv = await startServer(uf);
		server = srv;
		const session = await ownerSession(srv.url);
		const apiKey = await createApiKey(session);
		await setDryRun(session, workflowId, false);

		// 1) the full sync while Sofia is onboarding
		const fullId = await runFromTrigger(session, workflowId, TRIGGERS.manualSync);
		const full = await waitForExecution(srv.url, apiKey, fullId);
		check('full sync succeeded', full.status === 'success', full.status);
		// The template runs as shipped (Output "Changes and Problems Only"): a person who only waits for
		// onboarding is not listed, and the summary item counts her under onboarding_in_progress.
		const upsertItems = nodeItems(full, onlyNode(template, typeOf('remoteUpsertEmployee')).name);
		const listed = upsertItems.find((o) => o.hibobId === sofia.id);
		const summary = upsertItems.find((o) => o.summary === true);
		const waiting = (summary?.byReason as Record<string, number> | undefined)
			?.onboarding_in_progress;
		check(
			'full sync: Sofia held back while onboarding (U3): not listed as a change or a problem, counted in the summary',
			listed === undefined && typeof waiting === 'number' && waiting >= 1,
			`${listed ? `listed: ${listed.outcome} ${listed.reason}` : 'not listed'}; summary onboarding_in_progress: ${waiting}`,
		);
		check(
			'full sync: her address not yet at Remote',
			employment.address_details?.address !== newAddress,
			String(employment.address_details?.address),
		);
		const sofiaLeave = () =>
			f.remote.state.timeoffs.filter(
				(t) =>
					t.employment_id === employment.id &&
					String(t.notes ?? '').includes(String(request.requestId)),
			);
		check(
			'full sync: her time off not yet at Remote (T1: not active)',
			sofiaLeave().length === 0,
			`${sofiaLeave().length}`,
		);

		// 2) publish: the trigger registers with Remote
		const url = webhookUrl(srv.url, {
			workflowId,
			node: { name: trigger.name, webhookId: trigger.webhookId },
			path: 'remote',
		});
		await activateWorkflow(srv.url, apiKey, workflowId);
		const registered = await until(
			() => (f.remote.webhooks.callbacks.length ? f.remote.webhooks.callbacks : undefined),
			10_000,
		);
		check(
			'publishing registered exactly one callback at Remote, for the Production URL',
			registered?.length === 1 && registered[0].url === url,
			registered?.map((c) => `${c.url} [${c.subscribed_events.join(', ')}]`).join('; ') ?? 'none',
		);
		// Wait until n8n serves the webhook (an unsigned POST is refused by the node, not 404).
		const probe = await callWebhook(url, { body: '{}', timeoutMs: 30_000 });
		check(
			'an unsigned delivery is refused (401) and starts nothing',
			probe.status === 401,
			`${probe.status} ${JSON.stringify(probe.body)}`,
		);
		const before = (await listExecutions(srv.url, apiKey, workflowId)).length;

		// 3a) a delivery for an employment the sync never linked (no external_id): the lane stops
		const unlinked = f.remote.state.employments.find(
			(e) => !e.external_id && e.status !== 'deleted',
		);
		check(
			'the showcase company has a Remote employment without external_id after the sync',
			!!unlinked,
			unlinked?.full_name,
		);
		if (unlinked) {
			const mark2 = f.remote.requests.length;
			await f.remote.webhooks.emit('employment.onboarding.completed', unlinked.id);
			const all = await finishedExecutions(srv.url, apiKey, workflowId, before + 1);
			const item = nodeItems(all[0], trigger.name)[0];
			const writes = f.remote.requests.slice(mark2).filter((r) => r.method !== 'GET');
			check(
				'an employment without external_id: one item with the reason, the lane stops, nothing written',
				all[0].status === 'success' && item?.reason === 'no_external_id' && writes.length === 0,
				`${all[0].status}, ${item?.reason}, ${writes.length} writes`,
			);
		}
		const base = (await listExecutions(srv.url, apiKey, workflowId)).length;

		// 3b) Remote completes onboarding → signed delivery → that person re-synced, then her time off
		const mark = f.remote.requests.length;
		f.remote.setStatus(employment.id, 'active');
		await f.remote.webhooks.idle();
		const delivery = f.remote.webhooks.deliveries.find(
			(d) => d.eventType === 'employment.onboarding.completed' && d.employmentId === employment.id,
		);
		check(
			'the fake Remote delivered employment.onboarding.completed, answered 2xx',
			!!delivery?.delivered,
			JSON.stringify(delivery?.attempts),
		);
		const patch = await until(
			() =>
				f.remote.requests
					.slice(mark)
					.find(
						(r) =>
							r.method === 'PATCH' &&
							r.path === `/v1/employments/${employment.id}` &&
							r.status < 300,
					),
			30_000,
		);
		const leave = await until(
			() =>
				f.remote.requests
					.slice(mark)
					.find((r) => r.method === 'POST' && r.path === '/v1/timeoff' && r.status < 300),
			30_000,
		);
		const t0 = delivery?.emittedAt ?? 0;
		const patchMs = patch ? Date.parse(patch.timestamp) - t0 : undefined;
		const leaveMs = leave ? Date.parse(leave.timestamp) - t0 : undefined;
		check(
			`delivery → held-back differences at Remote: ${patchMs ?? 'never'} ms (goal < 2000 ms)`,
			patchMs !== undefined && patchMs < 2_000,
			patch ? `${patch.method} ${patch.path} → ${patch.status}` : 'no PATCH',
		);
		check(
			`delivery → time off at Remote: ${leaveMs ?? 'never'} ms (goal < 2000 ms)`,
			leaveMs !== undefined && leaveMs < 2_000,
			leave ? `${leave.method} ${leave.path} → ${leave.status}` : 'no POST /v1/timeoff',
		);
		figures.push(`delivery → PATCH ${patchMs ?? '-'} ms, delivery → time off ${leaveMs ?? '-'} ms`);
		const runs = await finishedExecutions(srv.url, apiKey, workflowId, base + 1);
		const run = runs[0];
		check(
			'one run, succeeded, started by the Remote webhook',
			runs.length === base + 1 && run.status === 'success' && run.mode === 'webhook',
			`${runs.length - base} run(s), ${run.status} ${run.mode}`,
		);
		const rows = nodeItems(run, onlyNode(template, typeOf('remoteUpsertEmployee')).name).filter(
			(o) => !o.summary,
		);
		check(
			'the run synced only Sofia, and updated her',
			rows.length === 1 && rows[0].hibobId === sofia.id && rows[0].outcome === 'updated',
			rows.map((r) => `${r.name ?? r.hibobId} ${r.outcome} ${r.reason}`).join('; '),
		);
		check(
			'Remote has her new address',
			employment.address_details?.address === newAddress,
			String(employment.address_details?.address),
		);
		check(
			'exactly one Remote time off for her request, approved (T1, T3)',
			sofiaLeave().length === 1 && sofiaLeave()[0].status === 'approved',
			sofiaLeave()
				.map((t) => t.status)
				.join(', '),
		);
		const otherWrites = f.remote.requests
			.slice(mark)
			.filter(
				(r) => r.method !== 'GET' && !r.path.includes(employment.id) && r.path !== '/v1/timeoff',
			);
		check(
			'nothing else was written',
			otherWrites.length === 0,
			otherWrites.map((r) => `${r.method} ${r.path}`).join(', '),
		);

		// 4) bad input and bad deliveries
		const key = f.remote.webhooks.callbacks[0]?.signing_key ?? '';
		const body = JSON.stringify({
			event_type: 'employment.onboarding.completed',
			employment_id: employment.id,
			company_id: f.remote.companyId,
		});
		const now = String(Date.now());
		const wrong = await callWebhook(url, {
			body,
			headers: {
				'X-Remote-Signature': signRemoteDelivery(`${key}x`, body, now),
				'X-Remote-Timestamp': now,
			},
		});
		const stale = String(Date.now() - 6 * 60_000);
		const old = await callWebhook(url, {
			body,
			headers: {
				'X-Remote-Signature': signRemoteDelivery(key, body, stale),
				'X-Remote-Timestamp': stale,
			},
		});
		// The onboarding delivery again (Remote delivers at least once), signed afresh.
		const resent = String(Date.now());
		const again = await callWebhook(url, {
			body: delivery?.body ?? body,
			headers: {
				'X-Remote-Signature': signRemoteDelivery(key, delivery?.body ?? body, resent),
				'X-Remote-Timestamp': resent,
			},
		});
		await sleep(1_500);
		const count = (await listExecutions(srv.url, apiKey, workflowId)).length;
		const expected = base + 1;
		check(
			'wrong key → 401, stale timestamp → 401, repeated delivery → 200 duplicate; none started a run',
			wrong.status === 401 &&
				old.status === 401 &&
				again.status === 200 &&
				again.body?.duplicate === true &&
				count === expected,
			`${wrong.status}, ${old.status}, ${again.status} ${JSON.stringify(again.body)}, ${count - base} runs`,
		);

		// 4b) a published run that fails (HiBob refuses the token) starts the template's alert lane
		const other = f.remote.state.employments.find(
			(e) =>
				e.id !== employment.id &&
				e.status === 'active' &&
				f.hibob.people.some((p) => p.id === e.external_id),
		);
		if (other) {
			const before3 = (await listExecutions(srv.url, apiKey, workflowId)).length;
			f.hibob.failNext('*', { status: 401 }, 3);
			await f.remote.webhooks.emit('employment.onboarding.completed', other.id);
			const list = await finishedExecutions(srv.url, apiKey, workflowId, before3 + 2);
			const failedRun = list.find((e) => e.mode === 'webhook' && e.status === 'error');
			const alertRun = list.find((e) => e.mode === 'error');
			const alert = nodeItems(alertRun, 'Alert: what went wrong')[0];
			check(
				'a failing published run starts the alert lane, which names the node, the reason and what to do',
				!!failedRun &&
					alertRun?.status === 'success' &&
					String(alert?.alert).includes(employeeNodes(setup.workflow).upsert) &&
					/HiBob/.test(String(alert?.alert)) &&
					/credentials/.test(String(alert?.whatToDo)) &&
					String(alert?.failedExecution).includes(String(failedRun?.id)),
				alert
					? `${alert.alert} | ${alert.whatToDo}`
					: `${list
							.slice(0, 3)
							.map((e) => `${e.mode} ${e.status}`)
							.join(', ')}`,
			);
			check(
				'the alert carries no token',
				!JSON.stringify(alert ?? {}).includes(company.credentials.hibobToken) &&
					!JSON.stringify(alert ?? {}).includes(company.credentials.remoteToken),
			);
		} else check('the showcase company has another active linked person', false);

		// 5) unpublish: the callback is deleted at Remote
		await deactivateWorkflow(srv.url, apiKey, workflowId);
		const gone = await until(
			() => (f.remote.webhooks.callbacks.length === 0 ? true : undefined),
			10_000,
		);
		check(
			'unpublishing deleted the callback at Remote',
			gone === true,
			`${f.remote.webhooks.callbacks.length} left`,
		);
		await activateWorkflow(srv.url, apiKey, workflowId);
		const again2 = await until(
			() => (f.remote.webhooks.callbacks.length ? f.remote.webhooks.callbacks : undefined),
			10_000,
		);
		check(
			'publishing again registers one new callback (no duplicate)',
			again2?.length === 1 && f.remote.count('POST /v1/webhook-callbacks') === 2,
			`${again2?.length ?? 0} callback(s)`,
		);
		await deactivateWorkflow(srv.url, apiKey, workflowId);
	} catch (e) {
		check('e2e-remote ran to the end', false, (e as Error).stack ?? String(e));
		if (server) console.log(`--- n8n server log tail ---\n${server.logTail(60)}`);
	} finally {
		if (server) await server.stop().catch(() => undefined);
		if (fakes) {
			await fakes.remote.webhooks.idle().catch(() => undefined);
			await fakes.close().catch(() => undefined);
		}
		if (userFolder && !keep) fs.rmSync(userFolder, { recursive: true, force: true });
	}
	const passed = results.filter((r) => r.ok).length;
	const failed = results.length - passed;
	for (const figure of figures) console.log(`   ${figure}`);
	console.log(`   total ${secs(Date.now() - started)}`);
	console.log(`\ne2e-remote: ${passed} passed, ${failed} failed`);
	return failed ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e);
		process.exit(1);
	},
);

/**
 * The Remote Time Off run: read once (company managers, employments, the time offs in the
 * requests' date window), then plan (nodes/shared/core/timeoff.ts) and apply each request in turn.
 * One output item per input item (R1); one failure never stops the others (R2); a dry run reads
 * the same and writes nothing (R3); creates are looked up before they are re-sent (T3, R6).
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { DateTime } from 'luxon';
import type { TimeOffRequest } from '../shared/core/hibobTimeoff';
import { collectTimeOff, normaliseTimeOff } from '../shared/core/hibobTimeoff';
import type { Outcome } from '../shared/core/outcome';
import { maskDeep, summarise } from '../shared/core/outcome';
import type {
	PolicyTypeMappingEntry,
	RemoteEmploymentLite,
	RemoteTimeoffLite,
	TimeOffAction,
	TimeOffPlan,
} from '../shared/core/timeoff';
import {
	dateWindow,
	hasMarker,
	markerIds,
	pickEmployment,
	planTimeOff,
	TIMEOFF_KINDS,
	timeOffNeedsAHuman,
} from '../shared/core/timeoff';
import { todayIn } from '../shared/core/today';
import type { ReconcileScope } from '../shared/core/timeoffReconcile';
import { approvedInScope, reconcileScope, remoteOnly } from '../shared/core/timeoffReconcile';
import { HiBobClient } from '../shared/transport/hibob';
import { keepOutput } from '../shared/nodeOptions';
import { asNodeError } from '../shared/nodeErrors';
import { RemoteClient } from '../shared/transport/remote';

export interface TimeOffSyncSettings {
	approverId: string;
	mapping: PolicyTypeMappingEntry[];
	/** The node's option, checked, or UTC. */
	timezone: string;
	includeSinceJanuary: boolean;
	dryRun: boolean;
	summary: boolean;
	/**
	 * T8: read HiBob's approved requests in scope (who's out, one call) instead of taking the input
	 * items, and cancel the Remote time off whose HiBob request is no longer approved.
	 */
	reconcile?: { horizonDays: number };
	/** The Output option: 'all' (default) or 'changes'. */
	output?: string;
}

function errorText(error: unknown): string {
	const e = error as { message?: string; description?: string };
	return String(e?.message ?? error);
}

const GONE = new Set(['cancelled', 'canceled', 'declined']);

/** Remote time offs by employment, as this run knows them (kept up to date after each write). */
class TimeoffBook {
	private readonly byEmployment = new Map<string, RemoteTimeoffLite[]>();
	/** Employments whose time offs were listed in full (not only the date window). */
	readonly complete = new Set<string>();

	add(list: IDataObject[], employmentId?: string): void {
		for (const raw of list) {
			const t = raw as unknown as RemoteTimeoffLite;
			if (!t || t.id === undefined || t.id === null) continue;
			t.id = String(t.id);
			const owner = String(t.employment_id ?? employmentId ?? '');
			if (!markerIds(t.notes).length) continue;
			const mine = this.byEmployment.get(owner) ?? [];
			const at = mine.findIndex((x) => x.id === t.id);
			if (at >= 0) mine[at] = t;
			else mine.push(t);
			this.byEmployment.set(owner, mine);
		}
	}

	of(employmentId: string): RemoteTimeoffLite[] {
		return this.byEmployment.get(employmentId) ?? [];
	}

	has(employmentId: string, requestId: string): boolean {
		return this.of(employmentId).some((t) => hasMarker(t, requestId));
	}

	setStatus(employmentId: string, id: string, status: string): void {
		const t = this.of(employmentId).find((x) => x.id === id);
		if (t) t.status = status;
	}
}

interface Prepared {
	itemIndex: number;
	request?: TimeOffRequest;
	invalid?: { reason: string; message: string; outcome?: Outcome };
	/** What is known without a usable request (e.g. a Remote time off whose note is malformed). */
	known?: {
		hibobId?: string;
		requestId?: string;
		remoteEmploymentId?: string;
		existingTimeoffIds?: string[];
	};
}

/** What one item reports (R1). */
function resultJson(
	prepared: Prepared,
	plan: TimeOffPlan | undefined,
	extra: {
		outcome: Outcome;
		reason: string;
		message: string;
		dryRun: boolean;
		createdTimeoffId?: string;
		cancelledTimeoffIds?: string[];
		/** The changes actually made when a write failed half-way (default: the plan's). */
		changes?: TimeOffPlan['changes'];
	},
): IDataObject {
	const r = prepared.request;
	const known = prepared.known ?? {};
	return maskDeep({
		hibobId: r?.employeeId ?? known.hibobId ?? null,
		name: r?.employeeDisplayName ?? null,
		requestId: r?.requestId ?? known.requestId ?? null,
		hibobStatus: r?.status ?? null,
		policyType: r?.policyType ?? null,
		startDate: r?.startDate || null,
		endDate: r?.endDate || null,
		remoteEmploymentId: plan?.employmentId ?? known.remoteEmploymentId ?? null,
		kind: plan?.kind ?? null,
		outcome: extra.outcome,
		reason: extra.reason,
		message: extra.message,
		remoteTimeoffType: plan?.remoteTimeoffType ?? null,
		timeoffDays: plan?.timeoffDays ?? [],
		changes: extra.changes ?? plan?.changes ?? [],
		heldBack: plan?.skipped ?? [],
		existingTimeoffIds: plan?.existingTimeoffIds ?? known.existingTimeoffIds ?? [],
		createdTimeoffId: extra.createdTimeoffId ?? null,
		cancelledTimeoffIds: extra.cancelledTimeoffIds ?? [],
		requests: plan?.requests ?? [],
		dryRun: extra.dryRun,
	}) as unknown as IDataObject;
}

/** One run of the node: settings, today, the reconcile scope, the clients and what the run knows of Remote. */
interface TimeOffRun {
	ctx: IExecuteFunctions;
	node: INode;
	settings: TimeOffSyncSettings;
	today: string;
	reconcile?: ReconcileScope;
	client: RemoteClient;
	hibob?: HiBobClient;
	reconcileStats: {
		hibobApproved: number;
		withoutRemoteEmployment: number;
		remoteOnly: number;
		confirmReads: number;
	};
	employmentsByExternalId: Map<string, RemoteEmploymentLite[]>;
	employmentsById: Map<string, RemoteEmploymentLite>;
	book: TimeoffBook;
	/** Ids given to the time off a dry run "creates". */
	dryRunIds: number;
}

/** The sync, phase by phase: read the requests, read Remote, match, plan and apply each, report. */
export async function runTimeOffSync(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	settings: TimeOffSyncSettings,
): Promise<INodeExecutionData[]> {
	const run = await startTimeOffRun(ctx, settings);
	let prepared =
		run.hibob && run.reconcile
			? await readHiBobApproved(run.node, run.hibob, run.reconcile)
			: readInputRequests(items);
	// Reads, once for the run. Failures here concern every item: they stop the node.
	if (prepared.some((p) => p.request) || run.reconcile) {
		await readEmployments(run);
		prepared = matchRequests(run, prepared);
		const relevant = prepared
			.map((p) => p.request)
			.filter((r): r is TimeOffRequest => !!r && !!eligible(run, r) && r.status !== 'pending');
		if (relevant.length) await checkApprover(run);
		const listed = await readRemoteTimeoffs(run, relevant);
		// Cancels before creates: Remote never sees an old and a new request side by side.
		if (run.reconcile && run.hibob)
			prepared = [...(await confirmRemoteOnly(run, prepared, listed)), ...prepared];
	}
	const output: INodeExecutionData[] = [];
	const results: Array<{ outcome: Outcome; reason: string }> = [];
	for (const p of prepared) {
		const item = p.request ? await planAndApply(run, p, p.request) : reportInvalid(run, p);
		results.push({ outcome: item.json.outcome as Outcome, reason: String(item.json.reason) });
		output.push(item);
	}
	return reportTimeOff(run, items, output, results);
}

/** The settings, today, the reconcile scope and the clients; a missing credential stops the node. */
async function startTimeOffRun(
	ctx: IExecuteFunctions,
	settings: TimeOffSyncSettings,
): Promise<TimeOffRun> {
	const node = ctx.getNode();
	// Already checked by the node (resolveTimezone): the option, or UTC.
	const today = todayIn(settings.timezone);
	const reconcile = settings.reconcile
		? reconcileScope(today, settings.includeSinceJanuary, settings.reconcile.horizonDays)
		: undefined;
	try {
		await ctx.getCredentials('remoteApi');
	} catch (error) {
		throw new NodeOperationError(node, 'No Remote credential is set', {
			description: `Open this node and pick (or create) a Remote API credential with a company API token. (${errorText(error)})`,
		});
	}
	let hibob: HiBobClient | undefined;
	if (reconcile) {
		try {
			await ctx.getCredentials('hiBobApi');
		} catch (error) {
			throw new NodeOperationError(node, 'No HiBob credential is set', {
				description: `"Reconcile With HiBob" reads HiBob's approved time off itself: open this node and pick the HiBob API credential. (${errorText(error)})`,
			});
		}
		hibob = new HiBobClient(ctx);
	}
	return {
		ctx,
		node,
		settings,
		today,
		reconcile,
		client: new RemoteClient(ctx),
		hibob,
		reconcileStats: {
			hibobApproved: 0,
			withoutRemoteEmployment: 0,
			remoteOnly: 0,
			confirmReads: 0,
		},
		employmentsByExternalId: new Map(),
		employmentsById: new Map(),
		book: new TimeoffBook(),
		dryRunIds: 0,
	};
}

/** Read: the input items, normalised (invalid ones are reported, never thrown). */
function readInputRequests(items: INodeExecutionData[]): Prepared[] {
	return items.map((item, itemIndex) => {
		const json = item.json ?? {};
		if (json.valid === false) {
			return {
				itemIndex,
				invalid: {
					reason: 'invalid_request',
					message: String(json.message ?? 'The HiBob node could not read this request.'),
				},
			};
		}
		const result = normaliseTimeOff(json);
		if (result.ok) return { itemIndex, request: result.request };
		// A HiBob Trigger event names the request but does not describe it.
		const hint =
			typeof json.event === 'string' || json.getApi !== undefined
				? ' This looks like a HiBob event: put a HiBob node (Time Off → Get Time Off Request) between the trigger and this node.'
				: '';
		return { itemIndex, invalid: { reason: 'invalid_request', message: result.reason + hint } };
	});
}

/** A read whose failure concerns every item: it stops the node. */
async function readForEveryone<T>(run: TimeOffRun, read: () => Promise<T>): Promise<T> {
	try {
		return await read();
	} catch (error) {
		throw asNodeError(run.node, error);
	}
}

/**
 * What this lane needs of an employment (T1, T3): the rest of Remote's object (addresses, contract
 * details...) is dropped page by page, which keeps a 10,000-person company's list small.
 */
function employmentLite(raw: IDataObject): RemoteEmploymentLite {
	const lite: RemoteEmploymentLite = { id: String(raw.id) };
	for (const field of ['status', 'type', 'external_id', 'full_name'] as const)
		if (raw[field] !== undefined) lite[field] = raw[field] as never;
	return lite;
}

/** Read: every Remote employment, by id and by external id (the HiBob id). */
async function readEmployments(run: TimeOffRun): Promise<void> {
	const employments = await readForEveryone(run, () =>
		run.client.listEmployments({}, employmentLite),
	);
	for (const e of employments) {
		run.employmentsById.set(e.id, e);
		const key =
			e.external_id === undefined || e.external_id === null ? '' : String(e.external_id).trim();
		if (!key) continue;
		const list = run.employmentsByExternalId.get(key) ?? [];
		list.push(e);
		run.employmentsByExternalId.set(key, list);
	}
}

/** The one active EOR or global payroll employment a request's person has, if any. */
function eligible(run: TimeOffRun, r: TimeOffRequest): RemoteEmploymentLite | undefined {
	const picked = pickEmployment(run.employmentsByExternalId.get(r.employeeId) ?? []);
	const e = picked.kind === 'one' ? picked.employment : undefined;
	return e && e.status === 'active' && TIMEOFF_KINDS.includes(String(e.type)) ? e : undefined;
}

/** Match: when reconciling, only people with a Remote employment (T1); the rest of the company is not this sync's business. */
function matchRequests(run: TimeOffRun, prepared: Prepared[]): Prepared[] {
	if (!run.reconcile) return prepared;
	const stats = run.reconcileStats;
	stats.hibobApproved = prepared.filter((p) => p.request).length;
	const kept = prepared.filter(
		(p) => !p.request || run.employmentsByExternalId.has(p.request.employeeId),
	);
	stats.withoutRemoteEmployment = stats.hibobApproved - kept.filter((p) => p.request).length;
	return kept;
}

/** The approver must be a Remote company manager: a configuration mistake stops the node. */
async function checkApprover(run: TimeOffRun): Promise<void> {
	const managers = await readForEveryone(run, () => run.client.listCompanyManagers());
	if (!managers.some((m) => String(m.user_id ?? '') === run.settings.approverId)) {
		throw new NodeOperationError(
			run.node,
			`The approver "${run.settings.approverId}" is not a company manager in Remote`,
			{
				description:
					'Pick the approver again from the "Approver" list of this node: only Remote company managers can approve time off. If the list is empty, add a company manager in Remote first.',
			},
		);
	}
}

/**
 * Read: the Remote time offs overlapping the requests' dates (reconcile: the whole scope), one paged
 * read for everyone; a request's own Remote time off has the request's dates, so it is in this window.
 */
async function readRemoteTimeoffs(
	run: TimeOffRun,
	relevant: TimeOffRequest[],
): Promise<IDataObject[]> {
	const { client, book } = run;
	const window = run.reconcile
		? { from: run.reconcile.from, to: run.reconcile.to }
		: dateWindow(relevant);
	let listed: IDataObject[] = [];
	try {
		if (window) {
			listed = await client.listTimeoffs({ start_date: window.from, end_date: window.to });
			book.add(listed);
		}
		// A request with no dates, or one replacing a request that is not in the window (its dates
		// are unknown): that employment's time offs in full, once.
		for (const r of relevant) {
			const e = eligible(run, r) as RemoteEmploymentLite;
			if (book.complete.has(e.id)) continue;
			const needsAll =
				!r.startDate ||
				!r.endDate ||
				(r.status === 'approved' &&
					r.previousRequestId !== undefined &&
					!book.has(e.id, r.previousRequestId));
			if (!needsAll) continue;
			book.add(await client.listTimeoffs({ employment_id: e.id }), e.id);
			book.complete.add(e.id);
		}
	} catch (error) {
		throw asNodeError(run.node, error);
	}
	return listed;
}

/** T8/T4: Remote time off whose HiBob request is no longer approved: one read each to be sure. */
async function confirmRemoteOnly(
	run: TimeOffRun,
	prepared: Prepared[],
	listed: IDataObject[],
): Promise<Prepared[]> {
	const approvedIds = new Set(
		prepared.map((p) => p.request?.requestId).filter((id): id is string => !!id),
	);
	const found = remoteOnly(
		listed.map((t) => ({ ...(t as unknown as RemoteTimeoffLite), id: String(t.id) })),
		run.employmentsById,
		approvedIds,
		run.reconcile!,
	);
	run.reconcileStats.remoteOnly = found.toConfirm.length;
	const first: Prepared[] = found.malformed.map((m) => ({
		itemIndex: 0,
		invalid: { reason: 'malformed_hibob_note', message: m.message },
		known: {
			hibobId: m.employeeId,
			remoteEmploymentId: m.employment.id,
			existingTimeoffIds: [m.timeoff.id],
		},
	}));
	for (const entry of found.toConfirm) {
		run.reconcileStats.confirmReads++;
		first.push(
			await confirmWithHiBob(
				run.hibob!,
				entry.employeeId,
				entry.requestId,
				entry.employment.id,
				entry.timeoff.id,
			),
		);
	}
	return first;
}

/** An item that is not a usable request: reported as it is. */
function reportInvalid(run: TimeOffRun, p: Prepared): INodeExecutionData {
	const json = resultJson(p, undefined, {
		outcome: p.invalid?.outcome ?? 'skipped',
		reason: p.invalid?.reason ?? 'invalid_request',
		message: p.invalid?.message ?? 'Not a HiBob time-off request.',
		dryRun: run.settings.dryRun,
	});
	return { json, pairedItem: { item: p.itemIndex } };
}

/** Plan one request (T1–T7) and apply its actions; a failure stays with this request (R2). */
async function planAndApply(
	run: TimeOffRun,
	p: Prepared,
	request: TimeOffRequest,
): Promise<INodeExecutionData> {
	const { settings, book } = run;
	const employments = run.employmentsByExternalId.get(request.employeeId) ?? [];
	const picked = pickEmployment(employments);
	const plan = planTimeOff(request, {
		employments,
		existing: picked.kind === 'one' ? book.of(picked.employment.id) : [],
		today: run.today,
		now: DateTime.utc().toISO() as string,
		options: {
			mapping: settings.mapping,
			approverId: settings.approverId,
			timezone: settings.timezone,
			includeSinceJanuary: settings.includeSinceJanuary,
			dryRun: settings.dryRun,
		},
	});
	const written: Written = { cancelledTimeoffIds: [], done: [] };
	const result = await writeActions(run, request, plan, written);
	return {
		json: resultJson(p, plan, {
			...result,
			dryRun: settings.dryRun,
			createdTimeoffId: written.createdTimeoffId,
			cancelledTimeoffIds: written.cancelledTimeoffIds,
		}),
		pairedItem: { item: p.itemIndex },
	};
}

/**
 * Sends a plan's actions in order (a dry run only pretends). A failure fails this request alone and
 * says what was already done, so that running again finishes the rest.
 */
async function writeActions(
	run: TimeOffRun,
	request: TimeOffRequest,
	plan: TimeOffPlan,
	written: Written,
): Promise<{ outcome: Outcome; reason: string; message: string; changes: TimeOffPlan['changes'] }> {
	const { settings } = run;
	try {
		for (const action of plan.actions) {
			if (settings.dryRun) pretend(run, action, written);
			else
				await apply(run.client, run.book, action, {
					onCancelled: (id) => {
						written.cancelledTimeoffIds.push(id);
						written.done.push(`cancelled Remote time off ${id}`);
					},
					onCreated: (id) => {
						written.createdTimeoffId = id;
						written.done.push(`created Remote time off ${id}`);
					},
				});
		}
	} catch (error) {
		const { done } = written;
		if (!(error instanceof NodeApiError)) {
			// Not an answer from Remote: still only this item fails, but leave a trace for support.
			run.ctx.logger.error('Remote Time Off: unexpected error', {
				requestId: request.requestId,
				message: errorText(error),
			});
		}
		return {
			outcome: 'failed',
			reason: 'remote_error',
			message:
				errorText(error) +
				(done.length
					? ` (Before this, the node ${done.join(' and ')}; running it again finishes the rest.)`
					: ''),
			// Each planned write has its change at the same index: keep the ones that went through.
			changes: plan.changes.slice(0, done.length),
		};
	}
	const dryRunNote = settings.dryRun && plan.actions.length ? 'Dry run, nothing was sent: ' : '';
	return {
		outcome: plan.outcome,
		reason: plan.reason,
		message: `${dryRunNote}${plan.message}`,
		changes: plan.changes,
	};
}

/** What one request's writes did so far. */
interface Written {
	createdTimeoffId?: string;
	cancelledTimeoffIds: string[];
	done: string[];
}

/**
 * Dry run: keep this run's picture as if the write had happened (a request seen twice in one dry run
 * reports what the real run would).
 */
function pretend(run: TimeOffRun, action: TimeOffAction, written: Written): void {
	if (action.kind === 'cancel') {
		run.book.setStatus(action.employmentId, action.timeoffId, 'cancelled');
		written.cancelledTimeoffIds.push(action.timeoffId);
	} else {
		written.createdTimeoffId = `dry-run-${++run.dryRunIds}`;
		run.book.add([{ ...action.body, id: written.createdTimeoffId }], action.employmentId);
	}
}

/** Report: one item per request, the summary when asked for, filtered by the Output option. */
function reportTimeOff(
	run: TimeOffRun,
	items: INodeExecutionData[],
	output: INodeExecutionData[],
	results: Array<{ outcome: Outcome; reason: string }>,
): INodeExecutionData[] {
	const { settings, client, hibob, reconcile } = run;
	const needsAHuman = (json: IDataObject) =>
		timeOffNeedsAHuman(String(json.outcome), String(json.reason));
	if (settings.summary) {
		const summary = summarise(results);
		output.push({
			json: {
				summary: true,
				dryRun: settings.dryRun,
				...summary,
				needsAttention: output
					.filter((o) => needsAHuman(o.json))
					.map((o) => ({
						hibobId: o.json.hibobId,
						name: o.json.name,
						requestId: o.json.requestId,
						outcome: o.json.outcome,
						reason: o.json.reason,
						message: o.json.message,
					})),
				apiCalls: client.stats.calls + (hibob?.stats.calls ?? 0),
				remoteCalls: client.stats.calls,
				hibobCalls: hibob?.stats.calls ?? 0,
				retries: client.stats.retries + (hibob?.stats.retries ?? 0),
				recovered: client.stats.recovered,
				...(reconcile
					? { reconcile: { from: reconcile.from, to: reconcile.to, ...run.reconcileStats } }
					: {}),
			} as unknown as IDataObject,
			pairedItem: items.map((_, item) => ({ item })),
		});
	}
	return keepOutput(settings.output, output, needsAHuman);
}

/**
 * T8: HiBob's approved requests in scope, from who's out: one call for the whole company and the
 * whole range (HiBob has no per-employee list of requests; the changes feed covers only 6 months of
 * changes, not requests approved before it). Hourly requests included. Unusable rows are reported.
 */
async function readHiBobApproved(
	node: INode,
	hibob: HiBobClient,
	scope: ReconcileScope,
): Promise<Prepared[]> {
	let rows: IDataObject[];
	try {
		rows = await hibob.whosOut(scope.from, scope.to, true);
	} catch (error) {
		throw asNodeError(node, error);
	}
	const { requests, invalid } = collectTimeOff(rows);
	const prepared: Prepared[] = approvedInScope(requests, scope).map((request) => ({
		itemIndex: 0,
		request,
	}));
	for (const { reason, row } of invalid) {
		const r = (row ?? {}) as IDataObject;
		prepared.push({
			itemIndex: 0,
			invalid: { reason: 'invalid_request', message: reason },
			known: {
				hibobId: r.employeeId === undefined ? undefined : String(r.employeeId),
				requestId: r.requestId === undefined ? undefined : String(r.requestId),
			},
		});
	}
	return prepared;
}

/**
 * T4: one HiBob read for a request HiBob no longer lists as approved. Cancelled, declined or gone
 * (404) → the request with that status, which the plan cancels; still approved → left alone. A
 * failed read fails this item only, and nothing is cancelled.
 */
async function confirmWithHiBob(
	hibob: HiBobClient,
	employeeId: string,
	requestId: string,
	employmentId: string,
	timeoffId: string,
): Promise<Prepared> {
	const known = {
		hibobId: employeeId,
		requestId,
		remoteEmploymentId: employmentId,
		existingTimeoffIds: [timeoffId],
	};
	let details: IDataObject | undefined;
	try {
		details = await hibob.getTimeoffRequest(employeeId, requestId);
	} catch (error) {
		return {
			itemIndex: 0,
			known,
			invalid: {
				outcome: 'failed',
				reason: 'hibob_error',
				message: `HiBob request ${requestId} is not approved in HiBob's list any more, but reading it failed, so Remote time off ${timeoffId} was left as it is: ${errorText(error)}`,
			},
		};
	}
	const row = details ?? { requestId, employeeId, status: 'deleted' };
	const result = normaliseTimeOff({
		...row,
		employeeId: row.employeeId ?? employeeId,
		requestId: row.requestId ?? requestId,
	});
	if (!result.ok) {
		return {
			itemIndex: 0,
			known,
			invalid: {
				reason: 'invalid_request',
				message: `${result.reason} Remote time off ${timeoffId} was left as it is.`,
			},
		};
	}
	return { itemIndex: 0, request: result.request };
}

/** Sends one planned write; after an ambiguous failure, `recover` looks the result up first (R6). */
async function apply(
	client: RemoteClient,
	book: TimeoffBook,
	action: TimeOffAction,
	on: { onCancelled: (id: string) => void; onCreated: (id: string) => void },
): Promise<void> {
	if (action.kind === 'cancel') {
		const result = await client.cancelTimeoff(action.timeoffId, action.cancelReason, async () => {
			const list = await client.listTimeoffs({ employment_id: action.employmentId });
			const found = list.find((t) => String(t.id) === action.timeoffId);
			return found && GONE.has(String(found.status)) ? found : undefined;
		});
		book.setStatus(action.employmentId, action.timeoffId, String(result?.status ?? 'cancelled'));
		on.onCancelled(action.timeoffId);
		return;
	}
	const body = action.body;
	const created = await client.createTimeoff(body as IDataObject, async () => {
		const list = await client.listTimeoffs({
			employment_id: action.employmentId,
			start_date: body.start_date,
			end_date: body.end_date,
		} as IDataObject);
		return list.find(
			(t) =>
				hasMarker(t as unknown as RemoteTimeoffLite, action.requestId) &&
				!GONE.has(String(t.status)),
		);
	});
	const id = created?.id !== undefined && created?.id !== null ? String(created.id) : '';
	book.add(
		[
			{
				...body,
				...(created ?? {}),
				id: id || `created-${action.requestId}`,
				employment_id: action.employmentId,
			} as IDataObject,
		],
		action.employmentId,
	);
	on.onCreated(id);
}

/**
 * Remote Upsert Employee, the I/O around the pure planner: read everything once (employments page
 * by page, managers, departments, country schemas once per country and form, full employments only
 * where a difference may hide), plan every person, then send only the planned writes.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import {
	currentEntries,
	heldBackFingerprint,
	isSettled,
	listAfterWrites,
	needsAHuman,
	personFingerprint,
	rememberableResults,
	rememberedReason,
	wantsSensitive,
} from '../shared/core/employee/memory';
import type {
	EmployeeAction,
	FullEmployment,
	Lookups,
	Plan,
	PlanInput,
	PlanOptions,
	SensitiveValues,
} from '../shared/core/employee/plan';
import {
	actionBody,
	CONTRACT_AMENDMENT_FORM,
	heldBackReason,
	isPendingAmendment,
	listDifferences,
	planEmployee,
} from '../shared/core/employee/plan';
import { fingerprint, fingerprintKey } from '../shared/core/fingerprint';
import {
	metadataList,
	readField,
	resolveFields,
	SENSITIVE_LOGICAL_FIELDS,
} from '../shared/core/hibobFields';
import type { MatchResult, RemoteEmployment } from '../shared/core/match';
import { indexEmployments, matchPerson, withEarlierRun } from '../shared/core/match';
import {
	heldBackKey,
	inSyncKey,
	linkKeys,
	LOOKBACK_HOURS,
	MINUTE_MS,
	RECHECK,
	SUCCESS,
} from '../shared/core/memoryKeys';
import { maskDeep, sensitiveKeysOfSchema, summarise } from '../shared/core/outcome';
import type { Person } from '../shared/core/person';
import { invalidPersonSchema, personSchema } from '../shared/core/person';
import { LAST_SUCCESS_KEY } from '../shared/core/syncHealth';
import { todayIn } from '../shared/core/today';
import { keepOutput, resolveTimezone } from '../shared/nodeOptions';
import { PEOPLE_BATCH_SIZE, peopleRequests, readHiBobPeople } from '../shared/hibobPeople';
import { SyncMemory } from '../shared/syncMemory';
import { HiBobClient } from '../shared/transport/hibob';
import { RemoteClient } from '../shared/transport/remote';
import type { StatusBack } from './statusBack';
import { readStatusBack, writeStatusBack } from './statusBack';

interface Entry {
	itemIndex: number;
	person: Person;
	match?: MatchResult;
	plan?: Plan;
	input?: PlanInput;
	/** The person's fingerprint (R4), and the held-back one (with what the list shows). */
	fp?: string;
	hfp?: string;
	/** The employment list shows no difference and the HiBob id as external_id. */
	listClean?: boolean;
	/** The memory's name that gave this run the person's last result, if one did (and its reason). */
	recalled?: { name: string; reason?: string };
	fromMemory?: boolean;
}

/** One run of the node: its settings, what it remembers, the Remote client and the output so far. */
interface EmployeeRun {
	ctx: IExecuteFunctions;
	options: IDataObject;
	dryRun: boolean;
	planOptions: PlanOptions;
	/** "Full Re-Check Every (Hours)": 0 never; decided once the memory is read. */
	fullRecheckHours: number;
	fullRecheck: boolean;
	/**
	 * What earlier runs recorded, in n8n's deduplication store (memoryKeys): who was in sync for which
	 * fingerprint (R4), whom a run matched or created (U8), when every employment was last re-checked.
	 */
	memory: SyncMemory;
	/** The names this run found recorded. */
	known: Set<string>;
	/** Names to record, and names to take back, once the run has written (not in a dry run). */
	toRecord: string[];
	toForget: string[];
	fpKey: Buffer;
	remote: RemoteClient;
	/** One slot per person read (an input item, or a person this node read from HiBob). */
	output: Array<INodeExecutionData | undefined>;
	/** Slot → the input item it pairs with (the item itself, or the item that named the person). */
	paired: number[];
	/** Remote employment id → its status (as listed, or as created this run): for the write-back (R8). */
	remoteStatus: Map<string, string>;
	/** Set when "Write Status Back to HiBob" is on: the fields and what HiBob holds (R8). */
	statusBack?: StatusBack;
	statusBackCounts?: { written: number; failed: number };
}

/** What the run reads from Remote once, for everyone. */
interface RemoteData {
	employments: RemoteEmployment[];
	index: ReturnType<typeof indexEmployments>;
	lookups: Lookups;
}

function apiMessage(error: unknown): string {
	const e = error as { message?: string; description?: string };
	return [e.message, e.description].filter(Boolean).join(' — ');
}

function skippedItem(
	itemIndex: number,
	hibobId: string | null,
	reason: string,
	message: string,
	kind?: unknown,
	name?: string | null,
) {
	return {
		json: {
			hibobId,
			name: name ?? null,
			remoteEmploymentId: null,
			kind: kind ?? null,
			outcome: 'skipped',
			reason,
			message,
			changes: [],
			heldBack: [],
		} as IDataObject,
		pairedItem: { item: itemIndex },
	};
}

/** The sync, phase by phase: read the input, read Remote, match, plan, apply, report. */
export async function runEmployeeSync(
	ctx: IExecuteFunctions,
	options: IDataObject,
): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const run = await startRun(ctx, options);
	// R8: a configuration mistake stops the node here, before anything is written to Remote.
	if (options.writeStatusToHibob === true) run.statusBack = await readStatusBack(ctx);
	const people = await peopleToSync(ctx, items, options);
	run.output = new Array(people.length);
	run.paired = people.map((p) => p.item);
	const entries = readInput(run, people);
	if (entries.length) {
		const remoteData = await readRemote(run, entries);
		for (const employment of remoteData.employments)
			if (employment.id && employment.status)
				run.remoteStatus.set(employment.id, String(employment.status));
		const live = matchEveryone(run, entries, remoteData);
		await recallEarlierRuns(run, live);
		await planEveryone(run, live, remoteData);
		await applyEveryone(run, live, remoteData.lookups);
	}
	if (run.statusBack) {
		run.statusBackCounts = await writeStatusBack(
			run.statusBack,
			run.output.filter((o): o is INodeExecutionData => !!o),
			run.remoteStatus,
			run.planOptions.today,
			run.dryRun,
		);
	}
	if (!run.dryRun) {
		const nowMs = Date.now();
		await run.memory.forget(run.toForget);
		await run.memory.record(run.toRecord);
		if (run.fullRecheck) await run.memory.stamp(RECHECK, nowMs);
		await recordSuccess(run, nowMs);
	}
	return report(run, items.length);
}

/**
 * R9: a run that reached the end counts as a success unless every person failed (Remote down, a
 * token refused mid-run). Its minute is stamped in the workflow's scope of n8n's deduplication store,
 * where the Remote Sync Health node of the same workflow looks for it; stamps older than the health
 * node looks back are taken back (the workflow's scope is shared: nothing there is dropped for us).
 */
async function recordSuccess(run: EmployeeRun, nowMs: number): Promise<void> {
	const results = run.output.filter((o): o is INodeExecutionData => !!o);
	if (results.length && results.every((r) => r.json.outcome === 'failed')) return;
	const workflow = new SyncMemory(run.ctx, 'workflow');
	// Once a day is enough (with the daily full re-check), or every run when there is none.
	if (run.fullRecheck || run.fullRecheckHours === 0)
		await workflow.forgetStamps(SUCCESS, nowMs - LOOKBACK_HOURS * 3600_000, 24);
	await workflow.stamp(SUCCESS, nowMs);
}

/** The node's settings, the memory and the fingerprint key. */
async function startRun(ctx: IExecuteFunctions, options: IDataObject): Promise<EmployeeRun> {
	const fullRecheckHours = fullRecheckHoursOf(ctx, options);
	const memory = new SyncMemory(ctx, 'node');
	await forgetStaticData(ctx, memory);
	return {
		ctx,
		options,
		dryRun: options.dryRun === true,
		planOptions: {
			today: todayIn(resolveTimezone(ctx.getNode(), options.timezone)),
			syncSsn: options.syncSsn !== false,
			syncSalary: options.syncSalary !== false,
			submitContractAmendments: options.submitContractAmendments === true,
			contractorUpdates: options.contractorUpdates === true,
		},
		fullRecheckHours,
		fullRecheck: options.recheckAll === true,
		memory,
		known: new Set(),
		toRecord: [],
		toForget: [],
		fpKey: await employeeFingerprintKey(ctx),
		remote: new RemoteClient(ctx),
		output: [],
		paired: [],
		remoteStatus: new Map(),
	};
}

/**
 * Read: the people to sync. "From Input Items": the input items (the documented output of HiBob → Get
 * Employees). "Read From HiBob": this node reads them with the same reader as Get Employees (everyone
 * flagged, or the person each input item names), so that n8n keeps no copy of everyone in the execution.
 */
async function peopleToSync(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	options: IDataObject,
): Promise<Array<{ json: IDataObject; item: number }>> {
	if (ctx.getNodeParameter('people', 0, 'input') !== 'hibob')
		return items.map((item, i) => ({ json: item.json, item: i }));
	try {
		await ctx.getCredentials('hiBobApi');
	} catch {
		throw new NodeOperationError(ctx.getNode(), 'No HiBob credential on this node', {
			description:
				'"People" is set to "Read From HiBob": select the HiBob credential (the service user) in this node, or set "People" to "From Input Items" and connect HiBob → Get Employees before it.',
		});
	}
	const read = await readHiBobPeople(ctx, peopleRequests(ctx, items), {
		onlyFlagged: true,
		includeRaw: false,
		includeInactive: true,
		batchSize: options.hibobBatches === true ? PEOPLE_BATCH_SIZE : undefined,
	});
	return read.map(({ itemIndex, person }) => ({
		json: person as unknown as IDataObject,
		item: itemIndex,
	}));
}

/** Read: each person is checked against the documented person shape; a bad one is reported. */
function readInput(run: EmployeeRun, items: Array<{ json: IDataObject }>): Entry[] {
	const entries: Entry[] = [];
	const seen = new Set<string>();
	for (let i = 0; i < items.length; i++) {
		const json = items[i].json;
		const parsed = personSchema.safeParse(json);
		if (parsed.success) {
			if (seen.has(parsed.data.hibobId)) {
				run.output[i] = skippedItem(
					run.paired[i],
					parsed.data.hibobId,
					'duplicate_input',
					'This HiBob person appears twice in the input; only the first is synced.',
					parsed.data.kind,
					parsed.data.fullName,
				);
				continue;
			}
			seen.add(parsed.data.hibobId);
			entries.push({ itemIndex: i, person: parsed.data });
			continue;
		}
		const invalid = invalidPersonSchema.safeParse(json);
		if (invalid.success) {
			run.output[i] = skippedItem(
				run.paired[i],
				invalid.data.hibobId,
				invalid.data.reason,
				invalid.data.message,
				invalid.data.kind,
				invalid.data.name,
			);
			continue;
		}
		const issues = parsed.error.issues
			.slice(0, 5)
			.map((issue) => `${issue.path.join('.') || 'item'}: ${issue.message}`);
		run.output[i] = skippedItem(
			run.paired[i],
			typeof json.hibobId === 'string' ? json.hibobId : null,
			'invalid_input_item',
			`The item is not a person from HiBob → Get Employees (${issues.join('; ')}).`,
		);
	}
	return entries;
}

/** Read: Remote's employments once, and its managers and departments when someone has either. */
async function readRemote(run: EmployeeRun, entries: Entry[]): Promise<RemoteData> {
	const { remote } = run;
	const employments = (await remote.listEmployments()) as unknown as RemoteEmployment[];
	const lookups: Lookups = { managers: new Map(), departments: new Map() };
	if (entries.some((e) => e.person.supervisorEmail || e.person.department)) {
		const managers = await remote.listCompanyManagers();
		for (const manager of managers) {
			if (manager.user_email && manager.user_id)
				lookups.managers.set(String(manager.user_email).toLowerCase(), String(manager.user_id));
		}
		// Remote lists departments per company; the company id comes with the managers.
		const companyId = managers.map((m) => m.company_id).find((id) => typeof id === 'string' && id);
		for (const department of companyId ? await remote.listDepartments(String(companyId)) : []) {
			if (department.name && department.id)
				lookups.departments.set(String(department.name).trim().toLowerCase(), {
					id: String(department.id),
					name: String(department.name),
				});
		}
	}
	return { employments, index: indexEmployments(employments), lookups };
}

/** Match: everyone at once; an employment claimed by two people is never written (M2). */
function matchEveryone(run: EmployeeRun, entries: Entry[], remoteData: RemoteData): Entry[] {
	const claims = new Map<string, Entry[]>();
	for (const entry of entries) {
		entry.match = matchPerson(entry.person, remoteData.index);
		if (entry.match.kind === 'match')
			claims.set(entry.match.employment.id, [
				...(claims.get(entry.match.employment.id) ?? []),
				entry,
			]);
	}
	for (const [employmentId, claimants] of claims) {
		if (claimants.length < 2) continue;
		for (const entry of claimants) {
			run.output[entry.itemIndex] = {
				json: {
					hibobId: entry.person.hibobId,
					name: entry.person.fullName,
					remoteEmploymentId: employmentId,
					kind: entry.person.kind,
					outcome: 'skipped',
					reason: 'ambiguous_match',
					message: `The Remote employment ${employmentId} matches ${claimants.length} HiBob people (${claimants.map((c) => c.person.hibobId).join(', ')}); nothing was written.`,
					changes: [],
					heldBack: [],
				},
				pairedItem: { item: run.paired[entry.itemIndex] },
			};
		}
	}
	return entries.filter((entry) => !run.output[entry.itemIndex]);
}

/**
 * Match, continued, from what earlier runs recorded: a person nothing in the list matches whom an
 * earlier run matched or created is not created again (U8: Remote lists every employment except
 * deleted ones). Also decides whether this run re-checks every employment in full (R4).
 */
async function recallEarlierRuns(run: EmployeeRun, live: Entry[]): Promise<void> {
	const first = await run.memory.peek(live.map((entry) => linkKeys(entry.person.hibobId)[0]));
	const second = await run.memory.peek(
		live
			.map((entry) => linkKeys(entry.person.hibobId))
			.filter(([one]) => first.has(one))
			.map(([, two]) => two),
	);
	run.known = new Set([...first, ...second]);
	if (!run.fullRecheck && run.fullRecheckHours > 0) {
		// Due when the last full re-check (to the minute) is "Full Re-Check Every (Hours)" old.
		const nowMs = Date.now();
		const limitMs = run.fullRecheckHours * 3600_000;
		const last = await run.memory.stamped(RECHECK, nowMs - limitMs, nowMs, 'newest', true);
		run.fullRecheck = last === undefined || nowMs - (last + MINUTE_MS) >= limitMs;
	}
	for (const entry of live)
		entry.match = withEarlierRun(
			entry.match!,
			linkKeys(entry.person.hibobId).every((name) => run.known.has(name)),
		);
}

/**
 * Static data of earlier versions (fingerprints, links, times) is moved into the memory once and
 * removed. Nothing is written to static data otherwise: in queue mode a worker would save its own,
 * erasing what the triggers keep there (n8n 2.40.7).
 */
async function forgetStaticData(ctx: IExecuteFunctions, memory: SyncMemory): Promise<void> {
	const node = ctx.getWorkflowStaticData('node') as IDataObject;
	const global = ctx.getWorkflowStaticData('global') as IDataObject;
	const legacy = [
		'employeeFingerprints',
		'employmentLinks',
		'lastFullRecheckAt',
		'sensitiveFieldIds',
	];
	if (!legacy.some((key) => key in node) && !(LAST_SUCCESS_KEY in global)) return;
	const names: string[] = [];
	const links = node.employmentLinks;
	if (links && typeof links === 'object' && !Array.isArray(links))
		for (const [hibobId, id] of Object.entries(links as IDataObject))
			if (typeof id === 'string' && id) names.push(...linkKeys(hibobId));
	for (const [hibobId, entry] of Object.entries(currentEntries(node.employeeFingerprints)))
		if (typeof entry === 'string') names.push(inSyncKey(hibobId, entry));
		else if (!entry.h?.length) names.push(inSyncKey(hibobId, entry.f));
	await memory.record(names);
	const recheckedMs = Date.parse(String(node.lastFullRecheckAt ?? ''));
	if (Number.isFinite(recheckedMs)) await memory.stamp(RECHECK, recheckedMs);
	const succeededMs = Date.parse(String(global[LAST_SUCCESS_KEY] ?? ''));
	if (Number.isFinite(succeededMs))
		await new SyncMemory(ctx, 'workflow').stamp(SUCCESS, succeededMs);
	for (const key of legacy) delete node[key];
	delete global[LAST_SUCCESS_KEY];
}

/** Plan: every person, answering what each plan asks for (detail, schemas, legal entity) from Remote. */
async function planEveryone(
	run: EmployeeRun,
	live: Entry[],
	remoteData: RemoteData,
): Promise<void> {
	// SSN and salary are read here, straight from HiBob, only when someone needs them.
	const sensitive = live.some((e) => wantsSensitive(e.person, e.match!, run.planOptions))
		? await readSensitive(
				run.ctx,
				live.map((e) => e.person.hibobId),
			)
		: undefined;
	await recallResults(run, live, remoteData.lookups, sensitive);
	const reader = new PlanReader(run, remoteData.employments);
	// The people Remote has are planned first: a new global payroll hire's legal entity is then taken
	// from an employment already read in full, when there is one (PlanReader.legalEntityFor).
	const matchedFirst = [
		...live.filter((e) => e.match!.kind !== 'none'),
		...live.filter((e) => e.match!.kind === 'none'),
	];
	for (const entry of matchedFirst) {
		const { person } = entry;
		const match = entry.match!;
		const input: PlanInput = {
			person,
			match,
			options: run.planOptions,
			lookups: remoteData.lookups,
			sensitive: sensitive?.get(person.hibobId),
		};
		entry.input = input;
		if (entry.plan) continue; // decided already
		if (entry.recalled) input.remembered = { reason: entry.recalled.reason };
		try {
			entry.plan = await reader.settle(input);
			// The last result held without reading the employment: it is still what the memory says.
			entry.fromMemory = !!input.remembered && !input.detail;
			// The plan holds what it sends; the full employment need not live until the last person.
			delete input.detail;
			delete input.contractAmendments;
		} catch (error) {
			entry.plan = {
				hibobId: person.hibobId,
				remoteEmploymentId: match.kind === 'match' ? match.employment.id : null,
				kind: person.kind,
				outcome: 'failed',
				reason: 'remote_read_failed',
				message: apiMessage(error),
				changes: [],
				heldBack: [],
				actions: [],
				requests: [],
			};
		}
	}
}

/** Apply (unless dry run), one person at a time; a failure stays with that person (R2). Then remember. */
async function applyEveryone(run: EmployeeRun, live: Entry[], lookups: Lookups): Promise<void> {
	const { remote } = run;
	const state: RunState = { contractorUpdatesRefused: false, created: run.remoteStatus };
	for (const entry of live) {
		const plan = entry.plan!;
		if (!run.dryRun && plan.actions.length) {
			try {
				await applyPlan(remote, plan, entry.person, state);
			} catch (error) {
				// Only the create itself throws: nothing was created.
				const e = error as { httpCode?: string };
				plan.outcome = 'failed';
				plan.reason =
					e.httpCode === '422' || e.httpCode === '409' ? 'remote_refused' : 'remote_api_error';
				plan.message = apiMessage(error);
				plan.changes = [];
			}
		}
		if (!run.dryRun) remember(run, entry, lookups);
		run.output[entry.itemIndex] = {
			json: shapeOutput(plan, run.dryRun, entry.person.fullName, remote.sensitiveKeys),
			pairedItem: { item: run.paired[entry.itemIndex] },
		};
	}
}

/**
 * Remember who is in sync, or in sync except for what cannot be written, so that the next run need
 * not read them again (R4), and whom Remote has an employment for (U8). A name that no longer holds
 * is taken back.
 */
function remember(run: EmployeeRun, entry: Entry, lookups: Lookups): void {
	const plan = entry.plan!;
	const note = (name: string) => {
		if (!run.known.has(name)) run.toRecord.push(name);
	};
	if (plan.remoteEmploymentId) linkKeys(plan.hibobId).forEach(note);
	let name: string | undefined;
	// What the next run will see: a new employment as created, or the employment after this run's writes.
	const created =
		plan.outcome === 'created' && plan.remoteEmploymentId ? plan.remoteEmploymentId : null;
	const employment: RemoteEmployment | undefined = created
		? { id: created, status: 'created', external_id: plan.hibobId }
		: entry.match?.kind === 'match'
			? entry.match.employment
			: undefined;
	const fp =
		employment &&
		(created
			? personFingerprint(
					run.fpKey,
					entry.person,
					created,
					'created',
					entry.input?.sensitive,
					lookups,
				)
			: entry.fp);
	if (entry.fromMemory) name = entry.recalled!.name;
	else if (isSettled(plan) && fp && !plan.heldBack.length) name = inSyncKey(plan.hibobId, fp);
	else if (isSettled(plan) && fp && employment) {
		const list = listAfterWrites(listDifferences(entry.person, employment), plan.changes);
		name = heldBackKey(
			plan.hibobId,
			heldBackFingerprint(run.fpKey, fp, list),
			rememberedReason(plan, employment.status),
		);
	}
	if (name) note(name);
	if (entry.recalled && entry.recalled.name !== name) run.toForget.push(entry.recalled.name);
}

/**
 * R4: who was in sync, or held back for the same reason, with exactly the fingerprint they have now:
 * one look-up for everyone, then one for the reasons of those not simply in sync. With "Re-Check
 * Every Employment" or a full re-check due, nobody is recalled.
 */
async function recallResults(
	run: EmployeeRun,
	live: Entry[],
	lookups: Lookups,
	sensitive: Map<string, SensitiveValues> | undefined,
): Promise<void> {
	const matched: Array<Entry & { match: { kind: 'match'; employment: RemoteEmployment } }> = [];
	for (const entry of live) {
		const match = entry.match!;
		if (match.kind !== 'match' || entry.plan) continue;
		entry.fp = personFingerprint(
			run.fpKey,
			entry.person,
			match.employment.id,
			match.employment.status,
			sensitive?.get(entry.person.hibobId),
			lookups,
		);
		const list = listDifferences(entry.person, match.employment);
		entry.hfp = heldBackFingerprint(run.fpKey, entry.fp, list);
		entry.listClean = !list.listDiffs.length && !list.needsExternalId;
		matched.push(entry as (typeof matched)[number]);
	}
	if (run.fullRecheck) return;
	// Each person's likeliest result first, then the next for those not found, and so on: a name looked
	// for and not found costs the store a write and a removal.
	const options = new Map(
		matched.map((entry) => [
			entry,
			rememberableResults(
				entry.person,
				entry.match.employment.status,
				lookups,
				!!entry.listClean,
			).map((reason) =>
				reason === null
					? { name: inSyncKey(entry.person.hibobId, entry.fp!) }
					: { name: heldBackKey(entry.person.hibobId, entry.hfp!, reason), reason },
			),
		]),
	);
	for (let round = 0; ; round++) {
		const looking = matched.filter((entry) => !entry.recalled && options.get(entry)![round]);
		if (!looking.length) break;
		const found = await run.memory.peek(looking.map((entry) => options.get(entry)![round].name));
		for (const entry of looking) {
			const option = options.get(entry)![round];
			if (found.has(option.name)) {
				entry.recalled = option;
				run.known.add(option.name);
			}
		}
	}
}

/** Report: one item per input item, the summary when asked for, filtered by the Output option. */
function report(run: EmployeeRun, itemCount: number): INodeExecutionData[] {
	const { dryRun, options, remote } = run;
	const results = run.output.filter((o): o is INodeExecutionData => !!o);
	if (dryRun) for (const result of results) result.json.dryRun = true;
	if (options.summary === true) {
		const summary = summarise(
			results.map((r) => ({ outcome: r.json.outcome as never, reason: String(r.json.reason) })),
		);
		results.push({
			json: {
				summary: true,
				dryRun,
				...summary,
				needsAttention: results
					.filter((r) => needsAHuman(String(r.json.outcome), String(r.json.reason)))
					.map((r) => ({
						hibobId: r.json.hibobId,
						name: r.json.name ?? null,
						outcome: r.json.outcome,
						reason: r.json.reason,
						message: r.json.message,
					})),
				apiCalls: remote.stats.calls,
				retries: remote.stats.retries,
				...(run.statusBackCounts
					? {
							hibobStatusWritten: run.statusBackCounts.written,
							hibobStatusFailed: run.statusBackCounts.failed,
						}
					: {}),
			},
			pairedItem: Array.from({ length: itemCount }, (_, item) => ({ item })),
		});
	}
	// A status HiBob refused (R8) is kept in view too, whatever the Remote outcome.
	return keepOutput(
		options.output,
		results,
		(json) =>
			needsAHuman(String(json.outcome), String(json.reason)) || json.hibobStatus === 'failed',
	);
}

/**
 * Answers what a plan asks for (its `needs`) from Remote, each thing once per run: the country
 * forms, the full employment, its contract amendments, the legal entity of global payroll hires.
 */
class PlanReader {
	private readonly schemaCache = new Map<string, unknown>();

	private readonly schemaFailures = new Map<string, string>();

	private readonly legalEntities = new Map<string, string | null>();

	/** The employments read in full this run (each is read at most once). */
	private readonly readInFull = new Set<string>();

	/** Country → the legal entity of the first global payroll employment read in full there. */
	private readonly legalEntitiesSeen = new Map<string, string>();

	constructor(
		private readonly run: EmployeeRun,
		private readonly employments: RemoteEmployment[],
	) {}

	/** Plans one person, fetching what the plan asks for until it is done. */
	async settle(input: PlanInput): Promise<Plan> {
		const { remote } = this.run;
		for (let guard = 0; guard < 8; guard++) {
			const step = planEmployee(input);
			if (step.done) return step.plan;
			if (step.needs === 'legalEntity')
				input.legalEntityId = await this.legalEntityFor(step.country);
			// Only for the employments that would get an amendment (U6, never twice).
			else if (step.needs === 'detail' && step.part === 'contractAmendments')
				input.contractAmendments = await remote.listContractAmendments(step.employmentId);
			else if (step.needs === 'detail') input.detail = await this.employment(step.employmentId);
			else
				input.schemas = {
					...input.schemas,
					...(await this.schemas(step.country, step.forms, step.employmentId)),
				};
		}
		throw new NodeOperationError(this.run.ctx.getNode(), 'The plan did not settle.');
	}

	/** Country forms, once per country and form; a form Remote does not have fails every person who needs it. */
	private async schemas(
		country: string,
		forms: string[],
		employmentId: string | undefined,
	): Promise<Record<string, unknown>> {
		const { remote, ctx } = this.run;
		const schemas: Record<string, unknown> = {};
		for (const form of forms) {
			const key = `${country}/${form}`;
			if (this.schemaFailures.has(key))
				throw new NodeOperationError(ctx.getNode(), this.schemaFailures.get(key)!);
			if (!this.schemaCache.has(key)) {
				try {
					// The contract_amendment form is asked for with an employment; it is read once per country.
					const schema = await remote.getCountryForm(
						country,
						form,
						form === CONTRACT_AMENDMENT_FORM ? employmentId : undefined,
					);
					this.schemaCache.set(key, schema);
					// The form's own hints (money inputs, "tax id" titles) widen what is masked (R1).
					for (const name of sensitiveKeysOfSchema(schema)) remote.sensitiveKeys.add(name);
				} catch (error) {
					const message =
						(error as { httpCode?: string }).httpCode === '404'
							? `Remote has no ${form} form for ${country}: the country may not be supported for this kind of employment.`
							: apiMessage(error);
					this.schemaFailures.set(key, message);
					throw new NodeOperationError(ctx.getNode(), message);
				}
			}
			schemas[form] = this.schemaCache.get(key);
		}
		return schemas;
	}

	/** `GET /v1/employments/{id}`, noting the legal entity of a global payroll employment. */
	private async employment(id: string): Promise<FullEmployment> {
		this.readInFull.add(id);
		const full = (await this.run.remote.getEmployment(id)) as FullEmployment & IDataObject;
		const country = (full.country as { code?: unknown } | undefined)?.code;
		const entity = full.engaged_by_legal_entity_id;
		if (
			full.type === 'global_payroll_employee' &&
			typeof country === 'string' &&
			typeof entity === 'string' &&
			entity &&
			!this.legalEntitiesSeen.has(country)
		)
			this.legalEntitiesSeen.set(country, entity);
		return full;
	}

	/**
	 * The legal entity a global payroll create names: the node option, else the one an existing
	 * global payroll employment of that country was engaged by: one the run read in full already,
	 * else up to three more read for it (once per country; none read twice).
	 */
	private async legalEntityFor(country: string): Promise<string | null> {
		const option =
			typeof this.run.options.gpLegalEntityId === 'string'
				? this.run.options.gpLegalEntityId.trim()
				: '';
		if (option) return option;
		if (!this.legalEntities.has(country)) {
			const candidates = this.employments.filter(
				(e) =>
					e.type === 'global_payroll_employee' &&
					e.country?.code === country &&
					e.status !== 'deleted' &&
					!this.readInFull.has(e.id),
			);
			for (const candidate of candidates.slice(0, 3)) {
				if (this.legalEntitiesSeen.has(country)) break;
				await this.employment(candidate.id);
			}
			this.legalEntities.set(country, this.legalEntitiesSeen.get(country) ?? null);
		}
		return this.legalEntities.get(country)!;
	}
}

/**
 * The fingerprint key: from the Remote token and, when set, the HiBob token (the SSN and salary in a
 * fingerprint come from HiBob). Neither is in static data; rotating either means one full re-read.
 */
async function employeeFingerprintKey(ctx: IExecuteFunctions): Promise<Buffer> {
	const remote = await ctx.getCredentials('remoteApi');
	let hibobToken: unknown;
	try {
		hibobToken = (await ctx.getCredentials('hiBobApi')).token;
	} catch {
		hibobToken = undefined; // no HiBob credential: no SSN or salary is read either
	}
	return fingerprintKey('employee', remote.apiToken, hibobToken);
}

function shapeOutput(
	plan: Plan,
	dryRun: boolean,
	name: string | null,
	sensitiveKeys: ReadonlySet<string>,
): IDataObject {
	const out: IDataObject = {
		hibobId: plan.hibobId,
		name,
		remoteEmploymentId: plan.remoteEmploymentId,
		kind: plan.kind,
		outcome: plan.outcome,
		reason: plan.reason,
		message: plan.message,
		changes: maskDeep(plan.changes, sensitiveKeys) as unknown as IDataObject[],
		heldBack: maskDeep(plan.heldBack, sensitiveKeys) as unknown as IDataObject[],
	};
	if (plan.matchedBy) out.matchedBy = plan.matchedBy;
	if (plan.candidates) out.candidates = plan.candidates;
	if (dryRun) {
		out.dryRun = true;
		out.plannedRequests = maskDeep(plan.requests, sensitiveKeys) as unknown as IDataObject[];
	}
	return out;
}

/** An action Remote did not take, and why. */
interface Problem {
	action: EmployeeAction;
	reason: string;
	message: string;
}

/** What a run learns while writing. */
interface RunState {
	/** Remote refused to update a contractor (documented: not supported via the API). */
	contractorUpdatesRefused: boolean;
	/** Employment id → status of the employments created this run. */
	created: Map<string, string>;
}

const CONTRACTOR_MESSAGE =
	'Remote\'s API does not update contractors (Remote: "currently not supported"); change these in Remote';

/**
 * The interpreter of a plan's actions. The create comes first; if it fails, it throws (nothing was
 * created). Every later action stands alone: one that Remote refuses moves its changes to what was
 * held back (with the reason), and the others still go through.
 */
async function applyPlan(
	remote: RemoteClient,
	plan: Plan,
	person: Person,
	run: RunState,
): Promise<void> {
	let id = plan.remoteEmploymentId ?? undefined;
	const done: EmployeeAction[] = [];
	const problems: Problem[] = [];
	for (const action of plan.actions) {
		const body = actionBody(action) as IDataObject;
		if (action.type === 'create') {
			const created = await createEmployment(remote, body, person);
			id = created.id;
			run.created.set(id, created.status);
			plan.remoteEmploymentId = id;
			done.push(action);
			continue;
		}
		if (!id) break;
		if (
			person.kind === 'contractor' &&
			run.contractorUpdatesRefused &&
			action.type !== 'submitAmendment'
		) {
			problems.push({ action, reason: 'not_updatable_via_api', message: CONTRACTOR_MESSAGE });
			continue;
		}
		try {
			if (action.type === 'submitAmendment') {
				// R6: the plan saw no pending amendment, so a pending one found after a lost answer is this one.
				const employmentId = String(body.employment_id);
				const recover = async () =>
					(await remote.listContractAmendments(employmentId)).find((a) => isPendingAmendment(a));
				const amendment = await remote.createContractAmendment(body, recover);
				if (amendment?.id) plan.message += ` Remote's amendment request: ${String(amendment.id)}.`;
			} else if (action.type === 'setDepartment') await remote.updateEmploymentV2(id, body);
			else await remote.updateEmployment(id, body);
			done.push(action);
		} catch (error) {
			const code = Number((error as { httpCode?: string }).httpCode);
			if (
				person.kind === 'contractor' &&
				action.type !== 'submitAmendment' &&
				[400, 403, 405, 409, 422].includes(code)
			) {
				// Documented: Remote's API does not update contractors. Reported, never re-sent every run.
				run.contractorUpdatesRefused = true;
				problems.push({
					action,
					reason: 'not_updatable_via_api',
					message: `${CONTRACTOR_MESSAGE} (Remote: ${apiMessage(error)})`,
				});
			} else {
				problems.push({
					action,
					reason: code === 422 || code === 409 ? 'remote_refused' : 'remote_api_error',
					message: apiMessage(error),
				});
			}
		}
	}
	if (problems.length) reportProblems(plan, done, problems);
}

/** `POST /v1/employments`; the new employment's id and status. */
async function createEmployment(
	remote: RemoteClient,
	body: IDataObject,
	person: Person,
): Promise<{ id: string; status: string }> {
	const loginEmail =
		((body.basic_information as IDataObject)?.email as string) ??
		person.personalEmail ??
		person.workEmail;
	// R6: before re-sending a create whose answer was lost, look for what it may have created.
	const recover = async () => {
		const found = loginEmail ? await remote.listEmployments({ email: loginEmail }) : [];
		return found.find((e) => String(e.external_id ?? '') === person.hibobId);
	};
	const created = await remote.createEmployment(body, recover);
	return {
		id: String(created.id),
		status: typeof created.status === 'string' && created.status ? created.status : 'created',
	};
}

/** What was not written is held back, with the reason; what was written stays reported. */
function reportProblems(plan: Plan, done: EmployeeAction[], problems: Problem[]): void {
	const notWritten = new Set(problems.map((p) => p.action));
	plan.changes = done.flatMap((a) => a.changes);
	for (const problem of problems) {
		const changes = problem.action.changes.length
			? problem.action.changes
			: [{ field: problem.action.type, from: null, to: null }];
		plan.heldBack.push(
			...changes.map((c) => ({ field: c.field, reason: problem.reason, from: c.from, to: c.to })),
		);
	}
	const details = [...new Set(problems.map((p) => p.message))].join('; ');
	const fieldsOf = (actions: EmployeeAction[]) =>
		actions.flatMap((a) => a.changes.map((c) => c.field)).join(', ');
	const failed = problems.filter((p) => p.reason !== 'not_updatable_via_api');
	if (plan.outcome === 'created') {
		plan.message += ` Not written yet: ${fieldsOf([...notWritten])} (${details}).${failed.length ? ' The next run sends them.' : ''}`;
		if (failed.length) plan.reason = 'created_incomplete';
		return;
	}
	const written = done.length ? `Updated ${fieldsOf(done)}. ` : '';
	if (!done.length) plan.outcome = failed.length ? 'failed' : 'skipped';
	plan.reason = failed.length ? failed[0].reason : heldBackReason(plan.heldBack);
	plan.message = `${written}Not written: ${fieldsOf([...notWritten])} (${details}).`;
}

/** Hours between two full re-checks when the option is not set: edits made in Remote are repaired within a day. */
export const DEFAULT_FULL_RECHECK_HOURS = 24;

/**
 * "Full Re-Check Every (Hours)": a run reads every matched employment in full instead of trusting
 * the in-sync memory when no full re-check was recorded in that many hours (to the hour; the first
 * run is one), and always with "Re-Check Every Employment". 0 hours: never.
 */
function fullRecheckHoursOf(ctx: IExecuteFunctions, options: IDataObject): number {
	const hours =
		options.fullRecheckHours === undefined || options.fullRecheckHours === ''
			? DEFAULT_FULL_RECHECK_HOURS
			: Number(options.fullRecheckHours);
	if (!Number.isFinite(hours) || hours < 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"Full Re-Check Every (Hours)" must be 0 or more, not "${String(options.fullRecheckHours)}"`,
			{
				description:
					'Set it to 24 (the default) for a daily re-check of every employment, or 0 to re-check only people who changed in HiBob.',
			},
		);
	}
	return hours;
}

/**
 * The ids of HiBob's SSN and salary fields per HiBob account (a keyed hash of the service user and
 * base URL), kept in the n8n process (main or worker) for a day: one metadata call less per run.
 * Not in static data: a queue-mode worker cannot keep it there (see syncMemory.ts). Ids, no values.
 */
const sensitiveFieldIds = new Map<string, { at: number; ids: Record<string, string> }>();
const FIELD_IDS_TTL_MS = 24 * 3600_000;
const FIELD_IDS_KEY = fingerprintKey('hibob-field-ids');

/** One HiBob search with only the sensitive fields; values stay inside this node. */
async function readSensitive(
	ctx: IExecuteFunctions,
	hibobIds: string[],
): Promise<Map<string, SensitiveValues> | undefined> {
	let credentials: IDataObject;
	try {
		credentials = await ctx.getCredentials('hiBobApi');
	} catch {
		return undefined;
	}
	const hibob = new HiBobClient(ctx);
	// The field ids, resolved through HiBob's metadata (S4), are kept in this n8n process for a day.
	const cacheKey = fingerprint(FIELD_IDS_KEY, [
		credentials.serviceUserId,
		credentials.environment,
		credentials.customUrl,
	]);
	const cached = sensitiveFieldIds.get(cacheKey);
	let ids = cached && Date.now() - cached.at < FIELD_IDS_TTL_MS ? cached.ids : undefined;
	if (!ids) {
		ids = resolveFields(metadataList(await hibob.getFields()), SENSITIVE_LOGICAL_FIELDS).ids;
		sensitiveFieldIds.set(cacheKey, { at: Date.now(), ids });
	}
	const wanted = new Set(hibobIds);
	const records = await hibob.searchPeople({
		fields: ['root.id', ...Object.values(ids)],
		showInactive: true,
	});
	const out = new Map<string, SensitiveValues>();
	for (const record of records) {
		const id = String(record.id ?? '');
		if (!wanted.has(id)) continue;
		const ssn = readField(record, ids.ssn);
		const yearly = readField(record, ids.yearlyPayment) ?? readField(record, ids.basePayment);
		const payPeriod = readField(record, ids.payPeriod);
		let yearlySalary: SensitiveValues['yearlySalary'] = null;
		if (yearly && typeof yearly === 'object' && typeof (yearly as IDataObject).value === 'number') {
			yearlySalary = {
				value: (yearly as IDataObject).value as number,
				currency: ((yearly as IDataObject).currency as string) ?? null,
			};
		} else if (typeof yearly === 'number') yearlySalary = { value: yearly };
		out.set(id, {
			ssn: typeof ssn === 'string' && /^\d{3}-?\d{2}-?\d{4}$/.test(ssn.trim()) ? ssn.trim() : null,
			yearlySalary,
			payPeriod: typeof payPeriod === 'string' ? payPeriod : null,
		});
	}
	return out;
}

/**
 * Remote Upsert Employee, the I/O around the pure planner: read everything once (employments page
 * by page, managers, departments, country schemas once per country and form, full employments only
 * where a difference may hide), plan every person, then send only the planned writes.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { EmployeeAction, FullEmployment, Lookups, Plan, PlanInput, SensitiveValues } from '../shared/core/employee/plan';
import type { HeldBackField } from '../shared/core/outcome';
import { actionBody, CONTRACT_AMENDMENT_FORM, heldBackReason, isPendingAmendment, planEmployee, statusFamily } from '../shared/core/employee/plan';
import { fingerprint, fingerprintKey, isFingerprint } from '../shared/core/fingerprint';
import { metadataList, readField, resolveFields, SENSITIVE_LOGICAL_FIELDS } from '../shared/core/hibobFields';
import type { MatchResult, RemoteEmployment } from '../shared/core/match';
import { indexEmployments, matchPerson } from '../shared/core/match';
import { maskDeep, sensitiveKeysOfSchema, summarise } from '../shared/core/outcome';
import type { Person } from '../shared/core/person';
import { invalidPersonSchema, personSchema } from '../shared/core/person';
import { todayIn } from '../shared/core/today';
import { keepOutput, resolveTimezone } from '../shared/nodeOptions';
import { HibobClient } from '../shared/transport/hibob';
import { RemoteClient } from '../shared/transport/remote';

interface Entry {
	itemIndex: number;
	person?: Person;
	plan?: Plan;
	input?: PlanInput;
	fp?: string;
}

function apiMessage(error: unknown): string {
	const e = error as { message?: string; description?: string };
	return [e.message, e.description].filter(Boolean).join(' — ');
}

function skippedItem(itemIndex: number, hibobId: string | null, reason: string, message: string, kind?: unknown, name?: string | null) {
	return {
		json: { hibobId, name: name ?? null, remoteEmploymentId: null, kind: kind ?? null, outcome: 'skipped', reason, message, changes: [], heldBack: [] } as IDataObject,
		pairedItem: { item: itemIndex },
	};
}

export async function runEmployeeSync(ctx: IExecuteFunctions, options: IDataObject): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const dryRun = options.dryRun === true;
	const today = todayIn(resolveTimezone(ctx.getNode(), options.timezone));
	const planOptions = {
		today,
		syncSsn: options.syncSsn !== false,
		syncSalary: options.syncSalary !== false,
		submitContractAmendments: options.submitContractAmendments === true,
		contractorUpdates: options.contractorUpdates === true,
	};
	const staticData = ctx.getWorkflowStaticData('node') as IDataObject;
	const fullRecheck = isFullRecheckDue(ctx, options, staticData);
	// HiBob id → fingerprint of the person when last in sync, with what could not be written then.
	// Fingerprints are keyed with the credentials' secrets; older (unkeyed) ones are dropped.
	const remembered = currentEntries(staticData.employeeFingerprints);
	const fpKey = await employeeFingerprintKey(ctx);

	// 1. Parse the input items (the documented output of HiBob → Get Employees).
	const output: Array<INodeExecutionData | undefined> = new Array(items.length);
	const entries: Entry[] = [];
	const seen = new Set<string>();
	for (let i = 0; i < items.length; i++) {
		const json = items[i].json;
		const parsed = personSchema.safeParse(json);
		if (parsed.success) {
			if (seen.has(parsed.data.hibobId)) {
				output[i] = skippedItem(i, parsed.data.hibobId, 'duplicate_input', 'This HiBob person appears twice in the input; only the first is synced.', parsed.data.kind, parsed.data.fullName);
				continue;
			}
			seen.add(parsed.data.hibobId);
			entries.push({ itemIndex: i, person: parsed.data });
			continue;
		}
		const invalid = invalidPersonSchema.safeParse(json);
		if (invalid.success) {
			output[i] = skippedItem(i, invalid.data.hibobId, invalid.data.reason, invalid.data.message, invalid.data.kind, invalid.data.name);
			continue;
		}
		const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || 'item'}: ${issue.message}`);
		output[i] = skippedItem(
			i,
			typeof json.hibobId === 'string' ? json.hibobId : null,
			'invalid_input_item',
			`The item is not a person from HiBob → Get Employees (${issues.join('; ')}).`,
		);
	}

	const remote = new RemoteClient(ctx);
	if (entries.length) {
		// 2. Read Remote once.
		const employments = (await remote.listEmployments()) as unknown as RemoteEmployment[];
		const index = indexEmployments(employments);
		const needsLookups = entries.some((e) => e.person!.supervisorEmail || e.person!.department);
		const lookups: Lookups = { managers: new Map(), departments: new Map() };
		if (needsLookups) {
			const managers = await remote.listCompanyManagers();
			for (const manager of managers) {
				if (manager.user_email && manager.user_id) lookups.managers.set(String(manager.user_email).toLowerCase(), String(manager.user_id));
			}
			// Remote lists departments per company; the company id comes with the managers.
			const companyId = managers.map((m) => m.company_id).find((id) => typeof id === 'string' && id);
			for (const department of companyId ? await remote.listDepartments(String(companyId)) : []) {
				if (department.name && department.id)
					lookups.departments.set(String(department.name).trim().toLowerCase(), { id: String(department.id), name: String(department.name) });
			}
		}

		// 3. Match everyone; an employment claimed by two people is never written (M2).
		const matches = new Map<Entry, MatchResult>();
		const claims = new Map<string, Entry[]>();
		for (const entry of entries) {
			const match = matchPerson(entry.person!, index);
			matches.set(entry, match);
			if (match.kind === 'match') claims.set(match.employment.id, [...(claims.get(match.employment.id) ?? []), entry]);
		}
		for (const [employmentId, claimants] of claims) {
			if (claimants.length < 2) continue;
			for (const entry of claimants) {
				output[entry.itemIndex] = {
					json: {
						hibobId: entry.person!.hibobId,
						name: entry.person!.fullName,
						remoteEmploymentId: employmentId,
						kind: entry.person!.kind,
						outcome: 'skipped',
						reason: 'ambiguous_match',
						message: `The Remote employment ${employmentId} matches ${claimants.length} HiBob people (${claimants.map((c) => c.person!.hibobId).join(', ')}); nothing was written.`,
						changes: [],
						heldBack: [],
					},
					pairedItem: { item: entry.itemIndex },
				};
			}
		}
		const live = entries.filter((entry) => !output[entry.itemIndex]);

		// 4. SSN and salary are read here, straight from HiBob, only for the people who need them.
		let sensitive: Map<string, SensitiveValues> | undefined;
		const wantsSensitive = live.some((e) => {
			const match = matches.get(e)!;
			const family = match.kind === 'match' ? statusFamily(match.employment.status) : match.kind === 'none' ? 'new' : 'none';
			const ssn = planOptions.syncSsn && e.person!.countryCode === 'USA' && (family === 'new' || family === 'not_started');
			const salary =
				planOptions.syncSalary &&
				e.person!.kind === 'global_payroll_employee' &&
				(family === 'new' || family === 'not_started' || family === 'active');
			return ssn || salary;
		});
		if (wantsSensitive) sensitive = await readSensitive(ctx, live.map((e) => e.person!.hibobId), staticData);

		// The legal entity a global payroll create names: the node option, else the one an existing
		// global payroll employment of that country was engaged by (read once per country).
		const legalEntities = new Map<string, string | null>();
		const legalEntityFor = async (country: string): Promise<string | null> => {
			const option = typeof options.gpLegalEntityId === 'string' ? options.gpLegalEntityId.trim() : '';
			if (option) return option;
			if (!legalEntities.has(country)) {
				let found: string | null = null;
				const candidates = employments.filter(
					(e) => e.type === 'global_payroll_employee' && e.country?.code === country && e.status !== 'deleted',
				);
				for (const candidate of candidates.slice(0, 3)) {
					const full = (await remote.getEmployment(candidate.id)) as IDataObject;
					if (typeof full.engaged_by_legal_entity_id === 'string' && full.engaged_by_legal_entity_id) {
						found = full.engaged_by_legal_entity_id;
						break;
					}
				}
				legalEntities.set(country, found);
			}
			return legalEntities.get(country)!;
		};

		// 5. Plan, fetching what a plan asks for (once per country form / per employment).
		const schemaCache = new Map<string, unknown>();
		const schemaFailures = new Map<string, string>();
		for (const entry of live) {
			const person = entry.person!;
			const input: PlanInput = {
				person,
				match: matches.get(entry)!,
				options: planOptions,
				lookups,
				sensitive: sensitive?.get(person.hibobId),
			};
			entry.input = input;
			const match = input.match;
			if (match.kind === 'match') {
				entry.fp = personFingerprint(fpKey, person, match.employment.id, match.employment.status, input.sensitive, lookups);
				const stored = remembered[person.hibobId];
				if (!fullRecheck && stored) {
					if (stored === entry.fp) input.remembered = { heldBack: [] };
					else if (typeof stored === 'object' && stored.f === entry.fp) input.remembered = { heldBack: stored.h ?? [] };
				}
			}
			try {
				for (let guard = 0; guard < 8; guard++) {
					const step = planEmployee(input);
					if (step.done) {
						entry.plan = step.plan;
						break;
					}
					if (step.needs === 'legalEntity') {
						input.legalEntityId = await legalEntityFor(step.country);
					} else if (step.needs === 'detail' && step.part === 'contractAmendments') {
						// Only for the employments that would get an amendment (U6, never twice).
						input.contractAmendments = await remote.listContractAmendments(step.employmentId);
					} else if (step.needs === 'detail') {
						input.detail = (await remote.getEmployment(step.employmentId)) as FullEmployment;
					} else {
						const schemas: Record<string, unknown> = {};
						for (const form of step.forms) {
							const key = `${step.country}/${form}`;
							if (schemaFailures.has(key)) throw new NodeOperationError(ctx.getNode(), schemaFailures.get(key)!);
							if (!schemaCache.has(key)) {
								try {
									// The contract_amendment form is asked for with an employment; it is read once per country.
									const employmentId = form === CONTRACT_AMENDMENT_FORM ? step.employmentId : undefined;
									const schema = await remote.getCountryForm(step.country, form, employmentId);
									schemaCache.set(key, schema);
									// The form's own hints (money inputs, "tax id" titles) widen what is masked (R1).
									for (const name of sensitiveKeysOfSchema(schema)) remote.sensitiveKeys.add(name);
								} catch (error) {
									const message =
										(error as { httpCode?: string }).httpCode === '404'
											? `Remote has no ${form} form for ${step.country}: the country may not be supported for this kind of employment.`
											: apiMessage(error);
									schemaFailures.set(key, message);
									throw new NodeOperationError(ctx.getNode(), message);
								}
							}
							schemas[form] = schemaCache.get(key);
						}
						input.schemas = { ...input.schemas, ...schemas };
					}
				}
				if (!entry.plan) throw new NodeOperationError(ctx.getNode(), 'The plan did not settle.');
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

		// 6. Write (unless dry run), one person at a time; a failure stays with that person (R2).
		const run: RunState = { contractorUpdatesRefused: false };
		for (const entry of live) {
			const plan = entry.plan!;
			if (!dryRun && plan.actions.length) {
				try {
					await applyPlan(remote, plan, entry.person!, run);
				} catch (error) {
					// Only the create itself throws: nothing was created.
					const e = error as { httpCode?: string };
					plan.outcome = 'failed';
					plan.reason = e.httpCode === '422' || e.httpCode === '409' ? 'remote_refused' : 'remote_api_error';
					plan.message = apiMessage(error);
					plan.changes = [];
				}
			}
			if (!dryRun) {
				// Remember who is in sync (except for what cannot be written), so the next run need not
				// read their employment again. A submitted or pending contract amendment is re-checked.
				const heldOnly = plan.outcome === 'skipped' && plan.heldBack.length > 0 && REMEMBERABLE_HELD.has(plan.reason);
				const settled =
					(plan.outcome === 'unchanged' || plan.outcome === 'updated' || plan.outcome === 'created' || heldOnly) &&
					!plan.reason.startsWith('contract_amendment') &&
					plan.heldBack.every((h) => REMEMBERABLE_HELD.has(h.reason));
				const fp =
					plan.outcome === 'created' && plan.remoteEmploymentId
						? personFingerprint(fpKey, entry.person!, plan.remoteEmploymentId, 'created', entry.input?.sensitive, lookups)
						: entry.fp;
				if (settled && fp) {
					remembered[plan.hibobId] = plan.heldBack.length
						? { f: fp, h: maskDeep(plan.heldBack, remote.sensitiveKeys).map((h) => ({ field: h.field, reason: h.reason, from: h.from ?? null, to: h.to ?? null })) }
						: fp;
				} else delete remembered[plan.hibobId];
			}
			output[entry.itemIndex] = {
				json: shapeOutput(plan, dryRun, entry.person!.fullName, remote.sensitiveKeys),
				pairedItem: { item: entry.itemIndex },
			};
		}
	}
	if (!dryRun) {
		staticData.employeeFingerprints = remembered;
		if (fullRecheck) staticData.lastFullRecheckAt = new Date().toISOString();
	}

	const results = output.filter((o): o is INodeExecutionData => !!o);
	if (dryRun) for (const result of results) result.json.dryRun = true;
	if (options.summary === true) {
		const summary = summarise(results.map((r) => ({ outcome: r.json.outcome as never, reason: String(r.json.reason) })));
		results.push({
			json: {
				summary: true,
				dryRun,
				...summary,
				needsAttention: results
					.filter((r) => needsAHuman(String(r.json.outcome), String(r.json.reason)))
					.map((r) => ({ hibobId: r.json.hibobId, name: r.json.name ?? null, outcome: r.json.outcome, reason: r.json.reason, message: r.json.message })),
				apiCalls: remote.stats.calls,
				retries: remote.stats.retries,
			},
			pairedItem: items.map((_, item) => ({ item })),
		});
	}
	return keepOutput(options.output, results, (json) => needsAHuman(String(json.outcome), String(json.reason)));
}

/** Reasons that need nobody to act: they report a fact or a wait that resolves by itself. */
const NO_ACTION_REASONS = new Set([
	'created',
	'created_incomplete',
	'updated',
	'in_sync',
	'not_flagged_for_sync',
	'not_updatable_via_api',
	'onboarding_in_progress',
	'contract_amendment_submitted',
	'contract_amendment_pending',
	'employment_not_active',
]);

/** Whether a result belongs in the summary's list of people someone has to look at. */
function needsAHuman(outcome: string, reason: string): boolean {
	return outcome === 'failed' || !NO_ACTION_REASONS.has(reason);
}

type RememberedEntry = string | { f: string; h?: HeldBackField[] };

/** The remembered entries of this version (keyed fingerprints); anything else is dropped. */
function currentEntries(value: unknown): Record<string, RememberedEntry> {
	const out: Record<string, RememberedEntry> = {};
	if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
	for (const [id, entry] of Object.entries(value as Record<string, unknown>)) {
		if (isFingerprint(entry)) out[id] = entry as string;
		else if (entry && typeof entry === 'object' && isFingerprint((entry as { f?: unknown }).f)) out[id] = entry as RememberedEntry;
	}
	return out;
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

/** Held-back reasons that stay true while nothing they depend on changes (they are in the fingerprint). */
const REMEMBERABLE_HELD = new Set([
	'needs_contract_amendment',
	'not_updatable_via_api',
	'supervisor_not_a_remote_manager',
	'department_not_in_remote',
	// The status is in the fingerprint: once onboarding ends, the person is read again.
	'onboarding_in_progress',
]);

/**
 * What must stay the same for a person's last result to still hold: their HiBob values, the
 * employment, and the Remote manager and department their supervisor and department resolve to.
 */
function personFingerprint(
	key: Buffer,
	person: Person,
	employmentId: string,
	status: unknown,
	sensitive: SensitiveValues | undefined,
	lookups: Lookups,
): string {
	const { warnings: _w, missingFields: _m, raw: _r, ...values } = person;
	const manager = person.supervisorEmail ? lookups.managers.get(person.supervisorEmail.toLowerCase()) ?? null : null;
	const department = person.department ? lookups.departments.get(person.department.trim().toLowerCase())?.id ?? null : null;
	return fingerprint(key, { values, employmentId, status: status ?? null, sensitive: sensitive ?? null, manager, department });
}

function shapeOutput(plan: Plan, dryRun: boolean, name: string | null, sensitiveKeys: ReadonlySet<string>): IDataObject {
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

/** What a run learns while writing. */
interface RunState {
	/** Remote refused to update a contractor (documented: not supported via the API). */
	contractorUpdatesRefused: boolean;
}

const CONTRACTOR_MESSAGE = "Remote's API does not update contractors (Remote: \"currently not supported\"); change these in Remote";

/**
 * The interpreter of a plan's actions. The create comes first; if it fails, it throws (nothing was
 * created). Every later action stands alone: one that Remote refuses moves its changes to what was
 * held back (with the reason), and the others still go through.
 */
async function applyPlan(remote: RemoteClient, plan: Plan, person: Person, run: RunState): Promise<void> {
	let id = plan.remoteEmploymentId ?? undefined;
	const done: EmployeeAction[] = [];
	const problems: Array<{ action: EmployeeAction; reason: string; message: string }> = [];
	for (const action of plan.actions) {
		const body = actionBody(action) as IDataObject;
		if (action.type === 'create') {
			const loginEmail = ((body.basic_information as IDataObject)?.email as string) ?? person.personalEmail ?? person.workEmail;
			// R6: before re-sending a create whose answer was lost, look for what it may have created.
			const recover = async () => {
				const found = loginEmail ? await remote.listEmployments({ email: loginEmail }) : [];
				return found.find((e) => String(e.external_id ?? '') === person.hibobId);
			};
			const created = await remote.createEmployment(body, recover);
			id = String(created.id);
			plan.remoteEmploymentId = id;
			done.push(action);
			continue;
		}
		if (!id) break;
		if (person.kind === 'contractor' && run.contractorUpdatesRefused && action.type !== 'submitAmendment') {
			problems.push({ action, reason: 'not_updatable_via_api', message: CONTRACTOR_MESSAGE });
			continue;
		}
		try {
			if (action.type === 'submitAmendment') {
				// R6: the plan saw no pending amendment, so a pending one found after a lost answer is this one.
				const employmentId = String(body.employment_id);
				const recover = async () => (await remote.listContractAmendments(employmentId)).find((a) => isPendingAmendment(a));
				const amendment = await remote.createContractAmendment(body, recover);
				if (amendment?.id) plan.message += ` Remote's amendment request: ${String(amendment.id)}.`;
			} else if (action.type === 'setDepartment') await remote.updateEmploymentV2(id, body);
			else await remote.updateEmployment(id, body);
			done.push(action);
		} catch (error) {
			const code = Number((error as { httpCode?: string }).httpCode);
			if (person.kind === 'contractor' && action.type !== 'submitAmendment' && [400, 403, 405, 409, 422].includes(code)) {
				// Documented: Remote's API does not update contractors. Reported, never re-sent every run.
				run.contractorUpdatesRefused = true;
				problems.push({ action, reason: 'not_updatable_via_api', message: `${CONTRACTOR_MESSAGE} (Remote: ${apiMessage(error)})` });
			} else {
				problems.push({ action, reason: code === 422 || code === 409 ? 'remote_refused' : 'remote_api_error', message: apiMessage(error) });
			}
		}
	}
	if (!problems.length) return;

	// What was not written is held back, with the reason; what was written stays reported.
	const notWritten = new Set(problems.map((p) => p.action));
	plan.changes = done.flatMap((a) => a.changes);
	for (const problem of problems) {
		const changes = problem.action.changes.length ? problem.action.changes : [{ field: problem.action.type, from: null, to: null }];
		plan.heldBack.push(...changes.map((c) => ({ field: c.field, reason: problem.reason, from: c.from, to: c.to })));
	}
	const details = [...new Set(problems.map((p) => p.message))].join('; ');
	const fieldsOf = (actions: EmployeeAction[]) => actions.flatMap((a) => a.changes.map((c) => c.field)).join(', ');
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
 * Whether this run reads every matched employment in full instead of trusting the in-sync memory:
 * always with "Re-Check Every Employment", else when the last full re-check (a run that wrote its
 * results; the first run is one) is at least "Full Re-Check Every (Hours)" ago. 0 hours: never.
 */
function isFullRecheckDue(ctx: IExecuteFunctions, options: IDataObject, staticData: IDataObject): boolean {
	if (options.recheckAll === true) return true;
	const hours = options.fullRecheckHours === undefined || options.fullRecheckHours === '' ? DEFAULT_FULL_RECHECK_HOURS : Number(options.fullRecheckHours);
	if (!Number.isFinite(hours) || hours < 0) {
		throw new NodeOperationError(ctx.getNode(), `"Full Re-Check Every (Hours)" must be 0 or more, not "${String(options.fullRecheckHours)}"`, {
			description: 'Set it to 24 (the default) for a daily re-check of every employment, or 0 to re-check only people who changed in HiBob.',
		});
	}
	if (hours === 0) return false;
	const last = typeof staticData.lastFullRecheckAt === 'string' ? Date.parse(staticData.lastFullRecheckAt) : NaN;
	return !(Date.now() - last < hours * 3600_000);
}

/** One HiBob search with only the sensitive fields; values stay inside this node. */
async function readSensitive(
	ctx: IExecuteFunctions,
	hibobIds: string[],
	staticData: IDataObject,
): Promise<Map<string, SensitiveValues> | undefined> {
	try {
		await ctx.getCredentials('hiBobApi');
	} catch {
		return undefined;
	}
	const hibob = new HibobClient(ctx);
	// The field ids (resolved through HiBob's metadata, S4) are kept for a day: one call less per run.
	const cached = staticData.sensitiveFieldIds as { at?: number; ids?: Record<string, string> } | undefined;
	let ids = cached?.ids;
	if (!ids || typeof cached?.at !== 'number' || Date.now() - cached.at > 24 * 3600_000) {
		ids = resolveFields(metadataList(await hibob.getFields()), SENSITIVE_LOGICAL_FIELDS).ids;
		staticData.sensitiveFieldIds = { at: Date.now(), ids };
	}
	const wanted = new Set(hibobIds);
	const records = await hibob.searchPeople({ fields: ['root.id', ...Object.values(ids)], showInactive: true });
	const out = new Map<string, SensitiveValues>();
	for (const record of records) {
		const id = String(record.id ?? '');
		if (!wanted.has(id)) continue;
		const ssn = readField(record, ids.ssn);
		const yearly = readField(record, ids.yearlyPayment) ?? readField(record, ids.basePayment);
		const payPeriod = readField(record, ids.payPeriod);
		let yearlySalary: SensitiveValues['yearlySalary'] = null;
		if (yearly && typeof yearly === 'object' && typeof (yearly as IDataObject).value === 'number') {
			yearlySalary = { value: (yearly as IDataObject).value as number, currency: ((yearly as IDataObject).currency as string) ?? null };
		} else if (typeof yearly === 'number') yearlySalary = { value: yearly };
		out.set(id, {
			ssn: typeof ssn === 'string' && /^\d{3}-?\d{2}-?\d{4}$/.test(ssn.trim()) ? ssn.trim() : null,
			yearlySalary,
			payPeriod: typeof payPeriod === 'string' ? payPeriod : null,
		});
	}
	return out;
}

/**
 * The shipped template (templates/hibob-to-remote-sync.json) and the few choices a user makes after
 * importing it. The e2e test and the demo import the file itself; the only differences from the file are
 * what a user picks or types in the editor:
 *  - the credential of every HiBob and Remote node (the credential picker writes `{id, name}`),
 *  - the approver of both Remote Time Off nodes (a list loaded from Remote),
 *  - the Webhook Secret of the HiBob Trigger (pasted from Bob's webhook settings),
 *  - later, the dryRun switch in "Sync Settings" (changed on the server, the way the editor saves it).
 * Nodes are found by type (and, for triggers, by the names the template gives them), never by position.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { PACKAGE_NAME, projectRoot, rest, type Session } from './n8n';

export const TEMPLATE_FILE = path.join('templates', 'hibob-to-remote-sync.json');

/** Trigger names the template uses (the e2e test checks they exist). */
export const TRIGGERS = {
	manualSync: 'Manual sync',
	hourly: 'Every hour',
	setup: 'Setup: run once',
} as const;

export const SETTINGS_NODE = 'Sync Settings';

/** Node types with a trigger() or poll() method (n8n-workflow's getStartNode picks the first in the list). */
const STARTABLE = new Set([
	'n8n-nodes-base.manualTrigger',
	'n8n-nodes-base.scheduleTrigger',
	`${PACKAGE_NAME}.hiBobPollTrigger`,
]);

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, any>;
	credentials?: Record<string, { id: string | null; name: string }>;
	webhookId?: string;
	[key: string]: unknown;
}

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: string; index: number }> | null> }
	>;
	settings?: Record<string, unknown>;
	meta?: Record<string, unknown>;
	[key: string]: unknown;
}

export function templatePath(root = projectRoot()): string {
	return path.join(root, TEMPLATE_FILE);
}

/** The template exactly as shipped (a fresh copy on every call). */
export function loadTemplate(root = projectRoot()): WorkflowJson {
	return JSON.parse(fs.readFileSync(templatePath(root), 'utf8')) as WorkflowJson;
}

export const typeOf = (name: string) => `${PACKAGE_NAME}.${name}`;

export function nodesOfType(wf: WorkflowJson, type: string): WorkflowNode[] {
	return wf.nodes.filter((n) => n.type === type);
}

/** The one node of a type; throws when there is none or more than one. */
export function onlyNode(wf: WorkflowJson, type: string): WorkflowNode {
	const found = nodesOfType(wf, type);
	if (found.length !== 1)
		throw new Error(`the template has ${found.length} nodes of type ${type}, expected 1`);
	return found[0];
}

export function nodeNamed(wf: WorkflowJson, name: string): WorkflowNode {
	const node = wf.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`the template has no node "${name}"`);
	return node;
}

export interface UserSetup {
	hibobCredential: { id: string; name: string };
	remoteCredential: { id: string; name: string };
	/** Remote company-manager user id picked in both Remote Time Off nodes (from the loaded list). */
	approverId?: string;
	/** Bob's webhook secret, pasted into the HiBob Trigger. */
	webhookSecret?: string;
	/** The Remote legal entity of global payroll hires, pasted into Remote Upsert Employee's options. */
	gpLegalEntityId?: string;
	/**
	 * The Output option of the sync nodes that ship with one (the template ships "changes": only people
	 * and requests that moved or need someone). 'all' lists everyone, as a user does to see every result.
	 */
	output?: 'all' | 'changes';
}

/**
 * The template with the user's setup choices applied, and nothing else changed. Returns the workflow and a
 * list of what was set, for the log.
 */
export function applyUserSetup(
	template: WorkflowJson,
	setup: UserSetup,
): { workflow: WorkflowJson; changes: string[] } {
	const wf = JSON.parse(JSON.stringify(template)) as WorkflowJson;
	const changes: string[] = [];
	for (const node of wf.nodes) {
		for (const type of Object.keys(node.credentials ?? {})) {
			const pick =
				type === 'hiBobApi'
					? setup.hibobCredential
					: type === 'remoteApi'
						? setup.remoteCredential
						: undefined;
			if (!pick)
				throw new Error(`node "${node.name}" wants a ${type} credential; the setup has none`);
			node.credentials![type] = { id: pick.id, name: pick.name };
			changes.push(`"${node.name}": ${type} credential → ${pick.name}`);
		}
	}
	if (setup.approverId !== undefined) {
		for (const node of nodesOfType(wf, typeOf('remoteTimeOff'))) {
			node.parameters.approverId = setup.approverId;
			changes.push(`"${node.name}": approver → ${setup.approverId}`);
		}
	}
	if (setup.gpLegalEntityId !== undefined) {
		for (const node of nodesOfType(wf, typeOf('remoteUpsertEmployee'))) {
			node.parameters.options = {
				...(node.parameters.options ?? {}),
				gpLegalEntityId: setup.gpLegalEntityId,
			};
			changes.push(`"${node.name}": Global Payroll Legal Entity ID → ${setup.gpLegalEntityId}`);
		}
	}
	if (setup.output !== undefined) {
		for (const node of [
			...nodesOfType(wf, typeOf('remoteUpsertEmployee')),
			...nodesOfType(wf, typeOf('remoteTimeOff')),
		]) {
			if (node.parameters.options?.output === undefined) continue;
			node.parameters.options = { ...node.parameters.options, output: setup.output };
			changes.push(
				`"${node.name}": Output → ${setup.output === 'all' ? 'Everything' : 'Changes and Problems Only'}`,
			);
		}
	}
	// The template ships without a webhookId; n8n's editor gives every imported node whose type has
	// webhooks a fresh one (n8n-editor-ui 2.40: `nodeType.webhooks?.length && !node.webhookId` → a UUID),
	// so each install has its own webhook path. `n8n import:workflow` does not, so do what the editor does.
	for (const node of [
		...nodesOfType(wf, typeOf('hiBobTrigger')),
		...nodesOfType(wf, typeOf('remoteTrigger')),
	]) {
		if (node.webhookId === undefined) {
			node.webhookId = randomUUID();
			changes.push(`"${node.name}": webhookId → a new one (as the editor assigns on import)`);
		}
	}
	if (setup.webhookSecret !== undefined) {
		for (const node of nodesOfType(wf, typeOf('hiBobTrigger'))) {
			node.parameters.secret = setup.webhookSecret;
			// Shipped off; the user turns it on once the secret is in (the template's note says so).
			delete node.disabled;
			changes.push(`"${node.name}": Webhook Secret → (set), turned on`);
		}
	}
	return { workflow: wf, changes };
}

/** The dryRun assignment of "Sync Settings": the one switch. */
export function dryRunAssignment(wf: WorkflowJson): { name: string; value: unknown; type: string } {
	const settings = nodeNamed(wf, SETTINGS_NODE);
	const a = (settings.parameters.assignments?.assignments ?? []).find(
		(x: { name: string }) => x.name === 'dryRun',
	);
	if (!a) throw new Error(`"${SETTINGS_NODE}" has no dryRun field`);
	return a;
}

/**
 * Flip the dry-run switch the way the editor does: read the saved workflow, change the one field in
 * "Sync Settings", save it with `PATCH /rest/workflows/<id>` (the editor's save). Returns the new versionId.
 */
export async function setDryRun(
	session: Session,
	workflowId: string,
	value: boolean,
): Promise<string> {
	const saved = (await rest(session, 'GET', `/rest/workflows/${workflowId}`)) as WorkflowJson & {
		versionId: string;
	};
	dryRunAssignment(saved).value = value;
	const updated = await rest(session, 'PATCH', `/rest/workflows/${workflowId}`, {
		versionId: saved.versionId,
		name: saved.name,
		nodes: saved.nodes,
		connections: saved.connections,
		settings: saved.settings,
	});
	const check = dryRunAssignment(updated as WorkflowJson).value;
	if (check !== value)
		throw new Error(`dryRun is ${JSON.stringify(check)} after saving, expected ${value}`);
	return (updated as { versionId: string }).versionId;
}

/**
 * Go live the way the editor does: dryRun = false and "Every hour" turned on (it ships off, so that the
 * editor's run button starts from Manual sync), saved with `PATCH /rest/workflows/<id>`.
 */
export async function goLive(session: Session, workflowId: string): Promise<string> {
	await setDryRun(session, workflowId, false);
	const saved = (await rest(session, 'GET', `/rest/workflows/${workflowId}`)) as WorkflowJson & {
		versionId: string;
	};
	delete nodeNamed(saved, TRIGGERS.hourly).disabled;
	const updated = (await rest(session, 'PATCH', `/rest/workflows/${workflowId}`, {
		versionId: saved.versionId,
		name: saved.name,
		nodes: saved.nodes,
		connections: saved.connections,
		settings: saved.settings,
	})) as WorkflowJson & { versionId: string };
	if (nodeNamed(updated, TRIGGERS.hourly).disabled)
		throw new Error(`"${TRIGGERS.hourly}" is still off after saving`);
	return updated.versionId;
}

export interface TemplateIssue {
	ok: boolean;
	what: string;
	detail?: string;
}

/**
 * Static checks of the shipped file against what the running n8n registered (types and versions), plus
 * the template conventions (placeholders, no Code node, settings switch, sticky notes, connections).
 */
export function checkTemplate(
	wf: WorkflowJson,
	registered: Array<{ name: string; version: number | number[] }>,
): TemplateIssue[] {
	const out: TemplateIssue[] = [];
	// /types/nodes.json lists a versioned node once per description (e.g. Set v1-2 and v3-3.4): union them
	const versions = new Map<string, number[]>();
	for (const t of registered)
		versions.set(t.name, [
			...(versions.get(t.name) ?? []),
			...(Array.isArray(t.version) ? t.version : [t.version]),
		]);
	const names = new Set(wf.nodes.map((n) => n.name));
	out.push({ ok: names.size === wf.nodes.length, what: 'node names are unique' });
	for (const node of wf.nodes) {
		const known = versions.get(node.type);
		out.push({
			ok: !!known && known.includes(node.typeVersion),
			what: `"${node.name}": ${node.type} v${node.typeVersion} is registered`,
			detail: known ? `n8n has v${known.join(', v')}` : 'type not registered',
		});
	}
	// Issue 16: scheduled full syncs keep n8n's execution history small by default.
	for (const node of [
		...nodesOfType(wf, typeOf('remoteUpsertEmployee')),
		...nodesOfType(wf, typeOf('remoteTimeOff')).filter((n) => n.parameters.mode === 'reconcile'),
	])
		out.push({
			ok: node.parameters.options?.output === 'changes',
			what: `"${node.name}": ships with Output "Changes and Problems Only" (the summary still counts everyone)`,
		});
	// Issue 16: the Upsert reads the people itself, so n8n stores no copy of everyone with each run.
	for (const node of nodesOfType(wf, typeOf('remoteUpsertEmployee')))
		out.push({
			ok:
				node.parameters.people === 'hibob' &&
				/employeeId/.test(String(node.parameters.person ?? '')) &&
				node.credentials?.hiBobApi !== undefined,
			what: `"${node.name}": People "Read From HiBob" (everyone, or the webhook event's person), with the HiBob credential`,
		});
	const ours = wf.nodes.filter((n) => n.type.startsWith(`${PACKAGE_NAME}.`));
	out.push({
		ok:
			ours.length > 0 &&
			wf.nodes.every(
				(n) => n.type.startsWith('n8n-nodes-base.') || n.type.startsWith(`${PACKAGE_NAME}.`),
			),
		what: `node types are n8n-nodes-base.* or ${PACKAGE_NAME}.* (no CUSTOM.*)`,
	});
	out.push({
		ok: !wf.nodes.some((n) => /\.(code|function|functionItem)$/.test(n.type)),
		what: 'no Code node (task runners)',
	});
	const placeholders = wf.nodes.flatMap((n) => Object.values(n.credentials ?? {}));
	out.push({
		ok:
			placeholders.length > 0 &&
			placeholders.every((c) => c.id === '' && typeof c.name === 'string' && c.name !== ''),
		what: 'credentials are placeholders ({id: "", name}) for the user to pick',
	});
	out.push({
		ok: wf.meta?.templateCredsSetupCompleted === false,
		what: 'meta.templateCredsSetupCompleted is false',
	});
	out.push({
		ok: wf.meta?.instanceId === undefined && wf.id === undefined,
		what: 'no instance id or workflow id in the file',
	});
	const trigger = nodesOfType(wf, typeOf('hiBobTrigger'));
	out.push({
		ok:
			trigger.length === 1 &&
			trigger[0].parameters.secret === '' &&
			trigger[0].webhookId === undefined,
		what: 'HiBob Trigger: secret empty, no fixed webhookId (n8n gives each import its own webhook path)',
	});
	const remoteTriggers = nodesOfType(wf, typeOf('remoteTrigger'));
	out.push({
		ok: remoteTriggers.every((n) => n.webhookId === undefined),
		what: 'Remote Trigger: no fixed webhookId',
	});
	out.push({
		ok: (wf.settings as { executionOrder?: string })?.executionOrder === 'v1',
		what: 'settings.executionOrder is v1',
	});
	try {
		const dry = dryRunAssignment(wf);
		out.push({
			ok: dry.type === 'boolean' && dry.value === true,
			what: 'Sync Settings.dryRun ships as true',
		});
	} catch (e) {
		out.push({ ok: false, what: 'Sync Settings.dryRun exists', detail: e.message });
	}
	const readers = [
		...nodesOfType(wf, typeOf('remoteUpsertEmployee')),
		...nodesOfType(wf, typeOf('remoteTimeOff')),
	];
	out.push({
		ok:
			readers.length === 3 &&
			readers.every((n) =>
				String(n.parameters.options?.dryRun ?? '').includes(`$('${SETTINGS_NODE}')`),
			),
		what: 'the three write nodes read dryRun from Sync Settings',
	});
	out.push({
		ok: readers.every((n) => n.parameters.options?.summary === true),
		what: 'the write nodes output a summary item',
	});
	// T8: the schedule and Manual sync reconcile time off; only the webhook lane syncs single requests.
	const reconcile = reconcileNode(wf);
	const fromRoute = (wf.connections['Route by event']?.main ?? []).flat().map((l) => l?.node);
	out.push({
		ok:
			!!reconcile &&
			reconcile.credentials?.hiBobApi !== undefined &&
			fromRoute.includes(reconcile.name),
		what: 'time off on the schedule and Manual sync: a Remote Time Off node in Reconcile With HiBob mode (with a HiBob credential)',
	});
	out.push({
		ok:
			!wf.nodes.some(
				(n) => n.type === typeOf('hiBob') && n.parameters.operation === 'getChanges',
			) && !JSON.stringify(wf).includes('timeOffLookbackDays'),
		what: 'no changes-feed window (timeOffLookbackDays) in the full sync',
	});
	for (const t of Object.values(TRIGGERS))
		out.push({ ok: names.has(t), what: `trigger "${t}" exists` });
	// `n8n execute --id` (2.40.7) starts at Workflow.getStartNode(): the first node in the list whose type
	// has a trigger() or poll() method (Manual and Schedule Trigger do; a webhook trigger does not).
	const firstTrigger = wf.nodes.find((n) => STARTABLE.has(n.type));
	out.push({
		ok: firstTrigger?.name === TRIGGERS.manualSync,
		what: `"${TRIGGERS.manualSync}" is the first trigger/poll node in the list (where \`n8n execute --id\` starts)`,
		detail: firstTrigger?.name,
	});
	// n8n's editor preselects the run button's trigger by type (form, webhook, community triggers, schedule,
	// then manual): with the schedule and the HiBob webhook off until the user turns them on, a newcomer's
	// first click starts from Manual sync (checked in a real browser by the e2e test).
	const onTriggers = wf.nodes.filter(
		(n) =>
			!n.disabled &&
			(STARTABLE.has(n.type) ||
				n.type === typeOf('hiBobTrigger') ||
				n.type === typeOf('remoteTrigger')) &&
			n.type !== 'n8n-nodes-base.manualTrigger',
	);
	out.push({
		ok: onTriggers.length === 0,
		what: `"${TRIGGERS.hourly}", the HiBob webhook and the Remote webhook ship turned off (the editor's run button starts from "${TRIGGERS.manualSync}")`,
		detail: onTriggers.map((n) => n.name).join(', ') || undefined,
	});
	out.push(...setupLaneIssues(wf));
	const sticky = wf.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote');
	out.push({
		ok: sticky.length >= 5,
		what: 'sticky notes explain the setup and each lane',
		detail: `${sticky.length} notes`,
	});
	let danglingConnection: string | undefined;
	for (const [from, c] of Object.entries(wf.connections)) {
		if (!names.has(from)) danglingConnection = from;
		for (const out2 of c.main ?? [])
			for (const link of out2 ?? []) if (!names.has(link.node)) danglingConnection = link.node;
	}
	out.push({
		ok: !danglingConnection,
		what: 'connections name existing nodes',
		detail: danglingConnection,
	});
	return out;
}

/** The HiBob Setup node of an operation, if the template has one. */
function setupNode(wf: WorkflowJson, operation: string): WorkflowNode | undefined {
	return wf.nodes.find(
		(n) =>
			n.type === typeOf('hiBob') &&
			n.parameters.resource === 'setup' &&
			n.parameters.operation === operation,
	);
}

const linked = (wf: WorkflowJson, from: WorkflowNode | undefined, to: WorkflowNode | undefined) =>
	!!from &&
	!!to &&
	(wf.connections[from.name]?.main ?? []).some((outs) =>
		(outs ?? []).some((link) => link.node === to.name),
	);

/**
 * The Setup lane: "Setup: run once" → Create Sync to Remote Field → Check Permissions → Check API
 * Compatibility (HiBob and Remote, read-only).
 */
export function setupLaneIssues(wf: WorkflowJson): TemplateIssue[] {
	const trigger = wf.nodes.find((n) => n.name === TRIGGERS.setup);
	const field = setupNode(wf, 'createSyncField');
	const permissions = setupNode(wf, 'checkPermissions');
	const compatibility = setupNode(wf, 'checkCompatibility');
	return [
		{
			ok: linked(wf, trigger, field),
			what: `setup lane: "${TRIGGERS.setup}" → Create Sync to Remote Field`,
		},
		{
			ok: linked(wf, field, permissions),
			what: 'setup lane: Create Sync to Remote Field → Check Permissions',
		},
		{
			ok: linked(wf, permissions, compatibility),
			what: 'setup lane: Check Permissions → Check API Compatibility',
		},
		{
			ok:
				compatibility?.parameters.checkRemote === true &&
				!!compatibility?.credentials?.remoteApi &&
				!!compatibility?.credentials?.hiBobApi,
			what: 'setup lane: Check API Compatibility checks Remote too (both credentials)',
		},
	];
}

/** The run's lanes, as the editor would see them after a manual run from a trigger. */
export function employeeNodes(wf: WorkflowJson): {
	/** HiBob → Get Employees before the Upsert, when People is "From Input Items". */
	read?: string;
	upsert: string;
	summary: string;
} {
	const upsert = onlyNode(wf, typeOf('remoteUpsertEmployee')).name;
	const read = wf.nodes.find(
		(n) => n.type === typeOf('hiBob') && n.parameters.resource === 'employee',
	)?.name;
	return { read, upsert, summary: downstreamSet(wf, upsert) };
}

/** The Remote Time Off node that reconciles (the schedule and Manual sync lane, T8). */
export function reconcileNode(wf: WorkflowJson): WorkflowNode | undefined {
	return nodesOfType(wf, typeOf('remoteTimeOff')).find((n) => n.parameters.mode === 'reconcile');
}

/** The time-off lane: the HiBob reads, the Remote Time Off nodes (reconcile first) and the summary. */
export function timeOffNodes(wf: WorkflowJson): {
	reads: string[];
	syncs: string[];
	summary: string;
} {
	const all = nodesOfType(wf, typeOf('remoteTimeOff'));
	const syncs = [
		...all.filter((n) => n.parameters.mode === 'reconcile'),
		...all.filter((n) => n.parameters.mode !== 'reconcile'),
	].map((n) => n.name);
	const reads = wf.nodes
		.filter((n) => n.type === typeOf('hiBob') && n.parameters.resource === 'timeOff')
		.map((n) => n.name);
	return { reads, syncs, summary: downstreamSet(wf, syncs[0]) };
}

/** The first Set node downstream of `from` (the lane's readable run summary). */
function downstreamSet(wf: WorkflowJson, from: string): string {
	const seen = new Set<string>();
	const queue = [from];
	while (queue.length) {
		const name = queue.shift()!;
		for (const outs of wf.connections[name]?.main ?? []) {
			for (const link of outs ?? []) {
				if (seen.has(link.node)) continue;
				seen.add(link.node);
				const node = nodeNamed(wf, link.node);
				if (node.type === 'n8n-nodes-base.set') return node.name;
				queue.push(link.node);
			}
		}
	}
	throw new Error(`no Set node after "${from}"`);
}

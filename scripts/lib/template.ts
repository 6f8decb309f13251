/**
 * The shipped template (templates/hibob-to-remote-sync.json) and the few choices a user makes after
 * importing it. The e2e test and the demo import the file itself; the only differences from the file are
 * what a user picks or types in the editor:
 *  - the credential of every HiBob and Remote node (the credential picker writes `{id, name}`),
 *  - the approver of "Remote: Sync time off" (a list loaded from Remote),
 *  - the Webhook Secret of the HiBob Trigger (pasted from Bob's webhook settings),
 *  - later, the dryRun switch in "Sync Settings" (changed on the server, the way the editor saves it).
 * Nodes are found by type (and, for triggers, by the names the template gives them), never by position.
 */
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
	connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }> | null> }>;
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
	if (found.length !== 1) throw new Error(`the template has ${found.length} nodes of type ${type}, expected 1`);
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
	/** Remote company-manager user id picked in "Remote: Sync time off" (from the loaded list). */
	approverId?: string;
	/** Bob's webhook secret, pasted into the HiBob Trigger. */
	webhookSecret?: string;
}

/**
 * The template with the user's setup choices applied, and nothing else changed. Returns the workflow and a
 * list of what was set, for the log.
 */
export function applyUserSetup(template: WorkflowJson, setup: UserSetup): { workflow: WorkflowJson; changes: string[] } {
	const wf = JSON.parse(JSON.stringify(template)) as WorkflowJson;
	const changes: string[] = [];
	for (const node of wf.nodes) {
		for (const type of Object.keys(node.credentials ?? {})) {
			const pick = type === 'hiBobApi' ? setup.hibobCredential : type === 'remoteApi' ? setup.remoteCredential : undefined;
			if (!pick) throw new Error(`node "${node.name}" wants a ${type} credential; the setup has none`);
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
	if (setup.webhookSecret !== undefined) {
		for (const node of nodesOfType(wf, typeOf('hiBobTrigger'))) {
			node.parameters.secret = setup.webhookSecret;
			changes.push(`"${node.name}": Webhook Secret → (set)`);
		}
	}
	return { workflow: wf, changes };
}

/** The dryRun assignment of "Sync Settings": the one switch. */
export function dryRunAssignment(wf: WorkflowJson): { name: string; value: unknown; type: string } {
	const settings = nodeNamed(wf, SETTINGS_NODE);
	const a = (settings.parameters.assignments?.assignments ?? []).find((x: { name: string }) => x.name === 'dryRun');
	if (!a) throw new Error(`"${SETTINGS_NODE}" has no dryRun field`);
	return a;
}

/**
 * Flip the dry-run switch the way the editor does: read the saved workflow, change the one field in
 * "Sync Settings", save it with `PATCH /rest/workflows/<id>` (the editor's save). Returns the new versionId.
 */
export async function setDryRun(session: Session, workflowId: string, value: boolean): Promise<string> {
	const saved = (await rest(session, 'GET', `/rest/workflows/${workflowId}`)) as WorkflowJson & { versionId: string };
	dryRunAssignment(saved).value = value;
	const updated = await rest(session, 'PATCH', `/rest/workflows/${workflowId}`, {
		versionId: saved.versionId,
		name: saved.name,
		nodes: saved.nodes,
		connections: saved.connections,
		settings: saved.settings,
	});
	const check = dryRunAssignment(updated as WorkflowJson).value;
	if (check !== value) throw new Error(`dryRun is ${JSON.stringify(check)} after saving, expected ${value}`);
	return (updated as { versionId: string }).versionId;
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
	for (const t of registered) versions.set(t.name, [...(versions.get(t.name) ?? []), ...(Array.isArray(t.version) ? t.version : [t.version])]);
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
	const ours = wf.nodes.filter((n) => n.type.startsWith(`${PACKAGE_NAME}.`));
	out.push({
		ok: ours.length > 0 && wf.nodes.every((n) => n.type.startsWith('n8n-nodes-base.') || n.type.startsWith(`${PACKAGE_NAME}.`)),
		what: `node types are n8n-nodes-base.* or ${PACKAGE_NAME}.* (no CUSTOM.*)`,
	});
	out.push({ ok: !wf.nodes.some((n) => /\.(code|function|functionItem)$/.test(n.type)), what: 'no Code node (task runners)' });
	const placeholders = wf.nodes.flatMap((n) => Object.values(n.credentials ?? {}));
	out.push({
		ok: placeholders.length > 0 && placeholders.every((c) => c.id === '' && typeof c.name === 'string' && c.name !== ''),
		what: 'credentials are placeholders ({id: "", name}) for the user to pick',
	});
	out.push({ ok: wf.meta?.templateCredsSetupCompleted === false, what: 'meta.templateCredsSetupCompleted is false' });
	out.push({ ok: wf.meta?.instanceId === undefined && wf.id === undefined, what: 'no instance id or workflow id in the file' });
	const trigger = nodesOfType(wf, typeOf('hiBobTrigger'));
	out.push({
		ok: trigger.length === 1 && trigger[0].parameters.secret === '' && typeof trigger[0].webhookId === 'string',
		what: 'HiBob Trigger: secret empty, webhookId set',
	});
	out.push({ ok: (wf.settings as { executionOrder?: string })?.executionOrder === 'v1', what: 'settings.executionOrder is v1' });
	try {
		const dry = dryRunAssignment(wf);
		out.push({ ok: dry.type === 'boolean' && dry.value === true, what: 'Sync Settings.dryRun ships as true' });
	} catch (e) {
		out.push({ ok: false, what: 'Sync Settings.dryRun exists', detail: e.message });
	}
	const readers = [...nodesOfType(wf, typeOf('remoteUpsertEmployee')), ...nodesOfType(wf, typeOf('remoteTimeOff'))];
	out.push({
		ok: readers.length === 2 && readers.every((n) => String(n.parameters.options?.dryRun ?? '').includes(`$('${SETTINGS_NODE}')`)),
		what: 'both write nodes read dryRun from Sync Settings',
	});
	out.push({
		ok: readers.every((n) => n.parameters.options?.summary === true),
		what: 'both write nodes output a summary item',
	});
	for (const t of Object.values(TRIGGERS)) out.push({ ok: names.has(t), what: `trigger "${t}" exists` });
	// `n8n execute --id` (2.40.7) starts at Workflow.getStartNode(): the first node in the list whose type
	// has a trigger() or poll() method (Manual and Schedule Trigger do; a webhook trigger does not).
	const firstTrigger = wf.nodes.find((n) => STARTABLE.has(n.type));
	out.push({
		ok: firstTrigger?.name === TRIGGERS.manualSync,
		what: `"${TRIGGERS.manualSync}" is the first trigger/poll node in the list (where \`n8n execute --id\` starts)`,
		detail: firstTrigger?.name,
	});
	out.push(...setupLaneIssues(wf));
	const sticky = wf.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote');
	out.push({ ok: sticky.length >= 5, what: 'sticky notes explain the setup and each lane', detail: `${sticky.length} notes` });
	let danglingConnection: string | undefined;
	for (const [from, c] of Object.entries(wf.connections)) {
		if (!names.has(from)) danglingConnection = from;
		for (const out2 of c.main ?? []) for (const link of out2 ?? []) if (!names.has(link.node)) danglingConnection = link.node;
	}
	out.push({ ok: !danglingConnection, what: 'connections name existing nodes', detail: danglingConnection });
	return out;
}

/** The HiBob Setup node of an operation, if the template has one. */
function setupNode(wf: WorkflowJson, operation: string): WorkflowNode | undefined {
	return wf.nodes.find((n) => n.type === typeOf('hiBob') && n.parameters.resource === 'setup' && n.parameters.operation === operation);
}

const linked = (wf: WorkflowJson, from: WorkflowNode | undefined, to: WorkflowNode | undefined) =>
	!!from && !!to && (wf.connections[from.name]?.main ?? []).some((outs) => (outs ?? []).some((link) => link.node === to.name));

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
		{ ok: linked(wf, trigger, field), what: `setup lane: "${TRIGGERS.setup}" → Create Sync to Remote Field` },
		{ ok: linked(wf, field, permissions), what: 'setup lane: Create Sync to Remote Field → Check Permissions' },
		{ ok: linked(wf, permissions, compatibility), what: 'setup lane: Check Permissions → Check API Compatibility' },
		{
			ok: compatibility?.parameters.checkRemote === true && !!compatibility?.credentials?.remoteApi && !!compatibility?.credentials?.hiBobApi,
			what: 'setup lane: Check API Compatibility checks Remote too (both credentials)',
		},
	];
}

/** The run's lanes, as the editor would see them after a manual run from a trigger. */
export function employeeNodes(wf: WorkflowJson): { read: string; upsert: string; summary: string } {
	const upsert = onlyNode(wf, typeOf('remoteUpsertEmployee')).name;
	const read = wf.nodes.find((n) => n.type === typeOf('hiBob') && n.parameters.resource === 'employee')!.name;
	return { read, upsert, summary: downstreamSet(wf, upsert) };
}

export function timeOffNodes(wf: WorkflowJson): { reads: string[]; sync: string; summary: string } {
	const sync = onlyNode(wf, typeOf('remoteTimeOff')).name;
	const reads = wf.nodes.filter((n) => n.type === typeOf('hiBob') && n.parameters.resource === 'timeOff').map((n) => n.name);
	return { reads, sync, summary: downstreamSet(wf, sync) };
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

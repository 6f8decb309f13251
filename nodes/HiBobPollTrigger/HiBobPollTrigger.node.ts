import { DateTime } from 'luxon';
import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { fingerprintKey } from '../shared/core/fingerprint';
import { HiBobClient, oldestChangesSince } from '../shared/transport/hibob';
import type { PersonChangeItem } from './pollHelpers';
import {
	diffPeople,
	personDisplayName,
	personEmail,
	personId,
	storedFingerprints,
	timeoffItem,
	timeoffKey,
	WATCHED_FIELDS,
} from './pollHelpers';
import { findSyncFieldPath } from '../shared/core/hibobFields';

/** HiBob refuses `since` more than six months back (oldestChangesSince); stay a few minutes inside that. */
const CLAMP_MARGIN_MINUTES = 5;
/** Each poll re-reads this much before the cursor, in case HiBob records a change a little late. */
const OVERLAP_MS = 2 * 60 * 1000;
/** A long catch-up is read in windows of this size, so a poll can stop between two of them. */
const WINDOW_DAYS = 30;
/** Stop starting new requests once this share of the poll budget is used. */
const BUDGET_SHARE = 0.8;
const MAX_RECENT_KEYS = 5000;

type RecentKeys = Array<[string, number]>;

function readRecent(value: unknown): RecentKeys {
	if (!Array.isArray(value)) return [];
	return value.filter(
		(entry): entry is [string, number] =>
			Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number',
	);
}

function isoMs(ms: number): string {
	return DateTime.fromMillis(ms, { zone: 'utc' }).toISO() as string;
}

async function pollEmployees(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const nodeName = this.getNode().name;
	const manual = this.getMode() === 'manual';
	const staticData = this.getWorkflowStaticData('node');
	const client = new HiBobClient(this);

	const fields = [...WATCHED_FIELDS];
	const syncField = findSyncFieldPath(await client.getFields());
	if (syncField) fields.push(syncField);
	else {
		this.logger.warn(
			`HiBob Poll Trigger "${nodeName}": HiBob has no field named "Sync to Remote"; changes to it cannot be watched. Create it with the HiBob node's setup operation.`,
		);
	}
	const people = await client.searchPeople({ fields, showInactive: true });

	const previous = storedFingerprints(staticData.fp);
	// Keyed with the HiBob token (never stored here): a rotated token reports everyone as changed once.
	const key = fingerprintKey('poll', (await this.getCredentials('hiBobApi')).token);
	const { items, fingerprints } = diffPeople(previous ?? {}, people, key);

	if (manual) {
		// "Fetch Test Event": show one item and leave the baseline where it is.
		if (previous && items.length) return [this.helpers.returnJsonArray([items[0]])];
		const first = people.find((person) => personId(person) !== undefined);
		if (!first) return null;
		const sample: PersonChangeItem = {
			change: previous ? 'sample' : 'created',
			employeeId: personId(first) as string,
			email: personEmail(first),
			displayName: personDisplayName(first),
		};
		return [this.helpers.returnJsonArray([sample])];
	}

	if (!previous) {
		staticData.fp = fingerprints;
		const emitAll = this.getNodeParameter('emitOnFirstPoll', false) as boolean;
		this.logger.debug(
			`HiBob Poll Trigger "${nodeName}": baseline of ${Object.keys(fingerprints).length} people stored`,
		);
		return emitAll && items.length ? [this.helpers.returnJsonArray(items)] : null;
	}

	if (people.length === 0 && Object.keys(previous).length > 0) {
		// An empty answer for a company that had people is far more likely a permission change in
		// HiBob than everyone leaving at once: keep the baseline and report nothing.
		this.logger.warn(
			`HiBob Poll Trigger "${nodeName}": HiBob returned nobody; the service user may have lost access. Nothing is reported as gone.`,
		);
		return null;
	}

	staticData.fp = fingerprints;
	this.logger.debug(
		`HiBob Poll Trigger "${nodeName}": ${items.length} people changed since the last poll`,
	);
	return items.length ? [this.helpers.returnJsonArray(items)] : null;
}

async function pollTimeOff(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const nodeName = this.getNode().name;
	const manual = this.getMode() === 'manual';
	const staticData = this.getWorkflowStaticData('node');
	const client = new HiBobClient(this);
	const includePending = this.getNodeParameter('includePending', false) as boolean;
	const lookbackDays = Number(this.getNodeParameter('lookbackDays', 1));

	const startedMs = Date.now();
	const budgetMs = this.getPollBudgetMs?.() ?? 5 * 60 * 1000;
	const oldestMs = oldestChangesSince(DateTime.fromMillis(startedMs, { zone: 'utc' }))
		.plus({ minutes: CLAMP_MARGIN_MINUTES })
		.toMillis();

	const cursorMs = typeof staticData.cursor === 'string' ? Date.parse(staticData.cursor) : NaN;
	let sinceMs = Number.isFinite(cursorMs)
		? cursorMs - OVERLAP_MS
		: startedMs -
			Math.max(0, Number.isFinite(lookbackDays) ? lookbackDays : 1) * 24 * 60 * 60 * 1000;
	if (sinceMs < oldestMs) {
		this.logger.warn(
			`HiBob Poll Trigger "${nodeName}": HiBob keeps time-off changes for six months only; reading from ${isoMs(oldestMs)} instead of ${isoMs(sinceMs)}`,
		);
		sinceMs = oldestMs;
	}
	if (sinceMs > startedMs) sinceMs = startedMs;

	const recent = readRecent(staticData.recent).filter(([, seenMs]) => seenMs >= sinceMs);
	const known = new Set(recent.map(([key]) => key));
	const changes: IDataObject[] = [];
	let reachedMs = sinceMs;
	while (reachedMs < startedMs) {
		if (reachedMs > sinceMs && Date.now() - startedMs > budgetMs * BUDGET_SHARE) {
			this.logger.info(
				`HiBob Poll Trigger "${nodeName}": poll time nearly used up; continuing from ${isoMs(reachedMs)} next poll`,
			);
			break;
		}
		const windowEnd = Math.min(startedMs, reachedMs + WINDOW_DAYS * 24 * 60 * 60 * 1000);
		const page = await client.getTimeoffChanges(isoMs(reachedMs), isoMs(windowEnd), includePending);
		for (const change of page) {
			const key = timeoffKey(change);
			if (known.has(key)) continue;
			known.add(key);
			recent.push([key, windowEnd]);
			changes.push(change);
		}
		reachedMs = windowEnd;
		if (manual && changes.length) break;
	}

	if (manual) {
		// "Fetch Test Event": the latest change, and the cursor stays where it is.
		const latest = changes[changes.length - 1];
		return latest ? [this.helpers.returnJsonArray([timeoffItem(latest)])] : null;
	}

	staticData.cursor = isoMs(reachedMs);
	staticData.recent = recent.slice(-MAX_RECENT_KEYS);
	this.logger.debug(`HiBob Poll Trigger "${nodeName}": ${changes.length} time-off changes`);
	return changes.length ? [this.helpers.returnJsonArray(changes.map(timeoffItem))] : null;
}

export class HiBobPollTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HiBob Poll Trigger',
		name: 'hiBobPollTrigger',
		icon: { light: 'file:../../icons/hibob.svg', dark: 'file:../../icons/hibob.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["watch"] === "timeOff" ? "Time-off changes" : "Employee changes"}}',
		description:
			'Checks HiBob on a schedule and starts the workflow for people who were added, changed or removed, or for new time-off changes',
		defaults: {
			name: 'HiBob Poll Trigger',
		},
		credentials: [
			{
				name: 'hiBobApi',
				required: true,
			},
		],
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Watch',
				name: 'watch',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Employees',
						value: 'employees',
						description:
							'People added, changed (in a field the sync uses, or "Sync to Remote") or removed since the last check',
					},
					{
						name: 'Time Off',
						value: 'timeOff',
						description: 'Time-off requests created, cancelled or deleted since the last check',
					},
				],
				default: 'employees',
			},
			{
				displayName: 'Emit Everyone on First Poll',
				name: 'emitOnFirstPoll',
				type: 'boolean',
				default: false,
				description:
					'Whether the first check after activation reports everyone as created. Off: the first check only remembers who is there.',
				displayOptions: { show: { watch: ['employees'] } },
			},
			{
				displayName: 'Look Back on First Poll (Days)',
				name: 'lookbackDays',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 180, numberPrecision: 2 },
				default: 1,
				description:
					'How far back the first check after activation reads time-off changes. HiBob keeps them for six months at most.',
				displayOptions: { show: { watch: ['timeOff'] } },
			},
			{
				displayName: 'Include Pending Requests',
				name: 'includePending',
				type: 'boolean',
				default: false,
				description: 'Whether requests still waiting for approval are reported too',
				displayOptions: { show: { watch: ['timeOff'] } },
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const watch = this.getNodeParameter('watch', 'employees') as string;
		if (watch === 'timeOff') return await pollTimeOff.call(this);
		return await pollEmployees.call(this);
	}
}

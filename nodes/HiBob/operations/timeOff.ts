/**
 * HiBob time-off reads (resource `timeOff`): the changes feed, one request, and the approved
 * requests from today (or 1 January) onward. Every operation returns one item per request in the
 * `TimeOffRequest` shape (nodes/shared/core/hibobTimeoff.ts), ready for the Remote Time Off node.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { DateTime } from 'luxon';
import type { TimeOffRequest } from '../../shared/core/hibobTimeoff';
import {
	collectTimeOff as collect,
	mergeTimeOff,
	normaliseTimeOff,
} from '../../shared/core/hibobTimeoff';
import { idProblem } from '../../shared/core/ids';
import { resolveTimezone, timezoneOption } from '../../shared/nodeOptions';
import { todayIn } from '../../shared/core/today';
import { asNodeError } from '../../shared/nodeErrors';
import { HiBobClient, oldestChangesSince } from '../../shared/transport/hibob';

export const timeOffOperations: INodePropertyOptions[] = [
	{
		name: 'Get Approved Time Off',
		value: 'getApproved',
		action: 'Get approved time off',
		description:
			'Read every approved request from today (or 1 January) onward, one item per request: the full picture to reconcile Remote with',
	},
	{
		name: 'Get Time Off Changes',
		value: 'getChanges',
		action: 'Get time off changes',
		description:
			'Read the requests created, cancelled or deleted since a time (at most 6 months back), one item per request',
	},
	{
		name: 'Get Time Off Request',
		value: 'getRequest',
		action: 'Get a time off request',
		description: 'Read one request, e.g. the one a HiBob Trigger event names',
	},
];

const show = (operation: string[]) => ({ show: { resource: ['timeOff'], operation } });

export const timeOffFields: INodeProperties[] = [
	// ---- getChanges -----------------------------------------------------------------------------
	{
		displayName: 'Changed Since',
		name: 'since',
		type: 'dateTime',
		default: '',
		description:
			'Read the changes made after this time. Leave empty for the last 24 hours. HiBob keeps 6 months of changes: an older time is moved to 6 months ago (the output says so).',
		displayOptions: show(['getChanges']),
	},
	{
		displayName: 'Options',
		name: 'changesOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show(['getChanges']),
		options: [
			{
				displayName: 'Add Approval Details',
				name: 'fetchDetails',
				type: 'boolean',
				default: true,
				description:
					'Whether to read the details of each newly approved request this year (approval time, and the request it replaces when it was changed). One extra HiBob call per such request.',
			},
			{
				displayName: 'Changed Until',
				name: 'to',
				type: 'dateTime',
				default: '',
				description:
					'Read the changes made up to this time (at most 6 months after "Changed Since"). Leave empty for now.',
			},
			{
				displayName: 'Include Pending Requests',
				name: 'includePending',
				type: 'boolean',
				default: false,
				description:
					'Whether to include requests still waiting for approval (they are never synced to Remote)',
			},
		],
	},
	// ---- getRequest ------------------------------------------------------------------------------
	{
		displayName: 'Employee ID',
		name: 'employeeId',
		type: 'string',
		required: true,
		default: '={{ $json.employeeId }}',
		placeholder: 'e.g. 3332883884017713938',
		description:
			'The HiBob employee ID of the person who asked for the time off. The default takes it from the incoming item (e.g. a HiBob Trigger event).',
		displayOptions: show(['getRequest']),
	},
	{
		displayName: 'Request ID',
		name: 'requestId',
		type: 'string',
		required: true,
		default: '={{ $json.requestId }}',
		placeholder: 'e.g. 1234567',
		description:
			'The HiBob time-off request ID. The default takes it from the incoming item (e.g. a HiBob Trigger event).',
		displayOptions: show(['getRequest']),
	},
	// ---- getApproved -----------------------------------------------------------------------------
	{
		displayName: 'Options',
		name: 'approvedOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show(['getApproved']),
		options: [
			{
				displayName: 'Days Ahead',
				name: 'windowDays',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 730 },
				default: 365,
				description: 'How far ahead of today to look for approved requests',
			},
			{
				displayName: 'Include Hourly Requests',
				name: 'includeHourly',
				type: 'boolean',
				default: true,
				description: 'Whether to include requests made in hours',
			},
			{
				displayName: 'Include Requests Since 1 January',
				name: 'includeSinceJanuary',
				type: 'boolean',
				default: false,
				description:
					'Whether to start at 1 January of this year instead of today (use the same setting in the Remote Time Off node)',
			},
			timezoneOption(''),
		],
	},
];

/** The most HiBob lets `since` (and the since..to window) reach: 6 months. */
const MAX_MONTHS = 6;

function outputOf(
	request: TimeOffRequest,
	itemIndex: number,
	extra: IDataObject = {},
): INodeExecutionData {
	return {
		json: { ...(request as unknown as IDataObject), ...extra },
		pairedItem: { item: itemIndex },
	};
}

function invalidOutput(
	reason: string,
	row: unknown,
	itemIndex: number,
	extra: IDataObject = {},
): INodeExecutionData {
	return {
		json: {
			valid: false,
			outcome: 'skipped',
			reason: 'invalid_request',
			message: reason,
			hibobRow: row as IDataObject,
			...extra,
		},
		pairedItem: { item: itemIndex },
	};
}

/** A request whose ids cannot go into a HiBob path: skipped with `invalid_id` (nothing was requested). */
function invalidIdOutput(
	problem: string,
	ids: { employeeId: string; requestId: string },
	itemIndex: number,
): INodeExecutionData {
	return {
		json: {
			valid: false,
			outcome: 'skipped',
			reason: 'invalid_id',
			message: `Not requested from HiBob: ${problem}.`,
			...ids,
		},
		pairedItem: { item: itemIndex },
	};
}

/** The zone of dates entered without an offset: the workflow's, as n8n's date fields are. */
function workflowZone(ctx: IExecuteFunctions): string {
	const zone = ctx.getTimezone();
	return DateTime.local().setZone(zone).isValid ? zone : 'UTC';
}

/** A dateTime parameter (ISO, with or without offset; without: the workflow's timezone). */
function parseTime(value: unknown, zone: string): DateTime | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (value instanceof Date) return DateTime.fromJSDate(value);
	const parsed = DateTime.fromISO(String(value), { zone, setZone: true });
	return parsed.isValid ? parsed : undefined;
}

/** `getChanges`: the changes feed, one item per request (its latest state in the feed). */
async function getChanges(
	this: IExecuteFunctions,
	client: HiBobClient,
): Promise<INodeExecutionData[]> {
	const zone = workflowZone(this);
	const options = this.getNodeParameter('changesOptions', 0, {}) as IDataObject;
	const now = DateTime.utc();
	const limit = oldestChangesSince(now).plus({ minutes: 1 });
	const notices: string[] = [];
	const sinceParam = this.getNodeParameter('since', 0, '');
	let since = parseTime(sinceParam, zone);
	if (sinceParam && !since) {
		throw new NodeOperationError(
			this.getNode(),
			`"Changed Since" is not a date and time: "${String(sinceParam)}"`,
			{
				description: 'Pick a date and time, or leave the field empty for the last 24 hours.',
			},
		);
	}
	since = since ?? now.minus({ days: 1 });
	if (since < limit) {
		notices.push(
			`HiBob keeps 6 months of changes: "Changed Since" ${since.toUTC().toISO()} was moved to ${limit.toISO()}.`,
		);
		since = limit;
	}
	let to = parseTime(options.to, zone);
	if (options.to && !to) {
		throw new NodeOperationError(
			this.getNode(),
			`"Changed Until" is not a date and time: "${String(options.to)}"`,
		);
	}
	if (to && to < since) {
		throw new NodeOperationError(this.getNode(), '"Changed Until" is before "Changed Since"', {
			description: 'Pick a later "Changed Until", or leave it empty for now.',
		});
	}
	if (to && to > since.plus({ months: MAX_MONTHS })) {
		const clamped = since.plus({ months: MAX_MONTHS }).minus({ minutes: 1 });
		notices.push(
			`HiBob reads at most 6 months at once: "Changed Until" was moved to ${clamped.toUTC().toISO()}.`,
		);
		to = clamped;
	}
	const rows = await client.getTimeoffChanges(
		since.toUTC().toISO() as string,
		to ? (to.toUTC().toISO() as string) : undefined,
		options.includePending === true,
	);
	const { requests, invalid } = collect(rows);

	// Details only where they add something: newly approved requests of this year that lack the
	// approval time (T7) or may replace an older request (T4). Cancelled, deleted and pending rows,
	// and requests before 1 January, never need them.
	const fetchDetails = options.fetchDetails !== false;
	const yearStart = `${now.setZone(zone).year}-01-01`;
	const enriched: Array<{ request: TimeOffRequest; notice?: string }> = [];
	const badIds: INodeExecutionData[] = [];
	let detailCalls = 0;
	for (const request of requests) {
		if (
			!fetchDetails ||
			request.status !== 'approved' ||
			request.startDate < yearStart ||
			request.approvedAt
		) {
			enriched.push({ request });
			continue;
		}
		const problem =
			idProblem('hibobEmployee', request.employeeId) ??
			idProblem('hibobRequest', request.requestId);
		if (problem) {
			badIds.push(
				invalidIdOutput(
					problem,
					{ employeeId: request.employeeId, requestId: request.requestId },
					0,
				),
			);
			continue;
		}
		detailCalls++;
		const details = await client.getTimeoffRequest(request.employeeId, request.requestId);
		if (!details) {
			enriched.push({
				request: { ...request, status: 'deleted' },
				notice: `HiBob no longer has request ${request.requestId}: it is reported as deleted.`,
			});
			continue;
		}
		const normalised = normaliseTimeOff({
			...details,
			employeeId: details.employeeId ?? request.employeeId,
			requestId: details.requestId ?? request.requestId,
		});
		enriched.push({ request: normalised.ok ? mergeTimeOff(request, normalised.request) : request });
	}

	const withNotice = (own?: string): IDataObject => {
		const all = [...notices, ...(own ? [own] : [])];
		return all.length ? { notice: all.join(' ') } : {};
	};
	const output = enriched.map(({ request, notice }) => outputOf(request, 0, withNotice(notice)));
	for (const { reason, row } of invalid) output.push(invalidOutput(reason, row, 0, withNotice()));
	output.push(...badIds);
	this.logger.debug('HiBob time-off changes read', {
		rows: rows.length,
		requests: requests.length,
		detailCalls,
	});
	return output;
}

/** `getRequest`: one request per input item (a missing request reads as deleted). */
async function getRequest(
	this: IExecuteFunctions,
	client: HiBobClient,
): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const employeeId = String(this.getNodeParameter('employeeId', i, '') ?? '').trim();
			const requestId = String(this.getNodeParameter('requestId', i, '') ?? '').trim();
			if (!employeeId || !requestId) {
				throw new NodeOperationError(this.getNode(), 'Employee ID and Request ID are both needed', {
					itemIndex: i,
					description:
						'Map them from the incoming item, e.g. {{ $json.employeeId }} and {{ $json.requestId }} of a HiBob Trigger event.',
				});
			}
			// Ids go into the request's path: one that is not an id is this item's reason, nothing is sent.
			const problem =
				idProblem('hibobEmployee', employeeId) ?? idProblem('hibobRequest', requestId);
			if (problem) {
				output.push(invalidIdOutput(problem, { employeeId, requestId }, i));
				continue;
			}
			const details = await client.getTimeoffRequest(employeeId, requestId);
			if (!details) {
				// HiBob answers 404 for a request that was deleted: the Remote side cancels its copy (T4).
				const gone = normaliseTimeOff({ requestId, employeeId, status: 'deleted' });
				if (gone.ok)
					output.push(
						outputOf(gone.request, i, {
							notice: `HiBob has no request ${requestId} for employee ${employeeId}: reported as deleted.`,
						}),
					);
				continue;
			}
			const normalised = normaliseTimeOff({
				...details,
				employeeId: details.employeeId ?? employeeId,
				requestId: details.requestId ?? requestId,
			});
			output.push(
				normalised.ok
					? outputOf(normalised.request, i)
					: invalidOutput(normalised.reason, details, i),
			);
		} catch (error) {
			if (this.continueOnFail()) {
				output.push({
					json: { outcome: 'failed', reason: 'hibob_error', message: (error as Error).message },
					pairedItem: { item: i },
				});
				continue;
			}
			throw asNodeError(this.getNode(), error, i);
		}
	}
	return output;
}

/** `getApproved`: who's out from today (or 1 January) for a window; approved requests starting in it. */
async function getApproved(
	this: IExecuteFunctions,
	client: HiBobClient,
): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('approvedOptions', 0, {}) as IDataObject;
	const zone = resolveTimezone(this.getNode(), options.timezone);
	const today = DateTime.fromISO(todayIn(zone), { zone });
	const from = options.includeSinceJanuary === true ? today.startOf('year') : today;
	const days = Math.max(1, Math.min(730, Math.floor(Number(options.windowDays ?? 365)) || 365));
	const to = today.plus({ days });
	const fromIso = from.toISODate() as string;
	const rows = await client.whosOut(
		fromIso,
		to.toISODate() as string,
		options.includeHourly !== false,
	);
	const { requests, invalid } = collect(rows);
	const output: INodeExecutionData[] = [];
	for (const request of requests) {
		// Who's out lists everything overlapping the window; T2 keeps requests starting in it.
		if (request.status !== 'approved' || request.startDate < fromIso) continue;
		output.push(outputOf(request, 0));
	}
	for (const { reason, row } of invalid) output.push(invalidOutput(reason, row, 0));
	return output;
}

/** Runs a time-off operation of the HiBob node. */
export async function executeTimeOff(
	this: IExecuteFunctions,
	operation: string,
): Promise<INodeExecutionData[]> {
	const client = new HiBobClient(this);
	if (operation === 'getChanges') return getChanges.call(this, client);
	if (operation === 'getRequest') return getRequest.call(this, client);
	if (operation === 'getApproved') return getApproved.call(this, client);
	throw new NodeOperationError(
		this.getNode(),
		`The time-off operation "${operation}" is not known`,
		{
			description: 'Pick one of the operations listed for Time Off.',
		},
	);
}

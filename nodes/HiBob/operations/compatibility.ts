import { DateTime } from 'luxon';
import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type {
	Answer,
	CompatibilityResult,
	FailedRead,
	FormRead,
	HiBobReads,
	Read,
	RemoteReads,
} from '../../shared/core/compatibility';
import {
	checkCompatibility,
	companyIdOf,
	employmentsToRead,
	flaggedPersonOf,
	formsToRead,
	requestToRead,
	syncListIdOf,
} from '../../shared/core/compatibility';
import {
	findSyncField,
	LOGICAL_FIELDS,
	metadataList,
	resolveFields,
} from '../../shared/core/hibobFields';
import { HiBobClient } from '../../shared/transport/hibob';
import { RemoteClient } from '../../shared/transport/remote';

export const compatibilityFields: INodeProperties[] = [
	{
		displayName: 'Check Remote Too',
		name: 'checkRemote',
		type: 'boolean',
		default: true,
		displayOptions: { show: { resource: ['setup'], operation: ['checkCompatibility'] } },
		description:
			'Whether to also check Remote with a Remote API credential (read-only, like the HiBob part)',
	},
];

/**
 * Runs one read. A refusal or failure becomes `{failed, status}` (never the API's message, which
 * may echo values); a configuration mistake (no valid base URL) stops the node.
 */
class Reader {
	/** Set after a 401: nothing more is sent to that API (HiBob blocks a credential after 50 in 10 s). */
	private refused = false;

	constructor(private readonly node: INode) {}

	async read(call: () => Promise<Answer>): Promise<Read> {
		if (this.refused) return undefined;
		try {
			return await call();
		} catch (error) {
			if (error instanceof NodeOperationError) throw new NodeOperationError(this.node, error);
			const status = Number((error as { httpCode?: string }).httpCode);
			if (status === 401) this.refused = true;
			return {
				failed: true,
				...(Number.isFinite(status) && status > 0 ? { status } : {}),
			} as FailedRead;
		}
	}
}

const bodyOf = (read: Read): unknown =>
	read && !(read as FailedRead).failed ? (read as Answer).body : undefined;

async function readHiBob(this: IExecuteFunctions, now: DateTime): Promise<HiBobReads> {
	const client = new HiBobClient(this);
	const reader = new Reader(this.getNode());
	const reads: HiBobReads = {};
	reads.fields = await reader.read(() => client.asSent.fields());
	const fieldsBody = bodyOf(reads.fields);
	const listId = syncListIdOf(fieldsBody);
	if (listId) reads.namedList = await reader.read(() => client.asSent.namedList(listId));
	const fields = metadataList(fieldsBody);
	const syncField = findSyncField(fields);
	// Ids and the sync field of everyone (no personal data is kept), then one flagged person in full.
	reads.peopleIndex = await reader.read(() =>
		client.asSent.searchPeople({
			fields: ['root.id', ...(syncField ? [syncField.id] : [])],
			humanReadable: 'APPEND',
		}),
	);
	const flagged = flaggedPersonOf(bodyOf(reads.peopleIndex), syncField?.id);
	if (flagged) {
		const ids = [
			...new Set([
				...Object.values(resolveFields(fields, LOGICAL_FIELDS).ids),
				...(syncField ? [syncField.id] : []),
			]),
		];
		reads.person = await reader.read(() =>
			client.asSent.searchPeople({
				fields: ids,
				filters: [{ fieldPath: 'root.id', operator: 'equals', values: [flagged] }],
				humanReadable: 'APPEND',
			}),
		);
	}
	reads.changes = await reader.read(() =>
		client.asSent.timeoffChanges(now.minus({ days: 1 }).toISO()!),
	);
	const today = now.toISODate()!;
	reads.whosOut = await reader.read(() =>
		client.asSent.whosOut(today, now.plus({ days: 14 }).toISODate()!),
	);
	const request = requestToRead(bodyOf(reads.changes), bodyOf(reads.whosOut));
	if (request)
		reads.request = await reader.read(() =>
			client.asSent.timeoffRequest(request.employeeId, request.requestId),
		);
	return reads;
}

async function readRemote(this: IExecuteFunctions): Promise<RemoteReads> {
	const client = new RemoteClient(this);
	const reader = new Reader(this.getNode());
	const reads: RemoteReads = { employments_by_type: {}, forms: [] };
	reads.employments = await reader.read(() => client.asSent.employmentsPage());
	const page = bodyOf(reads.employments);
	for (const [type, id] of Object.entries(employmentsToRead(page))) {
		reads.employments_by_type![type] = await reader.read(() => client.asSent.employment(id));
	}
	reads.managers = await reader.read(() => client.asSent.companyManagers());
	const companyId = companyIdOf(bodyOf(reads.managers));
	if (companyId) reads.departments = await reader.read(() => client.asSent.departments(companyId));
	for (const { country, form } of formsToRead(page)) {
		const read: FormRead = {
			country,
			form,
			read: await reader.read(() => client.asSent.countryForm(country, form)),
		};
		reads.forms!.push(read);
	}
	reads.timeoffs = await reader.read(() => client.asSent.timeoffs());
	reads.webhookCallbacks = await reader.read(() => client.asSent.webhookCallbacks());
	return reads;
}

function outputItems(result: CompatibilityResult, checkedRemote: boolean): INodeExecutionData[] {
	const items: INodeExecutionData[] = result.lines.map((line) => ({
		json: {
			...line,
			got: line.got === undefined ? undefined : JSON.stringify(line.got),
		} as unknown as IDataObject,
		pairedItem: { item: 0 },
	}));
	items.push({
		json: {
			summary: true,
			verdict: result.verdict,
			message:
				result.verdict === 'ready'
					? 'Ready: every shape the package relies on is the one it expects.'
					: result.verdict === 'ready with variants'
						? `Ready with variants: ${result.counts.variant} shape(s) use a documented alternative the package handles.`
						: `Not ready: ${result.whatToDo[0] ?? 'see the lines above.'}`,
			whatToDo: result.whatToDo,
			counts: result.counts,
			checkedRemote,
			facts: result.facts as unknown as IDataObject,
			report: result.report,
		},
		pairedItem: { item: 0 },
	});
	return items;
}

/**
 * Setup → Check API Compatibility: read-only calls to HiBob (and Remote), one output item per shape
 * the package relies on, and a summary item with the verdict and a copyable JSON report. Sends no
 * write request at all.
 */
export async function executeCheckCompatibility(
	this: IExecuteFunctions,
): Promise<INodeExecutionData[]> {
	const checkRemote = this.getNodeParameter('checkRemote', 0, true) as boolean;
	if (checkRemote) {
		try {
			await this.getCredentials('remoteApi');
		} catch {
			throw new NodeOperationError(this.getNode(), 'No Remote credential is set', {
				description:
					'Pick (or create) a Remote API credential in this node, or switch off "Check Remote Too" to check HiBob alone.',
			});
		}
	}
	const now = DateTime.utc();
	const hibob = await readHiBob.call(this, now);
	const remote = checkRemote ? await readRemote.call(this) : undefined;
	const result = checkCompatibility({ hibob, remote, checkedAt: now.toISO()! });
	return outputItems(result, checkRemote);
}

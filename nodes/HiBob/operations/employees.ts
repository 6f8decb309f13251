import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { metadataList, resolveFields } from '../../shared/core/hibobFields';
import type { PersonResult } from '../../shared/core/person';
import { markDuplicateEmails, normalisePerson } from '../../shared/core/person';
import { HiBobClient } from '../../shared/transport/hibob';

export const employeeFields: INodeProperties[] = [
	{
		displayName: 'Person',
		name: 'person',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.employeeId }} or jane@example.com',
		description:
			'Leave empty for everyone. A HiBob employee ID or email reads just that person (for example after a HiBob Trigger event).',
		displayOptions: { show: { resource: ['employee'], operation: ['getEmployees'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['employee'], operation: ['getEmployees'] } },
		options: [
			{
				displayName: 'Include Inactive People',
				name: 'includeInactive',
				type: 'boolean',
				default: true,
				description:
					'Whether to include people who are inactive or terminated in HiBob (needed to report people terminated in HiBob but active in Remote)',
			},
			{
				displayName: 'Include Raw HiBob Record',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: 'Whether to add the record as HiBob returned it under "raw"',
			},
			{
				displayName: 'Only People Flagged for Sync',
				name: 'onlyFlagged',
				type: 'boolean',
				default: true,
				description: 'Whether to return only people whose "Sync to Remote" field is set',
			},
		],
	},
];

/** Reads people (everyone in one search, or the people named by the input items). */
export async function executeGetEmployees(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const client = new HiBobClient(this);
	const fields = metadataList(await client.getFields());
	const resolved = resolveFields(fields);
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const onlyFlagged = options.onlyFlagged !== false;
	const includeRaw = options.includeRaw === true;
	const includeInactive = options.includeInactive !== false;
	if (!resolved.syncField && onlyFlagged) {
		throw new NodeOperationError(this.getNode(), 'HiBob has no "Sync to Remote" field', {
			description:
				'Run the HiBob node with Resource "Setup" and Operation "Create Sync to Remote Field" once, then set the field for the people to sync. If the field exists, give the service user the permission to view the Work section.',
		});
	}
	const fieldIds = [
		...new Set([
			...Object.values(resolved.ids),
			...(resolved.syncField ? [resolved.syncField.id] : []),
		]),
	];

	// The people to read: one search for everyone, or one filtered search per named person.
	const requests: Array<{ itemIndex: number; person: string }> = [];
	for (let i = 0; i < items.length; i++) {
		const person = String(this.getNodeParameter('person', i, '') ?? '').trim();
		if (person) requests.push({ itemIndex: i, person });
	}
	const batches: Array<{ itemIndex: number; records: IDataObject[] }> = [];
	if (requests.length === 0) {
		const records = await client.searchPeople({
			fields: fieldIds,
			showInactive: includeInactive,
			humanReadable: 'APPEND',
		});
		batches.push({ itemIndex: 0, records });
	} else {
		for (const { itemIndex, person } of requests) {
			const fieldPath = person.includes('@') ? 'root.email' : 'root.id';
			const records = await client.searchPeople({
				fields: fieldIds,
				showInactive: true,
				humanReadable: 'APPEND',
				filters: [{ fieldPath, operator: 'equals', values: [person] }],
			});
			batches.push({ itemIndex, records });
		}
	}

	let syncListItems: Map<string, string> | undefined;
	let listItems: Record<string, Map<string, string>> | undefined;
	const normaliseAll = () =>
		batches.map((batch) => ({
			itemIndex: batch.itemIndex,
			results: batch.records.map((record) =>
				normalisePerson(record, { fields: resolved, syncListItems, listItems, includeRaw }),
			),
		}));
	let normalised = normaliseAll();
	// E1: labels come with humanReadable; the named lists are read only when values arrived without
	// one (a tenant whose answers leave humanReadable out: every list field the sync reads, once each).
	const unresolved = (r: PersonResult) =>
		r.valid
			? r.warnings.some((w) => w.reason === 'unresolved_list_value')
			: r.reason === 'unresolved_list_value' ||
				(r.reason === 'unknown_sync_kind' && /has no label/.test(r.message));
	const noLabels = batches.some((b) =>
		b.records.some(
			(record) => record && typeof record === 'object' && !('humanReadable' in record),
		),
	);
	if (
		normalised.some((b) => b.results.some(unresolved)) ||
		(noLabels && batches.some((b) => b.records.length))
	) {
		const readList = async (listId: string) => {
			const list = await client.getNamedList(listId);
			const entries = Array.isArray(list?.items) ? (list!.items as IDataObject[]) : [];
			const labels = new Map<string, string>();
			const walk = (nodes: IDataObject[]) => {
				for (const node of nodes) {
					if (node.id !== undefined)
						labels.set(String(node.id), String(node.name ?? node.value ?? ''));
					if (Array.isArray(node.children)) walk(node.children as IDataObject[]);
				}
			};
			walk(entries);
			return labels;
		};
		const byList = new Map<string, Map<string, string>>();
		listItems = {};
		for (const id of fieldIds) {
			const meta = fields.find((f) => f.id === id);
			const listId = meta?.typeData?.listId;
			if (
				listId === undefined ||
				listId === null ||
				!String(meta?.type ?? '')
					.toLowerCase()
					.includes('list')
			)
				continue;
			if (!byList.has(String(listId))) byList.set(String(listId), await readList(String(listId)));
			listItems[id] = byList.get(String(listId))!;
		}
		if (resolved.syncField) syncListItems = listItems[resolved.syncField.id];
		normalised = normaliseAll();
	}

	const output: INodeExecutionData[] = [];
	for (const batch of normalised) {
		const results: PersonResult[] =
			requests.length === 0 ? markDuplicateEmails(batch.results) : batch.results;
		for (const result of results) {
			if (
				onlyFlagged &&
				!result.kind &&
				!(result.valid === false && result.reason === 'unknown_sync_kind')
			)
				continue;
			output.push({
				json: result as unknown as IDataObject,
				pairedItem: { item: batch.itemIndex },
			});
		}
	}
	return output;
}

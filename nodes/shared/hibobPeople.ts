/**
 * Reading people from HiBob, shared by HiBob → Get Employees and by Remote Upsert Employee when it reads
 * the people itself ("People: Read From HiBob"): the field metadata, one search for everyone (or one
 * filtered search per named person), the named lists when labels are missing (E1), and normalising each
 * record. Both nodes return exactly the same person for the same record.
 */
import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { metadataList, resolveFields } from './core/hibobFields';
import type { PersonResult } from './core/person';
import { markDuplicateEmails, normalisePerson } from './core/person';
import { HiBobClient } from './transport/hibob';

export interface PeopleRequest {
	/** The input item that named the person (its pairedItem). */
	itemIndex: number;
	/** A HiBob employee ID or an email. */
	person: string;
}

/** The "Person" field of both nodes that read people: empty for everyone, or one ID or email. */
export function personProperty(
	emptyMeans: string,
	oneMeans: string,
	displayOptions: IDisplayOptions,
): INodeProperties {
	return {
		displayName: 'Person',
		name: 'person',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.employeeId }} or jane@example.com',
		description: `Leave empty for ${emptyMeans}. A HiBob employee ID or email ${oneMeans} just that person (for example after a HiBob Trigger event).`,
		displayOptions,
	};
}

/** The person each input item names in "Person" (items that name nobody are left out). */
export function peopleRequests(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
): PeopleRequest[] {
	const requests: PeopleRequest[] = [];
	for (let i = 0; i < items.length; i++) {
		const person = String(ctx.getNodeParameter('person', i, '') ?? '').trim();
		if (person) requests.push({ itemIndex: i, person });
	}
	return requests;
}

export interface ReadPeopleOptions {
	onlyFlagged: boolean;
	includeRaw: boolean;
	includeInactive: boolean;
}

export interface PersonRead {
	itemIndex: number;
	person: PersonResult;
}

/**
 * The people named by `requests`, or everyone when there is none (paired with input item 0). With
 * `onlyFlagged`, only people whose "Sync to Remote" field is set (or holds an unknown value, reported).
 */
export async function readHiBobPeople(
	ctx: IExecuteFunctions,
	requests: PeopleRequest[],
	options: ReadPeopleOptions,
): Promise<PersonRead[]> {
	const { onlyFlagged, includeRaw, includeInactive } = options;
	const client = new HiBobClient(ctx);
	const fields = metadataList(await client.getFields());
	const resolved = resolveFields(fields);
	if (!resolved.syncField && onlyFlagged) {
		throw new NodeOperationError(ctx.getNode(), 'HiBob has no "Sync to Remote" field', {
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

	const out: PersonRead[] = [];
	for (const batch of normalised) {
		const results: PersonResult[] =
			requests.length === 0 ? markDuplicateEmails(batch.results) : batch.results;
		for (const person of results) {
			if (
				onlyFlagged &&
				!person.kind &&
				!(person.valid === false && person.reason === 'unknown_sync_kind')
			)
				continue;
			out.push({ itemIndex: batch.itemIndex, person });
		}
	}
	return out;
}

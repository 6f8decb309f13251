/**
 * Reading people from HiBob, shared by HiBob → Get Employees and by Remote Upsert Employee when it reads
 * the people itself ("People: Read From HiBob"): the field metadata, one search for everyone (or, with
 * "Read HiBob in Batches", everyone's ID first and then the flagged people in batches; or one filtered
 * search per named person), the named lists when labels are missing (E1), and normalising each record.
 * Both nodes return exactly the same person for the same record.
 */
import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { metadataList, readField, resolveFields } from './core/hibobFields';
import type { PersonResult } from './core/person';
import { markDuplicateEmails, normalisePerson, recordEmails } from './core/person';
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
	/** "Read HiBob in Batches": everyone's ID first, then the flagged people this many at a time. */
	batchSize?: number;
}

/** People per search when "Read HiBob in Batches" is on. */
export const PEOPLE_BATCH_SIZE = 1000;

/**
 * "Read HiBob in Batches" (off by default: R4's one search for everyone). HiBob's people search answers
 * every matching person at once; for large companies HiBob's docs advise reading the IDs first and then
 * the people in batches with a `root.id` filter. Each batch is turned into people before the next is
 * read, so n8n holds one batch of HiBob's answer at a time instead of all of it (10,000 people: about
 * 15 MB of JSON in one answer).
 */
export const batchesOption: INodeProperties = {
	displayName: 'Read HiBob in Batches',
	name: 'hibobBatches',
	type: 'boolean',
	default: false,
	description: `Whether to read HiBob's people ${PEOPLE_BATCH_SIZE.toLocaleString('en-US')} at a time, as HiBob advises for large companies: everyone's ID and "Sync to Remote" value first, then only the flagged people. Lowers n8n's memory peak for thousands of people; costs one more people search per ${PEOPLE_BATCH_SIZE.toLocaleString('en-US')} flagged people (HiBob allows 50 a minute). Used when everyone is read and only flagged people are kept.`,
};

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

	// E1: labels come with humanReadable; the named lists are read only when values arrived without
	// one (a tenant whose answers leave humanReadable out: every list field the sync reads, once each).
	let lists: { sync?: Map<string, string>; byField?: Record<string, Map<string, string>> } = {};
	let listsRead = false;
	const unresolved = (r: PersonResult) =>
		r.valid
			? r.warnings.some((w) => w.reason === 'unresolved_list_value')
			: r.reason === 'unresolved_list_value' ||
				(r.reason === 'unknown_sync_kind' && /has no label/.test(r.message));
	const noLabel = (record: IDataObject) =>
		!!record && typeof record === 'object' && !('humanReadable' in record);
	/** One answer's records as people; the named lists are read (once) when labels are missing. */
	const normalise = async (records: IDataObject[]): Promise<PersonResult[]> => {
		const each = () =>
			records.map((record) =>
				normalisePerson(record, {
					fields: resolved,
					syncListItems: lists.sync,
					listItems: lists.byField,
					includeRaw,
				}),
			);
		let results = each();
		if (!listsRead && (results.some(unresolved) || records.some(noLabel))) {
			lists = await readListLabels(client, fields, fieldIds, resolved.syncField?.id);
			listsRead = true;
			results = each();
		}
		return results;
	};
	/** Everyone, or the people one filter names; leavers with includeInactive (a named person: always). */
	const search = (
		filter?: { fieldPath: string; values: string[] },
		showInactive = filter ? true : includeInactive,
	) =>
		client.searchPeople({
			fields: fieldIds,
			showInactive,
			humanReadable: 'APPEND',
			...(filter ? { filters: [{ ...filter, operator: 'equals' as const }] } : {}),
		});

	const batches: Array<{ itemIndex: number; results: PersonResult[] }> = [];
	if (requests.length === 0 && onlyFlagged && options.batchSize) {
		// Everyone's ID, "Sync to Remote" value and emails; then the flagged people (and unknown values,
		// reported) in full, batch by batch. The emails of the others still count as duplicates.
		const syncId = resolved.syncField!.id;
		const light = await client.searchPeople({
			fields: [...new Set(['root.id', resolved.ids.email, resolved.ids.privateEmail, syncId])],
			showInactive: includeInactive,
		});
		const flagged: string[] = [];
		const others: Array<{ hibobId: string; emails: string[] }> = [];
		for (const record of light) {
			const id = record && typeof record === 'object' ? String(record.id ?? '') : '';
			if (!id) continue;
			const value = readField(record, syncId);
			if (value === null || value === undefined || value === '')
				others.push({ hibobId: id, emails: recordEmails(record, resolved) });
			else flagged.push(id);
		}
		const results: PersonResult[] = [];
		for (let i = 0; i < flagged.length; i += options.batchSize) {
			const batch = { fieldPath: 'root.id', values: flagged.slice(i, i + options.batchSize) };
			for (const person of await normalise(await search(batch, includeInactive)))
				results.push(person);
		}
		batches.push({ itemIndex: 0, results: markDuplicateEmails(results, others) });
	} else if (requests.length === 0) {
		batches.push({ itemIndex: 0, results: markDuplicateEmails(await normalise(await search())) });
	} else {
		for (const { itemIndex, person } of requests) {
			const fieldPath = person.includes('@') ? 'root.email' : 'root.id';
			const records = await search({ fieldPath, values: [person] });
			batches.push({ itemIndex, results: await normalise(records) });
		}
	}

	const out: PersonRead[] = [];
	for (const batch of batches) {
		for (const person of batch.results) {
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

/** E1: item id → label of each list field the sync reads, from HiBob's named lists (each list read once). */
async function readListLabels(
	client: HiBobClient,
	fields: ReturnType<typeof metadataList>,
	fieldIds: string[],
	syncFieldId: string | undefined,
): Promise<{ sync?: Map<string, string>; byField: Record<string, Map<string, string>> }> {
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
	const byField: Record<string, Map<string, string>> = {};
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
		byField[id] = byList.get(String(listId))!;
	}
	return { sync: syncFieldId ? byField[syncFieldId] : undefined, byField };
}

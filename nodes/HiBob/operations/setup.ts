import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { FieldMeta } from '../../shared/core/hibobFields';
import {
	findSyncField,
	hasField,
	LOGICAL_FIELDS,
	metadataList,
	resolveFields,
	SENSITIVE_LOGICAL_FIELDS,
	SYNC_FIELD_ITEMS,
	SYNC_FIELD_NAME,
} from '../../shared/core/hibobFields';
import type { StatusKey } from '../../shared/core/statusWriteBack';
import { fieldPath, findStatusFields, STATUS_FIELDS } from '../../shared/core/statusWriteBack';
import { HiBobClient } from '../../shared/transport/hibob';

function listItems(list: IDataObject | undefined): IDataObject[] {
	const out: IDataObject[] = [];
	const walk = (nodes: unknown) => {
		if (!Array.isArray(nodes)) return;
		for (const node of nodes as IDataObject[]) {
			out.push(node);
			walk(node.children);
		}
	};
	walk(list?.items);
	return out;
}

/**
 * S1: creates the "Sync to Remote" list field in the Work section with its three items. Finds the
 * field by name first, adds only the items that are missing: running it again changes nothing.
 */
export async function executeCreateSyncField(
	this: IExecuteFunctions,
): Promise<INodeExecutionData[]> {
	const client = new HiBobClient(this);
	let fields = metadataList(await client.getFields());
	let field = findSyncField(fields);
	let fieldCreated = false;
	if (!field) {
		await client.createField({
			name: SYNC_FIELD_NAME,
			category: 'work',
			type: 'list',
			description: 'How this person is synced to Remote (n8n-nodes-hibob-remote)',
			historical: false,
		});
		fieldCreated = true;
		fields = metadataList(await client.getFields());
		field = findSyncField(fields);
		if (!field) {
			throw new NodeOperationError(
				this.getNode(),
				'HiBob created the field but does not list it yet',
				{
					description:
						'HiBob can take up to 20 seconds to show a change. Run this operation again in a minute.',
				},
			);
		}
	}
	if (
		!String(field.type ?? '')
			.toLowerCase()
			.includes('list')
	) {
		throw new NodeOperationError(
			this.getNode(),
			`A field named "${SYNC_FIELD_NAME}" exists but is of type "${field.type}"`,
			{
				description: `Rename or delete that field in HiBob, then run this operation again to create the list field.`,
			},
		);
	}
	const listId = (field as FieldMeta).typeData?.listId;
	if (listId === undefined || listId === null) {
		throw new NodeOperationError(
			this.getNode(),
			`The "${SYNC_FIELD_NAME}" field has no list in HiBob's metadata`,
			{
				description:
					'Open the field in HiBob settings and check its list, then run this operation again.',
			},
		);
	}
	const list = await client.getNamedList(String(listId));
	const existing = new Set(
		listItems(list).map((item) => String(item.name ?? item.value ?? '').toLowerCase()),
	);
	const added: string[] = [];
	for (const item of SYNC_FIELD_ITEMS) {
		if (existing.has(item.label.toLowerCase())) continue;
		await client.addNamedListItem(String(listId), item.label);
		added.push(item.label);
	}
	return [
		{
			json: {
				fieldId: field.id,
				fieldName: field.name ?? SYNC_FIELD_NAME,
				listId: String(listId),
				fieldCreated,
				itemsAdded: added,
				changed: fieldCreated || added.length > 0,
				message:
					fieldCreated || added.length
						? `Ready: "${SYNC_FIELD_NAME}" ${fieldCreated ? 'was created' : 'exists'}${added.length ? `; added ${added.join(', ')}` : ''}.`
						: `Nothing to do: "${SYNC_FIELD_NAME}" and its items already exist.`,
			},
			pairedItem: { item: 0 },
		},
	];
}

/**
 * S5: creates the four Remote status fields (Remote employment ID, Remote status, Remote sync
 * result, Remote last synced) in the Work section for the write-back (R8). Each is found by name
 * first; running it again creates nothing.
 */
export async function executeCreateStatusFields(
	this: IExecuteFunctions,
): Promise<INodeExecutionData[]> {
	const client = new HiBobClient(this);
	const before = findStatusFields(metadataList(await client.getFields()));
	const created: string[] = [];
	for (const spec of STATUS_FIELDS) {
		if (!before.missing.includes(spec.key)) continue;
		await client.createField({
			name: spec.name,
			category: 'work',
			type: spec.type,
			description: spec.description,
			historical: false,
		});
		created.push(spec.name);
	}
	const after = created.length ? findStatusFields(metadataList(await client.getFields())) : before;
	if (after.missing.length) {
		throw new NodeOperationError(
			this.getNode(),
			'HiBob created the fields but does not list them all yet',
			{
				description:
					'HiBob can take up to 20 seconds to show a change. Run this operation again in a minute: it creates only what is missing.',
			},
		);
	}
	const historical = STATUS_FIELDS.filter((spec) =>
		[true, 'true'].includes(after.found[spec.key]?.historical as never),
	);
	if (historical.length) {
		throw new NodeOperationError(
			this.getNode(),
			`"${historical[0].name}" exists in HiBob as a historical field, which HiBob's API cannot update`,
			{
				description:
					'Rename or delete that field in HiBob, then run this operation again to create it as a plain field.',
			},
		);
	}
	const fields = Object.fromEntries(
		STATUS_FIELDS.map((spec) => [spec.name, fieldPath(after.found[spec.key]!)]),
	) as IDataObject;
	return [
		{
			json: {
				fields,
				created,
				changed: created.length > 0,
				message: created.length
					? `Ready: created ${created.join(', ')} in the Work section.`
					: 'Nothing to do: the four Remote status fields already exist.',
			},
			pairedItem: { item: 0 },
		},
	];
}

/**
 * S3: which fields the sync needs come back missing (HiBob drops fields the service user may not
 * see, with 200 OK), and which HiBob permission (section) grants each.
 */
export async function executeCheckPermissions(
	this: IExecuteFunctions,
): Promise<INodeExecutionData[]> {
	const client = new HiBobClient(this);
	const fields = metadataList(await client.getFields());
	const wanted = [...LOGICAL_FIELDS, ...SENSITIVE_LOGICAL_FIELDS];
	const resolved = resolveFields(fields, wanted);
	const ids = [
		...new Set([
			...Object.values(resolved.ids),
			...(resolved.syncField ? [resolved.syncField.id] : []),
		]),
	];
	const people = await client.searchPeople({ fields: ids, showInactive: false });
	// A section is visible when HiBob returns any of its fields for anyone; HiBob leaves out empty
	// values too, so a single missing field in a visible section is data, not a permission.
	const sections = new Map<string, { fields: string[]; visible: boolean; neededFor: string }>();
	for (const logical of wanted) {
		const id = resolved.ids[logical.key];
		const entry = sections.get(logical.section) ?? {
			fields: [],
			visible: false,
			neededFor: SENSITIVE_LOGICAL_FIELDS.includes(logical)
				? 'SSN (USA) and global payroll salary'
				: 'the employee sync',
		};
		entry.fields.push(id);
		if (people.some((p) => hasField(p, id))) entry.visible = true;
		sections.set(logical.section, entry);
	}
	const checks = [...sections.entries()].map(([section, entry]) => ({
		section,
		fields: entry.fields,
		neededFor: entry.neededFor,
		visible: people.length === 0 ? null : entry.visible,
	}));
	const missing = checks.filter((c) => c.visible === false);
	// R8: the write-back needs the four status fields and the right to edit them (not checked by writing).
	const status = findStatusFields(fields);
	const statusFields = {
		found: status.missing.length === 0,
		missing: status.missing.map((key: StatusKey) => STATUS_FIELDS.find((f) => f.key === key)!.name),
		permission: "People's data → Work → View and Edit (the four Remote status fields)",
		neededFor: 'Remote Upsert Employee → Write Status Back to HiBob (optional)',
		...(status.missing.length ? { fix: 'Run Setup → Create Remote Status Fields' } : {}),
	};
	const syncFieldVisible = resolved.syncField
		? people.some((p) => hasField(p, resolved.syncField!.id))
		: false;
	return [
		{
			json: {
				ok: missing.length === 0 && !!resolved.syncField,
				peopleVisible: people.length,
				syncField: resolved.syncField
					? { found: true, id: resolved.syncField.id, visible: syncFieldVisible }
					: { found: false, fix: 'Run Setup → Create Sync to Remote Field' },
				statusFields,
				missing: missing.map((c) => ({
					permission: `People's data → ${c.section} → View`,
					fields: c.fields,
					neededFor: c.neededFor,
				})),
				checks,
				message:
					missing.length === 0
						? people.length === 0
							? 'The service user sees nobody: add an "Access data for" audience to its permission group.'
							: 'The service user can see every field the sync uses.'
						: `Grant the service user's permission group: ${[...new Set(missing.map((c) => c.section))].join(', ')}.`,
			},
			pairedItem: { item: 0 },
		},
	];
}

/**
 * R8: the I/O around the pure write-back decision (`planStatusWriteBack`). Before anything is written
 * to Remote: find the four status fields and read what HiBob holds, for everyone in one people
 * search. After the Remote writes: one `PUT /v1/people/{id}` per person whose values changed.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { metadataList, readField } from '../shared/core/hibobFields';
import type { StatusKey, SyncResultForStatus } from '../shared/core/statusWriteBack';
import {
	fieldPath,
	findStatusFields,
	planStatusWriteBack,
	STATUS_FIELDS,
	statusUpdateBody,
} from '../shared/core/statusWriteBack';
import { HiBobClient } from '../shared/transport/hibob';

export interface StatusBack {
	hibob: HiBobClient;
	fieldIds: Record<StatusKey, string>;
	/** HiBob id → the four values HiBob holds. */
	current: Map<string, Partial<Record<StatusKey, unknown>>>;
}

/** Reasons that are about the input item, not a HiBob person: nothing is written back for them. */
const NOT_A_PERSON = new Set(['invalid_input_item', 'duplicate_input']);

const SETUP_HINT =
	'Run the HiBob node\'s Setup → Create Remote Status Fields once (it is safe to run again), or turn off "Write Status Back to HiBob".';

/** A configuration mistake (no HiBob credential, fields missing) stops the node before any write. */
export async function readStatusBack(ctx: IExecuteFunctions): Promise<StatusBack> {
	try {
		await ctx.getCredentials('hiBobApi');
	} catch {
		throw new NodeOperationError(
			ctx.getNode(),
			'"Write Status Back to HiBob" needs the HiBob credential',
			{ description: `Select the HiBob credential in this node. ${SETUP_HINT}` },
		);
	}
	const hibob = new HiBobClient(ctx);
	const { found, missing } = findStatusFields(metadataList(await hibob.getFields()));
	if (missing.length) {
		const names = missing.map((key) => STATUS_FIELDS.find((f) => f.key === key)!.name);
		throw new NodeOperationError(
			ctx.getNode(),
			`HiBob has no ${names.map((n) => `"${n}"`).join(', ')} field${names.length > 1 ? 's' : ''} for the status write-back`,
			{ description: SETUP_HINT },
		);
	}
	const fieldIds = Object.fromEntries(
		STATUS_FIELDS.map((spec) => [spec.key, fieldPath(found[spec.key]!)]),
	) as Record<StatusKey, string>;
	const records = await hibob.searchPeople({
		fields: ['root.id', ...Object.values(fieldIds)],
		showInactive: true,
	});
	const current = new Map<string, Partial<Record<StatusKey, unknown>>>();
	for (const record of records) {
		const values: Partial<Record<StatusKey, unknown>> = {};
		for (const spec of STATUS_FIELDS) values[spec.key] = readField(record, fieldIds[spec.key]);
		current.set(String(record.id ?? ''), values);
	}
	return { hibob, fieldIds, current };
}

/** The field names a result is about (from what was held back for that reason), never values. */
function fieldsOf(json: IDataObject): string[] {
	const heldBack = Array.isArray(json.heldBack) ? (json.heldBack as IDataObject[]) : [];
	return heldBack
		.filter((h) => h.reason === json.reason)
		.map((h) => (typeof h.field === 'string' ? h.field : ''))
		.filter(Boolean);
}

/**
 * Writes the changed values, one person at a time through the HiBob transport (rate limits and
 * retries there). A refused write is that person's warning (`hibobStatus: failed`); the Remote
 * outcome stays as it was. Dry run: only says what would be written.
 */
export async function writeStatusBack(
	back: StatusBack,
	results: INodeExecutionData[],
	remoteStatus: ReadonlyMap<string, string>,
	today: string,
	dryRun: boolean,
): Promise<{ written: number; failed: number }> {
	const byId = new Map<string, INodeExecutionData>();
	const inputs: SyncResultForStatus[] = [];
	for (const result of results) {
		const { json } = result;
		if (typeof json.hibobId !== 'string' || NOT_A_PERSON.has(String(json.reason))) continue;
		if (byId.has(json.hibobId)) continue;
		byId.set(json.hibobId, result);
		const employmentId =
			typeof json.remoteEmploymentId === 'string' ? json.remoteEmploymentId : null;
		inputs.push({
			hibobId: json.hibobId,
			remoteEmploymentId: employmentId,
			remoteStatus: employmentId ? (remoteStatus.get(employmentId) ?? null) : null,
			outcome: String(json.outcome),
			reason: String(json.reason),
			fields: fieldsOf(json),
		});
	}
	for (const result of byId.values()) result.json.hibobStatus = 'unchanged';
	const writes = planStatusWriteBack(inputs, back.current, today);
	let written = 0;
	let failed = 0;
	for (const write of writes) {
		const json = byId.get(write.hibobId)!.json;
		const values = Object.fromEntries(
			write.changed.map((key) => [
				STATUS_FIELDS.find((f) => f.key === key)!.name,
				write.values[key],
			]),
		);
		if (dryRun) {
			json.hibobStatus = 'planned';
			json.hibobStatusValues = values;
			continue;
		}
		try {
			await back.hibob.updatePerson(
				write.hibobId,
				statusUpdateBody(write, back.fieldIds) as IDataObject,
			);
			json.hibobStatus = 'written';
			json.hibobStatusValues = values;
			written++;
		} catch (error) {
			const e = error as { message?: string; description?: string };
			json.hibobStatus = 'failed';
			json.hibobStatusMessage = `The status was not written to HiBob (the Remote outcome above stands): ${[e.message, e.description].filter(Boolean).join(' — ')}`;
			failed++;
		}
	}
	return { written, failed };
}

import type { IDataObject } from 'n8n-workflow';
import { fingerprint } from '../shared/core/fingerprint';
import { asId } from '../shared/core/ids';

/** The HiBob fields the sync reads: a change in any of them is a reason to sync the person again. */
export const WATCHED_FIELDS = [
	'root.id',
	'root.email',
	'root.firstName',
	'root.surname',
	'root.secondName',
	'root.displayName',
	'work.title',
	'work.startDate',
	'work.department',
	'work.site',
	'work.reportsTo',
	'address.line1',
	'address.line2',
	'address.city',
	'address.postCode',
	'address.zipCode',
	'address.country',
	'address.usaState',
	'home.privateEmail',
	'home.mobilePhone',
	'home.legalGender',
	'personal.birthDate',
	'personal.nationality',
	'internal.status',
	'internal.lifecycleStatus',
	'internal.terminationDate',
	'emergency.firstName',
	'emergency.surname',
	'emergency.relation',
	'emergency.phone',
	'emergency.mobilePhone',
	'emergency.email',
];

/** The poll uses the employee sync's keyed hash (HMAC-SHA256 over sorted JSON, key from the HiBob token). */
export { fingerprint };

export function personId(person: IDataObject): string | undefined {
	const id = person.id ?? (person.root as IDataObject | undefined)?.id ?? person['/root/id'];
	if (typeof id === 'string' && id.trim() !== '') return id.trim();
	if (typeof id === 'number' && Number.isFinite(id)) return String(id);
	return undefined;
}

function text(value: unknown): string | null {
	if (typeof value === 'string') return value;
	if (value && typeof value === 'object' && 'value' in (value as IDataObject)) {
		return text((value as IDataObject).value);
	}
	return null;
}

export function personEmail(person: IDataObject): string | null {
	return text(
		person.email ?? (person.root as IDataObject | undefined)?.email ?? person['/root/email'],
	);
}

export function personDisplayName(person: IDataObject): string | null {
	return text(
		person.displayName ??
			(person.root as IDataObject | undefined)?.displayName ??
			person['/root/displayName'],
	);
}

export type PersonChange = 'created' | 'changed' | 'gone';

export interface PersonChangeItem extends IDataObject {
	change: PersonChange | 'sample';
	employeeId: string;
	email: string | null;
	displayName: string | null;
}

/** Compares the new fingerprints with the previous ones: created, changed, then gone. */
export function diffPeople(
	previous: Record<string, string>,
	people: IDataObject[],
	key: Buffer,
): { items: PersonChangeItem[]; fingerprints: Record<string, string> } {
	const fingerprints: Record<string, string> = {};
	const created: PersonChangeItem[] = [];
	const changed: PersonChangeItem[] = [];
	for (const person of people) {
		const id = personId(person);
		if (!id) continue;
		const hash = fingerprint(key, person);
		fingerprints[id] = hash;
		const item: PersonChangeItem = {
			change: 'created',
			employeeId: id,
			email: personEmail(person),
			displayName: personDisplayName(person),
		};
		if (previous[id] === undefined) created.push(item);
		else if (previous[id] !== hash) changed.push({ ...item, change: 'changed' });
	}
	const gone: PersonChangeItem[] = Object.keys(previous)
		.filter((id) => fingerprints[id] === undefined)
		.map((id) => ({ change: 'gone', employeeId: id, email: null, displayName: null }));
	return { items: [...created, ...changed, ...gone], fingerprints };
}

/** Reads the stored fingerprints, tolerating anything unexpected in static data. */
export function storedFingerprints(value: unknown): Record<string, string> | undefined {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
	const out: Record<string, string> = {};
	for (const [id, hash] of Object.entries(value as Record<string, unknown>)) {
		if (typeof hash === 'string') out[id] = hash;
	}
	return out;
}

/** One row of `GET /v1/timeoff/requests/changes` as an output item. */
export function timeoffItem(change: IDataObject): IDataObject {
	const item: IDataObject = {
		changeType: change.changeType ?? null,
		requestId: asId(change.requestId) ?? null,
		employeeId: asId(change.employeeId) ?? null,
		startDate: change.startDate ?? null,
		endDate: change.endDate ?? null,
		policyType: change.policyTypeDisplayName ?? change.policyType ?? null,
	};
	const previous = asId(change.previousRequestId);
	if (previous) item.previousRequestId = previous;
	const original = asId(change.originalRequestId);
	if (original) item.originalRequestId = original;
	for (const key of [
		'startPortion',
		'endPortion',
		'type',
		'employeeEmail',
		'employeeDisplayName',
	]) {
		if (change[key] !== undefined && change[key] !== null) item[key] = change[key];
	}
	if (typeof change.createdOn === 'string') item.changedAt = change.createdOn;
	return item;
}

/** The de-duplication key of a time-off change (HiBob gives a changed request a new id). */
export function timeoffKey(change: IDataObject): string {
	return `${asId(change.requestId) ?? '?'}:${String(change.changeType ?? '?')}`;
}

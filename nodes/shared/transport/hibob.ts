import type { DateTime } from 'luxon';
import type { IAllExecuteFunctions, IDataObject } from 'n8n-workflow';
import type { ApiProfile, RetryPolicy } from './ApiClient';
import { ApiClient } from './ApiClient';
import { baseUrlOf, HIBOB_HOSTS } from './baseUrl';
import { describeErrorBody, hintFor } from './errors';

/**
 * The oldest `since` HiBob's changes feed takes: "6 months" before `now`, read the strict way. At a month
 * end the calendar is ambiguous (31 December minus 6 months is 30 June by clamping to the month's end, or
 * 1 July by counting the extra day on); the later of the two is accepted under either reading.
 */
export function oldestChangesSince(now: DateTime): DateTime {
	const clamped = now.minus({ months: 6 });
	return clamped.day === now.day ? clamped : clamped.plus({ days: now.day - clamped.day });
}

export const hibobProfile: ApiProfile = {
	label: 'HiBob',
	credentialType: 'hiBobApi',
	baseUrl: (credentials) => baseUrlOf(HIBOB_HOSTS, credentials),
	secretFields: ['token'],
	derivedSecrets: (credentials) => [
		Buffer.from(
			`${String(credentials.serviceUserId ?? '')}:${String(credentials.token ?? '')}`,
		).toString('base64'),
	],
	rateInfo(headers) {
		const remaining = headers['x-ratelimit-remaining'];
		const reset = headers['x-ratelimit-reset'];
		return {
			remaining: remaining !== undefined && remaining !== '' ? Number(remaining) : undefined,
			// HiBob sends the reset as a Unix time in seconds.
			resetAtMs:
				reset !== undefined && reset !== '' && Number.isFinite(Number(reset))
					? Number(reset) * 1000
					: undefined,
		};
	},
	errorMessage: describeErrorBody,
	hint: (status) =>
		hintFor('HiBob', status, {
			401: 'HiBob refused the service user. Check the service user ID and token in the HiBob credential (and production vs sandbox).',
			403: 'The HiBob service user lacks a permission. Run the "Check Permissions" operation of the HiBob node to see which one.',
		}),
};

/** Typed calls to the HiBob endpoints this package uses. */
export class HiBobClient extends ApiClient {
	constructor(ctx: IAllExecuteFunctions, policy?: RetryPolicy) {
		super(ctx, hibobProfile, policy);
	}

	/** One `POST /v1/people/search` for everyone (no pagination in this endpoint). */
	async searchPeople(body: {
		fields: string[];
		filters?: Array<{ fieldPath: string; operator: 'equals'; values: string[] }>;
		showInactive?: boolean;
		humanReadable?: 'APPEND' | 'REPLACE';
	}): Promise<IDataObject[]> {
		const payload: IDataObject = { fields: body.fields, showInactive: body.showInactive ?? false };
		if (body.filters && body.filters.length)
			payload.filters = body.filters as unknown as IDataObject[];
		if (body.humanReadable) payload.humanReadable = body.humanReadable;
		const response = await this.request<any>({
			method: 'POST',
			path: '/v1/people/search',
			body: payload,
			idempotent: true,
		});
		return Array.isArray(response?.employees) ? response.employees : [];
	}

	/** `POST /v1/people/{idOrEmail}`: one person (answered as `{employees: [...]}` or a bare object). */
	async getPerson(
		idOrEmail: string,
		fields: string[],
		humanReadable?: 'APPEND',
	): Promise<IDataObject | undefined> {
		const body: IDataObject = { fields };
		if (humanReadable) body.humanReadable = humanReadable;
		const response = await this.request<any>({
			method: 'POST',
			path: `/v1/people/${this.pathId('name', idOrEmail)}`,
			body,
			idempotent: true,
			missingAsUndefined: true,
		});
		if (Array.isArray(response?.employees)) return response.employees[0];
		return response && typeof response === 'object' ? response : undefined;
	}

	/** `GET /v1/company/people/fields` (a bare array, or `{fields: [...]}` as some tenants answer). */
	async getFields(): Promise<IDataObject[]> {
		const response = await this.request<any>({ method: 'GET', path: '/v1/company/people/fields' });
		if (Array.isArray(response)) return response;
		return Array.isArray(response?.fields) ? response.fields : [];
	}

	async createField(body: IDataObject): Promise<IDataObject> {
		return this.request({
			method: 'POST',
			path: '/v1/company/people/fields',
			body,
			idempotent: false,
		});
	}

	/**
	 * `PUT /v1/people/{identifier}`: behaves like PATCH, non-historical fields only, each under its
	 * field path; `304` when nothing changed. The same body sent twice changes nothing (retried as such).
	 */
	async updatePerson(employeeId: string, body: IDataObject): Promise<void> {
		await this.request({
			method: 'PUT',
			path: `/v1/people/${this.pathId('hibobEmployee', employeeId)}`,
			body,
			idempotent: true,
		});
	}

	/** `GET /v1/company/named-lists/{name}`; `undefined` when the list does not exist. */
	async getNamedList(name: string): Promise<IDataObject | undefined> {
		const response = await this.request<any>({
			method: 'GET',
			path: `/v1/company/named-lists/${this.pathId('name', name)}`,
			qs: { includeArchived: false },
			missingAsUndefined: true,
		});
		return response === undefined ? undefined : (response?.list ?? response);
	}

	async addNamedListItem(listName: string, name: string): Promise<IDataObject> {
		return this.request({
			method: 'POST',
			path: `/v1/company/named-lists/${this.pathId('name', listName)}`,
			body: { name },
			idempotent: false,
		});
	}

	/** `GET /v1/timeoff/requests/changes?since=…` (since at most six months back). */
	async getTimeoffChanges(
		since: string,
		to?: string,
		includePending = false,
	): Promise<IDataObject[]> {
		const qs: IDataObject = { since, includePending };
		if (to) qs.to = to;
		const response = await this.request<any>({
			method: 'GET',
			path: '/v1/timeoff/requests/changes',
			qs,
		});
		return Array.isArray(response?.changes) ? response.changes : [];
	}

	async getTimeoffRequest(
		employeeId: string,
		requestId: string | number,
	): Promise<IDataObject | undefined> {
		return this.request({
			method: 'GET',
			path: `/v1/timeoff/employees/${this.pathId('hibobEmployee', employeeId)}/requests/${this.pathId('hibobRequest', String(requestId))}`,
			missingAsUndefined: true,
		});
	}

	/** `GET /v1/timeoff/whosout?from&to`: approved (and optionally pending) requests in a window. */
	async whosOut(from: string, to: string, includeHourly = true): Promise<IDataObject[]> {
		const response = await this.request<any>({
			method: 'GET',
			path: '/v1/timeoff/whosout',
			qs: { from, to, includeHourly, includePrivate: true, includePending: false },
		});
		return Array.isArray(response?.outs) ? response.outs : [];
	}

	// ---- Setup → Check API Compatibility: the same reads, answered as they came (body and headers) ----

	readonly asSent = {
		fields: () => this.answer({ method: 'GET', path: '/v1/company/people/fields' }),
		namedList: (name: string) =>
			this.answer({
				method: 'GET',
				path: `/v1/company/named-lists/${encodeURIComponent(name)}`,
				qs: { includeArchived: false },
			}),
		/** `POST /v1/people/search` is a read (HiBob documents search as POST). */
		searchPeople: (body: {
			fields: string[];
			filters?: Array<{ fieldPath: string; operator: 'equals'; values: string[] }>;
			humanReadable?: 'APPEND';
		}) =>
			this.answer({
				method: 'POST',
				path: '/v1/people/search',
				body: { showInactive: false, ...body } as unknown as IDataObject,
			}),
		timeoffChanges: (since: string) =>
			this.answer({
				method: 'GET',
				path: '/v1/timeoff/requests/changes',
				qs: { since, includePending: false },
			}),
		timeoffRequest: (employeeId: string, requestId: string) =>
			this.answer({
				method: 'GET',
				path: `/v1/timeoff/employees/${encodeURIComponent(employeeId)}/requests/${encodeURIComponent(requestId)}`,
			}),
		whosOut: (from: string, to: string) =>
			this.answer({
				method: 'GET',
				path: '/v1/timeoff/whosout',
				qs: { from, to, includeHourly: true, includePrivate: true, includePending: false },
			}),
	};
}

import type { IAllExecuteFunctions, IDataObject } from 'n8n-workflow';
import type { ApiProfile, RetryPolicy } from './ApiClient';
import { ApiClient } from './ApiClient';
import { baseUrlOf, REMOTE_HOSTS } from './baseUrl';
import { describeErrorBody, hintFor } from './errors';

export const remoteProfile: ApiProfile = {
	label: 'Remote',
	credentialType: 'remoteApi',
	baseUrl: (credentials) => baseUrlOf(REMOTE_HOSTS, credentials),
	secretFields: ['apiToken'],
	rateInfo(headers, nowMs) {
		const remaining = headers['x-ratelimit-remaining'];
		const reset = headers['x-ratelimit-reset'];
		return {
			remaining: remaining !== undefined && remaining !== '' ? Number(remaining) : undefined,
			// Remote sends the milliseconds left until the window resets (there is no Retry-After).
			resetAtMs:
				reset !== undefined && reset !== '' && Number.isFinite(Number(reset))
					? nowMs + Number(reset)
					: undefined,
		};
	},
	errorMessage: describeErrorBody,
	hint: (status) =>
		hintFor('Remote', status, {
			401: 'Remote refused the token. Check the Remote credential: ra_live_ tokens work only in production, ra_test_ tokens only in the sandbox.',
			403: 'The Remote token may not do this. Use a company API token created by an admin or owner.',
			409: 'Remote refused the values sent; the message names the fields.',
			422: 'Remote refused the values sent; the message names the fields.',
		}),
};

/** Typed calls to the Remote endpoints this package uses. */
export class RemoteClient extends ApiClient {
	constructor(ctx: IAllExecuteFunctions, policy?: RetryPolicy) {
		super(ctx, remoteProfile, policy);
	}

	listEmployments(filters?: IDataObject): Promise<IDataObject[]>;
	listEmployments<T>(filters: IDataObject, keep: (employment: IDataObject) => T): Promise<T[]>;
	listEmployments<T>(
		filters: IDataObject = {},
		keep?: (employment: IDataObject) => T,
	): Promise<Array<T | IDataObject>> {
		return this.listAll<T | IDataObject>('/v1/employments', 'employments', filters, keep);
	}

	async getEmployment(id: string): Promise<IDataObject> {
		const response = await this.request<any>({
			method: 'GET',
			path: `/v1/employments/${this.pathId('remote', id)}`,
		});
		return response?.data?.employment ?? response;
	}

	/** `GET /v1/employments/{id}`; `undefined` when Remote does not know the employment (404). */
	async findEmployment(id: string): Promise<IDataObject | undefined> {
		const response = await this.request<any>({
			method: 'GET',
			path: `/v1/employments/${encodeURIComponent(id)}`,
			missingAsUndefined: true,
		});
		if (response === undefined) return undefined;
		return response?.data?.employment ?? response;
	}

	/**
	 * `POST /v1/employments`. A create is never simply re-sent: after a lost answer, `recover`
	 * looks the employment up first (by external_id and email).
	 */
	async createEmployment(
		body: IDataObject,
		recover: () => Promise<IDataObject | undefined>,
	): Promise<IDataObject> {
		const response = await this.request<any>({
			method: 'POST',
			path: '/v1/employments',
			body,
			idempotent: false,
			recover,
		});
		return response?.data?.employment ?? response;
	}

	async updateEmployment(id: string, body: IDataObject): Promise<IDataObject> {
		const response = await this.request<any>({
			method: 'PATCH',
			path: `/v1/employments/${this.pathId('remote', id)}`,
			body,
			idempotent: true,
		});
		return response?.data?.employment ?? response;
	}

	/** `PATCH /v2/employments/{id}` (`department_id`, `manager_id`, `work_email`, `external_id`). */
	async updateEmploymentV2(id: string, body: IDataObject): Promise<IDataObject> {
		const response = await this.request<any>({
			method: 'PATCH',
			path: `/v2/employments/${encodeURIComponent(id)}`,
			body,
			idempotent: true,
		});
		return response?.data?.employment ?? response;
	}

	/**
	 * `GET /v1/countries/{code}/{form}`: the JSON schema Remote validates that form against. The
	 * `contract_amendment` form needs the `employment_id` it is for.
	 */
	async getCountryForm(
		countryCode: string,
		form: string,
		employmentId?: string,
	): Promise<IDataObject> {
		const response = await this.request<any>({
			method: 'GET',
			path: `/v1/countries/${this.pathId('country', countryCode)}/${this.pathId('form', form)}`,
			qs: {
				json_schema_version: 'latest',
				...(employmentId ? { employment_id: employmentId } : {}),
			},
		});
		return response?.data?.schema ?? response?.data ?? response;
	}

	listCompanyManagers(): Promise<IDataObject[]> {
		return this.listAll('/v1/company-managers', 'company_managers');
	}

	listDepartments(companyId?: string): Promise<IDataObject[]> {
		return this.listAll(
			'/v1/company-departments',
			'company_departments',
			companyId ? { company_id: companyId } : {},
		);
	}

	/**
	 * `GET /v1/contract-amendments`, page by page. The spec documents only paging for this list, so
	 * the employment filter is sent and also applied here (a server that ignores it lists them all).
	 */
	async listContractAmendments(employmentId: string): Promise<IDataObject[]> {
		const all = await this.listAll<IDataObject>('/v1/contract-amendments', 'contract_amendments', {
			employment_id: employmentId,
		});
		return all.filter((amendment) => String(amendment.employment_id ?? '') === employmentId);
	}

	/**
	 * `POST /v1/contract-amendments` (`{employment_id, amendment_contract_id, contract_amendment}`):
	 * starts a review at Remote. Never simply re-sent: after a lost answer, `recover` looks for the
	 * amendment first.
	 */
	async createContractAmendment(
		body: IDataObject,
		recover: () => Promise<IDataObject | undefined>,
	): Promise<IDataObject> {
		const response = await this.request<any>({
			method: 'POST',
			path: '/v1/contract-amendments',
			body,
			idempotent: false,
			recover,
		});
		return response?.data?.contract_amendment ?? response;
	}

	/**
	 * `POST /v1/webhook-callbacks` (`{url, subscribed_events}`): the answer holds the `signing_key`,
	 * shown only this once. Never simply re-sent: after a lost answer the callback may exist without
	 * its key, so the caller registers again on the next activation instead.
	 */
	async createWebhookCallback(url: string, events: string[]): Promise<IDataObject> {
		const response = await this.request<any>({
			method: 'POST',
			path: '/v1/webhook-callbacks',
			body: { url, subscribed_events: events },
			idempotent: false,
		});
		return response?.data?.webhook_callback ?? response?.webhook_callback ?? response;
	}

	/** `DELETE /v1/webhook-callbacks/{id}`; a callback Remote no longer knows (404) counts as deleted. */
	async deleteWebhookCallback(id: string): Promise<void> {
		await this.request<any>({
			method: 'DELETE',
			path: `/v1/webhook-callbacks/${encodeURIComponent(id)}`,
			idempotent: true,
			missingAsUndefined: true,
		});
	}

	listTimeoffs(filters: IDataObject = {}): Promise<IDataObject[]> {
		return this.listAll('/v1/timeoff', 'timeoffs', filters);
	}

	async createTimeoff(
		body: IDataObject,
		recover: () => Promise<IDataObject | undefined>,
	): Promise<IDataObject> {
		const response = await this.request<any>({
			method: 'POST',
			path: '/v1/timeoff',
			body,
			idempotent: false,
			recover,
		});
		return response?.data?.timeoff ?? response;
	}

	async cancelTimeoff(
		id: string,
		cancelReason: string,
		recover: () => Promise<IDataObject | undefined>,
	): Promise<IDataObject> {
		const response = await this.request<any>({
			method: 'POST',
			path: `/v1/timeoff/${this.pathId('remote', id)}/cancel`,
			body: { cancel_reason: cancelReason },
			idempotent: false,
			recover,
		});
		return response?.data?.timeoff ?? response;
	}

	// ---- Setup → Check API Compatibility: reads answered as they came (body and headers), GET only ----

	readonly asSent = {
		employmentsPage: () =>
			this.answer({ method: 'GET', path: '/v1/employments', qs: { page: 1, page_size: 100 } }),
		employment: (id: string) =>
			this.answer({ method: 'GET', path: `/v1/employments/${encodeURIComponent(id)}` }),
		companyManagers: () =>
			this.answer({ method: 'GET', path: '/v1/company-managers', qs: { page: 1, page_size: 100 } }),
		departments: (companyId: string) =>
			this.answer({
				method: 'GET',
				path: '/v1/company-departments',
				qs: { company_id: companyId, page: 1, page_size: 100 },
			}),
		countryForm: (countryCode: string, form: string) =>
			this.answer({
				method: 'GET',
				path: `/v1/countries/${encodeURIComponent(countryCode)}/${encodeURIComponent(form)}`,
				qs: { json_schema_version: 'latest' },
			}),
		timeoffs: () =>
			this.answer({ method: 'GET', path: '/v1/timeoff', qs: { page: 1, page_size: 100 } }),
		webhookCallbacks: () => this.answer({ method: 'GET', path: '/v1/webhook-callbacks' }),
	};
}

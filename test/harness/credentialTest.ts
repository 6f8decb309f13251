/**
 * What n8n does for a credential's "Test" button (CredentialsTester): resolve the `={{…}}` expressions
 * of the credential type's `test.request` and `authenticate` against the credential data, send the
 * request over real HTTP, then apply the `rules` (the first `responseCode` rule whose value matches
 * gives the message); any other non-2xx answer is an error with the status, a 2xx answer is OK.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';
import { authenticateRequest, headersOf, resolveWithCredentials } from './authenticate';

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
	httpStatus: number;
	url: string;
}

export async function testCredential(
	type: ICredentialType,
	data: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult> {
	if (!type.test) throw new Error(`${type.name} declares no test request`);
	const request = resolveWithCredentials(type.test.request, data) as IDataObject;
	const url = new URL(String(request.url), String(request.baseURL));
	for (const [k, v] of Object.entries((request.qs as IDataObject) ?? {}))
		url.searchParams.set(k, String(v));
	const headers: Record<string, string> = {
		accept: 'application/json',
		...headersOf(await authenticateRequest(type, data, request as unknown as IHttpRequestOptions)),
	};
	const response = await fetch(url, { method: String(request.method ?? 'GET'), headers });
	await response.arrayBuffer();
	for (const rule of type.test.rules ?? []) {
		if (
			rule.type === 'responseCode' &&
			(rule.properties as IDataObject).value === response.status
		) {
			return {
				status: 'Error',
				message: String((rule.properties as IDataObject).message),
				httpStatus: response.status,
				url: url.pathname,
			};
		}
	}
	if (response.ok)
		return {
			status: 'OK',
			message: 'Connection tested successfully',
			httpStatus: response.status,
			url: url.pathname,
		};
	return {
		status: 'Error',
		message: `Authorization failed - please check your credentials (${response.status})`,
		httpStatus: response.status,
		url: url.pathname,
	};
}

/**
 * What n8n's CredentialsHelper.authenticate does with a credential type's `authenticate`: a function is
 * called with the decrypted data and the request; a declarative `generic` block has its `={{…}}`
 * expressions resolved against `$credentials` and merged into the request. Used by the jest harness for
 * node requests and for credential tests, so both follow the credential's own definition.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

/** `={{ js }}` evaluated with `$credentials`, like n8n's expressions for credentials; other values as they are. */
export function resolveWithCredentials(
	value: unknown,
	credentials: ICredentialDataDecryptedObject,
): unknown {
	if (typeof value === 'string' && value.startsWith('=')) {
		const text = value.slice(1);
		return text.replace(/\{\{([\s\S]+?)\}\}/g, (_, js: string) =>
			String(new Function('$credentials', `return (${js});`)(credentials)),
		);
	}
	if (value && typeof value === 'object' && !Array.isArray(value)) {
		const out: IDataObject = {};
		for (const [k, v] of Object.entries(value))
			out[k] = resolveWithCredentials(v, credentials) as IDataObject[string];
		return out;
	}
	return value;
}

export async function authenticateRequest(
	type: ICredentialType,
	credentials: ICredentialDataDecryptedObject,
	options: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const request: IHttpRequestOptions = { ...options, headers: { ...options.headers } };
	const auth = type.authenticate;
	if (typeof auth === 'function') return auth(credentials, request);
	if (auth && auth.type === 'generic') {
		const resolved = resolveWithCredentials(auth.properties, credentials) as IDataObject;
		for (const [outer, inner] of Object.entries(resolved)) {
			const target = ((request as unknown as IDataObject)[outer] ?? {}) as IDataObject;
			(request as unknown as IDataObject)[outer] = { ...target, ...(inner as IDataObject) };
		}
	}
	return request;
}

/** The request's headers as sent: lower-cased names, HTTP Basic `auth` turned into its header. */
export function headersOf(request: IHttpRequestOptions): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = String(v);
	if (request.auth)
		headers.authorization = `Basic ${Buffer.from(`${request.auth.username}:${request.auth.password}`).toString('base64')}`;
	return headers;
}

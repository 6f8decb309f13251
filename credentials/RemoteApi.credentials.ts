import type {
	IAuthenticate,
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';
import {
	customUrlProperty,
	REMOTE_HOSTS,
	testRequestBaseUrl,
} from '../nodes/shared/transport/baseUrl';

/**
 * Remote API token (Company Settings → Integrations & APIs → Remote API → Generate API Token).
 * Tokens starting with ra_live_ belong to production, ra_test_ to the sandbox.
 */
export class RemoteApi implements ICredentialType {
	name = 'remoteApi';

	displayName = 'Remote API';

	icon: Icon = { light: 'file:../icons/remote.svg', dark: 'file:../icons/remote.dark.svg' };

	documentationUrl = 'https://developer.remote.com/docs/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A company API token. ra_live_ tokens work in production, ra_test_ tokens in the sandbox.',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production (gateway.remote.com)', value: 'production' },
				{ name: 'Sandbox (gateway.remote-sandbox.com)', value: 'sandbox' },
				{ name: 'Custom URL', value: 'custom' },
			],
			default: 'production',
		},
		customUrlProperty('e.g. https://remote-proxy.example.com'),
	];

	/**
	 * `Authorization: Bearer <token>` on every request. A function, not n8n's declarative `generic` block:
	 * n8n evaluates a generic block's `{{$credentials…}}` expression on every request (about 0.6 ms of
	 * CPU each, a tenth of n8n's CPU in a 10,000-person first run, measured by bench-n8n's profile).
	 */
	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => ({
		...requestOptions,
		headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiToken)}` },
	});

	test: ICredentialTestRequest = {
		request: {
			baseURL: testRequestBaseUrl(REMOTE_HOSTS),
			url: '/v1/employments',
			qs: { page_size: 1 },
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Remote refused the token. Check it, and that it matches the environment: ra_live_ tokens work only in production, ra_test_ tokens only in the sandbox.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The token is valid but may not read employments. Create a company API token as an admin or owner.',
				},
			},
		],
	};
}

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
	HIBOB_HOSTS,
	testRequestBaseUrl,
} from '../nodes/shared/transport/baseUrl';

/**
 * HiBob service user: HTTP Basic with the service user's ID and token.
 * Create one under System settings → Integrations → Automation → Service users, and add it to a
 * permission group (see the README for the list of sections the sync needs).
 */
export class HiBobApi implements ICredentialType {
	name = 'hiBobApi';

	displayName = 'HiBob Service User API';

	icon: Icon = { light: 'file:../icons/hibob.svg', dark: 'file:../icons/hibob.dark.svg' };

	documentationUrl = 'https://apidocs.hibob.com/reference/authorization';

	properties: INodeProperties[] = [
		{
			displayName: 'Service User ID',
			name: 'serviceUserId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. SERVICE-12345',
			description: 'The ID shown when the service user was created in HiBob',
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The service user token shown once when the service user was created',
		},
		{
			displayName: 'API Host',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production (api.hibob.com)', value: 'production' },
				{ name: 'Sandbox (api.sandbox.hibob.com)', value: 'sandbox' },
				{ name: 'Custom URL', value: 'custom' },
			],
			default: 'production',
		},
		customUrlProperty('e.g. https://hibob-proxy.example.com'),
	];

	/**
	 * HTTP Basic with the service user's ID and token on every request. A function, not n8n's declarative
	 * `generic` block: n8n evaluates a generic block's `{{$credentials…}}` expressions on every request
	 * (about 0.6 ms of CPU each; see RemoteApi).
	 */
	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => ({
		...requestOptions,
		auth: { username: String(credentials.serviceUserId), password: String(credentials.token) },
	});

	test: ICredentialTestRequest = {
		request: {
			baseURL: testRequestBaseUrl(HIBOB_HOSTS),
			url: '/v1/company/people/fields',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'HiBob refused the service user ID or token. Check both, and that they belong to this API host (production or sandbox).',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The service user is valid but has no permission to read fields. Add it to a permission group in HiBob (see the README).',
				},
			},
		],
	};
}

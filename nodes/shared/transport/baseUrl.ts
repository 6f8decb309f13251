import type { INodeProperties } from 'n8n-workflow';

/**
 * Which base URLs a credential may send its token to: `https://` (plain `http://` only to this
 * machine, for tests and proxies on the same host), no user info, no query, no fragment (with
 * either, the API path would no longer be the path the request reaches). A path prefix is allowed
 * (a proxy under a path).
 */

/** The same rule as one regular expression, for the credentials' test requests (n8n expressions). */
export const CUSTOM_URL_PATTERN =
	/^(?:https:\/\/[^\s/?#@\\]+|http:\/\/(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d{1,5})?)(?:\/[^\s?#@\\]*)?$/i;

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Why a base URL is refused (a sentence that never repeats the URL's user info), or undefined. */
export function baseUrlProblem(url: string): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return 'it is not a URL';
	}
	if (parsed.username || parsed.password || url.includes('@'))
		return 'it contains a user name or password (user info)';
	if (parsed.search || url.includes('?')) return 'it contains a query (?…)';
	if (parsed.hash || url.includes('#')) return 'it contains a fragment (#…)';
	if (parsed.protocol === 'http:' && !LOOPBACK.test(parsed.hostname))
		return 'it is not https:// (plain http:// is allowed only for localhost)';
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'it is not https://';
	if (!CUSTOM_URL_PATTERN.test(url)) return 'it is not of the form https://host[:port][/path]';
	return undefined;
}

/** The two hosts each API has; the credential's "environment" picks one, or a custom URL. */
export interface ApiHosts {
	production: string;
	sandbox: string;
}

export const HIBOB_HOSTS: ApiHosts = {
	production: 'https://api.hibob.com',
	sandbox: 'https://api.sandbox.hibob.com',
};

export const REMOTE_HOSTS: ApiHosts = {
	production: 'https://gateway.remote.com',
	sandbox: 'https://gateway.remote-sandbox.com',
};

/** The base URL a credential points at (a custom URL trimmed, without trailing slashes; checked by the client). */
export function baseUrlOf(
	hosts: ApiHosts,
	credentials: { environment?: unknown; customUrl?: unknown },
): string {
	const environment = String(credentials.environment ?? 'production');
	if (environment === 'custom')
		return String(credentials.customUrl ?? '')
			.trim()
			.replace(/\/+$/, '');
	return environment === 'sandbox' ? hosts.sandbox : hosts.production;
}

/**
 * `baseUrlOf` as the n8n expression a credential's test request uses. A refused custom URL (see
 * CUSTOM_URL_PATTERN) sends the test to a .invalid host: nothing leaves.
 */
export function testRequestBaseUrl(hosts: ApiHosts): string {
	return `={{$credentials.environment === "custom" ? (/${CUSTOM_URL_PATTERN.source}/i.test(String($credentials.customUrl).trim()) ? String($credentials.customUrl).trim().replace(/\\/+$/, "") : "https://custom-url-refused-use-https-without-user-password-query-or-fragment.invalid") : ($credentials.environment === "sandbox" ? "${hosts.sandbox}" : "${hosts.production}")}}`;
}

/** The credential field for a proxy's or test server's base URL (shown for the "Custom URL" environment). */
export function customUrlProperty(placeholder: string): INodeProperties {
	return {
		displayName: 'Custom Base URL',
		name: 'customUrl',
		type: 'string',
		default: '',
		placeholder,
		description:
			'Base URL without the /v1 path, for a proxy or a test server: https:// (http:// only for localhost), no user name, password, query or fragment',
		displayOptions: { show: { environment: ['custom'] } },
	};
}

/** The URL without user info, query or fragment, for messages. */
export function safeUrlForMessage(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
	} catch {
		return '(not a URL)';
	}
}

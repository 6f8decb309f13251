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
	if (parsed.username || parsed.password || url.includes('@')) return 'it contains a user name or password (user info)';
	if (parsed.search || url.includes('?')) return 'it contains a query (?…)';
	if (parsed.hash || url.includes('#')) return 'it contains a fragment (#…)';
	if (parsed.protocol === 'http:' && !LOOPBACK.test(parsed.hostname)) return 'it is not https:// (plain http:// is allowed only for localhost)';
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'it is not https://';
	if (!CUSTOM_URL_PATTERN.test(url)) return 'it is not of the form https://host[:port][/path]';
	return undefined;
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

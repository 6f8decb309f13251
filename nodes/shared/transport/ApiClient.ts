import type {
	IAllExecuteFunctions,
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import { maskDeep, maskSensitiveText, sensitiveValuesOf } from '../core/outcome';
import type { IdKind } from '../core/ids';
import { idProblem } from '../core/ids';
import { baseUrlProblem, safeUrlForMessage } from './baseUrl';

/** What the retrying client needs to know about one vendor's API. */
export interface ApiProfile {
	/** Shown in messages: "HiBob" or "Remote". */
	label: string;
	credentialType: string;
	/** Base URL (no trailing slash, no /v1) from the decrypted credential. */
	baseUrl(credentials: ICredentialDataDecryptedObject): string;
	/** Credential fields whose values must never appear in a message. */
	secretFields: string[];
	/** Other values built from the credential that must never appear either (e.g. an encoded Basic pair). */
	derivedSecrets?(credentials: ICredentialDataDecryptedObject): string[];
	/**
	 * Reads the rate-limit headers of a response: how many calls remain in the window and when the
	 * window resets (epoch milliseconds), as each vendor encodes it.
	 */
	rateInfo(headers: Record<string, string>, nowMs: number): RateInfo;
	/** The API's own message from an error body, whatever documented shape it has. */
	errorMessage(body: unknown): string | undefined;
	/** A sentence telling the user what to do about an HTTP status. */
	hint(status: number): string;
}

export interface RateInfo {
	remaining?: number;
	resetAtMs?: number;
}

export interface RetryPolicy {
	/** Retries after 5xx, timeouts and dropped connections. */
	maxRetries: number;
	/** Retries after 429 (each waits for the window to reset). */
	maxRateLimitRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
	timeoutMs: number;
	/** Calls left in the window at or below which the client spreads its calls until the reset. */
	lowWater: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 5,
	maxRateLimitRetries: 8,
	baseDelayMs: 400,
	maxDelayMs: 15_000,
	timeoutMs: 60_000,
	lowWater: 2,
};

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path under the base URL, e.g. `/v1/employments`. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[];
	/**
	 * A request that changes nothing when repeated (reads, PATCH with the same body) is simply
	 * re-sent after a 5xx or a dropped connection. A create is not: after such a failure it may
	 * have landed, so `recover` looks for its result first and the create is re-sent only when
	 * nothing is found. Without `recover`, a non-idempotent request is never re-sent.
	 */
	idempotent?: boolean;
	recover?: () => Promise<unknown | undefined>;
	/** Answer `undefined` instead of failing when the record does not exist (404). */
	missingAsUndefined?: boolean;
}

export interface ClientStats {
	calls: number;
	retries: number;
	rateLimited: number;
	waitsBeforeLimit: number;
	recovered: number;
}

type Host = IAllExecuteFunctions;

interface FullResponse {
	body: unknown;
	headers: Record<string, string>;
	statusCode: number;
}

const NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENOTFOUND',
	'UND_ERR_SOCKET',
	'ERR_STREAM_PREMATURE_CLOSE',
]);

function isNetworkError(error: any): boolean {
	if (!error || typeof error !== 'object') return false;
	const code = error.code ?? error.cause?.code ?? error.context?.code;
	if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
	const message = String(error.message ?? '');
	return /socket hang up|ECONNRESET|ETIMEDOUT|timeout|aborted|network|premature close|other side closed/i.test(
		message,
	);
}

/**
 * `maskSensitiveText` inside every string of a parsed body, values under sensitive keys masked by
 * name; a number that stands for one of the sent values becomes `***`.
 */
function maskBody(value: unknown, values: string[], extra: ReadonlySet<string>): unknown {
	const walk = (inner: unknown): unknown => {
		if (typeof inner === 'string') return maskSensitiveText(inner, values);
		if (typeof inner === 'number')
			return maskSensitiveText(String(inner), values) === String(inner) ? inner : '***';
		if (Array.isArray(inner)) return inner.map(walk);
		if (inner && typeof inner === 'object') {
			return Object.fromEntries(
				Object.entries(inner as Record<string, unknown>).map(([key, v]) => [key, walk(v)]),
			);
		}
		return inner;
	};
	return walk(maskDeep(value, extra));
}

function lowerCaseHeaders(headers: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (headers && typeof headers === 'object') {
		for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
			out[key.toLowerCase()] = Array.isArray(value) ? String(value[0]) : String(value);
		}
	}
	return out;
}

function parseBody(body: unknown): unknown {
	if (typeof body === 'string') {
		const trimmed = body.trim();
		if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
			try {
				return JSON.parse(trimmed);
			} catch {
				return body;
			}
		}
	}
	if (typeof Buffer !== 'undefined' && Buffer.isBuffer(body))
		return parseBody(body.toString('utf8'));
	return body;
}

/**
 * The one place that sends HTTP requests to an API: authentication through n8n's credential
 * helper, rate limits, retries with capped exponential backoff and jitter, and error mapping.
 */
export class ApiClient {
	/**
	 * The policy of every client constructed without one (all the nodes construct theirs that way).
	 * Always DEFAULT_RETRY_POLICY in n8n. The one hook for tests and benchmarks that inject thousands
	 * of faults: they may set a policy with shorter delays here before running a node, and must put
	 * DEFAULT_RETRY_POLICY back afterwards (test/reliability.test.ts does).
	 */
	static defaultPolicy: RetryPolicy = DEFAULT_RETRY_POLICY;

	readonly stats: ClientStats = {
		calls: 0,
		retries: 0,
		rateLimited: 0,
		waitsBeforeLimit: 0,
		recovered: 0,
	};

	/** The (lower-case) headers of the last answer received; `answer` returns them with the body. */
	lastHeaders: Record<string, string> = {};

	lastStatus = 0;

	private credentials?: ICredentialDataDecryptedObject;

	private handed?: ICredentialsDecrypted;

	private rate: RateInfo = {};

	/** Field names to treat as sensitive besides the built-in ones (e.g. the country forms' hints). */
	readonly sensitiveKeys = new Set<string>();

	constructor(
		private readonly ctx: Host,
		readonly profile: ApiProfile,
		private readonly policy: RetryPolicy = ApiClient.defaultPolicy,
		private readonly random: () => number = Math.random,
	) {}

	private async loadCredentials(): Promise<ICredentialDataDecryptedObject> {
		if (!this.credentials) {
			this.credentials = await this.ctx.getCredentials(this.profile.credentialType);
		}
		return this.credentials;
	}

	/**
	 * The credential as n8n's request helper takes it with each request, read once per client (a run).
	 * Without it n8n reads the credential from its database and decrypts it again for every request:
	 * about 40 % of n8n's CPU per request (a 10,000-person first run: 61 s → 37 s of CPU). n8n still
	 * applies the authentication itself (the credential type's `authenticate`).
	 */
	private async decrypted(): Promise<ICredentialsDecrypted> {
		if (!this.handed) {
			const type = this.profile.credentialType;
			const ref = this.ctx.getNode().credentials?.[type];
			this.handed = {
				id: ref?.id ?? '',
				name: ref?.name ?? type,
				type,
				data: await this.loadCredentials(),
			};
		}
		return this.handed;
	}

	async baseUrl(): Promise<string> {
		const credentials = await this.loadCredentials();
		const url = this.profile.baseUrl(credentials);
		const problem = baseUrlProblem(url);
		if (problem) {
			throw new NodeOperationError(
				this.ctx.getNode(),
				`The ${this.profile.label} credential has no valid base URL: ${problem} ("${safeUrlForMessage(url)}")`,
				{
					description:
						'Open the credential and pick an environment, or enter a custom URL of the form https://host[:port][/path], without user name, password, query or fragment (plain http:// only for localhost)',
				},
			);
		}
		return url;
	}

	/**
	 * An id as one URL path segment; refused (nothing is sent) unless it has the shape the API gives
	 * that kind of id, so that no id can reach another endpoint.
	 */
	pathId(kind: IdKind, value: unknown): string {
		const problem = idProblem(kind, value);
		if (problem) {
			throw new NodeOperationError(
				this.ctx.getNode(),
				`${this.profile.label}: ${problem}; nothing was requested`,
				{
					description:
						'The id came from the input or from the API; check where it was mapped from.',
				},
			);
		}
		return encodeURIComponent(String(value));
	}

	/** Removes every credential secret from a text. */
	scrub(text: string): string {
		let out = text;
		const credentials = this.credentials ?? {};
		const secrets: unknown[] = this.profile.secretFields.map((field) => credentials[field]);
		if (this.credentials && this.profile.derivedSecrets) {
			// Base64 is also masked without its padding, which an echo may leave out.
			for (const derived of this.profile.derivedSecrets(this.credentials))
				secrets.push(derived, derived.replace(/=+$/, ''));
		}
		for (const secret of secrets) {
			if (typeof secret === 'string' && secret.length >= 4) out = out.split(secret).join('***');
		}
		return out.replace(/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 ***');
	}

	private backoff(attempt: number): number {
		const exp = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** attempt);
		// "Full jitter" on the upper half: between exp/2 and exp.
		return Math.round(exp / 2 + (this.random() * exp) / 2);
	}

	private async waitForWindow(): Promise<void> {
		const { remaining, resetAtMs } = this.rate;
		if (remaining === undefined || resetAtMs === undefined) return;
		const now = Date.now();
		if (resetAtMs <= now) {
			this.rate = {};
			return;
		}
		if (remaining <= 0) {
			this.stats.waitsBeforeLimit++;
			await sleep(resetAtMs - now + 25);
			this.rate = {};
		} else if (remaining <= this.policy.lowWater) {
			// Spread the last calls of the window until it resets, instead of running into a 429.
			this.stats.waitsBeforeLimit++;
			await sleep(Math.ceil((resetAtMs - now) / (remaining + 1)));
		}
	}

	private rememberRate(headers: Record<string, string>): void {
		const info = this.profile.rateInfo(headers, Date.now());
		if (info.remaining !== undefined && info.resetAtMs !== undefined) this.rate = info;
	}

	private apiError(status: number, body: unknown, request: ApiRequest): NodeApiError {
		const apiMessage = this.profile.errorMessage(body);
		// An API may echo the values it refused (a 422 naming the SSN or salary it was sent), in any
		// form (spaces, separators, decimals, currency): mask them too (R1).
		const sent = sensitiveValuesOf(request.body, this.sensitiveKeys);
		const clean = (text: string) => maskSensitiveText(this.scrub(text), sent);
		const message = clean(
			`${this.profile.label} answered ${status} to ${request.method} ${request.path}` +
				(apiMessage ? `: ${apiMessage}` : ''),
		);
		const safeBody = maskBody(
			JSON.parse(this.scrub(JSON.stringify(body ?? null))),
			sent,
			this.sensitiveKeys,
		);
		return new NodeApiError(
			this.ctx.getNode(),
			{ status, body: safeBody as JsonObject } as unknown as JsonObject,
			{ message, description: this.profile.hint(status), httpCode: String(status) },
		);
	}

	/** Sends one request with retries; returns the parsed body of the 2xx answer. */
	async request<T = any>(request: ApiRequest): Promise<T> {
		const baseUrl = await this.baseUrl();
		const idempotent =
			request.idempotent ?? (request.method === 'GET' || request.method === 'PATCH');
		let attempt = 0;
		let rateAttempt = 0;
		let ambiguous = false;
		for (;;) {
			if (ambiguous && !idempotent && request.recover) {
				const found = await request.recover();
				if (found !== undefined) {
					this.stats.recovered++;
					return found as T;
				}
			}
			await this.waitForWindow();
			const options: IHttpRequestOptions = {
				method: request.method,
				url: `${baseUrl}${request.path}`,
				qs: request.qs,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: this.policy.timeoutMs,
			};
			if (request.body !== undefined) options.body = request.body;
			this.stats.calls++;
			let response: FullResponse;
			try {
				const raw = await this.ctx.helpers.httpRequestWithAuthentication.call(
					this.ctx,
					this.profile.credentialType,
					options,
					{ credentialsDecrypted: await this.decrypted() },
				);
				response = {
					body: parseBody(raw?.body),
					headers: lowerCaseHeaders(raw?.headers),
					statusCode: Number(raw?.statusCode ?? 200),
				};
			} catch (error) {
				if (error instanceof NodeOperationError)
					throw new NodeOperationError(this.ctx.getNode(), error);
				if (
					isNetworkError(error) &&
					attempt < this.policy.maxRetries &&
					(idempotent || request.recover)
				) {
					ambiguous = true;
					await sleep(this.backoff(attempt++));
					this.stats.retries++;
					continue;
				}
				const reason = this.scrub(String((error as Error)?.message ?? error));
				throw new NodeApiError(this.ctx.getNode(), { message: reason } as JsonObject, {
					message: `${this.profile.label} could not be reached for ${request.method} ${request.path}: ${reason}`,
					description: isNetworkError(error)
						? `The connection failed ${attempt + 1 === 1 ? 'once' : `${attempt + 1} times`}. Running the workflow again is safe: creates are looked up before they are sent again.`
						: 'Check the base URL in the credential.',
				});
			}
			const { statusCode, headers, body } = response;
			this.lastHeaders = headers;
			this.lastStatus = statusCode;
			this.rememberRate(headers);
			if (statusCode >= 200 && statusCode < 300) return body as T;
			if (statusCode === 304) return body as T;
			if (statusCode === 404 && request.missingAsUndefined) return undefined as T;
			if (statusCode === 429 && rateAttempt < this.policy.maxRateLimitRetries) {
				this.stats.rateLimited++;
				this.stats.retries++;
				const info = this.profile.rateInfo(headers, Date.now());
				const wait =
					info.resetAtMs !== undefined
						? Math.max(0, info.resetAtMs - Date.now()) + 25
						: this.backoff(rateAttempt);
				rateAttempt++;
				this.rate = {};
				await sleep(Math.min(wait, 120_000));
				continue;
			}
			if (
				statusCode >= 500 &&
				attempt < this.policy.maxRetries &&
				(idempotent || request.recover)
			) {
				ambiguous = true;
				this.stats.retries++;
				await sleep(this.backoff(attempt++));
				continue;
			}
			// 401 and 403 are never retried: HiBob blocks a credential after 50 of them in 10 s.
			throw this.apiError(statusCode, body, request);
		}
	}

	/**
	 * One read answered as it came: the parsed body and the headers, for Setup → Check API
	 * Compatibility. Reads only (GET, or a POST the API documents as a read); same retries, rate
	 * limits and error mapping as every request (401/403 never retried).
	 */
	async answer(
		request: ApiRequest & { method: 'GET' | 'POST' },
	): Promise<{ status: number; body: unknown; headers: Record<string, string> }> {
		const body = await this.request<unknown>({ ...request, idempotent: true });
		return { status: this.lastStatus, body, headers: { ...this.lastHeaders } };
	}

	/**
	 * Walks a page-numbered list (`page`, `page_size`, `data.<key>`, `data.total_pages`) and
	 * returns every item of every page, each passed through `keep` as its page arrives (a caller that
	 * needs a few fields of a large list keeps only those, and each page is dropped once read).
	 */
	async listAll<T = IDataObject>(
		path: string,
		key: string,
		qs: IDataObject = {},
		keep: (item: IDataObject) => T = (item) => item as T,
	): Promise<T[]> {
		const pageSize = 100;
		const items: T[] = [];
		for (let page = 1; ; page++) {
			const body = await this.request<any>({
				method: 'GET',
				path,
				qs: { ...qs, page, page_size: pageSize },
			});
			const data = body?.data ?? body ?? {};
			const pageItems: IDataObject[] = Array.isArray(data[key]) ? data[key] : [];
			for (const item of pageItems) items.push(keep(item));
			const totalPages = Number(data.total_pages ?? body?.total_pages ?? 0);
			if (pageItems.length === 0 || !Number.isFinite(totalPages) || page >= totalPages) break;
		}
		return items;
	}
}

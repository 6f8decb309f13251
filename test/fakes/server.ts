/**
 * The HTTP machinery both fakes share: a real `node:http` server on 127.0.0.1, routing, a request
 * log and per-endpoint counters, a fixed-window rate limiter, seeded fault injection and a one-shot
 * fault queue. Each fake supplies its own authentication, error bodies and rate-limit headers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mulberry32 } from './prng';

export type NowFn = () => Date;

/** Fixed window starting at the first request of the window (as Remote documents it). */
export interface RateLimitConfig {
	/** Calls allowed per window. */
	limit: number;
	/** Window length in milliseconds (the real APIs use 60 000). */
	windowMs: number;
	/** One window per endpoint key instead of one for the whole fake (HiBob limits per endpoint). */
	perEndpoint?: boolean;
}

/** Seeded random faults. Every authenticated request draws the same number of values, in order. */
export interface FaultConfig {
	seed: number;
	/** Probability of a 5xx answer (500, 502, 503 or 504); nothing is applied. */
	error5xxRate?: number;
	/** Probability of a 429 answer, as the API sends it; nothing is applied. */
	rateLimit429Rate?: number;
	/** Probability of a dropped connection (headers + part of a body, then the socket is destroyed); nothing is applied. */
	dropRate?: number;
	/** Writes only: probability that the write is applied, then the connection is dropped. */
	dropAfterApplyRate?: number;
	/** Delay before answering: fixed, or drawn uniformly from [min, max]. */
	latencyMs?: number | [number, number];
	/** How far ahead an injected 429 puts the reset (default 1000 ms). */
	fault429ResetMs?: number;
}

/** One fault for the next matching request (see `failNext`). */
export interface OneShotFault {
	/** Answer with this status (429 gets the API's own 429 body and headers, 5xx its error body). */
	status?: number;
	/** Overrides the body of a `status` answer. */
	body?: unknown;
	headers?: Record<string, string>;
	/** Drop the connection without applying anything. */
	drop?: boolean;
	/** Apply the request, then drop the connection before the answer is complete. */
	dropAfterApply?: boolean;
	/** Extra delay before this answer. */
	latencyMs?: number;
}

export type FaultKind = '5xx' | '429' | 'drop' | 'dropAfterApply' | 'status' | 'latency';

export interface RequestLogEntry {
	seq: number;
	method: string;
	path: string;
	/** Query parameters (repeated keys become arrays). */
	query: Record<string, string | string[]>;
	/** Parsed JSON body (or the raw text when it was not JSON; undefined when empty). */
	body: unknown;
	/** Status sent (for a dropped connection: the status written in the headers). */
	status: number;
	/** ISO time the request arrived (wall clock). */
	timestamp: string;
	/** The scheme word of the Authorization header (`Basic`, `Bearer`, …), never the credential. */
	authScheme: string | null;
	/** Endpoint key, e.g. `GET /v1/employments/:id`. */
	endpoint: string;
	/** The User-Agent header (`n8n` for the product's requests through the n8n harness). */
	userAgent?: string | null;
	fault?: FaultKind;
	/** Size of the answer's body in bytes (answers of the endpoint itself; not faults). */
	responseBytes?: number;
	/** True when the connection was destroyed before the answer was complete. */
	dropped?: boolean;
	/** True when the request changed state (a write that was applied). */
	applied?: boolean;
	durationMs: number;
}

/** What the seeded fault generator decided for one request (for reproducibility checks). */
export interface FaultDecision {
	seq: number;
	endpoint: string;
	kind: FaultKind | 'none';
	status?: number;
	latencyMs: number;
	/** A one-shot fault answered this request instead. */
	preempted?: boolean;
}

export interface FakeRequest {
	method: string;
	path: string;
	query: URLSearchParams;
	params: Record<string, string>;
	body: any;
	headers: http.IncomingHttpHeaders;
}

export interface FakeResponse {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** Set by handlers of writes that changed state (used in the log). */
	applied?: boolean;
}

/** Throw from a handler to answer with an error; nothing the handler did before must be kept. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: unknown,
	) {
		super(`HTTP ${status}`);
	}
}

interface Route {
	method: string;
	pattern: string;
	key: string;
	regex: RegExp;
	paramNames: string[];
	write: boolean;
	handler: (req: FakeRequest) => FakeResponse;
}

interface Window {
	start: number;
	count: number;
}

/** What a rate-limit check found, for the headers. */
export interface RateState {
	limit: number;
	count: number;
	remaining: number;
	/** Epoch ms at which the window resets. */
	resetAtMs: number;
	nowMs: number;
	limited: boolean;
}

export interface FakeServerOptions {
	/** Port to listen on (default 0: any free port). */
	port?: number;
	/** Business clock (start dates, 6-month windows, timestamps in data). Default: real time. */
	now?: NowFn;
	/** Wall clock in epoch ms for rate-limit windows (default Date.now). Kept apart from `now` so a test
	 * clock in 2030 does not make clients sleep for years. */
	rateClock?: () => number;
	rateLimit?: RateLimitConfig;
	faults?: FaultConfig;
	/** Serve `GET /__fake/state`, `GET /__fake/counters`, `GET /__fake/requests`, `POST /__fake/reset-counters` (no auth). */
	inspection?: boolean;
	/** Keep at most this many log entries (oldest dropped first). Default 200 000. */
	maxLogEntries?: number;
}

const UNLIMITED = 1_000_000;
const DEFAULT_WINDOW_MS = 60_000;

function queryToObject(query: URLSearchParams): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const [key, value] of query) {
		const prev = out[key];
		if (prev === undefined) out[key] = value;
		else out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
	}
	return out;
}

/**
 * The scheme word of an Authorization header (`Basic`, `Bearer`), never the credential: a header
 * without a separate credential (e.g. a raw token) is logged as `(none)`.
 */
export function authSchemeOf(header: string | undefined): string | null {
	if (header === undefined) return null;
	const parts = header.trim().split(/\s+/);
	if (parts.length < 2 || !/^[A-Za-z][A-Za-z0-9_-]{0,19}$/.test(parts[0])) return '(none)';
	return parts[0];
}

export abstract class FakeHttpServer {
	readonly requests: RequestLogEntry[] = [];
	counters: Record<string, number> = {};
	readonly faultTrace: FaultDecision[] = [];

	protected readonly now: NowFn;
	protected readonly rateClock: () => number;
	private rateLimit?: RateLimitConfig;
	private faults?: FaultConfig;
	private rand?: () => number;
	private windows = new Map<string, Window>();
	private oneShots = new Map<string, OneShotFault[]>();
	private routes: Route[] = [];
	private seq = 0;
	private server?: http.Server;
	private readonly inspection: boolean;
	private readonly maxLogEntries: number;
	private readonly port: number;
	url = '';

	protected constructor(options: FakeServerOptions = {}) {
		this.now = options.now ?? (() => new Date());
		this.rateClock = options.rateClock ?? Date.now;
		this.inspection = options.inspection ?? false;
		this.maxLogEntries = options.maxLogEntries ?? 200_000;
		this.port = options.port ?? 0;
		this.setRateLimit(options.rateLimit);
		this.setFaults(options.faults);
	}

	// ---- what each fake supplies -------------------------------------------------------------

	/** True when the Authorization header is the configured credential. */
	protected abstract isAuthorized(header: string | undefined): boolean;
	protected abstract unauthorizedBody(): unknown;
	/** Rate-limit headers for a response (`authenticated` false for 401 answers). */
	protected abstract rateHeaders(state: RateState, authenticated: boolean): Record<string, string>;
	protected abstract tooManyRequestsBody(): unknown;
	protected abstract errorBody(status: number, message: string): unknown;
	/** Plain JSON snapshot of the state (for `/__fake/state`). */
	abstract snapshot(): unknown;

	// ---- set-up --------------------------------------------------------------------------------

	protected route(
		method: string,
		pattern: string,
		handler: (req: FakeRequest) => FakeResponse,
		options: { write?: boolean } = {},
	): void {
		const paramNames: string[] = [];
		const regex = new RegExp(
			'^' +
				pattern
					.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
					.replace(/\/:([A-Za-z]+)/g, (_m, name: string) => {
						paramNames.push(name);
						return '/([^/]+)';
					}) +
				'/?$',
		);
		this.routes.push({
			method,
			pattern,
			key: `${method} ${pattern}`,
			regex,
			paramNames,
			write: options.write ?? method !== 'GET',
			handler,
		});
	}

	/** Endpoint keys this fake serves, e.g. `POST /v1/employments`. */
	endpoints(): string[] {
		return this.routes.map((r) => r.key);
	}

	setRateLimit(config: RateLimitConfig | undefined): void {
		this.rateLimit = config ? { ...config } : undefined;
		this.windows.clear();
	}

	/** Sets (or clears) seeded faults; restarts the PRNG from the seed. */
	setFaults(config: FaultConfig | undefined): void {
		this.faults = config ? { ...config } : undefined;
		this.rand = config ? mulberry32(config.seed) : undefined;
	}

	/**
	 * Queues a fault for the next request(s) to an endpoint key (`POST /v1/employments`,
	 * `GET /v1/employments/:id`, or `*` for any endpoint). Faults never apply to a request that
	 * fails authentication.
	 */
	failNext(endpoint: string, fault: OneShotFault, times = 1): void {
		const queue = this.oneShots.get(endpoint) ?? [];
		for (let i = 0; i < times; i++) queue.push({ ...fault });
		this.oneShots.set(endpoint, queue);
	}

	clearFaultQueue(): void {
		this.oneShots.clear();
	}

	/** Number of requests received by an endpoint key (all outcomes, 401s included). */
	count(endpoint: string): number {
		return this.counters[endpoint] ?? 0;
	}

	/** Requests received by write endpoints (everything that is not a GET). */
	writeCount(): number {
		return Object.entries(this.counters)
			.filter(([key]) => !key.startsWith('GET '))
			.reduce((sum, [, n]) => sum + n, 0);
	}

	/** Clears the counters and the request log. */
	resetCounters(): void {
		this.counters = {};
		this.requests.length = 0;
	}

	async start(): Promise<this> {
		if (this.server) return this;
		const server = http.createServer((req, res) => {
			this.handle(req, res).catch((error) => {
				if (!res.headersSent) {
					const text = JSON.stringify(this.errorBody(500, String(error?.message ?? error)));
					res.writeHead(500, { 'content-type': 'application/json' });
					res.end(text);
				} else {
					res.destroy();
				}
			});
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.port, '127.0.0.1', () => {
				server.off('error', reject);
				resolve();
			});
		});
		this.server = server;
		const address = server.address() as AddressInfo;
		this.url = `http://127.0.0.1:${address.port}`;
		return this;
	}

	async close(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	}

	// ---- request handling ----------------------------------------------------------------------

	private takeRate(endpoint: string): RateState {
		const nowMs = this.rateClock();
		const config = this.rateLimit;
		const windowMs = config?.windowMs ?? DEFAULT_WINDOW_MS;
		const limit = config?.limit ?? UNLIMITED;
		const key = config?.perEndpoint ? endpoint : '*';
		let window = this.windows.get(key);
		if (!window || nowMs >= window.start + windowMs) {
			window = { start: nowMs, count: 0 };
			this.windows.set(key, window);
		}
		window.count++;
		return {
			limit,
			count: window.count,
			remaining: Math.max(0, limit - window.count),
			resetAtMs: window.start + windowMs,
			nowMs,
			limited: config !== undefined && window.count > limit,
		};
	}

	/** The current window without counting a request (for 401 answers). */
	private peekRate(endpoint: string): RateState {
		const nowMs = this.rateClock();
		const config = this.rateLimit;
		const windowMs = config?.windowMs ?? DEFAULT_WINDOW_MS;
		const limit = config?.limit ?? UNLIMITED;
		const window = this.windows.get(config?.perEndpoint ? endpoint : '*');
		const live = window && nowMs < window.start + windowMs ? window : undefined;
		const count = live?.count ?? 0;
		return {
			limit,
			count,
			remaining: Math.max(0, limit - count),
			resetAtMs: live ? live.start + windowMs : nowMs + windowMs,
			nowMs,
			limited: false,
		};
	}

	private drawFault(endpoint: string, write: boolean, seq: number): FaultDecision | undefined {
		const config = this.faults;
		const rand = this.rand;
		if (!config || !rand) return undefined;
		// Always six draws per request, so one request's outcome never shifts the next one's.
		const r = [rand(), rand(), rand(), rand(), rand(), rand()];
		let latencyMs = 0;
		if (Array.isArray(config.latencyMs)) {
			const [min, max] = config.latencyMs;
			latencyMs = Math.round(min + r[5] * (max - min));
		} else if (typeof config.latencyMs === 'number') {
			latencyMs = config.latencyMs;
		}
		let decision: FaultDecision = { seq, endpoint, kind: 'none', latencyMs };
		if (r[0] < (config.error5xxRate ?? 0)) {
			decision = { ...decision, kind: '5xx', status: [500, 502, 503, 504][Math.floor(r[4] * 4)] };
		} else if (r[1] < (config.rateLimit429Rate ?? 0)) {
			decision = { ...decision, kind: '429', status: 429 };
		} else if (r[2] < (config.dropRate ?? 0)) {
			decision = { ...decision, kind: 'drop' };
		} else if (write && r[3] < (config.dropAfterApplyRate ?? 0)) {
			decision = { ...decision, kind: 'dropAfterApply' };
		}
		this.faultTrace.push(decision);
		return decision;
	}

	private takeOneShot(endpoint: string): OneShotFault | undefined {
		for (const key of [endpoint, '*']) {
			const queue = this.oneShots.get(key);
			if (queue && queue.length) {
				const fault = queue.shift()!;
				if (!queue.length) this.oneShots.delete(key);
				return fault;
			}
		}
		return undefined;
	}

	private async readBody(req: http.IncomingMessage): Promise<string> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		return Buffer.concat(chunks).toString('utf8');
	}

	/**
	 * Called with every logged request of every fake in this process (test/harness/contractSetup.ts
	 * collects the product's write requests there, also those a later `resetCounters` clears).
	 */
	static readonly observers = new Set<(fake: FakeHttpServer, entry: RequestLogEntry) => void>();

	private log(entry: Omit<RequestLogEntry, 'durationMs'>, startedAt: number): void {
		this.requests.push({ ...entry, durationMs: Date.now() - startedAt });
		for (const observer of FakeHttpServer.observers)
			observer(this, this.requests[this.requests.length - 1]);
		if (this.requests.length > this.maxLogEntries)
			this.requests.splice(0, this.requests.length - this.maxLogEntries);
	}

	private send(
		res: http.ServerResponse,
		status: number,
		body: unknown,
		headers: Record<string, string>,
	): number {
		if (body === undefined || status === 204) {
			res.writeHead(status, headers);
			res.end();
			return 0;
		}
		const text = JSON.stringify(body);
		const bytes = Buffer.byteLength(text);
		res.writeHead(status, {
			'content-type': 'application/json; charset=utf-8',
			'content-length': String(bytes),
			...headers,
		});
		res.end(text);
		return bytes;
	}

	/** Writes the headers and part of the body, then destroys the socket. */
	private dropMidResponse(
		res: http.ServerResponse,
		status: number,
		body: unknown,
		headers: Record<string, string>,
	): Promise<void> {
		const text = JSON.stringify(body ?? { data: {} });
		res.writeHead(status, {
			'content-type': 'application/json; charset=utf-8',
			'content-length': String(Buffer.byteLength(text)),
			...headers,
		});
		const part = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
		return new Promise((resolve) => {
			res.write(part, () => {
				res.socket?.destroy();
				resolve();
			});
		});
	}

	private async inspect(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		path: string,
	): Promise<boolean> {
		if (!this.inspection || !path.startsWith('/__fake/')) return false;
		await this.readBody(req);
		if (req.method === 'GET' && path === '/__fake/state') this.send(res, 200, this.snapshot(), {});
		else if (req.method === 'GET' && path === '/__fake/counters')
			this.send(res, 200, { counters: this.counters, total: this.requests.length }, {});
		else if (req.method === 'GET' && path === '/__fake/requests')
			this.send(res, 200, { requests: this.requests }, {});
		else if (req.method === 'POST' && path === '/__fake/reset-counters') {
			this.resetCounters();
			this.send(res, 200, { ok: true }, {});
		} else this.send(res, 404, { message: 'unknown inspection endpoint' }, {});
		return true;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const startedAt = Date.now();
		const method = (req.method ?? 'GET').toUpperCase();
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const path = url.pathname;
		if (await this.inspect(req, res, path)) return;

		const rawBody = await this.readBody(req);
		const seq = ++this.seq;
		let route: Route | undefined;
		let params: Record<string, string> = {};
		for (const candidate of this.routes) {
			if (candidate.method !== method) continue;
			const m = candidate.regex.exec(path);
			if (m) {
				route = candidate;
				params = Object.fromEntries(
					candidate.paramNames.map((name, i) => [name, decodeURIComponent(m[i + 1])]),
				);
				break;
			}
		}
		const endpoint = route?.key ?? `${method} ${path}`;
		this.counters[endpoint] = (this.counters[endpoint] ?? 0) + 1;

		const authHeader = req.headers.authorization;
		const authScheme = authSchemeOf(authHeader);
		let parsedBody: unknown = undefined;
		let bodyIsJson = true;
		if (rawBody.trim() !== '') {
			try {
				parsedBody = JSON.parse(rawBody);
			} catch {
				parsedBody = rawBody;
				bodyIsJson = false;
			}
		}
		const base = {
			seq,
			method,
			path,
			query: queryToObject(url.searchParams),
			body: parsedBody,
			timestamp: new Date().toISOString(),
			authScheme,
			endpoint,
			userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
		};

		// 1. Authentication: always checked first; faults and rate limits never apply to it.
		if (!this.isAuthorized(authHeader)) {
			const headers = this.rateHeaders(this.peekRate(endpoint), false);
			this.send(res, 401, this.unauthorizedBody(), headers);
			this.log({ ...base, status: 401 }, startedAt);
			return;
		}

		// 2. Rate limit.
		const rate = this.takeRate(endpoint);
		if (rate.limited) {
			this.send(res, 429, this.tooManyRequestsBody(), this.rateHeaders(rate, true));
			this.log({ ...base, status: 429, fault: '429' }, startedAt);
			return;
		}
		let headers = this.rateHeaders(rate, true);

		// 3. Faults: the one-shot queue first, then the seeded generator.
		const write = route?.write ?? method !== 'GET';
		// The generator draws for every request, so a one-shot fault never shifts the seeded sequence.
		const drawn = this.drawFault(endpoint, write, seq);
		const oneShot = this.takeOneShot(endpoint);
		const seeded = oneShot ? undefined : drawn;
		if (oneShot && drawn) drawn.preempted = true;
		const latency = (oneShot?.latencyMs ?? 0) + (seeded?.latencyMs ?? 0);
		if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));

		const injected429 = () => {
			const resetAtMs = this.rateClock() + (this.faults?.fault429ResetMs ?? 1000);
			return this.rateHeaders({ ...rate, remaining: 0, resetAtMs, nowMs: this.rateClock() }, true);
		};
		if (oneShot?.status !== undefined) {
			const status = oneShot.status;
			const body =
				oneShot.body !== undefined
					? oneShot.body
					: status === 429
						? this.tooManyRequestsBody()
						: this.errorBody(status, status >= 500 ? 'Internal server error' : 'Injected failure');
			const faultHeaders = {
				...(status === 429 ? injected429() : headers),
				...(oneShot.headers ?? {}),
			};
			this.send(res, status, body, faultHeaders);
			this.log(
				{ ...base, status, fault: status === 429 ? '429' : status >= 500 ? '5xx' : 'status' },
				startedAt,
			);
			return;
		}
		if (seeded?.kind === '5xx') {
			this.send(
				res,
				seeded.status!,
				this.errorBody(seeded.status!, 'Internal server error'),
				headers,
			);
			this.log({ ...base, status: seeded.status!, fault: '5xx' }, startedAt);
			return;
		}
		if (seeded?.kind === '429') {
			this.send(res, 429, this.tooManyRequestsBody(), injected429());
			this.log({ ...base, status: 429, fault: '429' }, startedAt);
			return;
		}
		if (oneShot?.drop || seeded?.kind === 'drop') {
			await this.dropMidResponse(
				res,
				200,
				{ data: { partial: true, padding: 'x'.repeat(64) } },
				headers,
			);
			this.log({ ...base, status: 200, fault: 'drop', dropped: true }, startedAt);
			return;
		}

		// 4. The endpoint itself.
		let result: FakeResponse;
		if (!route) {
			result = { status: 404, body: this.errorBody(404, `No route for ${method} ${path}`) };
		} else if (!bodyIsJson) {
			result = { status: 400, body: this.errorBody(400, 'The request body is not valid JSON') };
		} else {
			try {
				result = route.handler({
					method,
					path,
					query: url.searchParams,
					params,
					body: parsedBody,
					headers: req.headers,
				});
			} catch (error) {
				if (error instanceof HttpError) result = { status: error.status, body: error.body };
				else throw error;
			}
		}
		headers = { ...headers, ...(result.headers ?? {}) };
		const dropAfter = oneShot?.dropAfterApply || seeded?.kind === 'dropAfterApply';
		if (dropAfter) {
			await this.dropMidResponse(res, result.status, result.body, headers);
			this.log(
				{
					...base,
					status: result.status,
					fault: 'dropAfterApply',
					dropped: true,
					applied: result.applied,
				},
				startedAt,
			);
			return;
		}
		const responseBytes = this.send(res, result.status, result.body, headers);
		this.log(
			{
				...base,
				responseBytes,
				status: result.status,
				applied: result.applied,
				fault: latency > 0 ? 'latency' : undefined,
			},
			startedAt,
		);
	}
}

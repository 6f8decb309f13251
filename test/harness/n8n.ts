/**
 * A small stand-in for the n8n runtime, enough to run this package's nodes in jest against the
 * fake servers over real HTTP. Parameters are resolved with n8n-workflow's own
 * NodeHelpers.getNodeParameters (defaults included); credentials are applied the way the
 * credential's `authenticate` says (as n8n's CredentialsHelper does); requests go out with fetch.
 * Everything else a node uses (items, static data, continueOnFail, logger) is plain data here.
 * The real n8n run is proven separately by the end-to-end test (scripts/e2e.ts).
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IAdditionalCredentialOptions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError, NodeHelpers, NodeOperationError } from 'n8n-workflow';
import { HiBobApi } from '../../credentials/HiBobApi.credentials';
import { RemoteApi } from '../../credentials/RemoteApi.credentials';
import { authenticateRequest, headersOf } from './authenticate';
import { ProcessedDataStore } from './processedData';

const CREDENTIAL_TYPES: Record<string, ICredentialType> = {
	hiBobApi: new HiBobApi(),
	remoteApi: new RemoteApi(),
};

export interface HttpLogEntry {
	method: string;
	url: string;
	status?: number;
	error?: string;
}

export interface RunOptions {
	parameters: INodeParameters;
	input?: INodeExecutionData[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	staticData?: IDataObject;
	/** n8n's deduplication store of the workflow (a fresh one when not given). */
	processedData?: ProcessedDataStore;
	timezone?: string;
	mode?: 'manual' | 'trigger' | 'webhook' | 'internal';
	/** Collected log lines (to prove that no secret reaches logs). */
	logs?: string[];
	pollBudgetMs?: number;
	/** For webhook nodes. */
	request?: {
		headers: Record<string, string>;
		body: unknown;
		rawBody: Buffer;
		query?: IDataObject;
	};
	webhookUrl?: string;
}

async function sendRequest(
	node: INode,
	credentialType: string,
	credentials: ICredentialDataDecryptedObject,
	options: IHttpRequestOptions,
	log: HttpLogEntry[],
): Promise<any> {
	const type = CREDENTIAL_TYPES[credentialType];
	if (!type) throw new NodeOperationError(node, `Unknown credential type ${credentialType}`);
	// n8n's request helper sends `User-Agent: n8n` (the fakes tell product requests apart by it).
	const headers: Record<string, string> = {
		accept: 'application/json',
		'user-agent': 'n8n',
		...headersOf(await authenticateRequest(type, credentials, options)),
	};
	const url = new URL(`${options.baseURL ?? ''}${options.url}`);
	for (const [k, v] of Object.entries(options.qs ?? {})) {
		if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
	}
	let body: string | undefined;
	if (options.body !== undefined && options.method !== 'GET') {
		body = JSON.stringify(options.body);
		headers['content-type'] = 'application/json';
	}
	const entry: HttpLogEntry = { method: options.method ?? 'GET', url: url.toString() };
	log.push(entry);
	let response: Response;
	let text: string;
	try {
		response = await fetch(url, {
			method: options.method ?? 'GET',
			headers,
			body,
			signal: AbortSignal.timeout(options.timeout ?? 60_000),
		});
		text = await response.text();
	} catch (error) {
		// n8n's request helper wraps transport failures in NodeApiError with the cause attached.
		const cause = (error as any)?.cause ?? error;
		const wrapped = Object.assign(new Error((cause as Error)?.message ?? String(error)), {
			code:
				(cause as any)?.code ??
				((error as Error).name === 'TimeoutError' ? 'ETIMEDOUT' : 'ECONNRESET'),
		});
		entry.error = wrapped.code;
		throw new NodeApiError(node, wrapped as any);
	}
	entry.status = response.status;
	let parsed: unknown = text;
	if (text && (response.headers.get('content-type') ?? '').includes('json')) {
		try {
			parsed = JSON.parse(text);
		} catch {
			parsed = text;
		}
	}
	const responseHeaders: Record<string, string> = {};
	response.headers.forEach((value, key) => (responseHeaders[key] = value));
	if (response.status >= 400 && !options.ignoreHttpStatusErrors) {
		throw new NodeApiError(node, { message: text, httpCode: String(response.status) } as any);
	}
	if (options.returnFullResponse)
		return { body: parsed, headers: responseHeaders, statusCode: response.status };
	return parsed;
}

export interface Context {
	/** The `this` a node method is called with. */
	ctx: any;
	http: HttpLogEntry[];
	staticData: IDataObject;
	processedData: ProcessedDataStore;
	logs: string[];
	node: INode;
	/** How often n8n would have read (and decrypted) a credential from its database. */
	credentialReads: { count: number };
}

export function makeContext(nodeType: INodeType, options: RunOptions): Context {
	const description = nodeType.description;
	const node: INode = {
		id: `node-${description.name}`,
		name: description.defaults.name ?? description.displayName,
		type: `n8n-nodes-hibob-remote.${description.name}`,
		typeVersion: Array.isArray(description.version)
			? description.version[description.version.length - 1]
			: description.version,
		position: [0, 0],
		parameters: options.parameters,
	};
	const resolved =
		NodeHelpers.getNodeParameters(
			description.properties,
			options.parameters,
			true,
			false,
			node,
			description,
		) ?? {};
	const http: HttpLogEntry[] = [];
	const logs = options.logs ?? [];
	const staticData = options.staticData ?? {};
	const processedData = options.processedData ?? new ProcessedDataStore();
	const input = options.input ?? [{ json: {} }];
	const credentials = options.credentials ?? {};
	const credentialReads = { count: 0 };
	const logger = {
		debug: (m: string, meta?: unknown) =>
			logs.push(`debug ${m} ${meta ? JSON.stringify(meta) : ''}`),
		info: (m: string, meta?: unknown) => logs.push(`info ${m} ${meta ? JSON.stringify(meta) : ''}`),
		warn: (m: string, meta?: unknown) => logs.push(`warn ${m} ${meta ? JSON.stringify(meta) : ''}`),
		error: (m: string, meta?: unknown) =>
			logs.push(`error ${m} ${meta ? JSON.stringify(meta) : ''}`),
	};
	const getPath = (source: any, path: string) =>
		path
			.split('.')
			.reduce(
				(acc: any, key) => (acc === undefined || acc === null ? undefined : acc[key]),
				source,
			);
	const ctx: any = {
		logger,
		getNode: () => node,
		getMode: () => options.mode ?? 'manual',
		getTimezone: () => options.timezone ?? 'UTC',
		getInputData: () => input,
		continueOnFail: () => options.continueOnFail ?? false,
		getWorkflowStaticData: () => staticData,
		getPollBudgetMs: () => options.pollBudgetMs ?? 5 * 60_000,
		getExecutionId: () => 'test-execution',
		getNodeParameter(name: string, _itemIndex?: number, fallback?: unknown) {
			const value = getPath(resolved, name);
			if (value === undefined) {
				if (fallback !== undefined) return fallback;
				throw new NodeOperationError(node, `Could not get parameter "${name}"`);
			}
			return value;
		},
		async getCredentials(type: string) {
			credentialReads.count++;
			const data = credentials[type];
			if (!data)
				throw new NodeOperationError(node, `Node does not have credentials of type "${type}" set`);
			return data;
		},
		helpers: {
			...processedData.helpers(node),
			async httpRequestWithAuthentication(
				this: unknown,
				type: string,
				requestOptions: IHttpRequestOptions,
				additional?: IAdditionalCredentialOptions,
			) {
				// As n8n 2.x: the credential handed with the request is used as it is; without one,
				// n8n reads the node's credential (from its database, decrypted) for this request.
				let data = additional?.credentialsDecrypted?.data;
				if (!additional?.credentialsDecrypted) {
					credentialReads.count++;
					data = credentials[type];
				}
				if (!data)
					throw new NodeOperationError(
						node,
						`Node does not have credentials of type "${type}" set`,
					);
				return sendRequest(node, type, data, requestOptions, http);
			},
			returnJsonArray: (items: IDataObject | IDataObject[]) =>
				(Array.isArray(items) ? items : [items]).map((json) => ({ json })),
			constructExecutionMetaData: (
				items: INodeExecutionData[],
				meta: { itemData: { item: number } },
			) => items.map((item) => ({ ...item, pairedItem: meta.itemData })),
		},
		// Webhook functions
		getRequestObject: () => ({
			headers: options.request?.headers ?? {},
			body: options.request?.body,
			rawBody: options.request?.rawBody,
			query: options.request?.query ?? {},
		}),
		getHeaderData: () => options.request?.headers ?? {},
		getBodyData: () => options.request?.body ?? {},
		getQueryData: () => options.request?.query ?? {},
		getNodeWebhookUrl: () => options.webhookUrl ?? 'http://127.0.0.1:5678/webhook/hibob',
		getWebhookName: () => 'default',
	};
	return { ctx, http, staticData, processedData, logs, node, credentialReads };
}

/** Runs a node's `execute` and returns its first output (plus what it sent). */
export async function runExecute(nodeType: INodeType, options: RunOptions) {
	const context = makeContext(nodeType, options);
	const result = (await nodeType.execute!.call(context.ctx)) as INodeExecutionData[][];
	return { ...context, output: (result?.[0] ?? []) as INodeExecutionData[], outputs: result };
}

export async function runPoll(nodeType: INodeType, options: RunOptions) {
	const context = makeContext(nodeType, options);
	const result = await nodeType.poll!.call(context.ctx);
	return { ...context, output: (result?.[0] ?? null) as INodeExecutionData[] | null };
}

/** Webhook and hook functions take no item index: `getNodeParameter(name, fallback)`, as in n8n. */
function withoutItemIndex(context: Context): Context {
	const byItem = context.ctx.getNodeParameter;
	context.ctx.getNodeParameter = (name: string, fallback?: unknown) => byItem(name, 0, fallback);
	return context;
}

export async function runWebhook(nodeType: INodeType, options: RunOptions) {
	const context = withoutItemIndex(makeContext(nodeType, options));
	let responded: { status: number; body?: unknown } | undefined;
	context.ctx.getResponseObject = () => ({
		status(code: number) {
			responded = { status: code };
			return this;
		},
		json(body: unknown) {
			responded = { ...(responded ?? { status: 200 }), body };
			return this;
		},
		send(body: unknown) {
			responded = { ...(responded ?? { status: 200 }), body };
			return this;
		},
		end(body?: unknown) {
			responded = { ...(responded ?? { status: 200 }), body };
			return this;
		},
		setHeader() {
			return this;
		},
	});
	const result: IWebhookResponseData = await nodeType.webhook!.call(context.ctx);
	return { ...context, result, responded };
}

/** Runs one of a trigger's webhook lifecycle methods (`checkExists`, `create`, `delete`), as n8n does on (de)activation. */
export async function runHook(
	nodeType: INodeType,
	method: 'checkExists' | 'create' | 'delete',
	options: RunOptions,
) {
	const context = withoutItemIndex(makeContext(nodeType, options));
	const hooks = nodeType.webhookMethods?.default;
	if (!hooks) throw new Error(`${nodeType.description.name} has no webhook methods`);
	const result = await hooks[method]!.call(context.ctx);
	return { ...context, result };
}

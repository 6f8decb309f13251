import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import type { HiBobEvent, SignatureCheck } from './webhookPayload';
import {
	checkBobSignature,
	deliveryAge,
	deliveryHash,
	isPing,
	MAX_BODY_BYTES,
	normaliseEventName,
	readEvent,
	triggeredAtMs,
} from './webhookPayload';
import { answer, headerValue, parseRawJson, pruneSeen } from '../shared/webhook';

const SIGNATURE_HEADER = 'bob-signature';

const REJECTION_REASONS: Record<Exclude<SignatureCheck, 'valid'>, string> = {
	missing: 'the request has no Bob-Signature header',
	malformed: 'the Bob-Signature header is not a Base64 HMAC-SHA512 signature',
	mismatch: 'the Bob-Signature does not match the Webhook Secret',
	noRawBody: 'n8n did not keep the raw request body, so the signature cannot be checked',
	noSecret: 'the Webhook Secret field of the node is empty',
};

function toItem(event: HiBobEvent): IDataObject {
	const item: IDataObject = {
		event: event.event,
		category: event.category,
		employeeId: event.employeeId ?? null,
	};
	if (event.requestId !== undefined) item.requestId = event.requestId;
	if (event.fieldUpdates !== undefined) item.fieldUpdates = event.fieldUpdates;
	item.happenedAt = event.happenedAt ?? null;
	if (event.triggeredBy !== undefined) item.triggeredBy = event.triggeredBy;
	item.companyId = event.companyId ?? null;
	item.version = event.version;
	if (event.getApi !== undefined) item.getApi = event.getApi;
	item.deliveryId = event.deliveryId;
	return item;
}

export class HiBobTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HiBob Trigger',
		name: 'hiBobTrigger',
		icon: { light: 'file:../../icons/hibob.svg', dark: 'file:../../icons/hibob.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'Bob webhook',
		description:
			'Starts the workflow within seconds when HiBob (Bob) reports an employee or time-off change through a webhook',
		defaults: {
			name: 'HiBob Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'hibob',
			},
		],
		properties: [
			{
				displayName:
					'Bob does not let other apps register webhooks, so a Bob admin sets this one up once: 1) Copy the Production URL shown above and publish (activate) this workflow. 2) In Bob open Settings → Integrations → Webhooks, create a webhook, paste the URL and tick the same events as below; Bob\'s "Ping test" is answered without starting the workflow. 3) Copy the secret Bob shows for the webhook into Webhook Secret below and publish again. Until then every event is refused.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Webhook Secret',
				name: 'secret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'The secret Bob shows for this webhook. Every delivery must carry a matching Bob-Signature, or it is refused with 401 and no workflow runs.',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{
						name: 'Employee Activated',
						value: 'employee.activated',
						description: 'An employee became active',
					},
					{
						name: 'Employee Created',
						value: 'employee.created',
						description: 'A new employee was added in Bob',
					},
					{
						name: 'Employee Deleted',
						value: 'employee.deleted',
						description: 'An employee was deleted from Bob',
					},
					{
						name: 'Employee Inactivated',
						value: 'employee.inactivated',
						description: 'An employee went on leave or was terminated',
					},
					{
						name: 'Employee Joined',
						value: 'employee.joined',
						description:
							'An employee was granted access to Bob (sent at midnight on the effective date)',
					},
					{
						name: 'Employee Left',
						value: 'employee.left',
						description:
							'An employee was terminated or went on garden leave (sent on the effective date)',
					},
					{
						name: 'Employee Updated',
						value: 'employee.updated',
						description: 'Fields of an employee changed; the changed field IDs are listed',
					},
					{
						name: 'Time Off Request Approved',
						value: 'timeoff.request.approved',
					},
					{
						name: 'Time Off Request Cancelled (Bob V1 Webhooks)',
						value: 'timeoff.request.cancelled',
					},
					{
						name: 'Time Off Request Declined',
						value: 'timeoff.request.declined',
					},
					{
						name: 'Time Off Request Deleted (Bob V1 Webhooks)',
						value: 'timeoff.request.deleted',
					},
					{
						name: 'Time Off Request Requested',
						value: 'timeoff.request.requested',
					},
					{
						name: 'Time Off Request Updated',
						value: 'timeoff.request.updated',
					},
				],
				default: [
					'employee.activated',
					'employee.created',
					'employee.deleted',
					'employee.inactivated',
					'employee.joined',
					'employee.left',
					'employee.updated',
				],
				description:
					'Which Bob events start the workflow. Other events are answered with 200 and ignored.',
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				// Bob has no API to register webhooks: an admin adds the URL in Bob's settings.
				this.logger.debug(
					`HiBob Trigger "${this.getNode().name}": webhooks are registered by a Bob admin (Settings → Integrations → Webhooks); nothing to check`,
				);
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				this.logger.debug(
					`HiBob Trigger "${this.getNode().name}": webhooks are registered by a Bob admin; nothing to create`,
				);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				this.logger.debug(
					`HiBob Trigger "${this.getNode().name}": the webhook stays in Bob until a Bob admin removes it; nothing to delete here`,
				);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const nodeName = this.getNode().name;
		const request = this.getRequestObject();
		// n8n keeps the bytes it received in `rawBody` (a Buffer) before parsing them.
		const rawBody: unknown = request.rawBody;
		const signature = headerValue(request.headers, SIGNATURE_HEADER);
		const secret = String(this.getNodeParameter('secret', '') ?? '');

		// 1. Size first: nothing of a body above the limit is read, not even for the signature.
		const size = Buffer.isBuffer(rawBody)
			? rawBody.length
			: Number(headerValue(request.headers, 'content-length') ?? 0);
		if (size > MAX_BODY_BYTES) {
			this.logger.warn(
				`HiBob Trigger "${nodeName}" refused a delivery of ${size} bytes with 413 (the limit is ${MAX_BODY_BYTES})`,
			);
			return answer(this, 413, {
				message: `Payload too large: HiBob webhook bodies are at most ${MAX_BODY_BYTES / 1024} KiB`,
			});
		}

		// 2. Bob's ping, recognised by its exact (tiny) shape without parsing.
		if (Buffer.isBuffer(rawBody) && isPing(rawBody)) {
			// The ping starts nothing, so it is accepted even before the secret is filled in.
			if (signature !== undefined && secret) {
				const check = checkBobSignature(secret, signature, rawBody);
				if (check !== 'valid') {
					this.logger.warn(
						`HiBob Trigger "${nodeName}" answered Bob's ping, but ${REJECTION_REASONS[check]}: real events will be refused until the Webhook Secret matches the one in Bob`,
					);
				}
			}
			this.logger.debug(`HiBob Trigger "${nodeName}" answered Bob's ping`);
			return answer(this, 200, { received: true, ping: true });
		}

		// 3. The signature, over the raw bytes, before anything is parsed.
		const check = checkBobSignature(secret, signature, rawBody);
		if (check !== 'valid') {
			this.logger.warn(
				`HiBob Trigger "${nodeName}" refused a delivery with 401: ${REJECTION_REASONS[check]}`,
			);
			return answer(this, 401, { message: 'Unauthorized: invalid or missing Bob-Signature' });
		}
		const raw = rawBody as Buffer;

		const deliveryId = deliveryHash(secret, raw);
		const event = readEvent(parseRawJson(raw), deliveryId);
		if (!event) {
			this.logger.warn(
				`HiBob Trigger "${nodeName}" ignored a signed delivery that carries no event type (delivery ${deliveryId.slice(0, 12)})`,
			);
			return answer(this, 200, { received: true, ignored: 'no event type' });
		}

		// 4. Replays: only deliveries whose triggeredAt lies in the window run (answered 200 either
		// way, so that Bob does not switch the webhook off for a late retry).
		const now = Date.now();
		const happenedMs = triggeredAtMs(event.happenedAt);
		if (happenedMs === undefined) {
			this.logger.warn(
				`HiBob Trigger "${nodeName}" ignored a signed ${event.event} without a readable triggeredAt: a replay could not be told apart (delivery ${deliveryId.slice(0, 12)})`,
			);
			return answer(this, 200, { received: true, ignored: 'no triggeredAt' });
		}
		const age = deliveryAge(happenedMs, now);
		if (age !== 'ok') {
			this.logger.warn(
				age === 'old'
					? `HiBob Trigger "${nodeName}" ignored a signed ${event.event} triggered at ${event.happenedAt}, older than 24 h: a replay or a very late retry (delivery ${deliveryId.slice(0, 12)})`
					: `HiBob Trigger "${nodeName}" ignored a signed ${event.event} triggered at ${event.happenedAt}, more than 14 h ahead of this server's clock (delivery ${deliveryId.slice(0, 12)})`,
			);
			return answer(this, 200, {
				received: true,
				ignored: age === 'old' ? 'too old' : 'triggeredAt in the future',
			});
		}

		const selected = (this.getNodeParameter('events', []) as string[]).map(normaliseEventName);
		if (!selected.includes(event.event)) {
			this.logger.debug(
				`HiBob Trigger "${nodeName}" ignored event ${event.event}: not selected in Events`,
			);
			return answer(this, 200, { received: true, ignored: 'event not selected' });
		}

		// 5. Each delivery runs once: remembered until its triggeredAt leaves the window.
		const staticData = this.getWorkflowStaticData('node');
		// Older versions kept unkeyed hashes of whole bodies under `seen`: dropped.
		if (staticData.seen !== undefined) delete staticData.seen;
		const seen = pruneSeen(staticData.deliveries, now);
		if (seen.some(([hash]) => hash === deliveryId)) {
			// Reassigning the key marks the static data as changed, so the pruning is saved too.
			staticData.deliveries = seen;
			this.logger.debug(
				`HiBob Trigger "${nodeName}" ignored a repeated delivery of ${event.event} (delivery ${deliveryId.slice(0, 12)})`,
			);
			return answer(this, 200, { received: true, duplicate: true });
		}
		seen.push([deliveryId, happenedMs]);
		staticData.deliveries = seen;

		this.logger.debug(
			`HiBob Trigger "${nodeName}" starts a run for ${event.event} (delivery ${deliveryId.slice(0, 12)})`,
		);
		// The node answers Bob itself and then hands n8n the item. In n8n 2.40 a change to static
		// data is saved only when the response is handed over before the execution is set up: with
		// n8n's own "onReceived" answer the remembered delivery would be lost, and a repeat of it
		// would start a second run.
		answer(this, 200, { received: true });
		return {
			noWebhookResponse: true,
			workflowData: [this.helpers.returnJsonArray([toItem(event)])],
		};
	}
}

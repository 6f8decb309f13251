import type {
	IDataObject,
	IHookFunctions,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { RemoteClient } from '../shared/transport/remote';
import { answer, headerValue, parseRawJson, seenBefore } from '../shared/webhook';
import type { RemoteEvent } from './remoteWebhook';
import {
	DELIVERY_REFUSALS,
	checkRemoteDelivery,
	deliveryFingerprint,
	isEmploymentId,
	readRemoteEvent,
} from './remoteWebhook';

/** One callback registered with Remote, as kept in the node's static data (one per webhook URL). */
export interface StoredCallback {
	id: string;
	url: string;
	events: string[];
	/** Shown by Remote once, when the callback is created; needed to check every delivery. */
	signingKey: string;
	createdAt: number;
}

const EVENT_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Contract Amendment Canceled', value: 'contract_amendment.canceled' },
	{
		name: 'Contract Amendment Done',
		value: 'contract_amendment.done',
		description: 'An amendment was approved and applies',
	},
	{ name: 'Contract Amendment Submitted', value: 'contract_amendment.submitted' },
	{
		name: 'Employment Details Updated',
		value: 'employment.details.updated',
		description: 'Department or manager changed',
	},
	{
		name: 'Employment Onboarding Completed',
		value: 'employment.onboarding.completed',
		description: 'The employment is now active',
	},
	{ name: 'Employment Onboarding Started', value: 'employment.onboarding.started' },
	{
		name: 'Employment Personal Information Updated',
		value: 'employment.personal_information.updated',
	},
	{ name: 'Employment Start Date Changed', value: 'employment.start_date.changed' },
	{ name: 'Employment Status Updated', value: 'employment.status.updated' },
	{ name: 'Employment User Status Activated', value: 'employment.user_status.activated' },
	{ name: 'Employment User Status Deactivated', value: 'employment.user_status.deactivated' },
	{ name: 'Employment Work Email Updated', value: 'employment.work_email.updated' },
	{ name: 'Offboarding Completed', value: 'offboarding.completed' },
	{ name: 'Time Off Approved', value: 'timeoff.approved' },
	{ name: 'Time Off Canceled', value: 'timeoff.canceled' },
	{ name: 'Time Off Date Changed', value: 'timeoff.date_changed' },
	{ name: 'Time Off Declined', value: 'timeoff.declined' },
	{ name: 'Time Off Requested', value: 'timeoff.requested' },
	{ name: 'Time Off Taken', value: 'timeoff.taken' },
	{ name: 'Time Off Updated', value: 'timeoff.updated' },
];

const SIGNATURE_HEADER = 'x-remote-signature';
const TIMESTAMP_HEADER = 'x-remote-timestamp';

function storedCallbacks(staticData: IDataObject): StoredCallback[] {
	const list = staticData.callbacks;
	if (!Array.isArray(list)) return [];
	return (list as unknown[]).filter(
		(entry): entry is StoredCallback =>
			!!entry &&
			typeof entry === 'object' &&
			typeof (entry as StoredCallback).id === 'string' &&
			typeof (entry as StoredCallback).url === 'string' &&
			typeof (entry as StoredCallback).signingKey === 'string' &&
			Array.isArray((entry as StoredCallback).events),
	);
}

function selectedEvents(ctx: IHookFunctions | IWebhookFunctions): string[] {
	const events = ctx.getNodeParameter('events', []) as string[];
	return [
		...new Set(events.map((event) => String(event).trim().toLowerCase()).filter(Boolean)),
	].sort();
}

function sameEvents(a: string[], b: string[]): boolean {
	const left = [...a].sort();
	const right = [...b].sort();
	return left.length === right.length && left.every((event, index) => event === right[index]);
}

function toItem(event: RemoteEvent, fields: IDataObject, deliveryId: string): IDataObject {
	return {
		event: event.event,
		employmentId: event.employmentId ?? null,
		...fields,
		companyId: event.companyId ?? null,
		...event.resourceIds,
		deliveryId,
	};
}

export class RemoteTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Remote Trigger',
		name: 'remoteTrigger',
		icon: { light: 'file:../../icons/remote.svg', dark: 'file:../../icons/remote.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'Remote webhook',
		description:
			'Starts the workflow within seconds when Remote reports a change to an employment (onboarding completed, status, details, time off)',
		defaults: {
			name: 'Remote Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'remoteApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'remote',
			},
		],
		properties: [
			{
				displayName:
					"Publishing (activating) the workflow registers this node's Production URL with Remote for the events below; unpublishing removes it. Remote signs every delivery: unsigned, wrongly signed, older than 5 minutes or repeated deliveries start nothing. Each item carries the HiBob employee ID Remote holds as the employment's external ID.",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: EVENT_OPTIONS,
				default: [
					'contract_amendment.canceled',
					'contract_amendment.done',
					'employment.details.updated',
					'employment.onboarding.completed',
					'employment.status.updated',
					'employment.user_status.activated',
					'employment.work_email.updated',
				],
				required: true,
				description:
					'Which Remote events start the workflow. Time-off events are off by default: the sync itself creates time off in Remote, so they would mostly report its own writes.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Ignore Repeats Within (Minutes)',
						name: 'dedupeMinutes',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 1440 },
						default: 10,
						description:
							'Remote delivers at least once, so a delivery can come again. A delivery with the same content within this many minutes starts nothing. 0 turns this off.',
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const url = this.getNodeWebhookUrl('default') ?? '';
				const events = selectedEvents(this);
				const stored = storedCallbacks(this.getWorkflowStaticData('node')).find(
					(entry) => entry.url === url,
				);
				// A callback registered for other events (the selection changed) is replaced in create().
				return !!stored && sameEvents(stored.events, events);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const url = this.getNodeWebhookUrl('default') ?? '';
				const events = selectedEvents(this);
				if (!url)
					throw new NodeOperationError(
						this.getNode(),
						'n8n gave this node no webhook URL to register with Remote',
					);
				if (events.length === 0) {
					throw new NodeOperationError(this.getNode(), 'No Remote events are selected', {
						description:
							'Pick at least one event in the Remote Trigger node, then publish the workflow again.',
					});
				}
				const remote = client(this);
				const staticData = this.getWorkflowStaticData('node');
				const kept: StoredCallback[] = [];
				for (const entry of storedCallbacks(staticData)) {
					if (entry.url !== url) {
						kept.push(entry);
						continue;
					}
					// The same URL registered before (other events, or a deactivation that could not
					// reach Remote): removed first, so Remote never holds two callbacks for this node.
					await remote.deleteWebhookCallback(entry.id);
					this.logger.debug(
						`Remote Trigger "${this.getNode().name}" removed its earlier Remote callback ${entry.id}`,
					);
				}
				const created = await remote.createWebhookCallback(url, events);
				const id = typeof created?.id === 'string' ? created.id : '';
				const signingKey = typeof created?.signing_key === 'string' ? created.signing_key : '';
				if (!id || !signingKey) {
					if (id) await remote.deleteWebhookCallback(id);
					staticData.callbacks = kept;
					throw new NodeOperationError(
						this.getNode(),
						'Remote registered the webhook but did not return its id and signing key',
						{
							description:
								'Without the signing key no delivery can be checked. Publish the workflow again.',
						},
					);
				}
				kept.push({ id, url, events, signingKey, createdAt: Date.now() });
				staticData.callbacks = kept;
				this.logger.info(
					`Remote Trigger "${this.getNode().name}" registered Remote callback ${id} for ${events.length} event(s)`,
				);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const url = this.getNodeWebhookUrl('default') ?? '';
				const staticData = this.getWorkflowStaticData('node');
				const all = storedCallbacks(staticData);
				const kept: StoredCallback[] = [];
				let ok = true;
				for (const entry of all) {
					if (entry.url !== url) {
						kept.push(entry);
						continue;
					}
					try {
						await client(this).deleteWebhookCallback(entry.id);
						this.logger.info(
							`Remote Trigger "${this.getNode().name}" deleted Remote callback ${entry.id}`,
						);
					} catch (error) {
						// Kept, so the next activation removes it before registering again.
						kept.push(entry);
						ok = false;
						this.logger.warn(
							`Remote Trigger "${this.getNode().name}" could not delete Remote callback ${entry.id}: ${(error as Error).message}`,
						);
					}
				}
				staticData.callbacks = kept;
				return ok;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const nodeName = this.getNode().name;
		const request = this.getRequestObject();
		// n8n keeps the bytes it received in `rawBody` (a Buffer) before parsing them.
		const rawBody: unknown = request.rawBody;
		const staticData = this.getWorkflowStaticData('node');
		const callbacks = storedCallbacks(staticData);
		const now = Date.now();

		const check = checkRemoteDelivery({
			signingKeys: callbacks.map((entry) => entry.signingKey),
			signature: headerValue(request.headers, SIGNATURE_HEADER),
			timestamp: headerValue(request.headers, TIMESTAMP_HEADER),
			rawBody,
			nowMs: now,
		});
		if (check !== 'valid') {
			const refusal = DELIVERY_REFUSALS[check];
			this.logger.warn(
				`Remote Trigger "${nodeName}" refused a delivery with ${refusal.status}: ${refusal.reason}`,
			);
			return answer(this, refusal.status, {
				message:
					refusal.status === 413
						? 'Payload too large'
						: 'Unauthorized: invalid, stale or missing X-Remote-Signature',
			});
		}
		const raw = rawBody as Buffer;
		// Which key signed it does not matter for the fingerprint; the newest one is used for all.
		const fingerprintKey = callbacks[callbacks.length - 1].signingKey;
		const deliveryId = deliveryFingerprint(fingerprintKey, raw);

		const event = readRemoteEvent(parseRawJson(raw));
		if (!event) {
			this.logger.warn(
				`Remote Trigger "${nodeName}" ignored a signed delivery that carries no event_type (delivery ${deliveryId.slice(0, 12)})`,
			);
			return answer(this, 200, { received: true, ignored: 'no event type' });
		}
		if (!selectedEvents(this).includes(event.event)) {
			this.logger.debug(
				`Remote Trigger "${nodeName}" ignored event ${event.event}: not selected in Events`,
			);
			return answer(this, 200, { received: true, ignored: 'event not selected' });
		}

		const dedupeMinutes = Number(this.getNodeParameter('options.dedupeMinutes', 10) ?? 10);
		const windowMs = Math.max(0, Number.isFinite(dedupeMinutes) ? dedupeMinutes : 10) * 60_000;
		if (windowMs > 0 && seenBefore(staticData, deliveryId, now, windowMs)) {
			this.logger.debug(
				`Remote Trigger "${nodeName}" ignored a repeated delivery of ${event.event} (delivery ${deliveryId.slice(0, 12)})`,
			);
			return answer(this, 200, { received: true, duplicate: true });
		}

		// Remote is answered before the employment is read, so a slow read never makes it retry. As in
		// the HiBob Trigger, the node answers itself: n8n 2.40 saves static data (the delivery just
		// remembered) only when the response is handed over before the execution is set up.
		answer(this, 200, { received: true });
		this.logger.debug(
			`Remote Trigger "${nodeName}" starts a run for ${event.event} (delivery ${deliveryId.slice(0, 12)})`,
		);

		const fields = await lookUpHiBobId(this, event);
		return {
			noWebhookResponse: true,
			workflowData: [this.helpers.returnJsonArray([toItem(event, fields, deliveryId)])],
		};
	}
}

function client(ctx: IHookFunctions | IWebhookFunctions): RemoteClient {
	return new RemoteClient(ctx);
}

/**
 * Reads the employment once for its external ID (the HiBob employee ID the sync wrote there). A
 * delivery that cannot be tied to a HiBob person still becomes one item, with the reason.
 */
async function lookUpHiBobId(ctx: IWebhookFunctions, event: RemoteEvent): Promise<IDataObject> {
	const id = event.employmentId;
	if (!id) {
		return {
			hibobId: null,
			reason: 'no_employment_id',
			message: 'The delivery names no employment.',
		};
	}
	if (!isEmploymentId(id)) {
		return {
			hibobId: null,
			reason: 'invalid_employment_id',
			message: 'The employment ID in the delivery is not a Remote ID.',
		};
	}
	try {
		const record = await client(ctx).findEmployment(id);
		if (!record) {
			return {
				hibobId: null,
				reason: 'employment_not_found',
				message: 'Remote does not know this employment (deleted?).',
			};
		}
		const externalId = typeof record.external_id === 'string' ? record.external_id.trim() : '';
		const status = typeof record.status === 'string' ? record.status : null;
		if (!externalId) {
			return {
				hibobId: null,
				remoteStatus: status,
				reason: 'no_external_id',
				message:
					'This Remote employment has no external ID, so it is not linked to a HiBob person. Run the sync once (it links people it finds by email), or set the HiBob employee ID as its external ID in Remote.',
			};
		}
		return { hibobId: externalId, remoteStatus: status };
	} catch (error) {
		ctx.logger.warn(
			`Remote Trigger "${ctx.getNode().name}" could not read employment ${id}: ${(error as Error).message}`,
		);
		return {
			hibobId: null,
			reason: 'remote_lookup_failed',
			message: `Remote could not be asked for the employment: ${(error as Error).message}`,
		};
	}
}

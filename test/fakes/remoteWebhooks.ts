/**
 * Remote's webhooks in the fake Remote (remote-api.md §8, remote-openapi.yaml `WebhookCallbacks_*`,
 * `Sandbox_triggerWebhookCallback`):
 *   POST   /v1/webhook-callbacks            {url, subscribed_events:[…]} | {url, subscribe_to_all_events:true}
 *                                            → 200 {data:{webhook_callback:{id, url, subscribed_events, signing_key}}}
 *   GET    /v1/webhook-callbacks            the callbacks (signing keys are never shown again)
 *   PATCH  /v1/webhook-callbacks/{id}       {url?, subscribed_events?}
 *   DELETE /v1/webhook-callbacks/{id}       → 200 {data:{status:"ok"}}, 404 when unknown
 *   POST   /v1/sandbox/webhook-callbacks/trigger {employment_id, event_type}
 * and signed deliveries: `POST <url>` with the flat body `{event_type, employment_id, company_id, …}`,
 * `X-Remote-Timestamp` (Unix ms) and `X-Remote-Signature` = lowercase hex HMAC-SHA256 of
 * `raw_body + ":" + timestamp` keyed by the callback's signing key. Deliveries are at least once: a
 * delivery not answered 2xx is retried; the option `repeatEveryDelivery` sends each one twice.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { FakeRequest, FakeResponse } from './server';
import { HttpError } from './server';
import { fakeUuid } from './prng';
// Used inside methods only, so the import cycle with ./remote (which builds this class) is harmless.
import { REMOTE_STATUS_FAMILIES } from './remote';

/** The live `subscribed_events` enum (remote-api.md §8). */
export const REMOTE_WEBHOOK_EVENTS: readonly string[] = [
	'background_check.status.updated',
	'benefit_renewal_request.created',
	'billing_document.issued',
	...[
		'activated',
		'manager_created',
		'manager_deleted',
		'manager_updated',
		'owner_changed',
		'archived',
	].map((e) => `company.${e}`),
	...[
		'additional_information_required',
		'reserve_payment_requested',
		'no_reserve_payment_requested',
		'referred',
		'verification_completed',
	].map((e) => `company.eor_hiring.${e}`),
	'company.partner_offboarded',
	'company.pricing_plan.updated',
	...['canceled', 'deleted', 'done', 'review_started', 'submitted'].map(
		(e) => `contract_amendment.${e}`,
	),
	'contract.termination_date_reached',
	'contract_document.status.changed',
	...['employer_paid', 'issued', 'paid_out', 'payment_initiated'].map(
		(e) => `contractor_invoice.${e}`,
	),
	'custom_field.value_updated',
	'employment.benefits.selected',
	'employment_company_structure_node.updated',
	'employment_contract.active_contract_updated',
	'employment_contract.adjusted_during_onboarding',
	'employment.account.updated',
	'employment.administrative_details.updated',
	'employment_basic_information.updated',
	'employment.details.updated',
	'employment.personal_information.updated',
	'employment.work_email.updated',
	'employment.start_date.changed',
	'employment.status.updated',
	'employment.updated',
	'employment.contractor_management_plan.updated',
	...['cancelled', 'executed', 'initiated'].map(
		(e) => `employment.contractor_of_record_termination.${e}`,
	),
	'employment.cor_hiring.invoice_created',
	'employment.eor_hiring.invoice_created',
	...['accepted', 'submitted'].flatMap((e) => [
		`employment.cor_hiring.proof_of_payment_${e}`,
		`employment.eor_hiring.proof_of_payment_${e}`,
	]),
	'employment.employment_agreement.available',
	'employment.no_longer_eligible_for_onboarding_cancellation',
	'employment.onboarding_task.completed',
	'employment.onboarding.cancelled',
	'employment.onboarding.completed',
	'employment.onboarding.started',
	...['cancelled', 'completed', 'submitted'].flatMap((e) => [
		`employment.probation_completion_letter.${e}`,
		`employment.probation_period_extension.${e}`,
	]),
	'employment.probation.period_ending_reminder_sent',
	...['activated', 'deactivated', 'initiated', 'invited'].map((e) => `employment.user_status.${e}`),
	...['approved', 'declined', 'deleted', 'reimbursed', 'submitted', 'updated'].map(
		(e) => `expense.${e}`,
	),
	'identity_verification.verification_required',
	...['created', 'deleted', 'paid', 'processing_started', 'updated'].map((e) => `incentive.${e}`),
	...['completed', 'deleted', 'done', 'review_started', 'submitted_to_payroll', 'submitted'].map(
		(e) => `offboarding.${e}`,
	),
	'payslip.released',
	...['disabled', 'enabled', 'updated'].map((e) => `sso_configuration.${e}`),
	...[
		'approved',
		'canceled',
		'cancellation_requested',
		'date_changed',
		'declined',
		'requested',
		'started',
		'taken',
		'updated',
	].map((e) => `timeoff.${e}`),
	'timesheet.submitted',
	'timesheet.in_calibration',
	...[
		'approved_by_manager',
		'approved_by_remote',
		'declined_by_manager',
		'declined_by_remote',
		'requested',
	].map((e) => `travel_letter.${e}`),
	...[
		'approved_by_manager',
		'approved_by_remote',
		'cancelled',
		'declined_by_manager',
		'declined_by_remote',
		'requested',
	].map((e) => `work_authorization.${e}`),
];

/** Events the sandbox trigger endpoint accepts (`WebhookTriggerParams.event_type`). */
const SANDBOX_TRIGGER_EVENTS = new Set(
	REMOTE_WEBHOOK_EVENTS.filter((e) =>
		/^(billing_document|contract_amendment|custom_field|employment_contract\.active|employment\.(account|details|onboarding_task|onboarding\.completed|personal_information|user_status\.(activated|deactivated))|expense|identity_verification|incentive|offboarding|payslip|timeoff)/.test(
			e,
		),
	),
);

export interface WebhookCallbackRecord {
	id: string;
	url: string;
	subscribed_events: string[];
	subscribe_to_all_events: boolean;
	signing_key: string;
	created_at: string;
}

export interface WebhookDelivery {
	seq: number;
	callbackId: string;
	url: string;
	eventType: string;
	employmentId: string | null;
	/** The exact bytes sent. */
	body: string;
	/** Wall-clock ms when the event was emitted. */
	emittedAt: number;
	/** One entry per attempt: the status answered, or the connection error. */
	attempts: Array<{ at: number; status?: number; error?: string }>;
	/** True once an attempt was answered 2xx. */
	delivered: boolean;
}

export interface RemoteWebhookOptions {
	/** Attempts per delivery while the receiver does not answer 2xx (default 3). */
	maxAttempts?: number;
	/** Pause between attempts (default 200 ms). */
	retryDelayMs?: number;
	/** Send every delivery twice (Remote delivers at least once). */
	repeatEveryDelivery?: boolean;
}

/** What the webhooks need from the fake Remote. */
export interface RemoteWebhookHost {
	readonly companyId: string;
	getEmployment(
		id: string,
	): { id: string; status: string; user_status?: string | null } | undefined;
}

type Register = (
	method: string,
	pattern: string,
	handler: (req: FakeRequest) => FakeResponse,
) => void;

function unprocessable(errors: Record<string, string[]>): HttpError {
	return new HttpError(422, { message: 'Unprocessable Entity', errors });
}

function publicCallback(callback: WebhookCallbackRecord) {
	return {
		id: callback.id,
		url: callback.url,
		subscribed_events: callback.subscribe_to_all_events
			? [...REMOTE_WEBHOOK_EVENTS]
			: [...callback.subscribed_events],
	};
}

function validUrl(url: unknown): boolean {
	if (typeof url !== 'string' || url.trim() === '') return false;
	try {
		const parsed = new URL(url);
		return parsed.protocol === 'https:' || parsed.protocol === 'http:';
	} catch {
		return false;
	}
}

/** Signs a delivery as Remote does (exported for tests that forge deliveries). */
export function signRemoteDelivery(
	signingKey: string,
	body: string | Buffer,
	timestamp: string,
): string {
	return createHmac('sha256', Buffer.from(signingKey, 'utf8'))
		.update(body)
		.update(':')
		.update(timestamp)
		.digest('hex');
}

export class RemoteWebhooks {
	readonly callbacks: WebhookCallbackRecord[] = [];
	readonly deliveries: WebhookDelivery[] = [];
	options: Required<RemoteWebhookOptions>;
	private counter = 0;
	private readonly inFlight = new Set<Promise<void>>();

	constructor(
		private readonly host: RemoteWebhookHost,
		options: RemoteWebhookOptions = {},
	) {
		this.options = { maxAttempts: 3, retryDelayMs: 200, repeatEveryDelivery: false, ...options };
	}

	/** A callback registered before the fake started (fixture `webhookCallbacks`); its key was shown back then. */
	seed(callback: { id: string; url: string; subscribed_events: string[] }): void {
		this.callbacks.push({
			...callback,
			subscribed_events: [...callback.subscribed_events],
			subscribe_to_all_events: false,
			signing_key: randomBytes(32).toString('hex'),
			created_at: new Date().toISOString(),
		});
	}

	/** Adds the webhook endpoints to the fake's routes. */
	register(route: Register): void {
		route('POST', '/v1/webhook-callbacks', (req) => this.create(req.body));
		route('GET', '/v1/webhook-callbacks', () => ({
			status: 200,
			body: { data: { webhook_callbacks: this.callbacks.map(publicCallback) } },
		}));
		route('PATCH', '/v1/webhook-callbacks/:id', (req) => this.update(req.params.id, req.body));
		route('DELETE', '/v1/webhook-callbacks/:id', (req) => {
			const index = this.callbacks.findIndex((c) => c.id === req.params.id);
			if (index < 0) throw new HttpError(404, { message: 'Not Found' });
			this.callbacks.splice(index, 1);
			return { status: 200, body: { data: { status: 'ok' } }, applied: true };
		});
		route('POST', '/v1/sandbox/webhook-callbacks/trigger', (req) => {
			const body = req.body ?? {};
			const errors: Record<string, string[]> = {};
			if (typeof body.employment_id !== 'string' || !body.employment_id)
				errors.employment_id = ["can't be blank"];
			if (typeof body.event_type !== 'string' || !SANDBOX_TRIGGER_EVENTS.has(body.event_type))
				errors.event_type = ['is invalid'];
			if (Object.keys(errors).length) throw unprocessable(errors);
			if (!this.host.getEmployment(body.employment_id))
				throw new HttpError(404, { message: 'Not Found' });
			void this.emit(body.event_type, body.employment_id);
			return { status: 200, body: { data: { status: 'ok' } }, applied: true };
		});
	}

	private create(body: any): FakeResponse {
		const errors: Record<string, string[]> = {};
		if (!body || typeof body !== 'object' || Array.isArray(body))
			throw unprocessable({ url: ["can't be blank"] });
		if (!validUrl(body.url)) errors.url = [body.url ? 'is invalid' : "can't be blank"];
		const all = body.subscribe_to_all_events === true;
		if (all && body.subscribed_events !== undefined)
			errors.subscribed_events = ['cannot be given together with subscribe_to_all_events'];
		const events = this.validEvents(body.subscribed_events, all, errors);
		if (Object.keys(errors).length) throw unprocessable(errors);
		const callback: WebhookCallbackRecord = {
			id: fakeUuid(0xbb000000, ++this.counter),
			url: body.url,
			subscribed_events: events,
			subscribe_to_all_events: all,
			signing_key: randomBytes(32).toString('hex'),
			created_at: new Date().toISOString(),
		};
		this.callbacks.push(callback);
		return {
			status: 200,
			body: {
				data: {
					webhook_callback: { ...publicCallback(callback), signing_key: callback.signing_key },
				},
			},
			applied: true,
		};
	}

	private update(id: string, body: any): FakeResponse {
		const callback = this.callbacks.find((c) => c.id === id);
		if (!callback) throw new HttpError(404, { message: 'Not Found' });
		const errors: Record<string, string[]> = {};
		if (body?.url !== undefined && !validUrl(body.url)) errors.url = ['is invalid'];
		const events =
			body?.subscribed_events !== undefined
				? this.validEvents(body.subscribed_events, false, errors)
				: undefined;
		if (Object.keys(errors).length) throw unprocessable(errors);
		if (body?.url !== undefined) callback.url = body.url;
		if (events) {
			callback.subscribed_events = events;
			callback.subscribe_to_all_events = false;
		}
		return {
			status: 200,
			body: { data: { webhook_callback: publicCallback(callback) } },
			applied: true,
		};
	}

	private validEvents(value: unknown, all: boolean, errors: Record<string, string[]>): string[] {
		if (all) return [];
		if (!Array.isArray(value) || value.length === 0) {
			errors.subscribed_events = ["can't be blank (or give subscribe_to_all_events: true)"];
			return [];
		}
		const unknown = value.filter(
			(e) => typeof e !== 'string' || !REMOTE_WEBHOOK_EVENTS.includes(e),
		);
		if (unknown.length)
			errors.subscribed_events = unknown.map((e) => `${JSON.stringify(e)} is not a valid event`);
		return [...new Set(value as string[])];
	}

	/** What Remote reports when an employment's status changes (called by the fake on every change). */
	statusChanged(
		employmentId: string,
		before: { status: string; user_status?: string | null },
	): void {
		const employment = this.host.getEmployment(employmentId);
		if (!employment || employment.status === before.status) return;
		const beforeActive = [
			...REMOTE_STATUS_FAMILIES.not_started,
			...REMOTE_STATUS_FAMILIES.onboarding,
		] as string[];
		if (employment.status === 'active' && beforeActive.includes(before.status)) {
			void this.emit('employment.onboarding.completed', employmentId);
		}
		if (employment.user_status === 'active' && before.user_status !== 'active') {
			void this.emit('employment.user_status.activated', employmentId);
		}
		void this.emit('employment.status.updated', employmentId);
	}

	/**
	 * Sends `event_type` to every callback subscribed to it; resolves when every delivery has
	 * succeeded or used up its attempts.
	 */
	emit(
		eventType: string,
		employmentId: string | null,
		extra: Record<string, string> = {},
	): Promise<void> {
		const targets = this.callbacks.filter(
			(c) => c.subscribe_to_all_events || c.subscribed_events.includes(eventType),
		);
		const payload: Record<string, string> = { event_type: eventType };
		if (employmentId) payload.employment_id = employmentId;
		payload.company_id = this.host.companyId;
		Object.assign(payload, extra);
		const body = JSON.stringify(payload);
		const sends: Array<Promise<void>> = [];
		for (const callback of targets) {
			const copies = this.options.repeatEveryDelivery ? 2 : 1;
			for (let i = 0; i < copies; i++) {
				const delivery: WebhookDelivery = {
					seq: this.deliveries.length + 1,
					callbackId: callback.id,
					url: callback.url,
					eventType,
					employmentId,
					body,
					emittedAt: Date.now(),
					attempts: [],
					delivered: false,
				};
				this.deliveries.push(delivery);
				const sending = this.send(callback, delivery);
				this.inFlight.add(sending);
				void sending.finally(() => this.inFlight.delete(sending));
				sends.push(sending);
			}
		}
		return Promise.all(sends).then(() => undefined);
	}

	/** Waits until no delivery is in flight. */
	async idle(): Promise<void> {
		while (this.inFlight.size) await Promise.all([...this.inFlight]);
	}

	private async send(callback: WebhookCallbackRecord, delivery: WebhookDelivery): Promise<void> {
		for (let attempt = 0; attempt < this.options.maxAttempts; attempt++) {
			if (attempt > 0)
				await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs));
			// Each attempt is signed afresh, with its own timestamp (wall clock, as the receiver checks it).
			const timestamp = String(Date.now());
			const at = Date.now();
			try {
				const response = await fetch(delivery.url, {
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						'x-remote-timestamp': timestamp,
						'x-remote-signature': signRemoteDelivery(
							callback.signing_key,
							delivery.body,
							timestamp,
						),
					},
					body: delivery.body,
					signal: AbortSignal.timeout(10_000),
				});
				await response.arrayBuffer();
				delivery.attempts.push({ at, status: response.status });
				if (response.status >= 200 && response.status < 300) {
					delivery.delivered = true;
					return;
				}
			} catch (error) {
				delivery.attempts.push({ at, error: String((error as Error)?.message ?? error) });
			}
		}
	}
}

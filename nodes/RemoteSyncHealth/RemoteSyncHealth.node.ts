import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { LOOKBACK_HOURS, MINUTE_MS, SUCCESS, WATCH } from '../shared/core/memoryKeys';
import {
	DEFAULT_ALERT_AFTER_HOURS,
	HEALTH_WHAT_TO_DO,
	syncHealth,
} from '../shared/core/syncHealth';
import { SyncMemory } from '../shared/syncMemory';

/** The longest "Alert After (Hours)": a day less than the stamps are looked for. */
const MAX_ALERT_AFTER_HOURS = LOOKBACK_HOURS - 24;

/**
 * R9: reads the time of the last successful Remote Upsert Employee run of this workflow (stamped in
 * the workflow's scope of n8n's deduplication store) and emits one alert item when it is too old;
 * nothing when the sync is healthy.
 */
export class RemoteSyncHealth implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Remote Sync Health',
		name: 'remoteSyncHealth',
		icon: { light: 'file:../../icons/remote.svg', dark: 'file:../../icons/remote.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"Alert after " + $parameter["alertAfterHours"] + " h"}}',
		description:
			'Emit an alert item when Remote Upsert Employee in this workflow has not succeeded for some hours',
		defaults: { name: 'Remote Sync Health' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName:
					'Put this node in the same workflow as Remote Upsert Employee, after a Schedule Trigger. It outputs one item only when the last successful sync is too old (dry runs do not count).',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Alert After (Hours)',
				name: 'alertAfterHours',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_ALERT_AFTER_HOURS,
				description:
					'How many hours without a successful sync before an alert item is emitted (the sync runs hourly in the template)',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const hours = Number(this.getNodeParameter('alertAfterHours', 0, DEFAULT_ALERT_AFTER_HOURS));
		if (!Number.isFinite(hours) || hours <= 0 || hours > MAX_ALERT_AFTER_HOURS) {
			throw new NodeOperationError(
				this.getNode(),
				`"Alert After (Hours)" must be more than 0 and at most ${MAX_ALERT_AFTER_HOURS}, not "${String(hours)}"`,
				{ description: `Set it to ${DEFAULT_ALERT_AFTER_HOURS} (the default) or more.` },
			);
		}
		const nowMs = Date.now();
		const fromMs = nowMs - LOOKBACK_HOURS * 3600_000;
		const own = new SyncMemory(this, 'node');
		const lastSuccess = await new SyncMemory(this, 'workflow').stamped(
			SUCCESS,
			fromMs,
			nowMs,
			'newest',
		);
		// The grace period for a new workflow starts at the first look: every look is stamped.
		const firstLook = await own.stamped(WATCH, fromMs, nowMs, 'oldest');
		await own.forgetStamps(WATCH, fromMs, 24);
		await own.stamp(WATCH, nowMs);
		const verdict = syncHealth({
			// A success stamped in a minute counts from the end of that minute (never an early alert).
			lastSuccessAt:
				lastSuccess === undefined
					? undefined
					: new Date(Math.min(nowMs, lastSuccess + MINUTE_MS)).toISOString(),
			watchingSince: new Date(firstLook ?? nowMs).toISOString(),
			nowMs,
			hours,
		});
		if (!verdict.alert) return [[]];
		return [
			[
				{
					json: {
						alert: verdict.message,
						whatToDo: HEALTH_WHAT_TO_DO,
						reason: verdict.reason,
						lastSuccessAt: verdict.lastSuccessAt,
						hoursSinceLastSuccess: verdict.hoursSinceLastSuccess,
						alertAfterHours: hours,
					},
					pairedItem: { item: 0 },
				},
			],
		];
	}
}

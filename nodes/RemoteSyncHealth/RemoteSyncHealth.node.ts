import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import {
	DEFAULT_ALERT_AFTER_HOURS,
	HEALTH_WHAT_TO_DO,
	LAST_SUCCESS_KEY,
	syncHealth,
} from '../shared/core/syncHealth';

/**
 * R9: reads the time of the last successful Remote Upsert Employee run of this workflow (global
 * static data) and emits one alert item when it is too old; nothing when the sync is healthy.
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
					'Put this node in the same workflow as Remote Upsert Employee, after a Schedule Trigger. It outputs one item only when the last successful sync is too old. n8n keeps the time only for published runs (a webhook or a schedule), never for runs started by hand.',
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
		if (!Number.isFinite(hours) || hours <= 0) {
			throw new NodeOperationError(
				this.getNode(),
				`"Alert After (Hours)" must be more than 0, not "${String(hours)}"`,
				{ description: `Set it to ${DEFAULT_ALERT_AFTER_HOURS} (the default) or more.` },
			);
		}
		const global = this.getWorkflowStaticData('global') as IDataObject;
		const own = this.getWorkflowStaticData('node') as IDataObject;
		const nowMs = Date.now();
		// The grace period for a new workflow starts at the first look; written once, never again.
		if (typeof global[LAST_SUCCESS_KEY] !== 'string' && typeof own.watchingSince !== 'string')
			own.watchingSince = new Date(nowMs).toISOString();
		const verdict = syncHealth({
			lastSuccessAt: global[LAST_SUCCESS_KEY],
			watchingSince: own.watchingSince,
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

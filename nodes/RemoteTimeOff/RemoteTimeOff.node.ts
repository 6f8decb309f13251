import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { DO_NOT_SYNC, REMOTE_TIMEOFF_TYPES } from '../shared/core/timeoff';
import { DEFAULT_HORIZON_DAYS, MAX_HORIZON_DAYS } from '../shared/core/timeoffReconcile';
import {
	dryRunOption,
	dryRunSubtitle,
	outputOption,
	resolveTimezone,
	summaryOption,
	timezoneOption,
} from '../shared/nodeOptions';
import { RemoteClient } from '../shared/transport/remote';
import { runTimeOffSync } from './sync';

const ACRONYMS = new Set(['rtt', 'rol']);

/** "paid_time_off" → "Paid Time Off", "rtt" → "RTT". */
function label(value: string): string {
	return value
		.split('_')
		.map((word) =>
			ACRONYMS.has(word) ? word.toUpperCase() : word[0].toUpperCase() + word.slice(1),
		)
		.join(' ');
}

const remoteTypeOptions: INodePropertyOptions[] = [
	...REMOTE_TIMEOFF_TYPES.map((value) => ({ name: label(value), value })),
	{
		name: 'Do Not Sync',
		value: DO_NOT_SYNC,
		description: 'Never send requests of this HiBob type to Remote',
	},
].sort((a, b) => a.name.localeCompare(b.name));

export class RemoteTimeOff implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Remote Time Off',
		name: 'remoteTimeOff',
		icon: { light: 'file:../../icons/remote.svg', dark: 'file:../../icons/remote.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: dryRunSubtitle('Sync approved time off'),
		description: 'Create and cancel approved time off in Remote from HiBob time-off requests',
		defaults: { name: 'Remote Time Off' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'remoteApi', required: true },
			{
				name: 'hiBobApi',
				required: true,
				displayName: 'HiBob (reads the approved time off to reconcile with)',
				displayOptions: { show: { mode: ['reconcile'] } },
			},
		],
		properties: [
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Sync Requests From Input',
						value: 'requests',
						description:
							'Sync the HiBob time-off requests in the input items (from a HiBob node: one request of a webhook event, or the changes feed)',
					},
					{
						name: 'Reconcile With HiBob',
						value: 'reconcile',
						description:
							'Read every approved HiBob request in scope, create what Remote lacks and cancel Remote time off HiBob no longer approves (for the schedule and manual runs)',
					},
				],
				default: 'requests',
			},
			{
				displayName:
					'Takes the items of a HiBob node (Time Off resource). Approved requests are created in Remote as approved time off, once; cancelled, declined or deleted ones are cancelled in Remote. Every request gets one output item with an outcome and a reason.',
				name: 'notice',
				type: 'notice',
				default: '',
				displayOptions: { show: { mode: ['requests'] } },
			},
			{
				displayName:
					"Reads HiBob's approved time off from today (or 1 January) on, however long ago it was approved, and makes Remote match: missing requests are created once, Remote time off whose HiBob request was cancelled, declined or deleted is cancelled (each checked with HiBob first). Remote time off without a HiBob request ID is left alone.",
				name: 'reconcileNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { mode: ['reconcile'] } },
			},
			{
				displayName: 'Approver Name or ID',
				name: 'approverId',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getApprovers' },
				required: true,
				default: '',
				description:
					'The Remote company manager recorded as the approver of every time off created. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Policy Type Mapping',
				name: 'policyTypeMapping',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Mapping',
				default: {},
				description:
					'Which Remote time-off type each HiBob policy type becomes. These come first; without an entry, types whose name contains holiday, vacation, annual or PTO become Paid Time Off, sick → Sick Leave, unpaid → Unpaid Leave, and parental, maternity, paternity, bereavement and military their Remote namesakes. Other types are skipped.',
				options: [
					{
						name: 'mappings',
						displayName: 'Mapping',
						values: [
							{
								displayName: 'HiBob Policy Type',
								name: 'hibobType',
								type: 'string',
								default: '',
								placeholder: 'e.g. Holiday',
								description: 'The policy type name as HiBob shows it (any upper or lower case)',
							},
							{
								displayName: 'Remote Time Off Type',
								name: 'remoteType',
								type: 'options',
								options: remoteTypeOptions,
								default: 'paid_time_off',
							},
						],
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					dryRunOption,
					{
						displayName: 'Include Requests Since 1 January',
						name: 'includeSinceJanuary',
						type: 'boolean',
						default: false,
						description:
							'Whether to also sync approved requests that started earlier this year (by default only requests starting today or later)',
					},
					{
						displayName: 'Days Ahead',
						name: 'horizonDays',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: MAX_HORIZON_DAYS },
						default: DEFAULT_HORIZON_DAYS,
						description: 'Reconcile only: how many days after today to look for approved requests',
						displayOptions: { show: { '/mode': ['reconcile'] } },
					},
					outputOption,
					summaryOption,
					timezoneOption(', and the one sent with a time off when HiBob gives none'),
				],
			},
		],
	};

	methods = {
		loadOptions: {
			/** Remote company managers: `name (email)` → user id. */
			async getApprovers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const client = new RemoteClient(this);
				const managers = await client.listCompanyManagers();
				return managers
					.filter((m) => m.user_id !== undefined && m.user_id !== null)
					.map((m) => {
						const name = String(m.user_name ?? '').trim() || String(m.user_id);
						const email = String(m.user_email ?? '').trim();
						const role = String(m.role ?? '').trim();
						return {
							name: email ? `${name} (${email})` : name,
							value: String(m.user_id),
							description: role ? `Role: ${role}` : undefined,
						};
					})
					.sort((a, b) => a.name.localeCompare(b.name));
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		if (!items.length) return [[]];
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const approverId = String(this.getNodeParameter('approverId', 0, '') ?? '').trim();
		if (!approverId) {
			throw new NodeOperationError(this.getNode(), 'No approver is set', {
				description:
					'Pick the Remote company manager to record as approver in the "Approver" list of this node.',
			});
		}
		const mappingParam = this.getNodeParameter('policyTypeMapping', 0, {}) as IDataObject;
		const mapping = (
			Array.isArray(mappingParam.mappings) ? (mappingParam.mappings as IDataObject[]) : []
		).map((m) => ({
			hibobType: String(m.hibobType ?? ''),
			remoteType: String(m.remoteType ?? ''),
		}));
		const timezone = resolveTimezone(this.getNode(), options.timezone);
		const mode = this.getNodeParameter('mode', 0, 'requests') as string;
		const output = await runTimeOffSync(this, items, {
			reconcile:
				mode === 'reconcile'
					? { horizonDays: Number(options.horizonDays ?? DEFAULT_HORIZON_DAYS) }
					: undefined,
			approverId,
			mapping,
			timezone,
			includeSinceJanuary: options.includeSinceJanuary === true,
			dryRun: options.dryRun === true,
			summary: options.summary === true,
			output: typeof options.output === 'string' ? options.output : 'all',
		});
		return [output];
	}
}

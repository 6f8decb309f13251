import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import {
	dryRunOption,
	dryRunSubtitle,
	outputOption,
	summaryOption,
	timezoneOption,
} from '../shared/nodeOptions';
import { batchesOption, personProperty } from '../shared/hibobPeople';
import { runEmployeeSync } from './sync';

export class RemoteUpsertEmployee implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Remote Upsert Employee',
		name: 'remoteUpsertEmployee',
		icon: { light: 'file:../../icons/remote.svg', dark: 'file:../../icons/remote.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: dryRunSubtitle('Create or update'),
		description:
			'Create or update Remote employments from HiBob people (read by this node, or the output of HiBob → Get Employees)',
		defaults: { name: 'Remote Upsert Employee' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'remoteApi', required: true },
			{
				name: 'hiBobApi',
				required: false,
				displayName:
					'HiBob (reads the people when People is "Read From HiBob"; reads SSN and salary directly, never through the workflow; writes the status back when that option is on)',
			},
		],
		properties: [
			{
				displayName:
					'Each person from HiBob is matched (Remote external ID, then work email, then personal email), then created or updated as the sync rules allow. Every person gets an outcome and a reason.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'People',
				name: 'people',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'From Input Items',
						value: 'input',
						description: 'The items of HiBob → Get Employees, connected before this node',
					},
					{
						name: 'Read From HiBob',
						value: 'hibob',
						description:
							'This node reads the people flagged "Sync to Remote" itself (needs the HiBob credential below). For large companies: n8n then stores no copy of every person with each run.',
					},
				],
				default: 'input',
			},
			personProperty('everyone flagged "Sync to Remote"', 'syncs', { show: { people: ['hibob'] } }),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					dryRunOption,
					outputOption,
					summaryOption,
					{ ...batchesOption, displayOptions: { show: { '/people': ['hibob'] } } },
					{
						displayName: 'Contractor Updates Enabled by Remote',
						name: 'contractorUpdates',
						type: 'boolean',
						default: false,
						description:
							"Whether Remote has enabled contractor updates through its API for your company (Remote's API reference: updating contractors is currently not supported; contact Remote). When off, a contractor's differences after the create are reported as not_updatable_via_api and nothing is sent.",
					},
					{
						displayName: 'Full Re-Check Every (Hours)',
						name: 'fullRecheckHours',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 24,
						description:
							'How often a run reads every matched employment in full, so that an edit made directly in Remote (an address, an email) is put back from HiBob. Between two full re-checks only people who changed in HiBob are read. 0: never (only with Re-Check Every Employment).',
					},
					{
						displayName: 'Global Payroll Legal Entity ID',
						name: 'gpLegalEntityId',
						type: 'string',
						default: '',
						description:
							'The Remote legal entity that engages your global payroll employees (Remote requires it to create one). Copy it from Remote (Company settings → Legal entities). Empty: taken from an existing global payroll employment in the same country.',
					},
					{
						displayName: 'Re-Check Every Employment',
						name: 'recheckAll',
						type: 'boolean',
						default: false,
						description:
							'Whether to read every matched employment in full even when the person has not changed since the last run (repairs edits made directly in Remote; uses more API calls)',
					},
					{
						displayName: 'Submit Contract Amendments (Global Payroll)',
						name: 'submitContractAmendments',
						type: 'boolean',
						default: false,
						description:
							"Whether to submit a contract amendment when an active global payroll employee's job title, hire date or annual salary differs. Each amendment starts a review at Remote and applies only once approved; when off, the differences are only reported (needs_contract_amendment).",
					},
					{
						displayName: 'Sync Salary (Global Payroll)',
						name: 'syncSalary',
						type: 'boolean',
						default: true,
						description:
							'Whether to send the annual salary of global payroll employees (needs the HiBob credential)',
					},
					{
						displayName: 'Sync SSN (USA)',
						name: 'syncSsn',
						type: 'boolean',
						default: true,
						description:
							'Whether to send the social security number of people in the USA (needs the HiBob credential)',
					},
					timezoneOption(' for start dates'),
					{
						displayName: 'Write Status Back to HiBob',
						name: 'writeStatusToHibob',
						type: 'boolean',
						default: false,
						description:
							"Whether to write each person's Remote employment ID, Remote status, sync result and last-synced date to the four HiBob fields that HiBob → Setup → Create Remote Status Fields creates; only changed values are written (needs the HiBob credential with edit rights on those fields)",
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		return [await runEmployeeSync(this, options)];
	}
}

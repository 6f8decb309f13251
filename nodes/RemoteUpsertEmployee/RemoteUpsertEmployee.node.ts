import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { dryRunOption, outputOption, summaryOption, timezoneOption } from '../shared/nodeOptions';
import { runEmployeeSync } from './sync';

export class RemoteUpsertEmployee implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Remote Upsert Employee',
		name: 'remoteUpsertEmployee',
		icon: { light: 'file:../../icons/remote.svg', dark: 'file:../../icons/remote.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{$parameter["options"]["dryRun"] === true ? "Dry run" : typeof $parameter["options"]["dryRun"] === "string" ? "Dry run: see options" : "Create or update"}}',
		description: 'Create or update Remote employments from HiBob people (output of HiBob → Get Employees)',
		defaults: { name: 'Remote Upsert Employee' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'remoteApi', required: true },
			{
				name: 'hiBobApi',
				required: false,
				displayName: 'HiBob (reads SSN and salary directly, never through the workflow)',
			},
		],
		properties: [
			{
				displayName:
					'Takes the items of HiBob → Get Employees. Each person is matched (Remote external ID, then work email, then personal email), then created or updated as the sync rules allow. Every person gets one output item with an outcome and a reason.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
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
						description: 'Whether to send the annual salary of global payroll employees (needs the HiBob credential)',
					},
					{
						displayName: 'Sync SSN (USA)',
						name: 'syncSsn',
						type: 'boolean',
						default: true,
						description: 'Whether to send the social security number of people in the USA (needs the HiBob credential)',
					},
					timezoneOption(' for start dates'),
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		return [await runEmployeeSync(this, options)];
	}
}

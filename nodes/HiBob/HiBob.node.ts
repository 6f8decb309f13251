import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { compatibilityFields, executeCheckCompatibility } from './operations/compatibility';
import { employeeFields, executeGetEmployees } from './operations/employees';
import {
	executeCheckPermissions,
	executeCreateStatusFields,
	executeCreateSyncField,
} from './operations/setup';
import { executeTimeOff, timeOffFields, timeOffOperations } from './operations/timeOff';

export class HiBob implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HiBob',
		name: 'hiBob',
		icon: { light: 'file:../../icons/hibob.svg', dark: 'file:../../icons/hibob.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read people and time off from HiBob for the Remote sync, and set HiBob up for it',
		defaults: { name: 'HiBob' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'hiBobApi', required: true },
			{
				name: 'remoteApi',
				required: true,
				displayOptions: {
					show: { resource: ['setup'], operation: ['checkCompatibility'], checkRemote: [true] },
				},
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Employee', value: 'employee' },
					{ name: 'Setup', value: 'setup' },
					{ name: 'Time Off', value: 'timeOff' },
				],
				default: 'employee',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['employee'] } },
				options: [
					{
						name: 'Get Employees',
						value: 'getEmployees',
						action: 'Get employees to sync',
						description: 'Read the people flagged "Sync to Remote", one item per person',
					},
				],
				default: 'getEmployees',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['setup'] } },
				options: [
					{
						name: 'Check API Compatibility',
						value: 'checkCompatibility',
						action: 'Check API compatibility',
						description:
							'Read-only: check that HiBob (and Remote) answer in the shapes the sync relies on, with a verdict and a report to attach to a bug report',
					},
					{
						name: 'Check Permissions',
						value: 'checkPermissions',
						action: 'Check the service user permissions',
						description:
							'Report which fields HiBob hides from the service user and which permission grants each',
					},
					{
						name: 'Create Remote Status Fields',
						value: 'createStatusFields',
						action: 'Create the remote status fields',
						description:
							'Create the four fields Remote Upsert Employee writes its status to (Remote employment ID, status, sync result, last synced) in the Work section (safe to run again)',
					},
					{
						name: 'Create Sync to Remote Field',
						value: 'createSyncField',
						action: 'Create the sync to remote field',
						description:
							'Create the "Sync to Remote" list field in the Work section (safe to run again)',
					},
				],
				default: 'createSyncField',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['timeOff'] } },
				options: timeOffOperations,
				default: 'getChanges',
			},
			...compatibilityFields,
			...employeeFields,
			...timeOffFields,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		if (resource === 'employee' && operation === 'getEmployees')
			return [await executeGetEmployees.call(this)];
		if (resource === 'setup' && operation === 'createSyncField')
			return [await executeCreateSyncField.call(this)];
		if (resource === 'setup' && operation === 'createStatusFields')
			return [await executeCreateStatusFields.call(this)];
		if (resource === 'setup' && operation === 'checkPermissions')
			return [await executeCheckPermissions.call(this)];
		if (resource === 'setup' && operation === 'checkCompatibility')
			return [await executeCheckCompatibility.call(this)];
		if (resource === 'timeOff') return [await executeTimeOff.call(this, operation)];
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" is not known for "${resource}"`,
		);
	}
}

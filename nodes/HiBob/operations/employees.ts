import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import type { PeopleRequest } from '../../shared/hibobPeople';
import { readHiBobPeople } from '../../shared/hibobPeople';

export const employeeFields: INodeProperties[] = [
	{
		displayName: 'Person',
		name: 'person',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.employeeId }} or jane@example.com',
		description:
			'Leave empty for everyone. A HiBob employee ID or email reads just that person (for example after a HiBob Trigger event).',
		displayOptions: { show: { resource: ['employee'], operation: ['getEmployees'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['employee'], operation: ['getEmployees'] } },
		options: [
			{
				displayName: 'Include Inactive People',
				name: 'includeInactive',
				type: 'boolean',
				default: true,
				description:
					'Whether to include people who are inactive or terminated in HiBob (needed to report people terminated in HiBob but active in Remote)',
			},
			{
				displayName: 'Include Raw HiBob Record',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: 'Whether to add the record as HiBob returned it under "raw"',
			},
			{
				displayName: 'Only People Flagged for Sync',
				name: 'onlyFlagged',
				type: 'boolean',
				default: true,
				description: 'Whether to return only people whose "Sync to Remote" field is set',
			},
		],
	},
];

/** Reads people (everyone in one search, or the people named by the input items). */
export async function executeGetEmployees(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const requests: PeopleRequest[] = [];
	for (let i = 0; i < items.length; i++) {
		const person = String(this.getNodeParameter('person', i, '') ?? '').trim();
		if (person) requests.push({ itemIndex: i, person });
	}
	const people = await readHiBobPeople(this, requests, {
		onlyFlagged: options.onlyFlagged !== false,
		includeRaw: options.includeRaw === true,
		includeInactive: options.includeInactive !== false,
	});
	return people.map(({ itemIndex, person }) => ({
		json: person as unknown as IDataObject,
		pairedItem: { item: itemIndex },
	}));
}

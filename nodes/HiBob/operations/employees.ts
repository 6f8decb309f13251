import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import {
	batchesOption,
	PEOPLE_BATCH_SIZE,
	peopleRequests,
	personProperty,
	readHiBobPeople,
} from '../../shared/hibobPeople';

export const employeeFields: INodeProperties[] = [
	personProperty('everyone', 'reads', {
		show: { resource: ['employee'], operation: ['getEmployees'] },
	}),
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
			batchesOption,
		],
	},
];

/** Reads people (everyone in one search, or the people named by the input items). */
export async function executeGetEmployees(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const people = await readHiBobPeople(this, peopleRequests(this, items), {
		onlyFlagged: options.onlyFlagged !== false,
		includeRaw: options.includeRaw === true,
		includeInactive: options.includeInactive !== false,
		batchSize: options.hibobBatches === true ? PEOPLE_BATCH_SIZE : undefined,
	});
	return people.map(({ itemIndex, person }) => ({
		json: person as unknown as IDataObject,
		pairedItem: { item: itemIndex },
	}));
}

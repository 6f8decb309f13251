/**
 * A small world for node tests: both fakes seeded with hand-made people, credentials pointing at
 * them, and one-line runners for the HiBob and Remote Upsert Employee nodes.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { HiBob } from '../../nodes/HiBob/HiBob.node';
import { RemoteUpsertEmployee } from '../../nodes/RemoteUpsertEmployee/RemoteUpsertEmployee.node';
import type {
	HiBobFixture,
	NewHiBobPerson,
	NewRemoteEmployment,
	RemoteFixture,
	RunningFakes,
	SyncFieldInfo,
	SyncKind,
} from '../fakes';
import { startFakes, TEST_CREDENTIALS, withSyncToRemoteField } from '../fakes';
import { DEFAULT_LEGAL_ENTITY_ID } from '../fakes/remote';
import { defaultHiBobFields, defaultHiBobNamedLists } from '../fixtures/hibob-metadata';
import { runExecute } from '../harness/n8n';
import { ProcessedDataStore } from '../harness/processedData';

export const MANAGER_ID = 'user-manager-1';
export const MANAGER_EMAIL = 'boss@example.com';

const dayMs = 86_400_000;
/** The date `days` from today (UTC), today being the suite's pinned clock (test/harness/clock.ts). */
export const isoIn = (days: number) =>
	new Date(Date.now() + days * dayMs).toISOString().slice(0, 10);
/** The first working day (Monday to Friday) at least `days` from today: a one-day time off that Remote takes. */
export const weekdayIn = (days: number): string => {
	for (let d = days; ; d++) {
		const day = new Date(Date.now() + d * dayMs).getUTCDay();
		if (day !== 0 && day !== 6) return isoIn(d);
	}
};

export interface WorldOptions {
	people?: NewHiBobPerson[];
	employments?: NewRemoteEmployment[];
	hibob?: Partial<HiBobFixture>;
	remote?: Partial<RemoteFixture>;
	noSyncField?: boolean;
}

export interface World {
	fakes: RunningFakes;
	sync: SyncFieldInfo;
	credentials: Record<string, IDataObject>;
	staticData: IDataObject;
	/** n8n's deduplication store of the world's workflow (what the sync remembers). */
	store: ProcessedDataStore;
	logs: string[];
	/** A HiBob person with sensible defaults (USA, active, flagged with `kind`). */
	person(id: string, kind: SyncKind | null, overrides?: Record<string, any>): NewHiBobPerson;
	getEmployees(options?: IDataObject, person?: string): Promise<INodeExecutionData[]>;
	upsert(items: INodeExecutionData[], options?: IDataObject): Promise<INodeExecutionData[]>;
	/** HiBob Get Employees → Remote Upsert Employee; returns the Upsert output keyed by HiBob id. */
	run(options?: IDataObject): Promise<Map<string, IDataObject>>;
	writes(): number;
	close(): Promise<void>;
}

function deepMerge(target: any, patch: any): any {
	for (const [k, v] of Object.entries(patch ?? {})) {
		if (
			v &&
			typeof v === 'object' &&
			!Array.isArray(v) &&
			target[k] &&
			typeof target[k] === 'object'
		)
			deepMerge(target[k], v);
		else target[k] = v;
	}
	return target;
}

export async function makeWorld(
	options: WorldOptions = {},
	build?: (w: Pick<World, 'person' | 'sync'>) => {
		people?: NewHiBobPerson[];
		employments?: NewRemoteEmployment[];
	},
): Promise<World> {
	const hibob: HiBobFixture = {
		serviceUserId: TEST_CREDENTIALS.hibobServiceUserId,
		token: TEST_CREDENTIALS.hibobToken,
		people: [],
		fields: defaultHiBobFields(),
		namedLists: defaultHiBobNamedLists(),
		...options.hibob,
	};
	const sync = options.noSyncField
		? ({
				fieldId: 'work.custom.field_none',
				listId: 'none',
				itemIds: {},
				extraItemIds: {},
			} as unknown as SyncFieldInfo)
		: withSyncToRemoteField(hibob, { extraItems: ['As intern'] });
	const syncKey = sync.fieldId.split('.').pop()!;
	const person = (
		id: string,
		kind: SyncKind | null,
		overrides: Record<string, any> = {},
	): NewHiBobPerson => {
		const base: NewHiBobPerson = {
			id,
			email: `p${id}@example.com`,
			firstName: `First${id}`,
			surname: `Last${id}`,
			displayName: `First${id} Last${id}`,
			work: {
				title: '101',
				startDate: isoIn(40),
				department: '201',
				site: 'New York',
				reportsTo: null,
				custom: kind ? { [syncKey]: sync.itemIds[kind] } : {},
			},
			internal: { status: 'Active', lifecycleStatus: 'employed' },
			address: {
				line1: '1 Main Street',
				line2: null,
				city: 'New York',
				postCode: '10001',
				country: 'United States',
				usaState: 'NY',
			},
			home: { privateEmail: `p${id}.home@example.org`, mobilePhone: '+12125550100' },
			emergency: {
				firstName: 'Em',
				surname: `Contact${id}`,
				relation: 'Spouse',
				phone: '+12125550199',
			},
			identification: { ssn: '123-45-6789' },
			payroll: {
				salary: { yearlyPayment: { value: 85000, currency: 'USD' }, payPeriod: 'Annual' },
			},
		};
		return deepMerge(base, overrides);
	};
	const built = build ? build({ person, sync }) : {};
	hibob.people = [...(options.people ?? []), ...(built.people ?? [])];
	const remote: RemoteFixture = {
		token: TEST_CREDENTIALS.remoteToken,
		employments: [...(options.employments ?? []), ...(built.employments ?? [])],
		companyManagers: [
			{ user_id: MANAGER_ID, user_email: MANAGER_EMAIL, user_name: 'The Boss', role: 'admin' },
		],
		departments: [
			{ id: 'dept-eng', name: 'Engineering' },
			{ id: 'dept-product', name: 'Product' },
		],
		...options.remote,
	};
	const fakes = await startFakes({ hibob, remote });
	const credentials = {
		hiBobApi: {
			serviceUserId: TEST_CREDENTIALS.hibobServiceUserId,
			token: TEST_CREDENTIALS.hibobToken,
			environment: 'custom',
			customUrl: fakes.hibobUrl,
		},
		remoteApi: {
			apiToken: TEST_CREDENTIALS.remoteToken,
			environment: 'custom',
			customUrl: fakes.remoteUrl,
		},
	};
	const staticData: IDataObject = {};
	const store = new ProcessedDataStore();
	const logs: string[] = [];
	const world: World = {
		fakes,
		sync,
		credentials,
		staticData,
		store,
		logs,
		person,
		async getEmployees(opts = {}, who = '') {
			const { output } = await runExecute(new HiBob(), {
				parameters: {
					resource: 'employee',
					operation: 'getEmployees',
					person: who,
					options: opts as any,
				},
				credentials: credentials as any,
				logs,
			});
			return output;
		},
		async upsert(items, opts = {}) {
			// The legal entity global payroll creates name (N3); a test passes '' to leave it out.
			const withEntity =
				'gpLegalEntityId' in opts ? opts : { gpLegalEntityId: DEFAULT_LEGAL_ENTITY_ID, ...opts };
			const { output } = await runExecute(new RemoteUpsertEmployee(), {
				parameters: { options: withEntity as any },
				input: items,
				credentials: credentials as any,
				staticData,
				processedData: store,
				logs,
			});
			return output;
		},
		async run(opts = {}) {
			const people = await world.getEmployees();
			const out = await world.upsert(people, opts);
			return new Map(
				out.filter((o) => !o.json.summary).map((o) => [String(o.json.hibobId), o.json]),
			);
		},
		writes: () => fakes.remote.writeCount(),
		close: () => fakes.close(),
	};
	return world;
}

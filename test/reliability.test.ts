import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { HiBob } from '../nodes/HiBob/HiBob.node';
import { RemoteTimeOff } from '../nodes/RemoteTimeOff/RemoteTimeOff.node';
import { RemoteUpsertEmployee } from '../nodes/RemoteUpsertEmployee/RemoteUpsertEmployee.node';
import { ApiClient } from '../nodes/shared/transport/ApiClient';
import { makeCompany, startFakes } from './fakes';
import type { FaultConfig } from './fakes';
import { runExecute } from './harness/n8n';

jest.setTimeout(300_000);

it('probe', async () => {
	const clients = new Set<ApiClient>();
	const orig = ApiClient.prototype.request;
	jest.spyOn(ApiClient.prototype, 'request').mockImplementation(function (this: ApiClient, r: any) {
		clients.add(this);
		return orig.call(this, r);
	});
	const company = makeCompany({ people: 1000, seed: 7, withTimeoff: 2000 });
	const faults: FaultConfig | undefined = process.env.FAULTS ? { seed: 11, error5xxRate: 0.1, rateLimit429Rate: 0.05, dropRate: 0.02, dropAfterApplyRate: 0.02, fault429ResetMs: 50 } : undefined;
	const fakes = await startFakes({ hibob: company.hibob, remote: company.remote, hibobOptions: { faults }, remoteOptions: { faults } });
	const credentials: any = {
		hiBobApi: { serviceUserId: company.credentials.hibobServiceUserId, token: company.credentials.hibobToken, environment: 'custom', customUrl: fakes.hibobUrl },
		remoteApi: { apiToken: company.credentials.remoteToken, environment: 'custom', customUrl: fakes.remoteUrl },
	};
	const staticData: IDataObject = {};
	for (let run = 1; run <= 3; run++) {
		let t = Date.now();
		const people = (await runExecute(new HiBob(), { parameters: { resource: 'employee', operation: 'getEmployees', person: '' }, credentials })).output;
		const up = (await runExecute(new RemoteUpsertEmployee(), { parameters: { options: {} }, input: people, credentials, staticData })).output;
		const count = (out: INodeExecutionData[]) => out.reduce((acc: Record<string, number>, o) => ((acc[`${o.json.outcome}/${o.json.reason}`] = (acc[`${o.json.outcome}/${o.json.reason}`] ?? 0) + 1), acc), {});
		console.log('emp', run, people.length, Date.now() - t, count(up));
		
		t = Date.now();
		const reqs = (await runExecute(new HiBob(), { parameters: { resource: 'timeOff', operation: 'getApproved' }, credentials })).output;
		const to = (await runExecute(new RemoteTimeOff(), { parameters: { approverId: company.approverId, options: {} }, input: reqs, credentials })).output;
		console.log('to', run, reqs.length, Date.now() - t, count(to));
		console.log('remote', fakes.remote.requests.length, 'hibob', fakes.hibob.requests.length, [...clients].reduce((a: any, c) => { for (const k of Object.keys(c.stats)) a[k] = (a[k] ?? 0) + (c.stats as any)[k]; return a; }, {}));
	}
	await fakes.close();
});

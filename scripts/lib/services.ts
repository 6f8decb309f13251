/**
 * PostgreSQL and Redis for n8n's queue mode (scripts/e2e-queue.ts, scripts/bench-n8n.ts): started from the
 * Debian packages `postgresql` and `redis-server` on free local ports with throwaway data folders (stopped
 * and removed afterwards), or existing servers named by environment variables:
 *
 *   E2E_PG_HOST, E2E_PG_PORT, E2E_PG_USER, E2E_PG_PASSWORD, E2E_PG_DATABASE  an existing PostgreSQL; the
 *       database must be empty and is left with n8n's tables in it (use a throwaway database)
 *   E2E_REDIS_HOST, E2E_REDIS_PORT, E2E_REDIS_PASSWORD                      an existing Redis; every run
 *       uses its own Bull key prefix, so other users of that Redis are not disturbed
 *
 * PostgreSQL refuses to run as root: as root, initdb and postgres run as the `postgres` user the Debian
 * package creates (`runuser -u postgres`), on a data folder owned by it.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';

import { addCleanup, freePort, log, run, sleep, spawnGroup, stopGroup } from './n8n';

export interface Postgres {
	host: string;
	port: number;
	user: string;
	password: string;
	database: string;
	/** true when this process started it (and stops it) */
	owned: boolean;
	stop(): Promise<void>;
}

export interface Redis {
	host: string;
	port: number;
	password?: string;
	owned: boolean;
	stop(): Promise<void>;
}

/** The PostgreSQL server binaries (Debian installs them under /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string | undefined {
	const base = '/usr/lib/postgresql';
	if (!fs.existsSync(base)) return undefined;
	const majors = fs
		.readdirSync(base)
		.filter((d) => fs.existsSync(path.join(base, d, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return majors.length ? path.join(base, majors[0], 'bin') : undefined;
}

function onPath(cmd: string): string | undefined {
	for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
		const p = path.join(dir, cmd);
		if (fs.existsSync(p)) return p;
	}
	return undefined;
}

export function redisServerBin(): string | undefined {
	return (
		onPath('redis-server') ??
		(fs.existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : undefined)
	);
}

/** What is missing to run queue mode here (empty when PostgreSQL and Redis are available). */
export function missingServices(): string[] {
	const missing: string[] = [];
	if (!process.env.E2E_PG_HOST && !postgresBinDir())
		missing.push('postgresql (no /usr/lib/postgresql/*/bin/initdb; or set E2E_PG_HOST)');
	if (!process.env.E2E_REDIS_HOST && !redisServerBin())
		missing.push('redis-server (not on PATH; or set E2E_REDIS_HOST)');
	return missing;
}

function isRoot(): boolean {
	return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** A command as the `postgres` user when we are root. */
function asPostgres(cmd: string, args: string[]): [string, string[]] {
	return isRoot() ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

async function waitTcp(
	host: string,
	port: number,
	timeoutMs: number,
	what: string,
	alive: () => boolean,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const ok = await new Promise<boolean>((resolve) => {
			const s = net.connect({ host, port }, () => {
				s.destroy();
				resolve(true);
			});
			s.once('error', () => resolve(false));
		});
		if (ok) return;
		if (!alive()) throw new Error(`${what} exited before listening on ${host}:${port}`);
		if (Date.now() > deadline)
			throw new Error(`${what} not listening on ${host}:${port} after ${timeoutMs} ms`);
		await sleep(100);
	}
}

function collect(child: ChildProcess, file: string): () => string {
	const stream = fs.createWriteStream(file, { flags: 'a' });
	let recent = '';
	const on = (d: Buffer) => {
		stream.write(d);
		recent = (recent + d.toString('utf8')).slice(-8_000);
	};
	child.stdout!.on('data', on);
	child.stderr!.on('data', on);
	child.once('exit', () => stream.end());
	return () => recent;
}

/** PostgreSQL: the one named by E2E_PG_* or a throwaway cluster (initdb) on a free port. */
export async function startPostgres(workDir: string): Promise<Postgres> {
	if (process.env.E2E_PG_HOST) {
		const pg: Postgres = {
			host: process.env.E2E_PG_HOST,
			port: Number(process.env.E2E_PG_PORT ?? 5432),
			user: process.env.E2E_PG_USER ?? 'postgres',
			password: process.env.E2E_PG_PASSWORD ?? '',
			database: process.env.E2E_PG_DATABASE ?? 'n8n_e2e',
			owned: false,
			stop: async () => undefined,
		};
		log(`PostgreSQL: existing server ${pg.host}:${pg.port}, database ${pg.database}`);
		return pg;
	}
	const bin = postgresBinDir();
	if (!bin) throw new Error('PostgreSQL binaries not found (Debian package postgresql)');
	const start = Date.now();
	const dir = fs.mkdtempSync(path.join(workDir, 'pg-'));
	const data = path.join(dir, 'data');
	fs.mkdirSync(data, { mode: 0o700 });
	if (isRoot()) {
		// postgres must own its folders, and reach them: the temp parents are root's
		fs.chmodSync(dir, 0o755);
		for (
			let p = workDir;
			p !== path.dirname(p) && p.startsWith(os.tmpdir()) && p !== os.tmpdir();
			p = path.dirname(p)
		) {
			fs.chmodSync(p, fs.statSync(p).mode | 0o711);
		}
		const chown = await run('chown', ['-R', 'postgres:postgres', dir]);
		if (chown.code !== 0) throw new Error(`chown of ${dir} failed: ${chown.stderr}`);
	}
	const user = 'n8n';
	const [initCmd, initArgs] = asPostgres(path.join(bin, 'initdb'), [
		'-D',
		data,
		'-U',
		user,
		'--auth=trust',
		'-E',
		'UTF8',
		'--no-sync',
	]);
	const init = await run(initCmd, initArgs, {
		timeoutMs: 120_000,
		env: { ...process.env, LC_ALL: 'C' },
	});
	if (init.code !== 0)
		throw new Error(`initdb failed (exit ${init.code}):\n${init.stdout}\n${init.stderr}`);
	const port = await freePort();
	const [cmd, args] = asPostgres(path.join(bin, 'postgres'), [
		'-D',
		data,
		'-p',
		String(port),
		'-k',
		dir,
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'full_page_writes=off',
		'-c',
		'max_connections=100',
	]);
	const child = spawnGroup(cmd, args, { cwd: dir, env: { ...process.env, LC_ALL: 'C' } });
	const recent = collect(child, path.join(dir, 'postgres.log'));
	let exited = false;
	child.once('exit', () => (exited = true));
	try {
		await waitTcp('127.0.0.1', port, 60_000, 'postgres', () => !exited);
	} catch (e) {
		throw new Error(`${e.message}\n${recent()}`);
	}
	// accepting TCP is not yet accepting logins: wait for the ready line
	const deadline = Date.now() + 30_000;
	while (!/ready to accept connections/.test(recent()) && Date.now() < deadline) await sleep(100);
	const stop = async () => {
		await stopGroup(child, 10_000);
		fs.rmSync(dir, { recursive: true, force: true });
	};
	addCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
	log(
		`PostgreSQL ${path.basename(path.dirname(bin))} started on 127.0.0.1:${port} in ${Date.now() - start} ms (${dir})`,
	);
	return { host: '127.0.0.1', port, user, password: '', database: 'postgres', owned: true, stop };
}

/** Redis: the one named by E2E_REDIS_* or a throwaway redis-server (no persistence) on a free port. */
export async function startRedis(workDir: string): Promise<Redis> {
	if (process.env.E2E_REDIS_HOST) {
		const r: Redis = {
			host: process.env.E2E_REDIS_HOST,
			port: Number(process.env.E2E_REDIS_PORT ?? 6379),
			password: process.env.E2E_REDIS_PASSWORD,
			owned: false,
			stop: async () => undefined,
		};
		log(`Redis: existing server ${r.host}:${r.port}`);
		return r;
	}
	const bin = redisServerBin();
	if (!bin) throw new Error('redis-server not found (Debian package redis-server)');
	const start = Date.now();
	const dir = fs.mkdtempSync(path.join(workDir, 'redis-'));
	const port = await freePort();
	const child = spawnGroup(
		bin,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--dir',
			dir,
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
		],
		{ cwd: dir },
	);
	const recent = collect(child, path.join(dir, 'redis.log'));
	let exited = false;
	child.once('exit', () => (exited = true));
	try {
		await waitTcp('127.0.0.1', port, 30_000, 'redis-server', () => !exited);
	} catch (e) {
		throw new Error(`${e.message}\n${recent()}`);
	}
	const stop = async () => {
		await stopGroup(child, 10_000);
		fs.rmSync(dir, { recursive: true, force: true });
	};
	addCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
	log(`Redis started on 127.0.0.1:${port} in ${Date.now() - start} ms`);
	return { host: '127.0.0.1', port, owned: true, stop };
}

/**
 * The environment of every n8n process of one queue-mode installation: PostgreSQL, Bull on Redis (its
 * own key prefix), manual runs offloaded to the workers (OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS; by default
 * n8n 2.x runs manual executions on the main instance even in queue mode).
 */
export function queueEnv(pg: Postgres, redis: Redis, prefix: string): Record<string, string> {
	const env: Record<string, string> = {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: pg.host,
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: pg.password,
		DB_POSTGRESDB_DATABASE: pg.database,
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		QUEUE_BULL_PREFIX: prefix,
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	};
	if (redis.password) env.QUEUE_BULL_REDIS_PASSWORD = redis.password;
	return env;
}

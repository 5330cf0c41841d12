import { hostname } from 'node:os';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { createOrganisationWithAdmin, emailTaken, findUserByEmail, setPassword } from '../db/repositories/accounts.ts';
import { recordAuditEvent } from '../db/repositories/audit-log.ts';
import type { Db } from '../db/database.ts';
import { getConnection } from '../db/repositories/connections.ts';
import { getRun, latestRunByConnection, RunInProgressError, startRun } from '../db/repositories/sync-runs.ts';
import { hashPassword } from '../security/passwords.ts';
import { workConnectionJob } from '../sync/coordinator.ts';
import { engineDeps } from '../sync/deps.ts';
import { CommandFailed, EXIT, openStore, readStdin, table, UsageError, type CommandSpec } from './common.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const migrateCommand: CommandSpec = {
  name: 'migrate',
  summary: 'apply database migrations and exit',
  usage: 'support-fusion migrate',
  help: `Applies every pending migration to the database (DATABASE_URL, else the embedded store in SF_DATA_DIR)
and exits. \`serve\` and \`worker\` also migrate on start; several processes migrating at once take turns
(a PostgreSQL advisory lock), so this is optional, e.g. as a release step before a rolling restart.

Exit codes: 0 up to date, 1 the database could not be migrated, 2 bad configuration.`,
  async run() {
    const { database } = await openStore();
    try {
      const all = await sql<{ id: string }>`SELECT id FROM sf_migrations ORDER BY id`.execute(database.db);
      const ids = all.rows.map((r) => r.id);
      if (database.migrated.length > 0) console.log(`Applied ${database.migrated.length} migration(s): ${database.migrated.join(', ')}`);
      console.log(
        `Database is up to date at ${ids.at(-1) ?? '(none)'} (${ids.length} migrations, ${database.kind === 'pglite' ? 'embedded storage' : 'PostgreSQL'})`,
      );
    } finally {
      await database.close();
    }
  },
};

export const syncCommand: CommandSpec = {
  name: 'sync',
  summary: 'run one sync of a connection now and print the result',
  usage: 'support-fusion sync <connection-id> [--since <date>] [--json]',
  help: `Runs one sync of the connection in this process and prints the result.

  --since <date>  read changes from this date (ISO 8601, e.g. 2026-01-31): a manual run, required for the
                  first sync of a connection; without it the run continues from the stored cursors
  --json          print the run as JSON

A run left running for the connection (a manual run waiting for a worker, or an interrupted run) is
continued rather than a new one started. Another worker syncing the connection at this moment is a
failure (exit 1); try again later. With the embedded store, stop the server first (one process only).

Exit codes: 0 the run finished (success or nothing to sync), 1 the run failed or finished partially
(some tickets failed; they are retried next run), the connection was not found or was busy, 2 usage.`,
  options: { since: { type: 'string' }, json: { type: 'boolean' } },
  positionals: [1, 1],
  async run({ values, positionals }) {
    const connectionId = positionals[0]!;
    if (!UUID.test(connectionId)) throw new UsageError(`"${connectionId}" is not a connection id (a UUID; see \`support-fusion connections list\`)`);
    let since: Date | null = null;
    if (values.since !== undefined) {
      since = new Date(String(values.since));
      if (Number.isNaN(since.getTime()))
        throw new UsageError(`--since "${String(values.since)}" is not a date; use ISO 8601, e.g. 2026-01-31 or 2026-01-31T08:00:00Z`);
    }
    const { config, masterKey, database } = await openStore();
    try {
      const db = database.db;
      const conn = await getConnection(db, connectionId);
      if (!conn) throw new CommandFailed(`connection ${connectionId} not found`);
      if (conn.status !== 'active') throw new CommandFailed(`connection ${connectionId} is ${conn.status}, not active: nothing to sync`);
      const running = await db
        .selectFrom('sync_runs')
        .select('id')
        .where('connection_id', '=', connectionId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      let trigger: 'manual' | 'automatic' = 'automatic';
      if (running) {
        trigger = 'manual';
        if (since) console.error(`A run of this connection is already in progress (${running.id}); continuing it (its own start date applies).`);
      } else if (since) {
        try {
          await startRun(db, { connectionId, trigger: 'manual', since, requestedBy: null });
        } catch (err) {
          if (err instanceof RunInProgressError) throw new CommandFailed('a run of this connection started meanwhile; try again when it has finished');
          throw err;
        }
        trigger = 'manual';
      } else if (conn.syncState !== 'ready_for_automatic_sync') {
        throw new UsageError('this connection has not had its first sync yet: give --since <date> (where to start reading changes)');
      }
      const logLine = (msg: string, data?: Record<string, unknown>) => console.error(JSON.stringify({ level: 'warn', msg, ...data }));
      const deps = engineDeps({ config, db, masterKey }, logLine);
      const result = await workConnectionJob({ ...deps, locks: database.locks, worker: `cli:${hostname()}:${process.pid}` }, { connectionId, trigger });
      if (result.kind === 'busy') throw new CommandFailed('another worker is syncing this connection right now; try again when it has finished');
      if (result.kind === 'skipped') throw new CommandFailed(`nothing was run (${result.reason})`);
      if (result.kind === 'deferred') throw new CommandFailed(`nothing was run (${result.reason})`);
      const run = await getRun(db, result.runId);
      if (values.json) console.log(JSON.stringify(run, null, 2));
      else {
        const c = run!.counts;
        console.log(`Run ${result.runId}: ${result.outcome.status} (created ${c.created}, updated ${c.updated}, closed ${c.closed}, failed ${c.failed})`);
      }
      if (result.outcome.status === 'failed') {
        console.error(`sync failed: ${result.outcome.error ?? 'unknown error'}`);
        return EXIT.failure;
      }
      if (result.outcome.status === 'partial') {
        console.error(`sync finished partially: ${run!.counts.failed} ticket(s) failed and will be retried on the next run`);
        return EXIT.failure;
      }
      return EXIT.ok;
    } finally {
      await database.close();
    }
  },
};

export const connectionsListCommand: CommandSpec = {
  name: 'connections list',
  summary: 'list every connection (all organisations)',
  usage: 'support-fusion connections list [--json]',
  help: `Lists every connection on this installation, whichever organisations it links, with its last run.

  --json   an array of objects instead of a table

Exit codes: 0 listed (also when there are none), 1 the database could not be read, 2 usage.`,
  options: { json: { type: 'boolean' } },
  async run({ values }) {
    const { database } = await openStore();
    try {
      const db = database.db;
      const ids = (await db.selectFrom('connections').select('id').orderBy('created_at').execute()).map((r) => r.id);
      const records = [];
      for (const id of ids) records.push((await getConnection(db, id))!);
      const last = await latestRunByConnection(db, ids);
      const list = records.map((r) => {
        const run = last.get(r.id);
        return {
          id: r.id,
          contractName: r.contractName,
          status: r.status,
          syncState: r.syncState,
          automaticSync: r.automaticSync,
          source: r.source,
          target: r.target,
          lastRun: run ? { id: run.id, status: run.status, trigger: run.trigger, startedAt: run.startedAt, finishedAt: run.finishedAt } : null,
        };
      });
      if (values.json) {
        console.log(JSON.stringify(list, null, 2));
        return;
      }
      if (list.length === 0) {
        console.log('No connections.');
        return;
      }
      console.log(
        table(
          ['ID', 'CONTRACT', 'STATUS', 'SYNC', 'AUTO', 'SOURCE', 'TARGET', 'LAST RUN'],
          list.map((l) => [
            l.id,
            l.contractName,
            l.status,
            l.syncState === 'ready_for_automatic_sync' ? 'ready' : 'first sync needed',
            l.automaticSync ? 'on' : 'off',
            l.source?.name ?? '-',
            l.target?.name ?? '-',
            l.lastRun ? `${l.lastRun.status} ${l.lastRun.startedAt}` : '-',
          ]),
        ),
      );
    } finally {
      await database.close();
    }
  },
};

const ROLES = ['admin', 'member', 'viewer'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const usersCreateCommand: CommandSpec = {
  name: 'users create',
  summary: 'create a user (and its organisation if new)',
  usage: 'support-fusion users create --email <email> (--password <pw> | --password-stdin) --organisation <name|id> [--role admin|member|viewer]',
  help: `Creates a user who can log in to the web UI.

  --email <email>           the log-in e-mail (unique on this installation)
  --password <password>     at least 10 characters; visible to other users of this machine in the process
                            list, so prefer --password-stdin in scripts
  --password-stdin          read the password from standard input (trailing newline removed)
  --organisation <name|id>  an existing organisation (its id, or its exact name), or the name of a new
                            organisation, which is created with this user as its administrator
  --role <role>             admin (default), member or viewer; a new organisation's first user is admin

Prints the user's and organisation's ids as JSON. Exit codes: 0 created, 1 the e-mail is taken or the
organisation name is ambiguous, 2 usage (missing or invalid option).`,
  options: {
    email: { type: 'string' },
    password: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    organisation: { type: 'string' },
    role: { type: 'string' },
  },
  async run({ values }) {
    const email = String(values.email ?? '').trim();
    const orgArg = String(values.organisation ?? '').trim();
    if (!email) throw new UsageError('--email is required');
    if (!EMAIL.test(email) || email.length > 254) throw new UsageError(`--email "${email}" is not an e-mail address`);
    if (!orgArg) throw new UsageError('--organisation is required (an organisation id or name)');
    if (values.password !== undefined && values['password-stdin']) throw new UsageError('give either --password or --password-stdin, not both');
    let password: string;
    if (values['password-stdin']) password = (await readStdin()).replace(/\r?\n$/, '');
    else if (values.password !== undefined) password = String(values.password);
    else throw new UsageError('--password or --password-stdin is required');
    if (password.length < 10) throw new UsageError('the password must be at least 10 characters long');
    if (password.length > 200) throw new UsageError('the password is longer than 200 characters');
    const role = String(values.role ?? 'admin');
    if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role "${role}" is not one of ${ROLES.join(', ')}`);

    const { database } = await openStore();
    try {
      const db = database.db;
      if (await emailTaken(db, email)) throw new CommandFailed(`a user with the e-mail ${email} already exists`);
      const matches = UUID.test(orgArg)
        ? await db.selectFrom('organisations').select(['id', 'name']).where('id', '=', orgArg).execute()
        : await db.selectFrom('organisations').select(['id', 'name']).where('name', '=', orgArg).execute();
      if (matches.length > 1)
        throw new CommandFailed(`${matches.length} organisations are named "${orgArg}"; give its id instead (${matches.map((m) => m.id).join(', ')})`);
      const passwordHash = await hashPassword(password);
      if (matches.length === 0) {
        if (UUID.test(orgArg)) throw new CommandFailed(`organisation ${orgArg} not found`);
        if (role !== 'admin') throw new UsageError(`organisation "${orgArg}" does not exist; its first user must be an admin (omit --role)`);
        const u = await createOrganisationWithAdmin(db, { organisation: orgArg, email, passwordHash });
        await auditFromCli(
          db,
          u.organisationId,
          'user.created',
          { id: u.userId, label: u.email },
          { email: u.email, role: u.role, organisation: u.organisationName, organisationCreated: true },
        );
        console.log(
          JSON.stringify({
            user: { id: u.userId, email: u.email, role: u.role },
            organisation: { id: u.organisationId, name: u.organisationName, created: true },
          }),
        );
        return;
      }
      const org = matches[0]!;
      const user = await db
        .insertInto('users')
        .values({ organisation_id: org.id, email, password_hash: passwordHash, role })
        .returning(['id', 'email', 'role'])
        .executeTakeFirstOrThrow()
        .catch((err: { code?: string }) => {
          if (err.code === '23505') throw new CommandFailed(`a user with the e-mail ${email} already exists`);
          throw err;
        });
      await auditFromCli(db, org.id, 'user.created', { id: user.id, label: user.email }, { email: user.email, role: user.role, organisationCreated: false });
      console.log(JSON.stringify({ user, organisation: { id: org.id, name: org.name, created: false } }));
    } finally {
      await database.close();
    }
  },
};

export const usersResetPasswordCommand: CommandSpec = {
  name: 'users reset-password',
  summary: "reset a user's password (prints a temporary one unless given) and end their sessions",
  usage: 'support-fusion users reset-password --email <email> [--password-stdin]',
  help: `Sets a new password for the user with this e-mail and ends all their sessions, e.g. when an
organisation's only administrator is locked out. Recorded in the organisation's audit log.

  --email <email>     the user's log-in e-mail (any case)
  --password-stdin    read the new password from standard input (trailing newline removed; at least 10
                      characters); without it a temporary password is generated and printed once: give it
                      to the user, who sets their own on the Account page

Prints the user and, when generated, the temporary password as JSON. Exit codes: 0 reset, 1 no user
has this e-mail, 2 usage (missing or invalid option, password too short).`,
  options: { email: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
  async run({ values }) {
    const email = String(values.email ?? '').trim();
    if (!email) throw new UsageError('--email is required');
    if (!EMAIL.test(email) || email.length > 254) throw new UsageError(`--email "${email}" is not an e-mail address`);
    let password: string | null = null;
    if (values['password-stdin']) {
      password = (await readStdin()).replace(/\r?\n$/, '');
      if (password.length < 10) throw new UsageError('the password must be at least 10 characters long');
      if (password.length > 200) throw new UsageError('the password is longer than 200 characters');
    }
    const { database } = await openStore();
    try {
      const db = database.db;
      const user = await findUserByEmail(db, email);
      if (!user) throw new CommandFailed(`no user has the e-mail ${email}; see the organisation's Members page for the right address`);
      const temporary = password === null ? randomBytes(12).toString('base64url') : null;
      const sessionsEnded = await setPassword(db, user.userId, await hashPassword(password ?? temporary!));
      await auditFromCli(
        db,
        user.organisationId,
        'user.password_reset',
        { id: user.userId, label: user.email },
        {
          password: temporary ? '•••• (temporary, printed on the command line)' : '•••• (set on the command line)',
          sessionsEnded,
        },
      );
      console.log(
        JSON.stringify({
          user: { id: user.userId, email: user.email, role: user.role },
          organisation: { id: user.organisationId, name: user.organisationName },
          sessionsEnded,
          ...(temporary ? { temporaryPassword: temporary } : {}),
        }),
      );
    } finally {
      await database.close();
    }
  },
};

/** The command line acts without a user: the audit log names it, and the machine it ran on. */
async function auditFromCli(
  db: Db,
  organisationId: string,
  action: 'user.created' | 'user.password_reset',
  target: { id: string; label: string },
  after: Record<string, unknown>,
): Promise<void> {
  await recordAuditEvent(db, {
    organisationId,
    actor: { userId: null, email: `command line (${hostname()})` },
    action,
    target: { type: 'member', ...target },
    before: null,
    after,
  });
}

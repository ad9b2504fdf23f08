/** The part of a better-sqlite3 statement the spool uses. */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
}

/** The part of a better-sqlite3 database the spool uses. */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  pragma(source: string): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): unknown;
  readonly open: boolean;
}

/** The better-sqlite3 constructor, as TypeORM's driver loaded it. */
export type SqliteConstructor = new (
  file: string,
  options?: { timeout?: number },
) => SqliteDatabase;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS nativemessage_receipts (
  id INTEGER PRIMARY KEY,
  webhook_id TEXT UNIQUE,
  body_sha256 TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  claimed_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS nativemessage_receipts_expires_at ON nativemessage_receipts (expires_at);
CREATE TABLE IF NOT EXISTS nativemessage_inbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_key TEXT NOT NULL UNIQUE,
  delivery_id TEXT NOT NULL,
  webhook_id TEXT,
  body_sha256 TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  locked_by TEXT,
  locked_until INTEGER,
  last_error TEXT,
  finished_at INTEGER
);
CREATE INDEX IF NOT EXISTS nativemessage_inbox_due ON nativemessage_inbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS nativemessage_inbox_finished ON nativemessage_inbox (status, finished_at);
CREATE TABLE IF NOT EXISTS nativemessage_rejected (
  id INTEGER PRIMARY KEY,
  webhook_id TEXT,
  body_sha256 TEXT NOT NULL,
  body TEXT NOT NULL,
  problems TEXT NOT NULL,
  rejected_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS nativemessage_rejected_at ON nativemessage_rejected (rejected_at);
`;

/**
 * The SQLite file that holds receipts and the inbox beside the host database. SQLite lets one writer
 * at a time hold a file; keeping the request path's writes in a file of their own means a handler's
 * transaction on the host database never delays the answer to a new delivery. Every statement here
 * is synchronous and short, so the event loop is never held for long.
 */
export class SqliteSpool {
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(readonly db: SqliteDatabase) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
  }

  /** Opens (and creates) the spool file. */
  static open(Sqlite: SqliteConstructor, file: string): SqliteSpool {
    return new SqliteSpool(new Sqlite(file, { timeout: 200 }));
  }

  /** A cached prepared statement. */
  stmt(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `fn` in one immediate transaction; durable once it returns (the WAL is fsynced). */
  tx<R>(fn: () => R): R {
    return this.db.transaction(fn)();
  }

  /**
   * Runs `fn` (statements or a `tx`) without waiting for the disk: for the dispatcher's bookkeeping
   * (leases, done marks, retry times, purges). A power cut may lose such a write; that only makes a
   * row run again, which the processed-key marker in the host database already turns into a no-op.
   * The WAL is still fsynced by the next durable commit, which covers these writes too. Requests'
   * writes (receipts, inbox rows) stay in `tx` and are on disk before the answer.
   */
  relaxed<R>(fn: () => R): R {
    this.db.pragma('synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  /** Closes the file (idempotent). */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

const POSTGRES_UP = [
  `CREATE TABLE nativemessage_receipts (
     id bigserial PRIMARY KEY,
     webhook_id varchar(200) NULL,
     body_sha256 char(64) NOT NULL,
     state varchar(16) NOT NULL,
     claimed_at bigint NOT NULL,
     expires_at bigint NOT NULL
   )`,
  'CREATE UNIQUE INDEX nativemessage_receipts_webhook_id ON nativemessage_receipts (webhook_id)',
  'CREATE UNIQUE INDEX nativemessage_receipts_body_sha256 ON nativemessage_receipts (body_sha256)',
  'CREATE INDEX nativemessage_receipts_expires_at ON nativemessage_receipts (expires_at)',
  `CREATE TABLE nativemessage_inbox (
     id bigserial PRIMARY KEY,
     delivery_id varchar(300) NOT NULL,
     webhook_id varchar(200) NULL,
     body_sha256 char(64) NOT NULL,
     body text NOT NULL,
     received_at bigint NOT NULL,
     status varchar(16) NOT NULL DEFAULT 'pending',
     attempts integer NOT NULL DEFAULT 0,
     next_attempt_at bigint NOT NULL,
     locked_by varchar(120) NULL,
     locked_until bigint NULL,
     last_error text NULL,
     finished_at bigint NULL
   )`,
  `CREATE INDEX nativemessage_inbox_due ON nativemessage_inbox (next_attempt_at, id) WHERE status = 'pending'`,
  'CREATE INDEX nativemessage_inbox_finished ON nativemessage_inbox (status, finished_at)',
  `CREATE TABLE nativemessage_rejected (
     id bigserial PRIMARY KEY,
     webhook_id varchar(200) NULL,
     body_sha256 char(64) NOT NULL,
     body text NOT NULL,
     problems text NOT NULL,
     rejected_at bigint NOT NULL
   )`,
  'CREATE INDEX nativemessage_rejected_at ON nativemessage_rejected (rejected_at)',
];

const POSTGRES_DOWN = [
  'DROP TABLE IF EXISTS nativemessage_rejected',
  'DROP TABLE IF EXISTS nativemessage_inbox',
  'DROP TABLE IF EXISTS nativemessage_receipts',
];

// On SQLite, receipts and the inbox live in a spool file the store manages itself; the host database
// only records which inbox rows' effects it committed.
const SQLITE_UP = [
  `CREATE TABLE nativemessage_processed (
     entry_key varchar(36) PRIMARY KEY NOT NULL,
     processed_at bigint NOT NULL
   )`,
  'CREATE INDEX nativemessage_processed_at ON nativemessage_processed (processed_at)',
];

const SQLITE_DOWN = ['DROP TABLE IF EXISTS nativemessage_processed'];

function dialect(queryRunner: QueryRunner): 'postgres' | 'sqlite' {
  const type = queryRunner.connection.options.type;
  if (type === 'postgres') return 'postgres';
  if (type === 'better-sqlite3' || type === 'sqlite') return 'sqlite';
  throw new Error(
    `nestjs-nativemessage migrations support postgres and better-sqlite3, not ${type}`,
  );
}

/** Creates the tables of `typeOrmStorage()` (PostgreSQL: receipts, inbox, rejected; SQLite: processed keys). */
export class NativeMessageSchema1764806400000 implements MigrationInterface {
  /** Migration name recorded by TypeORM. */
  name = 'NativeMessageSchema1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of dialect(queryRunner) === 'postgres' ? POSTGRES_UP : SQLITE_UP) {
      await queryRunner.query(sql);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of dialect(queryRunner) === 'postgres' ? POSTGRES_DOWN : SQLITE_DOWN) {
      await queryRunner.query(sql);
    }
  }
}

/** Every migration of `nestjs-nativemessage`, in order: add them to your DataSource's `migrations`. */
export const NATIVEMESSAGE_MIGRATIONS = [NativeMessageSchema1764806400000];

import {
  Column,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  ValueTransformer,
} from 'typeorm';

/** Dates stored as ISO-8601 text: portable between SQLite and PostgreSQL, and sortable. */
const isoDate: ValueTransformer = {
  to: (value: Date | undefined) => value?.toISOString(),
  from: (value: string | null) => (value === null ? null : new Date(value)),
};

/** Error codes kept as JSON text, so numbers come back as numbers and strings as strings. */
const jsonValue: ValueTransformer = {
  to: (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value)),
  from: (value: string | null) => (value === null ? null : (JSON.parse(value) as unknown)),
};

/** One delivery report handled for a message. */
@Entity('tracker_status_history')
@Index(['messageId', 'id'])
export class StatusHistoryEntry {
  @PrimaryGeneratedColumn()
  id!: number;

  /** The delivery that carried the report: unique, so a retried delivery is recorded once. */
  @Column({ type: 'varchar', length: 300, unique: true })
  deliveryId!: string;

  @Column({ type: 'varchar', length: 256 })
  messageId!: string;

  @Column({ type: 'varchar', length: 64 })
  status!: string;

  @Column({ type: 'varchar', length: 120, nullable: true, transformer: jsonValue })
  errorCode!: number | string | null;

  @Column({ type: 'varchar', length: 32, transformer: isoDate })
  at!: Date;
}

/** An inbound message. */
@Entity('tracker_inbound_messages')
export class InboundMessageRecord {
  @PrimaryColumn({ type: 'varchar', length: 256 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  from!: string;

  @Column({ type: 'varchar', length: 64 })
  to!: string;

  @Column({ type: 'text' })
  body!: string;

  @Index()
  @Column({ type: 'varchar', length: 32, transformer: isoDate })
  receivedAt!: Date;
}

/** A number that asked not to be messaged. */
@Entity('tracker_opt_outs')
export class OptOutRecord {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  phoneNumber!: string;

  @Column({ type: 'varchar', length: 32, transformer: isoDate })
  at!: Date;
}

/** Every entity of the tracker. */
export const TRACKER_ENTITIES = [StatusHistoryEntry, InboundMessageRecord, OptOutRecord];

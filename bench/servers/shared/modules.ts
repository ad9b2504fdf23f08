import { Controller, DynamicModule, Get, Injectable, Module } from '@nestjs/common';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import {
  IdempotencyStore,
  MemoryIdempotencyStore,
  MessageStatusChanged,
  NativeMessageInbox,
  NativeMessageModule,
  OnNativeMessageEvent,
} from 'nestjs-nativemessage';
import { NATIVEMESSAGE_MIGRATIONS, typeOrmStorage } from 'nestjs-nativemessage/typeorm';
import { Samples } from '../../lib/stats';
import { requiredEnv, SECRET } from './bootstrap';

/** The inline variants' handler: does nothing. */
@Injectable()
class NoopHandler {
  @OnNativeMessageEvent(MessageStatusChanged)
  handle(_event: MessageStatusChanged): void {
    return undefined;
  }
}

/** GET /bench/store: deliveries the default memory store remembers now. */
@Controller('bench')
class StoreController {
  constructor(private readonly store: IdempotencyStore) {}

  @Get('store')
  size(): { size: number | null } {
    return { size: this.store instanceof MemoryIdempotencyStore ? this.store.size : null };
  }
}

@Module({
  imports: [NativeMessageModule.forRoot({ webhook: { secrets: [SECRET] } })],
  providers: [NoopHandler],
  controllers: [StoreController],
})
export class InlineMemoryModule {}

/** The inbox variants' handler: records how long each event waited since it was received. */
@Injectable()
class LagRecorder {
  readonly lag = new Samples();

  @OnNativeMessageEvent(MessageStatusChanged)
  record(event: MessageStatusChanged): void {
    this.lag.push(Date.now() - event.delivery.receivedAt.getTime());
  }
}

/** GET /bench/progress and /bench/lag: handled count, inbox counts, lag percentiles (ms). */
@Controller('bench')
class LagController {
  constructor(
    private readonly recorder: LagRecorder,
    private readonly inbox: NativeMessageInbox,
  ) {}

  /** Cheap: handled count and inbox counts (polled while the inbox drains). */
  @Get('progress')
  async progress() {
    return { handled: this.recorder.lag.count, ...(await this.inbox.counts()) };
  }

  @Get('lag')
  async lag() {
    const counts = await this.inbox.counts();
    const { count, p50, p99, max } = this.recorder.lag.summary();
    return { handled: count, p50, p99, max, ...counts };
  }
}

@Module({})
class InboxBenchModule {}

/** Inbox dispatch on a fresh SQLite file (BENCH_SQLITE_FILE) or schema (BENCH_PG_URL). */
export function inboxModule(database: 'sqlite' | 'postgres'): DynamicModule {
  const dataSource: TypeOrmModuleOptions =
    database === 'sqlite'
      ? {
          type: 'better-sqlite3',
          database: requiredEnv('BENCH_SQLITE_FILE'),
          enableWAL: true,
          migrations: NATIVEMESSAGE_MIGRATIONS,
          migrationsRun: true,
        }
      : {
          type: 'postgres',
          url: requiredEnv('BENCH_PG_URL'),
          migrations: NATIVEMESSAGE_MIGRATIONS,
          migrationsRun: true,
        };
  return {
    module: InboxBenchModule,
    imports: [
      TypeOrmModule.forRoot(dataSource),
      NativeMessageModule.forRoot({
        webhook: { secrets: [SECRET] },
        dispatch: 'inbox',
        storage: typeOrmStorage(),
      }),
    ],
    providers: [LagRecorder],
    controllers: [LagController],
  };
}

import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import type { NativeMessageInboxStore } from '../inbox/inbox-store';
import type { ResolvedNativeMessageOptions } from '../interfaces/nativemessage-options.interface';
import { NATIVEMESSAGE_OPTIONS, NATIVEMESSAGE_STORAGE_INBOX } from '../nativemessage.constants';
import { IdempotencyStore } from './idempotency-store';

/** Purges receipts and handled inbox rows past the retention, periodically, so the tables stay bounded. */
@Injectable()
export class NativeMessageMaintenance implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NativeMessageMaintenance.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | null = null;

  constructor(
    @Inject(NATIVEMESSAGE_OPTIONS) private readonly options: ResolvedNativeMessageOptions,
    private readonly receipts: IdempotencyStore,
    @Optional()
    @Inject(NATIVEMESSAGE_STORAGE_INBOX)
    private readonly inbox: NativeMessageInboxStore | null,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), this.options.purgeIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs one purge now (skipped while one is running); resolves to the number of rows deleted. */
  purge(now: Date = new Date()): Promise<number> {
    this.running ??= this.purgeOnce(now).finally(() => (this.running = null));
    return this.running;
  }

  private async purgeOnce(now: Date): Promise<number> {
    try {
      let deleted = await this.receipts.purgeExpired(now);
      if (this.inbox) deleted += await this.inbox.purge(now, this.options.retentionMs);
      if (deleted > 0)
        this.logger.log(`Purged ${deleted} receipts and handled deliveries past the retention`);
      return deleted;
    } catch (error) {
      this.logger.warn(
        `Purge failed, next try in ${this.options.purgeIntervalMs} ms: ${String(error)}`,
      );
      return 0;
    }
  }
}

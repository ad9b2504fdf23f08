import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { currentDispatchTransaction } from '../inbox/dispatch-context';

/**
 * Gives handlers the EntityManager to write with. During an inbox dispatch it is the dispatch
 * transaction's manager, so the handler's writes commit together with the inbox row being marked
 * done (a crash commits both or neither); elsewhere (inline mode, your own code) it is the
 * DataSource's manager. Add it to the providers of the module whose handlers use it (it uses the
 * default DataSource), or inject the instance `typeOrmStorage()` exports when the module is global.
 *
 * @example
 * ```ts
 * constructor(private readonly db: NativeMessageEntityManager) {}
 * @OnNativeMessageEvent(MessageDelivered)
 * async onDelivered(e: MessageDelivered) {
 *   await this.db.manager.getRepository(Message).update({ id: e.messageId }, { status: 'delivered' });
 * }
 * ```
 */
@Injectable()
export class NativeMessageEntityManager {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The current transaction's manager, or the DataSource's manager outside a dispatch. */
  get manager(): EntityManager {
    const transaction = currentDispatchTransaction();
    return transaction instanceof EntityManager ? transaction : this.dataSource.manager;
  }

  /** Whether the current handler runs inside an inbox dispatch transaction. */
  get inTransaction(): boolean {
    return currentDispatchTransaction() instanceof EntityManager;
  }
}

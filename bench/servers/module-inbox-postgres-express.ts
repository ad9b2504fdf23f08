import { main, startNest } from './shared/bootstrap';
import { inboxModule } from './shared/modules';

/** NativeMessageModule, inbox dispatch, typeOrmStorage() on PostgreSQL, on Express. */
main(() => startNest(inboxModule('postgres'), 'express'));

import { main, startNest } from './shared/bootstrap';
import { inboxModule } from './shared/modules';

/** NativeMessageModule, inbox dispatch, typeOrmStorage() on SQLite, on Express. */
main(() => startNest(inboxModule('sqlite'), 'express'));

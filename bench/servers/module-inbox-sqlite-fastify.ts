import { main, startNest } from './shared/bootstrap';
import { inboxModule } from './shared/modules';

/** NativeMessageModule, inbox dispatch, typeOrmStorage() on SQLite, on Fastify. */
main(() => startNest(inboxModule('sqlite'), 'fastify'));

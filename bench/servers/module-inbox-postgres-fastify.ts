import { main, startNest } from './shared/bootstrap';
import { inboxModule } from './shared/modules';

/** NativeMessageModule, inbox dispatch, typeOrmStorage() on PostgreSQL, on Fastify. */
main(() => startNest(inboxModule('postgres'), 'fastify'));

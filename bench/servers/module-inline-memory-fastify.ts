import { main, startNest } from './shared/bootstrap';
import { InlineMemoryModule } from './shared/modules';

/** NativeMessageModule, inline dispatch, default memory store, on Fastify. */
main(() => startNest(InlineMemoryModule, 'fastify'));

import { main, startNest } from './shared/bootstrap';
import { BareModule } from './shared/bare.module';

/** Bare NestJS on Fastify: one POST route answering {received:true}. */
main(() => startNest(BareModule, 'fastify'));

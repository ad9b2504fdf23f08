import { main, startNest } from './shared/bootstrap';
import { BareModule } from './shared/bare.module';

/** Bare NestJS on Express: one POST route answering {received:true}. */
main(() => startNest(BareModule, 'express'));

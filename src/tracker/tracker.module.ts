import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NativeMessageEntityManager } from 'nestjs-nativemessage/typeorm';
import { TrackerController } from './tracker.controller';
import { TRACKER_ENTITIES } from './tracker.entities';
import { TrackerEventHandlers } from './tracker.handlers';

/** The delivery tracker: its tables, its event handlers and its read endpoints. */
@Module({
  imports: [TypeOrmModule.forFeature(TRACKER_ENTITIES)],
  controllers: [TrackerController],
  providers: [TrackerEventHandlers, NativeMessageEntityManager],
})
export class TrackerModule {}

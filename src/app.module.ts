import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NativeMessageModule } from 'nestjs-nativemessage';
import { typeOrmStorage } from 'nestjs-nativemessage/typeorm';
import type { AppConfig } from './app.config';
import { dataSourceOptionsFor } from './database';
import { TRACKER_ENTITIES } from './tracker/tracker.entities';
import { TrackerModule } from './tracker/tracker.module';

/** The delivery-tracker host app. */
@Module({})
export class AppModule {
  /** Builds the app for a configuration (see `loadAppConfig`). */
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(dataSourceOptionsFor(config.databaseUrl, TRACKER_ENTITIES)),
        NativeMessageModule.forRoot({
          webhook: { secrets: config.webhookSecrets },
          dispatch: config.dispatch,
          ...config.tuning,
          storage: config.receiptStore === 'database' ? typeOrmStorage() : undefined,
        }),
        TrackerModule,
      ],
    };
  }
}

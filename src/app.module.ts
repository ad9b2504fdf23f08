import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NativeMessageModule } from 'nestjs-nativemessage';
import { typeOrmStorage } from 'nestjs-nativemessage/typeorm';
import type { AppConfig } from './app.config';
import { dataSourceOptionsFor } from './database';
import { TRACKER_ENTITIES } from './tracker/tracker.entities';
import { TrackerModule } from './tracker/tracker.module';
import { OpsModule } from './ops/ops.module';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

/** The delivery-tracker host app. */
@Module({})
export class AppModule {
  /** Builds the app for a configuration (see `loadAppConfig`). */
  static register(config: AppConfig): DynamicModule {
    // Metrics go through OpenTelemetry; /metrics reads them with the Prometheus exporter.
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const meterProvider = new MeterProvider({ readers: [exporter] });
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(dataSourceOptionsFor(config.databaseUrl, TRACKER_ENTITIES)),
        NativeMessageModule.forRoot({
          ...config.tuning,
          webhook: { ...config.tuning?.webhook, secrets: config.webhookSecrets },
          dispatch: config.dispatch,
          metrics: { meterProvider },
          isGlobal: true,
          routeMetadata: config.webhookRouteMetadata,
          storage: config.receiptStore === 'database' ? typeOrmStorage() : undefined,
        }),
        TrackerModule,
        OpsModule.register(exporter, config.health ?? {}),
      ],
    };
  }
}

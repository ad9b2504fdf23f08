import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import {
  NativeMessageHealthIndicator,
  NativeMessageHealthThresholds,
} from 'nestjs-nativemessage/terminus';
import { HEALTH_THRESHOLDS, OpsController } from './ops.controller';

/** Health and metrics endpoints of the example app. */
@Module({})
export class OpsModule {
  /** @param exporter the reader of the MeterProvider given to NativeMessageModule */
  static register(
    exporter: PrometheusExporter,
    thresholds: NativeMessageHealthThresholds,
  ): DynamicModule {
    return {
      module: OpsModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [OpsController],
      providers: [
        NativeMessageHealthIndicator,
        { provide: PrometheusExporter, useValue: exporter },
        { provide: HEALTH_THRESHOLDS, useValue: thresholds },
      ],
    };
  }
}

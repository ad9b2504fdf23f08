import { Controller, Get, Header, Inject } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import {
  NativeMessageHealthIndicator,
  NativeMessageHealthThresholds,
} from 'nestjs-nativemessage/terminus';

/** Injection token of the health thresholds of the example app. */
export const HEALTH_THRESHOLDS = Symbol('HEALTH_THRESHOLDS');

/** `GET /health` (terminus) and `GET /metrics` (Prometheus text, from the OpenTelemetry exporter). */
@Controller()
export class OpsController {
  private readonly serializer = new PrometheusSerializer();

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly nativemessage: NativeMessageHealthIndicator,
    private readonly exporter: PrometheusExporter,
    @Inject(HEALTH_THRESHOLDS) private readonly thresholds: NativeMessageHealthThresholds,
  ) {}

  /** 200 when the database answers and the inbox is within its thresholds, else 503. */
  @Get('health')
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 1500 }),
      () => this.nativemessage.isHealthy('nativemessage', this.thresholds),
    ]);
  }

  /** Every metric in Prometheus text format. */
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    const { resourceMetrics } = await this.exporter.collect();
    return this.serializer.serialize(resourceMetrics);
  }
}

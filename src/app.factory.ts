import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { AppConfig } from './app.config';
import { DEVELOPMENT_WEBHOOK_SECRET } from './app.config';
import { AppModule } from './app.module';

/** HTTP platform of the example app. */
export type Platform = 'express' | 'fastify';

/** Creates the example app (not yet listening), with raw body capture on, as the module requires. */
export async function createApp(
  config: AppConfig,
  platform: Platform = 'express',
): Promise<INestApplication> {
  if (config.usingDevelopmentSecret) {
    new Logger('DeliveryTracker').warn(
      `NATIVEMESSAGE_WEBHOOK_SECRET is not set: using the development secret "${DEVELOPMENT_WEBHOOK_SECRET}". ` +
        'Set it to your subscription secret; with NODE_ENV=production the app refuses to start without it.',
    );
  }
  const module = AppModule.register(config);
  return platform === 'fastify'
    ? NestFactory.create(module, new FastifyAdapter(), { rawBody: true })
    : NestFactory.create(module, { rawBody: true });
}

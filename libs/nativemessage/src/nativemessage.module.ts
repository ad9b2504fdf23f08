import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { NativeMessageEventPublisher } from './events/nativemessage-event.publisher';
import { IdempotencyStore } from './idempotency/idempotency-store';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { MemoryIdempotencyStore } from './idempotency/memory-idempotency.store';
import type {
  NativeMessageModuleOptions,
  ResolvedNativeMessageOptions,
} from './interfaces/nativemessage-options.interface';
import { NATIVEMESSAGE_OPTIONS } from './nativemessage.constants';
import {
  ConfigurableModuleClass,
  NATIVEMESSAGE_MODULE_OPTIONS,
  NATIVEMESSAGE_WEBHOOK_PATH,
} from './nativemessage.module-definition';
import { resolveNativeMessageOptions } from './nativemessage-options.resolver';
import { WebhookPayloadPipe } from './validation/webhook-payload.pipe';
import { WebhookSignatureVerifier } from './webhook/signature.verifier';
import { WebhookExceptionFilter } from './webhook/webhook-exception.filter';
import { WebhookSignatureGuard } from './webhook/webhook-signature.guard';
import { WebhookReceiver } from './webhook/webhook.receiver';

/**
 * Receives NativeMessage webhooks: verifies signatures, validates payloads, deduplicates deliveries
 * and publishes typed events to `@OnNativeMessageEvent` handlers.
 *
 * @example
 * ```ts
 * NativeMessageModule.forRoot({ webhook: { secrets: [process.env.NATIVEMESSAGE_WEBHOOK_SECRET!] } })
 * ```
 * The host application must be created with `{ rawBody: true }`.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: NATIVEMESSAGE_OPTIONS,
      inject: [NATIVEMESSAGE_MODULE_OPTIONS, NATIVEMESSAGE_WEBHOOK_PATH],
      useFactory: (options: NativeMessageModuleOptions, path: string) =>
        resolveNativeMessageOptions(options, path),
    },
    {
      provide: WebhookSignatureVerifier,
      inject: [NATIVEMESSAGE_OPTIONS],
      useFactory: (options: ResolvedNativeMessageOptions) =>
        new WebhookSignatureVerifier(options.secrets),
    },
    {
      provide: IdempotencyStore,
      inject: [NATIVEMESSAGE_OPTIONS],
      useFactory: (options: ResolvedNativeMessageOptions) =>
        options.store ??
        new MemoryIdempotencyStore({
          retentionMs: options.retentionMs,
          maxEntries: options.maxEntries,
          claimTimeoutMs: options.claimTimeoutMs,
        }),
    },
    NativeMessageEventPublisher,
    WebhookReceiver,
    WebhookSignatureGuard,
    IdempotencyInterceptor,
    WebhookPayloadPipe,
    WebhookExceptionFilter,
  ],
  exports: [NATIVEMESSAGE_OPTIONS, IdempotencyStore],
})
export class NativeMessageModule extends ConfigurableModuleClass {}

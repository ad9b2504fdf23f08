import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { NativeMessageEventPublisher } from './events/nativemessage-event.publisher';
import { IdempotencyStore } from './idempotency/idempotency-store';
import { DeliveryClaims } from './idempotency/delivery-claims';
import { MemoryIdempotencyStore } from './idempotency/memory-idempotency.store';
import type {
  NativeMessageModuleOptions,
  ResolvedNativeMessageOptions,
} from './interfaces/nativemessage-options.interface';
import {
  NATIVEMESSAGE_OPTIONS,
  NATIVEMESSAGE_STORAGE_INBOX,
  NATIVEMESSAGE_STORAGE_RECEIPTS,
} from './nativemessage.constants';
import { NativeMessageConfigurationError } from './nativemessage.errors';
import { NativeMessageInboxDispatcher } from './inbox/inbox.dispatcher';
import type { NativeMessageInboxStore } from './inbox/inbox-store';
import { NativeMessageInbox } from './inbox/nativemessage-inbox.service';
import { NativeMessageMaintenance } from './idempotency/nativemessage-maintenance';
import { NativeMessageSubscriptions } from './client/nativemessage-subscriptions.service';
import { NativeMessageMetrics } from './metrics/nativemessage-metrics';
import { NativeMessageClock } from './nativemessage.clock';
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
      inject: [
        NATIVEMESSAGE_OPTIONS,
        { token: NATIVEMESSAGE_STORAGE_RECEIPTS, optional: true },
        { token: NATIVEMESSAGE_STORAGE_INBOX, optional: true },
      ],
      useFactory: (
        options: ResolvedNativeMessageOptions,
        storageStore?: IdempotencyStore,
        inbox?: NativeMessageInboxStore,
      ) => {
        if (options.dispatch === 'inbox' && !inbox) {
          throw new NativeMessageConfigurationError([
            'dispatch "inbox" needs a durable storage: add storage: typeOrmStorage() (from nestjs-nativemessage/typeorm) beside the options',
          ]);
        }
        return (
          options.store ??
          storageStore ??
          new MemoryIdempotencyStore({
            retentionMs: options.retentionMs,
            maxEntries: options.maxEntries,
            claimTimeoutMs: options.claimTimeoutMs,
          })
        );
      },
    },
    NativeMessageEventPublisher,
    NativeMessageInboxDispatcher,
    NativeMessageInbox,
    NativeMessageMaintenance,
    NativeMessageSubscriptions,
    NativeMessageMetrics,
    NativeMessageClock,
    WebhookReceiver,
    WebhookSignatureGuard,
    DeliveryClaims,
    WebhookPayloadPipe,
    WebhookExceptionFilter,
  ],
  exports: [
    NATIVEMESSAGE_OPTIONS,
    IdempotencyStore,
    NativeMessageInbox,
    NativeMessageMaintenance,
    NativeMessageSubscriptions,
    NativeMessageMetrics,
    NativeMessageClock,
  ],
})
export class NativeMessageModule extends ConfigurableModuleClass {}

export { NativeMessageModule } from './nativemessage.module';
export {
  NATIVEMESSAGE_OPTIONS,
  DEFAULT_WEBHOOK_PATH,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_RETENTION_MS,
  DEFAULT_KEYWORDS,
  SIGNATURE_HEADER,
  NATIVEMESSAGE_STORAGE_RECEIPTS,
  NATIVEMESSAGE_STORAGE_INBOX,
  WEBHOOK_ID_HEADER,
  NATIVEMESSAGE_WEBHOOK_ROUTE,
} from './nativemessage.constants';
export {
  NativeMessageError,
  NativeMessageConfigurationError,
  NativeMessageHandlerError,
  RawBodyUnavailableError,
} from './nativemessage.errors';
export type {
  NativeMessageModuleOptions,
  NativeMessageModuleExtras,
  NativeMessageWebhookOptions,
  NativeMessageKeywordOptions,
  NativeMessageIdempotencyOptions,
  NativeMessageInboxOptions,
  NativeMessageDispatchMode,
  NativeMessageStorage,
  NativeMessageMetricsOptions,
  ResolvedNativeMessageOptions,
} from './interfaces/nativemessage-options.interface';
export {
  NativeMessageEvent,
  DeliveryReportEvent,
  MessageStatusChanged,
  MessageDelivered,
  MessageFailed,
  MessageExpired,
  InboundMessageEvent,
  InboundMessageReceived,
  KeywordEvent,
  OptOutRequested,
  OptInRequested,
  HelpRequested,
  UnknownWebhookReceived,
} from './events/nativemessage.events';
export type {
  KnownMessageStatus,
  MessageStatus,
  MessageErrorCode,
  NativeMessageEventClass,
  DeliveryReportFields,
  InboundMessageFields,
} from './events/nativemessage.events';
export {
  MESSAGE_STATUS_ORDER,
  FINAL_MESSAGE_STATUSES,
  isFinalStatus,
  statusRank,
  supersedesStatus,
} from './events/message-status';
export { NativeMessageMetrics } from './metrics/nativemessage-metrics';
export type {
  MeterLike,
  MeterProviderLike,
  RejectionReason,
  IgnoreReason,
} from './metrics/nativemessage-metrics';
export { NativeMessageClock } from './nativemessage.clock';
export { maskPhoneNumbers } from './log-masking';
export { OnNativeMessageEvent } from './events/on-nativemessage-event.decorator';
export { IdempotencyStore } from './idempotency/idempotency-store';
export type { ClaimOutcome, DeliveryKeys, RejectedDelivery } from './idempotency/idempotency-store';
export { MemoryIdempotencyStore } from './idempotency/memory-idempotency.store';
export type { MemoryIdempotencyStoreOptions } from './idempotency/memory-idempotency.store';
export { NativeMessageInbox } from './inbox/nativemessage-inbox.service';
export { NativeMessageInboxStore } from './inbox/inbox-store';
export type {
  DeadLetter,
  EnqueueOutcome,
  InboxCounts,
  InboxEntry,
  NewInboxEntry,
} from './inbox/inbox-store';
export { currentDispatchTransaction } from './inbox/dispatch-context';
export { backoffDelay } from './inbox/backoff';
export type { BackoffPolicy } from './inbox/backoff';
export { NativeMessageMaintenance } from './idempotency/nativemessage-maintenance';
export { NativeMessageSubscriptions } from './client/nativemessage-subscriptions.service';
export type { EnsureResult } from './client/nativemessage-subscriptions.service';
export { NativeMessageApiError } from './client/nativemessage-api.error';
export type { ApiFailureReason } from './client/nativemessage-api.error';
export { DEFAULT_API_BASE_URL } from './client/client-options';
export type { NativeMessageClientOptions, EnsureSubscriptionInput } from './client/client-options';
export type {
  WebhookSubscription,
  WebhookSubscriptionChanges,
} from './client/webhook-subscription';
export { WebhookSignatureVerifier } from './webhook/signature.verifier';
export { WebhookSignatureGuard } from './webhook/webhook-signature.guard';
export type { WebhookDeliveryContext } from './webhook/webhook-request';
export type { WebhookErrorBody } from './webhook/webhook-http.exception';
export type { WebhookAcceptedBody } from './webhook/webhook.receiver';

export { signWebhook } from './sign-webhook';
export type { SignWebhookOptions, SignedWebhook } from './sign-webhook';
export { createDlrPayload, createMoPayload, createMoGuidePayload } from './payload-factories';
export type { DlrPayload, MoQuickstartPayload, MoGuidePayload } from './payload-factories';
export { NativeMessageSandbox } from './sandbox/nativemessage-sandbox';
export type {
  NativeMessageSandboxOptions,
  SandboxSubscription,
  SandboxRequestLog,
} from './sandbox/nativemessage-sandbox';
export type { SandboxDeliveryAttempt } from './sandbox/sandbox-deliveries';

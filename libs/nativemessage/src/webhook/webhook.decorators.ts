import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { ParsedWebhook } from '../validation/parsed-webhook';
import { getVerified, VerifiedWebhook } from './webhook-request';

/** What `WebhookPayloadPipe` validates: the parsed JSON body and the verified delivery. */
export interface UnvalidatedWebhook {
  readonly body: unknown;
  readonly verified: VerifiedWebhook;
}

/** What `WebhookPayloadPipe` hands the controller: the normalised payload and its delivery. */
export interface ValidatedWebhook {
  readonly webhook: ParsedWebhook;
  readonly verified: VerifiedWebhook;
}

/**
 * The parsed JSON body with the raw body and delivery context attached by `WebhookSignatureGuard`;
 * used with `WebhookPayloadPipe`. One parameter carries both, so Nest builds one argument per request.
 */
export const WebhookDelivery = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): UnvalidatedWebhook => {
    const request = ctx.switchToHttp().getRequest<{ body?: unknown }>();
    const verified = getVerified(request);
    if (!verified)
      throw new Error('WebhookDelivery is only available behind WebhookSignatureGuard');
    return { body: request.body, verified };
  },
);

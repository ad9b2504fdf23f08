import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { getVerified, VerifiedWebhook } from './webhook-request';

/** What `WebhookPayloadPipe` validates: the parsed JSON body and the verified delivery. */
export interface UnvalidatedWebhook {
  readonly body: unknown;
  readonly verified: VerifiedWebhook;
}

/** The parsed JSON body with its verified delivery; used with `WebhookPayloadPipe`. */
export const WebhookBody = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): UnvalidatedWebhook => {
    const request = ctx.switchToHttp().getRequest<{ body?: unknown }>();
    return { body: request.body, verified: requireVerified(request) };
  },
);

/** The raw body and delivery context attached by `WebhookSignatureGuard`. */
export const Verified = createParamDecorator((_data: unknown, ctx: ExecutionContext) =>
  requireVerified(ctx.switchToHttp().getRequest<object>()),
);

function requireVerified(request: object): VerifiedWebhook {
  const verified = getVerified(request);
  if (!verified) throw new Error('The webhook body is only available behind WebhookSignatureGuard');
  return verified;
}

import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { getVerified } from './webhook-request';

/** The parsed JSON body; used with `WebhookPayloadPipe`. */
export const WebhookBody = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): unknown =>
    ctx.switchToHttp().getRequest<{ body?: unknown }>().body,
);

/** The raw body and delivery context attached by `WebhookSignatureGuard`. */
export const Verified = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  const verified = getVerified(ctx.switchToHttp().getRequest<object>());
  if (!verified) throw new Error('Verified is only available behind WebhookSignatureGuard');
  return verified;
});

import {
  Controller,
  HttpCode,
  HttpStatus,
  Post,
  SetMetadata,
  Type,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { NATIVEMESSAGE_WEBHOOK_ROUTE } from '../nativemessage.constants';
import { WebhookPayloadPipe } from '../validation/webhook-payload.pipe';
import { ValidatedWebhook, WebhookDelivery } from './webhook.decorators';
import { WebhookExceptionFilter } from './webhook-exception.filter';
import { WebhookAcceptedBody, WebhookReceiver } from './webhook.receiver';
import { WebhookSignatureGuard } from './webhook-signature.guard';

/**
 * Builds the webhook controller for a path. A new class per path: route metadata is written once by
 * `@Controller` when the class is created, never rewritten afterwards.
 * Order per request: guard (media type, size, signature) -> pipe (validation) -> receiver (claim, then
 * events and complete or release; or the inbox) -> filter (error answers).
 */
export function createWebhookController(
  path: string,
  routeMetadata: Readonly<Record<string, unknown>> = {},
): Type<unknown> {
  const metadata = Object.entries({ ...routeMetadata, [NATIVEMESSAGE_WEBHOOK_ROUTE]: true });
  @Controller(path)
  @applyMetadata(metadata)
  @UseFilters(WebhookExceptionFilter)
  class NativeMessageWebhookController {
    constructor(private readonly receiver: WebhookReceiver) {}

    @Post()
    @HttpCode(HttpStatus.OK)
    @UseGuards(WebhookSignatureGuard)
    receive(
      @WebhookDelivery(WebhookPayloadPipe) delivery: ValidatedWebhook,
    ): Promise<WebhookAcceptedBody> {
      return this.receiver.receive(delivery.webhook, delivery.verified);
    }
  }
  return NativeMessageWebhookController;
}

/** Sets every key/value pair as class metadata (what `@SetMetadata` does, for a list). */
function applyMetadata(entries: [string, unknown][]): ClassDecorator {
  return (target) => {
    for (const [key, value] of entries) SetMetadata(key, value)(target);
  };
}

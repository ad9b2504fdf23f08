import { Injectable, PipeTransform } from '@nestjs/common';
import { DeliveryClaims } from '../idempotency/delivery-claims';
import type { UnvalidatedWebhook, ValidatedWebhook } from '../webhook/webhook.decorators';
import { WebhookErrors } from '../webhook/webhook-http.exception';
import { parseWebhookPayload } from './webhook-payload.parser';

/**
 * Validates the webhook body with the class-validator DTOs and normalises it. A failure keeps a
 * dead-letter copy of the delivery, then answers 400 listing every field problem. Bound through a
 * custom parameter decorator, so a host's global `ValidationPipe` never touches the payload.
 */
@Injectable()
export class WebhookPayloadPipe implements PipeTransform<UnvalidatedWebhook, unknown> {
  constructor(private readonly claims: DeliveryClaims) {}

  transform({ body, verified }: UnvalidatedWebhook): ValidatedWebhook | Promise<never> {
    const result = parseWebhookPayload(body);
    if (result.ok) return { webhook: result.webhook, verified };
    return this.reject(verified, result.problems);
  }

  private async reject(
    verified: UnvalidatedWebhook['verified'],
    problems: string[],
  ): Promise<never> {
    await this.claims.recordRejected(verified, problems);
    throw WebhookErrors.validation(problems);
  }
}

import { Injectable, PipeTransform } from '@nestjs/common';
import { WebhookErrors } from '../webhook/webhook-http.exception';
import type { ParsedWebhook } from './parsed-webhook';
import { parseWebhookPayload } from './webhook-payload.parser';

/**
 * Validates the webhook body with the class-validator DTOs and normalises it. A failure is a 400
 * listing every field problem. Bound through a custom parameter decorator, so a host's global
 * `ValidationPipe` never touches the payload.
 */
@Injectable()
export class WebhookPayloadPipe implements PipeTransform<unknown, ParsedWebhook> {
  transform(body: unknown): ParsedWebhook {
    const result = parseWebhookPayload(body);
    if (!result.ok) throw WebhookErrors.validation(result.problems);
    return result.webhook;
  }
}

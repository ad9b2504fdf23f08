import { HttpException, HttpStatus } from '@nestjs/common';
import type { RejectionReason } from '../metrics/nativemessage-metrics';

/** Body of every error answer of the webhook endpoint. */
export interface WebhookErrorBody {
  /** Short, stable description; never contains secrets or signatures. */
  error: string;
  /** Field problems, for validation errors. */
  details?: string[];
}

/**
 * HTTP outcome of the webhook endpoint, with the exact JSON body and any extra headers
 * (`Retry-After`). Rendered by the module's own exception filter.
 */
export class WebhookHttpException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly body: WebhookErrorBody,
    /** Metric reason of the refusal. */
    readonly reason: RejectionReason,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(body, status);
  }
}

/** 400 for a signed payload that fails validation; keeps the problems for the rejected copy. */
export class WebhookValidationException extends WebhookHttpException {
  constructor(readonly problems: string[]) {
    super(HttpStatus.BAD_REQUEST, { error: 'validation failed', details: problems }, 'validation');
  }
}

/** The canonical error answers, in one place. */
export const WebhookErrors = {
  unsupportedMediaType: () =>
    new WebhookHttpException(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      {
        error: 'unsupported media type: expected application/json',
      },
      'media_type',
    ),
  emptyBody: () =>
    new WebhookHttpException(HttpStatus.BAD_REQUEST, { error: 'empty body' }, 'body'),
  tooLarge: (limit: number) =>
    new WebhookHttpException(
      HttpStatus.PAYLOAD_TOO_LARGE,
      {
        error: `payload too large: the limit is ${limit} bytes`,
      },
      'too_large',
    ),
  invalidSignature: () =>
    new WebhookHttpException(HttpStatus.UNAUTHORIZED, { error: 'invalid signature' }, 'signature'),
  invalidWebhookId: () =>
    new WebhookHttpException(
      HttpStatus.BAD_REQUEST,
      {
        error: 'invalid X-Webhook-ID header: expected one value of 1-200 visible ASCII characters',
      },
      'body',
    ),
  invalidJson: () =>
    new WebhookHttpException(HttpStatus.BAD_REQUEST, { error: 'body is not valid JSON' }, 'body'),
  validation: (problems: string[]) => new WebhookValidationException(problems),
  inFlight: (retryAfterSeconds: number) =>
    new WebhookHttpException(
      HttpStatus.CONFLICT,
      { error: 'delivery is being processed' },
      'in_flight',
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  storeUnavailable: (retryAfterSeconds: number) =>
    new WebhookHttpException(
      HttpStatus.SERVICE_UNAVAILABLE,
      { error: 'temporarily unavailable' },
      'store_unavailable',
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  rawBodyUnavailable: () =>
    new WebhookHttpException(
      HttpStatus.INTERNAL_SERVER_ERROR,
      {
        error:
          'webhook endpoint misconfigured: raw body capture is off (create the app with { rawBody: true })',
      },
      'misconfigured',
    ),
  handlerFailed: () =>
    new WebhookHttpException(
      HttpStatus.INTERNAL_SERVER_ERROR,
      { error: 'processing failed' },
      'other',
    ),
};

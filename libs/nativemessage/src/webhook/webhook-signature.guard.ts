import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import {
  NATIVEMESSAGE_OPTIONS,
  SIGNATURE_HEADER,
  WEBHOOK_ID_HEADER,
} from '../nativemessage.constants';
import { RawBodyUnavailableError } from '../nativemessage.errors';
import type { ResolvedNativeMessageOptions } from '../interfaces/nativemessage-options.interface';
import { NativeMessageMetrics } from '../metrics/nativemessage-metrics';
import { WebhookSignatureVerifier } from './signature.verifier';
import { WebhookErrors } from './webhook-http.exception';
import { createDeliveryContext, markVerified } from './webhook-request';

/** The request fields the guard reads; Express and Fastify requests both have them. */
export interface WebhookRequestLike {
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer;
  body?: unknown;
}

const WEBHOOK_ID = /^[\x21-\x7e]{1,200}$/;

/**
 * Admits only deliveries whose HMAC-SHA256 signature over the exact raw bytes matches a configured
 * secret. Also enforces the media type (415), the size limit (413) and a well-formed `X-Webhook-ID`.
 * Every refusal is a 4xx: bad input never produces a 500. Subclass and override the protected hooks
 * to adapt it (for example, to read the signature from another header).
 */
@Injectable()
export class WebhookSignatureGuard implements CanActivate {
  private readonly logger = new Logger(WebhookSignatureGuard.name);
  private warnedRawBody = false;

  constructor(
    @Inject(NATIVEMESSAGE_OPTIONS) protected readonly options: ResolvedNativeMessageOptions,
    protected readonly verifier: WebhookSignatureVerifier,
    private readonly metrics: NativeMessageMetrics,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<WebhookRequestLike>();
    this.metrics.received();
    if (!this.isJson(request.headers['content-type'])) throw WebhookErrors.unsupportedMediaType();

    const rawBody = this.getRawBody(request);
    if (!rawBody) {
      if (!this.hasBody(request)) throw WebhookErrors.emptyBody();
      if (!this.warnedRawBody) {
        this.warnedRawBody = true;
        this.logger.error(new RawBodyUnavailableError().message);
      }
      throw WebhookErrors.rawBodyUnavailable();
    }
    if (rawBody.length === 0) throw WebhookErrors.emptyBody();
    if (rawBody.length > this.options.bodyLimit)
      throw WebhookErrors.tooLarge(this.options.bodyLimit);

    if (!this.verifier.verify(rawBody, this.getSignature(request))) {
      throw WebhookErrors.invalidSignature();
    }

    const webhookId = request.headers[WEBHOOK_ID_HEADER];
    if (webhookId !== undefined && (typeof webhookId !== 'string' || !WEBHOOK_ID.test(webhookId))) {
      throw WebhookErrors.invalidWebhookId();
    }
    markVerified(request, {
      rawBody,
      context: createDeliveryContext(rawBody, webhookId ?? null, new Date()),
    });
    return true;
  }

  /** The signature header value (may be missing or repeated: both are invalid). */
  protected getSignature(request: WebhookRequestLike): unknown {
    return request.headers[SIGNATURE_HEADER];
  }

  /** The exact request bytes, as captured by Nest's `rawBody: true` on Express and Fastify. */
  protected getRawBody(request: WebhookRequestLike): Buffer | undefined {
    return Buffer.isBuffer(request.rawBody) ? request.rawBody : undefined;
  }

  /** Whether the media type is `application/json` (parameters such as charset allowed). */
  protected isJson(contentType: string | string[] | undefined): boolean {
    if (typeof contentType !== 'string') return false;
    const semi = contentType.indexOf(';');
    const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
    return type === 'application/json';
  }

  private hasBody(request: WebhookRequestLike): boolean {
    const length = request.headers['content-length'];
    if (length !== undefined) return length !== '0';
    return request.headers['transfer-encoding'] !== undefined;
  }
}

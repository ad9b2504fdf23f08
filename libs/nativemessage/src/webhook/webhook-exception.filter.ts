import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { NativeMessageHandlerError } from '../nativemessage.errors';
import { maskPhoneNumbers } from '../log-masking';
import { NativeMessageMetrics } from '../metrics/nativemessage-metrics';
import { getVerified } from './webhook-request';
import { WebhookErrorBody, WebhookErrors, WebhookHttpException } from './webhook-http.exception';

/**
 * Renders every outcome of the webhook route as `{ "error": ... }` JSON with the right status, on
 * Express and Fastify. Bound to the module's controller, so a host's global filter cannot turn a
 * 401 into something else. Anything that is not an HTTP outcome (a handler failure) is a 500, logged
 * with the delivery id: the provider will retry it.
 */
@Catch()
export class WebhookExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(WebhookExceptionFilter.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: NativeMessageMetrics,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<object>();
    const adapter = this.adapterHost.httpAdapter;

    let status: number;
    let body: WebhookErrorBody;
    let headers: Readonly<Record<string, string>> = {};
    if (exception instanceof WebhookHttpException) {
      status = exception.getStatus();
      body = exception.body;
      headers = exception.headers;
      this.metrics.rejected(exception.reason);
    } else if (exception instanceof HttpException) {
      // Raised by the host's own guards or pipes on this route (a global auth guard, a throttler).
      status = exception.getStatus();
      body = { error: exception.message };
      this.metrics.rejected('other');
    } else {
      const failure = WebhookErrors.handlerFailed();
      status = failure.getStatus();
      body = failure.body;
      const deliveryId = getVerified(http.getRequest<object>())?.context.deliveryId ?? 'unknown';
      const detail = maskPhoneNumbers(
        exception instanceof Error ? exception.message : String(exception),
      );
      this.metrics.handlerFailed(
        exception instanceof NativeMessageHandlerError ? exception.eventName : 'unknown',
      );
      const origin = exception instanceof NativeMessageHandlerError ? exception.cause : exception;
      const stack = origin instanceof Error ? origin.stack : undefined;
      this.logger.error(
        `Delivery ${deliveryId} failed and will be retried by the provider: ${detail}`,
        stack === undefined ? undefined : maskPhoneNumbers(stack),
      );
    }
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
    adapter.reply(response, body, status);
  }
}

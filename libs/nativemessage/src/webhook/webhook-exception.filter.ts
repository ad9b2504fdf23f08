import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { NativeMessageHandlerError } from '../nativemessage.errors';
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

  constructor(private readonly adapterHost: HttpAdapterHost) {}

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
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      body = { error: exception.message };
    } else {
      const failure = WebhookErrors.handlerFailed();
      status = failure.getStatus();
      body = failure.body;
      const deliveryId = getVerified(http.getRequest<object>())?.context.deliveryId ?? 'unknown';
      const detail =
        exception instanceof NativeMessageHandlerError || exception instanceof Error
          ? exception.message
          : String(exception);
      this.logger.error(
        `Delivery ${deliveryId} failed and will be retried by the provider: ${detail}`,
        exception instanceof NativeMessageHandlerError && exception.cause instanceof Error
          ? exception.cause.stack
          : exception instanceof Error
            ? exception.stack
            : undefined,
      );
    }
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
    adapter.reply(response, body, status);
  }
}

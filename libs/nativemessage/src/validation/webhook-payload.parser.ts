import { validateSync } from 'class-validator';
import { compileDto } from './compiled-validator';
import type { InboundMessageFields } from '../events/nativemessage.events';
import type { ParsedWebhook } from './parsed-webhook';
import {
  DeliveryReportPayloadDto,
  InboundGuidePayloadDto,
  InboundQuickstartPayloadDto,
} from './webhook-payload.dto';

/** Outcome of {@link parseWebhookPayload}: the normalised webhook, or the validation problems. */
export type ParseResult =
  | { readonly ok: true; readonly webhook: ParsedWebhook }
  | { readonly ok: false; readonly problems: string[] };

type DtoClass<T> = new () => T;

/**
 * Validates the declared fields of `body` against a DTO. Only declared fields are copied, so keys such
 * as `__proto__` in the JSON can never reach the instance. The compiled check answers the common
 * case (valid payloads); class-validator's own validateSync words the problems of invalid ones.
 */
function validateAs<T extends object>(
  dto: DtoClass<T>,
  body: Record<string, unknown>,
): string[] | T {
  const compiled = compileDto(dto);
  const instance = new dto();
  for (const field of compiled.fields) {
    if (Object.prototype.hasOwnProperty.call(body, field)) {
      (instance as Record<string, unknown>)[field] = body[field];
    }
  }
  if (compiled.check?.(instance as Record<string, unknown>)) return instance;
  const errors = validateSync(instance, { validationError: { target: false, value: false } });
  if (errors.length === 0) return instance;
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }),
  );
}

function toDate(value: string, field: string, problems: string[]): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) problems.push(`${field} must be a valid ISO 8601 date string`);
  return date;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** MO fields before the time is parsed, or the validation problems. */
type MoFields = Omit<InboundMessageFields, 'receivedAt'> & { receivedAt: string };

/** The quickstart shape: `id`, `from`, `to`, `body`. */
function quickstartFields(body: Record<string, unknown>): MoFields | string[] {
  const dto = validateAs(InboundQuickstartPayloadDto, body);
  if (Array.isArray(dto)) return dto;
  return {
    messageId: dto.id,
    from: dto.from,
    to: dto.to,
    body: dto.body,
    receivedAt: dto.received_at,
  };
}

/** The webhooks-guide shape: `message_id`, `source`, `destination`, `content`. */
function guideFields(body: Record<string, unknown>): MoFields | string[] {
  const dto = validateAs(InboundGuidePayloadDto, body);
  if (Array.isArray(dto)) return dto;
  return {
    messageId: dto.message_id,
    from: dto.source,
    to: dto.destination,
    body: dto.content,
    receivedAt: dto.received_at,
  };
}

/** The webhooks-guide MO shape is recognised by its own field names. */
function isGuideShape(body: Record<string, unknown>): boolean {
  return 'source' in body || 'content' in body || ('message_id' in body && !('id' in body));
}

/**
 * Validates a parsed JSON body and normalises it: DLR, either MO shape, or an unknown event type.
 * Pure; the caller decides what a failure answers.
 */
export function parseWebhookPayload(body: unknown): ParseResult {
  if (!isRecord(body)) return { ok: false, problems: ['body must be a JSON object'] };
  const event = body.event;
  if (typeof event !== 'string' || event.length === 0) {
    return { ok: false, problems: ['event must be a non-empty string'] };
  }
  const problems: string[] = [];
  if (event === 'dlr') {
    const dto = validateAs(DeliveryReportPayloadDto, body);
    if (Array.isArray(dto)) return { ok: false, problems: dto };
    const statusAt = toDate(dto.delivered_at, 'delivered_at', problems);
    if (problems.length > 0) return { ok: false, problems };
    return {
      ok: true,
      webhook: {
        kind: 'dlr',
        raw: body,
        fields: {
          messageId: dto.message_id,
          status: dto.status.trim().toLowerCase(),
          errorCode: dto.error_code ?? null,
          destination: dto.destination,
          statusAt,
        },
      },
    };
  }
  if (event === 'mo') {
    const fields = isGuideShape(body) ? guideFields(body) : quickstartFields(body);
    if (Array.isArray(fields)) return { ok: false, problems: fields };
    const receivedAt = toDate(fields.receivedAt, 'received_at', problems);
    if (problems.length > 0) return { ok: false, problems };
    return { ok: true, webhook: { kind: 'mo', raw: body, fields: { ...fields, receivedAt } } };
  }
  return { ok: true, webhook: { kind: 'unknown', eventType: event, raw: body } };
}

import { Equals, IsISO8601, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IsErrorCode } from './is-error-code.validator';

/** Delivery report, `event: "dlr"` (the one shape every provider page agrees on). */
export class DeliveryReportPayloadDto {
  /** Always `dlr`. */
  @Equals('dlr')
  event!: 'dlr';

  /** The provider's message id. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  message_id!: string;

  /** Delivery status; unknown values are accepted. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  status!: string;

  /** `null`, a number or a string; may be absent. */
  @IsErrorCode()
  error_code?: number | string | null;

  /** Recipient (E.164). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  destination!: string;

  /** ISO-8601 time of the status. */
  @IsISO8601({ strict: true })
  delivered_at!: string;
}

/** Inbound message as the quickstart documents it. */
export class InboundQuickstartPayloadDto {
  /** Always `mo`. */
  @Equals('mo')
  event!: 'mo';

  /** The provider's id of the inbound message. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  id!: string;

  /** Sender number. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  from!: string;

  /** Receiving number or brand name. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  to!: string;

  /** Message text (may be empty). */
  @IsString()
  @MaxLength(10_000)
  body!: string;

  /** ISO-8601 time the provider received it. */
  @IsISO8601({ strict: true })
  received_at!: string;
}

/** Inbound message as the webhooks guide documents it. */
export class InboundGuidePayloadDto {
  /** Always `mo`. */
  @Equals('mo')
  event!: 'mo';

  /** The provider's id of the inbound message. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  message_id!: string;

  /** Sender number. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  source!: string;

  /** Receiving number or brand name. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  destination!: string;

  /** Message text (may be empty). */
  @IsString()
  @MaxLength(10_000)
  content!: string;

  /** ISO-8601 time the provider received it. */
  @IsISO8601({ strict: true })
  received_at!: string;
}

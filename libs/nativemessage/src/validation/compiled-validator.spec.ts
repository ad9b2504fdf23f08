import * as fc from 'fast-check';
import { validateSync } from 'class-validator';
import { compileDto } from './compiled-validator';
import {
  DeliveryReportPayloadDto,
  InboundGuidePayloadDto,
  InboundQuickstartPayloadDto,
} from './webhook-payload.dto';

const DTOS = [DeliveryReportPayloadDto, InboundQuickstartPayloadDto, InboundGuidePayloadDto];

/** Values near each rule's edges: right and wrong types, empty, long, dates. */
const value = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('dlr', 'mo', 'delivered', '+8801700000000', '2026-01-01T00:00:00Z'),
  },
  fc.constantFrom(
    'dlr',
    'mo',
    '',
    'delivered',
    '+8801700000000',
    '2026-01-01T00:00:00Z',
    '2026-13-01',
    null,
    0,
    1.5,
    true,
    'x'.repeat(300),
  ),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.constant(undefined),
);

describe('compiled DTO checks', () => {
  it.each(DTOS)('agree with validateSync on random %p instances', (dto) => {
    const { fields, check } = compileDto(dto);
    expect(check).not.toBeNull();
    let valid = 0;
    fc.assert(
      fc.property(
        fc.array(value, { minLength: fields.length, maxLength: fields.length }),
        (values) => {
          const instance = new dto() as unknown as Record<string, unknown>;
          fields.forEach((f, i) => {
            if (values[i] !== undefined) instance[f] = values[i];
          });
          const expected = validateSync(instance).length === 0;
          if (expected) valid++;
          expect(check!(instance)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
    // Both answers must occur, or the agreement above would be one-sided.
    expect(valid).toBeGreaterThan(0);
  });
});

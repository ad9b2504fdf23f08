import { parseWebhookPayload } from './webhook-payload.parser';

const dlr = {
  event: 'dlr',
  message_id: 'msg_1',
  status: 'Delivered',
  error_code: null,
  destination: '+8801700000000',
  delivered_at: '2026-01-01T10:00:00Z',
};

describe('parseWebhookPayload', () => {
  it('normalises a DLR', () => {
    expect(parseWebhookPayload(dlr)).toEqual({
      ok: true,
      webhook: {
        kind: 'dlr',
        raw: dlr,
        fields: {
          messageId: 'msg_1',
          status: 'delivered',
          errorCode: null,
          destination: '+8801700000000',
          statusAt: new Date('2026-01-01T10:00:00Z'),
        },
      },
    });
  });

  it.each([1, 'INVALID_NUMBER', null, undefined])('accepts error_code %p', (code) => {
    const result = parseWebhookPayload({ ...dlr, error_code: code });
    expect(result.ok && result.webhook.kind === 'dlr' && result.webhook.fields.errorCode).toBe(
      code ?? null,
    );
  });

  it.each([{}, [], true, '', Number.NaN])('refuses error_code %p', (code) => {
    const result = parseWebhookPayload({ ...dlr, error_code: code });
    expect(result).toEqual({
      ok: false,
      problems: ['error_code must be a number, a string or null'],
    });
  });

  it('reports every field problem', () => {
    const result = parseWebhookPayload({ event: 'dlr' });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    for (const field of ['message_id', 'status', 'destination', 'delivered_at']) {
      expect(problems.some((p) => p.includes(field))).toBe(true);
    }
  });

  it('normalises both MO shapes to the same fields', () => {
    const quick = parseWebhookPayload({
      event: 'mo',
      id: 'a',
      from: '+1',
      to: 'BRAND',
      body: 'Hi',
      received_at: '2026-01-01T00:00:00Z',
    });
    const guide = parseWebhookPayload({
      event: 'mo',
      message_id: 'a',
      source: '+1',
      destination: 'BRAND',
      content: 'Hi',
      received_at: '2026-01-01T00:00:00Z',
    });
    const fieldsOf = (r: typeof quick) =>
      r.ok && r.webhook.kind === 'mo' ? r.webhook.fields : null;
    expect(fieldsOf(quick)).toEqual(fieldsOf(guide));
    expect(fieldsOf(quick)).toEqual({
      messageId: 'a',
      from: '+1',
      to: 'BRAND',
      body: 'Hi',
      receivedAt: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it('validates only declared fields, so __proto__ in the JSON cannot disable validation', () => {
    const hostile = JSON.parse(
      '{"event":"dlr","__proto__":{"constructor":null},"message_id":5}',
    ) as unknown;
    const result = parseWebhookPayload(hostile);
    expect(result.ok).toBe(false);
  });

  it('passes an unknown event type through', () => {
    expect(parseWebhookPayload({ event: 'message.failed', x: 1 })).toEqual({
      ok: true,
      webhook: {
        kind: 'unknown',
        eventType: 'message.failed',
        raw: { event: 'message.failed', x: 1 },
      },
    });
  });

  it.each([null, 'text', 3, [{}]])('refuses a body that is not an object: %p', (body) => {
    expect(parseWebhookPayload(body)).toEqual({
      ok: false,
      problems: ['body must be a JSON object'],
    });
  });

  it('refuses a date that is not ISO 8601', () => {
    const result = parseWebhookPayload({ ...dlr, delivered_at: '01/02/2026' });
    expect(result.ok).toBe(false);
  });
});

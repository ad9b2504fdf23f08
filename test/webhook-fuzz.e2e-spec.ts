import * as fc from 'fast-check';
import {
  createDlrPayload,
  createMoGuidePayload,
  createMoPayload,
  signWebhook,
} from 'nestjs-nativemessage/testing';
import { request } from './support/http';
import { PLATFORMS, RunningApp, startTrackerApp, TEST_SECRET } from './support/tracker-app';

/** How the generated request is signed. */
type SignMode =
  'valid' | 'valid-prefixed' | 'valid-upper' | 'other-secret' | 'random-hex' | 'garbage' | 'none';

const printable = fc.string({
  unit: fc.constantFrom(...' !"#$%&()*+,-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~'.split('')),
  maxLength: 80,
});

/** Bodies: random text, random JSON, valid payloads, and valid payloads with fields broken or added. */
const bodies = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  fc
    .constantFrom(createDlrPayload(), createMoPayload(), createMoGuidePayload())
    .map((p) => JSON.stringify(p)),
  fc
    .tuple(
      fc.constantFrom(createDlrPayload(), createMoPayload(), createMoGuidePayload()),
      fc.dictionary(
        fc.constantFrom(
          'event',
          'status',
          'message_id',
          'error_code',
          'body',
          'from',
          'received_at',
          'delivered_at',
          '__proto__',
          'extra',
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    )
    .map(([base, patch]) => JSON.stringify({ ...base, ...patch })),
);

const deliveries = fc.record({
  body: bodies,
  sign: fc.constantFrom<SignMode>(
    'valid',
    'valid-prefixed',
    'valid-upper',
    'other-secret',
    'random-hex',
    'garbage',
    'none',
  ),
  garbage: printable,
  contentType: fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/xml',
    '',
  ),
  webhookId: fc.option(printable, { nil: undefined }),
});

const computeSignature = (body: string, secret: string): string =>
  signWebhook(body, secret, { webhookId: null }).headers['x-webhook-signature'];

function signatureFor(mode: SignMode, body: string, garbage: string): string | undefined {
  const valid = computeSignature(body, TEST_SECRET);
  switch (mode) {
    case 'valid':
      return valid;
    case 'valid-prefixed':
      return `sha256=${valid}`;
    case 'valid-upper':
      return valid.toUpperCase();
    case 'other-secret':
      return computeSignature(body, 'not-the-secret');
    case 'random-hex':
      return computeSignature(garbage, TEST_SECRET);
    case 'garbage':
      return garbage;
    case 'none':
      return undefined;
  }
}

describe.each(PLATFORMS)('random deliveries through the real guard and pipe on %s', (platform) => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTrackerApp({ platform });
  });
  afterAll(() => running.close());

  it('never answers 5xx and never publishes an event without a valid signature', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(deliveries, async (d) => {
        const before = running.recorder.events.length;
        const headers: Record<string, string> = {};
        if (d.contentType) headers['content-type'] = d.contentType;
        const signature = signatureFor(d.sign, d.body, d.garbage);
        if (signature !== undefined) headers['x-webhook-signature'] = signature;
        if (d.webhookId !== undefined) headers['x-webhook-id'] = d.webhookId;
        const reply = await request(running.webhookUrl, { method: 'POST', headers, body: d.body });

        expect(reply.status).toBeLessThan(500);
        const published = running.recorder.events.length > before;
        const validlySigned = d.sign.startsWith('valid');
        if (published) expect(validlySigned).toBe(true);
        if (published) accepted++;
        if (!validlySigned) expect(reply.status).not.toBe(200);
      }),
      { numRuns: 300 },
    );
    // The generator must reach the handlers too, or the property above would hold vacuously.
    expect(accepted).toBeGreaterThan(0);
  });
});

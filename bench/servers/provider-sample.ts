/**
 * The provider's documented sample receiver, as a baseline: plain Express 5, `express.json()`,
 * HMAC-SHA256 over `JSON.stringify(req.body)` compared with X-Webhook-Signature, an in-memory Set of
 * processed X-Webhook-ID values, 200 {received:true}.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { announce, main, SECRET } from './shared/bootstrap';

main(async () => {
  const app = express();
  app.use(express.json());
  const processed = new Set<string>();

  app.post('/webhooks/nativemessage', (req, res) => {
    const signature = req.header('x-webhook-signature') ?? '';
    const expected = createHmac('sha256', SECRET)
      .update(JSON.stringify(req.body as unknown))
      .digest('hex');
    const valid =
      signature.length === expected.length &&
      timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
    if (!valid) {
      res.status(401).json({ error: 'invalid signature' });
      return;
    }
    const webhookId = req.header('x-webhook-id');
    if (webhookId !== undefined) {
      if (processed.has(webhookId)) {
        res.status(200).json({ received: true });
        return;
      }
      processed.add(webhookId);
    }
    res.status(200).json({ received: true });
  });

  const server = await new Promise<Server>((done, fail) => {
    const listening = app.listen(0, '127.0.0.1', (error?: Error) =>
      error ? fail(error) : done(listening),
    );
  });
  announce(server, () => {
    const closed = new Promise<void>((done) => server.close(() => done()));
    server.closeAllConnections();
    return closed;
  });
});

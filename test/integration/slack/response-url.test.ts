import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseUrlPoster } from '../../../src/adapters/slack/response-url-poster.ts';

let server: Server;
let base: string;
const received: { path: string; type: string | undefined; body: unknown }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => {
        received.push({
          path: req.url ?? '',
          type: req.headers['content-type'],
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
        });
        res.writeHead(req.url === '/expired/T1/secret-token' ? 404 : 200).end('ok');
      });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('ResponseUrlPoster: private answers through response_url', () => {
  it('posts the message as JSON, and reports a refused or unusable URL by code without showing the URL', async () => {
    const responses = new ResponseUrlPoster();
    await responses.post(`${base}/commands/T1/ok`, { response_type: 'ephemeral', text: 'Precheck requested' });
    expect(received).toEqual([
      {
        path: '/commands/T1/ok',
        type: 'application/json',
        body: { response_type: 'ephemeral', text: 'Precheck requested' },
      },
    ]);

    const refused = await responses.post(`${base}/expired/T1/secret-token`, { text: 'late' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'SLACK_RESPOND_FAILED',
      message: 'Slack did not take the private answer (response_url): HTTP 404',
    });
    expect(String((refused as Error).message)).not.toContain('secret-token');
    await expect(responses.post('file:///etc/passwd', { text: 'x' })).rejects.toMatchObject({
      code: 'SLACK_RESPOND_FAILED',
      message: expect.stringContaining('file:, not https'),
    });
    await expect(responses.post('not a url', { text: 'x' })).rejects.toMatchObject({ code: 'SLACK_RESPOND_FAILED' });
    responses.close();
  });
});

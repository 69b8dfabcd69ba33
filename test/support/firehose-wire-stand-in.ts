/**
 * A stand-in for Amazon Data Firehose's JSON 1.1 wire shapes, for PutRecord and PutRecordBatch
 * only, on 127.0.0.1: it reads what the AWS SDK sends (a POST to `/`, `X-Amz-Target:
 * Firehose_20150804.<Operation>`, `Content-Type: application/x-amz-json-1.1`, records' `Data` in
 * base64) and answers in the shapes of the API reference
 * (https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecord.html,
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html). Not Firehose:
 * it keeps what it is sent and answers as told.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WireCall {
  readonly target: string;
  readonly contentType: string;
  readonly stream: string;
  readonly records: string[];
  readonly bytes: number;
}

export type WireAnswer = (call: WireCall, index: number) => { status: number; body: unknown } | 'hang' | undefined;

export class FirehoseWireStandIn {
  readonly calls: WireCall[] = [];
  answer: WireAnswer = () => undefined;
  private server!: Server;
  private readonly hanging = new Set<ServerResponse>();
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const body = JSON.parse(raw.toString('utf8')) as { DeliveryStreamName: string; Record?: { Data: string }; Records?: Array<{ Data: string }> };
    const target = String(req.headers['x-amz-target']);
    const records = (body.Record ? [body.Record] : (body.Records ?? [])).map((r) => Buffer.from(r.Data, 'base64').toString('utf8'));
    const call: WireCall = { target, contentType: String(req.headers['content-type']), stream: body.DeliveryStreamName, records, bytes: raw.length };
    const index = this.calls.push(call) - 1;
    const forced = this.answer(call, index);
    if (forced === 'hang') {
      this.hanging.add(res);
      return;
    }
    const reply = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${index}` }).end(JSON.stringify(json));
    if (forced) return void reply(forced.status, forced.body);
    if (target === 'Firehose_20150804.PutRecord') return void reply(200, { RecordId: `rec-${index}`, Encrypted: false });
    return void reply(200, { FailedPutCount: 0, Encrypted: false, RequestResponses: records.map((_, i) => ({ RecordId: `rec-${index}-${i}` })) });
  }
}


import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TapTest } from './server.js';

// A client's notification endpoint, as an app under test runs one (node:http on a free port of
// 127.0.0.1): it answers Graph's validation request by echoing the decoded token as text/plain,
// and each notification POST with what the test asks (202 by default). It keeps every request,
// and `received(n)` waits until n have come: tests wait on deliveries, never on the clock.

export interface ReceivedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  path: string;
  validationToken: string | null;
  contentType: string | undefined;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json: any;
}

/** How to answer a request: a status, a body, a media type; or `hang` to never answer. */
export interface Answer {
  status?: number;
  body?: string;
  contentType?: string;
  hang?: true;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: ReceivedRequest[];
  /** Requests that were notifications (no validationToken). */
  notifications(): ReceivedRequest[];
  /** Resolves once `count` requests in all have come. */
  received(count: number): Promise<ReceivedRequest[]>;
  /** How the next requests are answered (then the default): validation requests included when `validation` is set. */
  answerWith(answers: Answer[]): void;
  /** How validation requests are answered, instead of echoing the token. */
  validateWith(answer: Answer | undefined): void;
}

export async function startReceiver(t: TapTest): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  let queued: Answer[] = [];
  let validation: Answer | undefined;
  const hanging: ServerResponse[] = [];
  const reply = (response: ServerResponse, answer: Answer): void => {
    if (answer.hang) {
      hanging.push(response);
      return;
    }
    response.writeHead(answer.status ?? 202, answer.contentType === undefined ? {} : { 'Content-Type': answer.contentType });
    response.end(answer.body ?? '');
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(request.url ?? '/', 'http://receiver');
      const token = url.searchParams.get('validationToken');
      let json: unknown;
      try {
        json = body === '' ? undefined : JSON.parse(body);
      } catch {
        json = undefined;
      }
      requests.push({ method: request.method ?? '', url: request.url ?? '', path: url.pathname, validationToken: token, contentType: request.headers['content-type'], body, json });
      if (token !== null) reply(response, validation ?? { status: 200, contentType: 'text/plain', body: token });
      else reply(response, queued.shift() ?? {});
      for (const waiter of waiting.filter((w) => requests.length >= w.count)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => {
    for (const response of hanging) response.destroy();
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    notifications: () => requests.filter((r) => r.validationToken === null),
    received: async (count) => {
      if (requests.length < count) await new Promise<void>((resolve) => waiting.push({ count, resolve }));
      return requests;
    },
    answerWith: (answers) => { queued = [...answers]; },
    validateWith: (answer) => { validation = answer; },
  };
}

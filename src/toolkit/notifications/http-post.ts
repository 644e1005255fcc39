import http from 'node:http';
import https from 'node:https';

// One POST to a client's endpoint (the validation request, a delivery): the answer's status, media
// type and first bytes, or why there was none. No connection is kept alive (agent: false), so
// nothing of it holds the process open once it is answered or aborted.

export interface PostAnswer {
  status: number;
  contentType: string;
  body: string;
}

export type PostResult = { answer: PostAnswer } | { failure: string; timedOut?: true };

/** Bytes of an answer read: a validation token or an acknowledgement, never more. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Requests under way, to abort when the server closes. */
export class OutboundRequests {
  private readonly open = new Set<http.ClientRequest>();

  post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostResult> {
    return new Promise((resolve) => {
      const send = url.protocol === 'https:' ? https.request : http.request;
      let settled = false;
      const settle = (result: PostResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.open.delete(request);
        resolve(result);
      };
      const request = send(url, { method: 'POST', agent: false, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => settle({ answer: { status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER_BYTES) } }));
        response.on('error', (error) => settle({ failure: error.message }));
      });
      const timer = setTimeout(() => {
        settle({ failure: `no answer within ${timeoutMs} ms`, timedOut: true });
        request.destroy();
      }, timeoutMs);
      timer.unref();
      request.on('error', (error: Error & { code?: string }) => settle({ failure: error.code ?? error.message }));
      this.open.add(request);
      request.end(body);
    });
  }

  /** Aborts every request under way (the server is closing): each settles as failed. */
  abortAll(): void {
    for (const request of this.open) request.destroy(new Error('the mock server closed'));
    this.open.clear();
  }
}

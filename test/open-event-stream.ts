/**
 * A server-sent event stream held open over HTTP as a browser's EventSource holds it: what has come so far,
 * and whether the server ended it. For tests that end streams from the server side.
 */
import { type ClientRequest, request as httpRequest } from 'node:http';

export interface OpenEventStream {
  readonly status: number;
  /** Everything received so far. */
  readonly text: string;
  /** The server ended the response (or the connection closed). */
  readonly ended: boolean;
  /** Leave: close the connection from the client's side. */
  close(): void;
}

/** GET `url` with `headers`; resolves once the response's headers are in, the stream still open. */
export function openEventStream(url: string, headers: Record<string, string>): Promise<OpenEventStream> {
  return new Promise((resolve, reject) => {
    let text = '';
    let ended = false;
    const request: ClientRequest = httpRequest(url, { headers, agent: false }, (response) => {
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      const end = (): void => {
        ended = true;
      };
      response.on('end', end);
      response.on('close', end);
      response.on('error', end);
      resolve({
        status: response.statusCode ?? 0,
        get text() {
          return text;
        },
        get ended() {
          return ended;
        },
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * The forms a whole answer's headers can take to `writeHead`, for counting what each costs with callgrind (the
 * host's noise moves wall time more than the difference; instructions it does not). Each builds the gateway's
 * seven headers of a whole answer and writes them, `count` times, on one ServerResponse reset between calls:
 *
 *   flat            ['x-request-id', id, ..., 'content-length', n]: what the gateway writes (http-responses.ts)
 *   object          { 'x-request-id': id, ... }, by assignment
 *   setHeaderFirst  `setHeader('x-request-id')`, then the rest as an object: Node's slow path (session 18's gateway)
 *
 *   for n in 20000 100000; do valgrind --tool=callgrind --callgrind-out-file=/dev/null \
 *     node bench/write-head-forms.js flat $n 2>&1 | grep Collected; done
 *
 * The difference of the two totals over 80,000 is the instructions a writeHead (session 19, two or three runs each: 11,200
 * to 11,900 flat, 11,800 to 12,400 object, 22,600 to 22,800 setHeaderFirst; Node 20.20.2).
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

const request = new IncomingMessage(new Socket());
request.method = 'POST';
request.httpVersionMajor = 1;
request.httpVersionMinor = 1;
const response = new ServerResponse(request);
const outHeaders = Object.getOwnPropertySymbols(response).find((symbol) => String(symbol) === 'Symbol(kOutHeaders)');
const id = 'chatcmpl-0d9a7c1e-6c55-4b52-9e29-5a1b1ad3c1f2';

/** Lets the one response be written again: no header block, no headers set. */
function reset() {
  response._header = null;
  response[outHeaders] = null;
}

function routingAndBody(headers, contentLength) {
  headers['x-backup-models-provider'] = 'openai';
  headers['x-backup-models-model'] = 'gpt-4o-mini-2024-07-18';
  headers['x-backup-models-attempts'] = 'openai:success';
  headers['x-backup-models-cache'] = 'miss';
  headers['content-type'] = 'application/json';
  headers['content-length'] = contentLength;
  return headers;
}

const forms = {
  flat(contentLength) {
    const headers = ['x-request-id', id];
    headers.push('x-backup-models-provider', 'openai', 'x-backup-models-model', 'gpt-4o-mini-2024-07-18');
    headers.push('x-backup-models-attempts', 'openai:success', 'x-backup-models-cache', 'miss');
    headers.push('content-type', 'application/json', 'content-length', contentLength);
    reset();
    response.writeHead(200, headers);
  },
  object(contentLength) {
    const headers = {};
    headers['x-request-id'] = id;
    reset();
    response.writeHead(200, routingAndBody(headers, contentLength));
  },
  setHeaderFirst(contentLength) {
    reset();
    response.setHeader('x-request-id', id);
    response.writeHead(200, routingAndBody({}, contentLength));
  },
};

const form = forms[process.argv[2] ?? ''];
if (form === undefined) throw new Error(`a form: ${Object.keys(forms).join(', ')}`);
const count = Number(process.argv[3] ?? 100_000);
for (let index = 0; index < count; index += 1) form(340 + (index & 7));

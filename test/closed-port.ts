/**
 * A port on 127.0.0.1 that nothing listens on: the system gave it out a moment ago and it was let go. Where a test
 * needs a peer that refuses connections, or a server that takes a port but not 0 (the SOCKS5 server of the tests).
 */
import { type AddressInfo, createServer } from 'node:net';

export async function closedPort(): Promise<number> {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  return port;
}

import { createServer } from 'node:net';

/**
 * A port nothing listens on now. The processes the durability test starts must keep one port across
 * restarts (PostgreSQL's URL, an instance behind a fixed address), so port 0 at bind time will not do.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not read the port of a probe socket');
  return address.port;
}

// Binding a node:net or node:http server, shared by the RESP and HTTP servers: resolves once listening
// (rejects with the bind error, e.g. EADDRINUSE), and formats the bound address as "host:port".
import type { AddressInfo, Server } from 'node:net';

export async function listen(server: Server, host: string, port: number): Promise<{ address: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const hostPart = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
  return { address: `${hostPart}:${bound.port}`, port: bound.port };
}

// Starts the test OpenID provider on a free loopback port (or OIDC_PORT) and prints its issuer
// URL as the first line on stdout once it accepts requests. It stops on SIGTERM or SIGINT, and
// when its stdin closes (unless OIDC_STOP_ON_STDIN_CLOSE=0), so a test that dies takes it along.

import { createServer } from 'node:http';

import { buildProvider, settings } from './provider.mjs';

const server = createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(process.env.OIDC_PORT || 0), '127.0.0.1', resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;
const provider = await buildProvider(issuer, settings());
server.on('request', provider.callback());
process.stdout.write(`${issuer}\n`);

function stop() {
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (process.env.OIDC_STOP_ON_STDIN_CLOSE !== '0') {
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}

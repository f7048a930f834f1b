// Preloaded (NODE_OPTIONS=--import) into a CLI run that must not touch the network: any socket
// connection or DNS lookup writes a marker to stderr and ends the process with exit code 99, so a
// test sees it whatever the command does with errors. Loopback is not exempt: offline means none.
import dns from 'node:dns';
import net from 'node:net';

const refuse = (what) => {
  process.stderr.write(`NETWORK-ATTEMPT ${what}\n`);
  process.exit(99);
};
net.Socket.prototype.connect = function connect(...args) {
  const first = args[0];
  refuse(`connect ${typeof first === 'object' && first !== null ? JSON.stringify({ host: first.host, port: first.port, path: first.path }) : String(first)}`);
};
dns.lookup = (host) => refuse(`dns ${host}`);
dns.promises.lookup = async (host) => refuse(`dns ${host}`);

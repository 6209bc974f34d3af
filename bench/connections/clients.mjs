// Opens N keep-alive connections to HOST:PORT, each sending `rounds` requests (GET /healthz, or POST bodies of
// BODY bytes to /api/v1/analyze that the server refuses), then keeps them idle and reports when done; exits when
// its standard input closes. Used by bench/connections/run.sh to measure the server's memory per connection.
//   node clients.mjs PORT N MODE   (MODE: healthz | big-bodies)

import net from 'node:net';

const [port, count, mode] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4] ?? 'healthz'];
const body = Buffer.alloc(mode === 'big-bodies' ? 1 << 20 : 0, 'x');

function request(socket) {
    const head = mode === 'big-bodies'
        ? `POST /api/v1/analyze HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`
        : 'GET /healthz HTTP/1.1\r\nHost: b\r\n\r\n';
    return new Promise((resolve, reject) => {
        let got = '';
        const onData = (d) => {
            got += d.toString('latin1');
            const end = got.indexOf('\r\n\r\n');
            if (end < 0) return;
            const length = Number(/content-length: (\d+)/i.exec(got)?.[1] ?? 0);
            if (got.length >= end + 4 + length) {
                socket.off('data', onData);
                resolve(got.slice(9, 12));
            }
        };
        socket.on('data', onData);
        socket.once('error', reject);
        socket.write(head);
        if (body.length) socket.write(body);
    });
}

const sockets = [];
let statuses = {};
for (let i = 0; i < count; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, count - i) }, async () => {
        const s = net.connect({ port, host: '127.0.0.1' });
        await new Promise((r, j) => { s.once('connect', r); s.once('error', j); });
        const status = await request(s);
        statuses[status] = (statuses[status] ?? 0) + 1;
        sockets.push(s);
    }));
}
process.stdout.write(`ready ${sockets.length} ${JSON.stringify(statuses)}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));

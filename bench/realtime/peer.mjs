// The peer of bench/realtime/run.mjs: a plain Node `ws` server doing the same fan-out as dihya's hub — clients
// connect, each message they are owed goes to all of them; POST /publish sends one (its body) to every client.
import http from 'node:http';

import { WebSocketServer } from 'ws';

const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/publish') {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
            const message = Buffer.concat(chunks).toString('utf8');
            for (const client of wss.clients) client.send(message);
            res.writeHead(204);
            res.end();
        });
        return;
    }
    res.writeHead(404);
    res.end();
});
const wss = new WebSocketServer({ server, path: '/ws' });
wss.on('connection', (ws) => {
    ws.on('message', (data) => {
        const m = JSON.parse(String(data));
        if (m.type === 'auth') ws.send(JSON.stringify({ type: 'ready' }));
        if (m.type === 'subscribe') ws.send(JSON.stringify({ type: 'subscribed', channel: m.channel }));
    });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));

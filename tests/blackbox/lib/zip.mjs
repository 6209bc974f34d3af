// A minimal zip reader for checking archives the server makes: the central directory, and each entry's bytes
// (stored or deflated). Independent of the server's libarchive writer.

import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';

/// Entries of the zip in `buf` (a Buffer), in directory order: [{name, method, size, crc32, mode, data}].
/// `data` is the uncompressed content (a Buffer); folders ("name/") have an empty one.
export function readZip(buf) {
    const eocdSig = 0x06054b50;
    let eocd = -1;
    for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
        if (buf.readUInt32LE(i) === eocdSig) {
            eocd = i;
            break;
        }
    }
    assert.ok(eocd >= 0, 'zip: no end of central directory record');
    const count = buf.readUInt16LE(eocd + 10);
    let at = buf.readUInt32LE(eocd + 16);
    const entries = [];
    for (let n = 0; n < count; n++) {
        assert.equal(buf.readUInt32LE(at), 0x02014b50, `zip: central directory entry ${n} has a bad signature`);
        const method = buf.readUInt16LE(at + 10);
        const crc32 = buf.readUInt32LE(at + 16);
        const compressed = buf.readUInt32LE(at + 20);
        const size = buf.readUInt32LE(at + 24);
        const nameLen = buf.readUInt16LE(at + 28);
        const extraLen = buf.readUInt16LE(at + 30);
        const commentLen = buf.readUInt16LE(at + 32);
        const external = buf.readUInt32LE(at + 38);
        const local = buf.readUInt32LE(at + 42);
        const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
        at += 46 + nameLen + extraLen + commentLen;

        assert.equal(buf.readUInt32LE(local), 0x04034b50, `zip: local header of ${name} has a bad signature`);
        const localName = buf.readUInt16LE(local + 26);
        const localExtra = buf.readUInt16LE(local + 28);
        const start = local + 30 + localName + localExtra;
        const raw = buf.subarray(start, start + compressed);
        let data;
        if (method === 0) data = Buffer.from(raw);
        else if (method === 8) data = inflateRawSync(raw);
        else assert.fail(`zip: ${name} uses compression method ${method}`);
        assert.equal(data.length, size, `zip: ${name} inflates to ${data.length} bytes, not ${size}`);
        entries.push({ name, method, size, crc32, mode: external >>> 16, data });
    }
    return entries;
}

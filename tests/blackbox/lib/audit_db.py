"""Edits a dihya SQLite database from outside, for the audit black-box tests (Debian /usr/bin/python3).

    audit_db.py DB append N     appends N entries, computed from the encoding in docs/audit.md
                                (an implementation independent of dihya's); prints the head hash
    audit_db.py DB sql STMT     runs one SQL statement (tampering), prints the affected row count
"""
import datetime
import hashlib
import json
import secrets
import sqlite3
import struct
import sys


def field(value):
    """0x00 for NULL, else 0x01, the UTF-8 length as 8 bytes big-endian, the bytes."""
    if value is None:
        return b"\x00"
    data = value.encode("utf-8")
    return b"\x01" + struct.pack(">Q", len(data)) + data


def sha256(*values):
    return hashlib.sha256(b"".join(field(v) for v in values)).hexdigest()


def append(con, action, actor_id=None, target_type=None, target_id=None, request_id=None, ip=None, details=None):
    con.execute("BEGIN IMMEDIATE")
    last_seq, last_hash = con.execute(
        "UPDATE audit_head SET last_seq = last_seq WHERE id = 1 RETURNING last_seq, last_hash").fetchone()
    seq = last_seq + 1
    at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    details_text = json.dumps(details or {}, separators=(",", ":"))
    personal_target = target_type == "user"
    salt = secrets.token_hex(16)
    digest = sha256("dihya.audit.pii.v1", salt, actor_id, target_id if personal_target else None, ip)
    entry_hash = sha256("dihya.audit.entry.v1", str(seq), at, action, target_type,
                        None if personal_target else target_id, request_id, details_text, digest, last_hash)
    con.execute(
        "INSERT INTO audit_log (seq, at, actor_id, action, target_type, target_id, request_id, ip, details,"
        " pii_salt, pii_digest, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor_id, action, target_type, target_id, request_id, ip, details_text, salt, digest, last_hash,
         entry_hash))
    con.execute("UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1", (seq, entry_hash))
    con.execute("COMMIT")
    return entry_hash


def main():
    db, command, arg = sys.argv[1], sys.argv[2], sys.argv[3]
    con = sqlite3.connect(db, isolation_level=None)
    if command == "append":
        head = None
        for i in range(int(arg)):
            kind = i % 3
            if kind == 0:
                head = append(con, "auth.login", actor_id=f"user-{i}", request_id=f"req-{i}", ip="203.0.113.0")
            elif kind == 1:
                head = append(con, "user.role_changed", actor_id="admin-1", target_type="user",
                              target_id=f"user-{i}", details={"from": "user", "to": "admin"}, ip="2001:db8:1::")
            else:
                head = append(con, "project.deleted", target_type="project", target_id=f"p-{i}")
        print(head)
    elif command == "sql":
        print(con.execute(arg).rowcount)
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()

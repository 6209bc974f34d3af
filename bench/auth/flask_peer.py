"""The peer of bench/auth/run.sh: Dihya's GET /api/v1/users/me/sessions written the usual way in Flask.

Each request does what Dihya does for that endpoint:
  1. reads `Authorization: Bearer <token>` and verifies the ES256 JWT (PyJWT over `cryptography`): algorithm,
     known `kid`, signature, issuer, audience and expiry. Dihya keeps the claims of a token it has verified in
     memory until the token expires; PEER_CACHE=1 (the default) does the same here, per worker process,
     PEER_CACHE=0 verifies the signature on every request;
  2. looks up the session named by the `sid` claim, joined with its user (one SQLite query), and refuses a
     revoked or expired session, a disabled user or a session of another user;
  3. lists the user's sessions (a second query, ORDER BY created_at DESC on an indexed user_id) and answers
     {"items": [...]} with Cache-Control: no-store, the same fields as Dihya's answer (null ones left out).

Debian packages only: python3-flask, python3-jwt, python3-cryptography (a dependency of python3-jwt's ES256),
and the sqlite3 module of the standard library. One SQLite connection per thread (gunicorn's sync workers have one
thread; gthread workers several).

  python3 flask_peer.py seed --db FILE --keys FILE --sessions N      # prints the bearer token of the first session
  PEER_DB=FILE PEER_KEYS=FILE gunicorn --chdir bench/auth flask_peer:app
"""

import argparse
import json
import os
import sqlite3
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, Response, request

AUDIENCE = "dihya-api"

SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'user', 'guest')),
    disabled_at TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);
"""

FIND_SESSION = (
    "SELECT s.id, s.user_id, s.kind, s.created_at, s.expires_at, s.revoked_at, u.role, u.disabled_at "
    "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?"
)
LIST_SESSIONS = (
    "SELECT id, kind, created_at, last_used_at, expires_at, revoked_at, revoked_reason FROM sessions "
    "WHERE user_id = ? ORDER BY created_at DESC"
)


def iso(t):
    """Dihya's time format: 2026-11-25T21:03:04.123Z."""
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def now_iso():
    return iso(datetime.now(timezone.utc))


# --------------------------------------------------------------------------------------------------------------------
# The app.


def create_app(db_path, keys_path, cache=True):
    with open(keys_path, encoding="utf-8") as f:
        keys_file = json.load(f)
    issuer = keys_file["issuer"]
    keys = {kid: serialization.load_pem_public_key(pem.encode()) for kid, pem in keys_file["keys"].items()}
    local = threading.local()
    verified = {}  # token → (claims, exp); like Dihya's cache, bounded
    verified_lock = threading.Lock()
    max_cached = 10000

    def db():
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(db_path, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 5000")
            local.conn = conn
        return conn

    def problem(status, detail):
        body = json.dumps({"type": "about:blank", "title": "Unauthorized", "status": status, "detail": detail})
        r = Response(body, status=status, mimetype="application/problem+json")
        r.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return r

    def verify(token):
        now = int(time.time())
        if cache:
            with verified_lock:
                hit = verified.get(token)
            if hit is not None:
                if now >= hit[1]:
                    raise jwt.ExpiredSignatureError("token expired")
                return hit[0]
        header = jwt.get_unverified_header(token)
        if header.get("alg") != "ES256":
            raise jwt.InvalidAlgorithmError("algorithm must be ES256")
        key = keys.get(header.get("kid"))
        if key is None:
            raise jwt.InvalidKeyError("unknown signing key")
        claims = jwt.decode(
            token,
            key,
            algorithms=["ES256"],
            audience=AUDIENCE,
            issuer=issuer,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "sid"]},
        )
        if cache:
            with verified_lock:
                if len(verified) >= max_cached:
                    for t in [t for t, (_, exp) in verified.items() if exp <= now]:
                        del verified[t]
                    if len(verified) >= max_cached:
                        verified.clear()
                verified[token] = (claims, int(claims["exp"]))
        return claims

    app = Flask(__name__)

    @app.get("/api/v1/users/me/sessions")
    def list_sessions():
        header = request.headers.get("Authorization", "")
        if not header[:7].lower() == "bearer " or len(header) <= 7:
            return problem(401, "use Authorization: Bearer <access token>")
        try:
            claims = verify(header[7:].lstrip(" "))
        except jwt.PyJWTError as e:
            return problem(401, "invalid token: %s" % e)
        sub, sid = claims.get("sub"), claims.get("sid")
        if not isinstance(sub, str) or not isinstance(sid, str):
            return problem(401, "invalid token: no subject")
        conn = db()
        row = conn.execute(FIND_SESSION, (sid,)).fetchone()
        if row is None or row[5] is not None or row[4] <= now_iso() or row[7] is not None or row[1] != sub:
            return problem(401, "this session has ended; sign in again")
        items = []
        for r in conn.execute(LIST_SESSIONS, (row[1],)):
            item = {"id": r[0], "kind": r[1], "created_at": r[2], "last_used_at": r[3], "expires_at": r[4]}
            if r[5] is not None:  # absent rather than null, as in Dihya's answer
                item["revoked_at"] = r[5]
            if r[6] is not None:
                item["revoked_reason"] = r[6]
            item["current"] = r[0] == sid
            items.append(item)
        r = Response(json.dumps({"items": items}, separators=(",", ":")), mimetype="application/json")
        r.headers["Cache-Control"] = "no-store"
        return r

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


if "PEER_DB" in os.environ:  # imported by gunicorn
    app = create_app(os.environ["PEER_DB"], os.environ["PEER_KEYS"], os.environ.get("PEER_CACHE", "1") == "1")


# --------------------------------------------------------------------------------------------------------------------
# Seeding: one user with N sign-in sessions, a fresh P-256 signing key and a token for the first session, with the
# claims Dihya's access tokens carry (iss, aud, iat, exp, jti, sub, sid; header alg ES256 and kid).


def seed(args):
    now = datetime.now(timezone.utc)
    conn = sqlite3.connect(args.db)
    conn.executescript(SCHEMA)
    user_id = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO users (id, email, role, created_at) VALUES (?, ?, 'user', ?)",
        (user_id, "bench.user@example.org", iso(now)),
    )
    session_ids = []
    for i in range(args.sessions):
        created = now - timedelta(seconds=args.sessions - i)
        sid = str(uuid.uuid4())
        session_ids.append(sid)
        conn.execute(
            "INSERT INTO sessions (id, user_id, kind, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
            (sid, user_id, "password", iso(created), iso(created), iso(created + timedelta(days=30))),
        )
    conn.commit()
    conn.close()
    key = ec.generate_private_key(ec.SECP256R1())
    kid = uuid.uuid4().hex[:16]
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    with open(args.keys, "w", encoding="utf-8") as f:
        json.dump({"issuer": args.issuer, "keys": {kid: public_pem}}, f)
    iat = int(now.timestamp())
    token = jwt.encode(
        {
            "sub": user_id,
            "sid": session_ids[-1],
            "iss": args.issuer,
            "aud": AUDIENCE,
            "iat": iat,
            "exp": iat + args.ttl,
            "jti": uuid.uuid4().hex,
        },
        key,
        algorithm="ES256",
        headers={"kid": kid},
    )
    print(token)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("seed", help="create the database and signing key; print a bearer token")
    s.add_argument("--db", required=True)
    s.add_argument("--keys", required=True)
    s.add_argument("--sessions", type=int, default=5)
    s.add_argument("--issuer", default="http://127.0.0.1")
    s.add_argument("--ttl", type=int, default=3600)
    args = parser.parse_args()
    if args.command == "seed":
        seed(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

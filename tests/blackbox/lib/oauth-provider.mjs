// A small OAuth2 / OpenID Connect provider for the black-box tests, speaking the real protocol over HTTP with
// node:http and node:crypto only. It enforces what a real provider enforces (client credentials, registered
// redirect URIs, one-time codes, PKCE S256) and can be told to misbehave, so the server's checks are proven by
// a peer that does not share its code.
//
//   const idp = await startProvider({ clients: [{ id, secret, redirectUris: [...] }] });
//   idp.user = { sub: 'u1', email: 'a@example.org', email_verified: true, name: 'A' };
//   idp.mode = 'wrong-nonce';   // applies to the next authorization
//
// OpenID Connect: /.well-known/openid-configuration, /jwks, /authorize, /token, /userinfo.
// GitHub style:   /login/oauth/authorize, /login/oauth/access_token, /user, /user/emails.
//
// Modes (for the next authorization; reset to 'normal' after each /authorize):
//   wrong-nonce, wrong-aud, wrong-iss, expired, alg-none, hs256, bad-signature, unknown-kid (signed with a key the
//   JWKS does not list), no-email-claims (email only from /userinfo),
//   no-email-verified-claim (email in the ID token, email_verified only from /userinfo), swap-challenge (the stored PKCE challenge is
//   not the one sent, as if the code had been injected), deny (redirects with error=access_denied).

import crypto from 'node:crypto';
import http from 'node:http';
import { after } from 'node:test';

function b64url(buf) {
    return Buffer.from(buf).toString('base64url');
}

function newRsaKey() {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = b64url(crypto.randomBytes(8));
    return { privateKey, publicKey, kid, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' } };
}

function signJwt(header, claims, sign) {
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    return `${input}.${sign(Buffer.from(input))}`;
}

function rs256(key) {
    return (data) => b64url(crypto.sign('sha256', data, key));
}

function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        req.on('error', reject);
    });
}

function send(res, status, body, headers = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
        'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
        'cache-control': 'no-store',
        ...headers,
    });
    res.end(text);
}

export async function startProvider({ clients }) {
    let key = newRsaKey();
    const stray = newRsaKey(); // never published
    const codes = new Map(); // code → grant
    const accessTokens = new Map(); // access token → user
    const idp = {
        user: { sub: 'subject-1', email: 'someone@example.org', email_verified: true, name: 'Someone' },
        githubUser: { id: 4242, login: 'octo', name: 'Octo Cat', emails: [] },
        mode: 'normal',
        /// What the provider saw, for assertions: {path, params} of each /authorize and token call.
        authorizations: [],
        tokenCalls: [],
        jwksFetches: 0,
        /// Every code, access token and ID token handed out (tests check none reaches the server's logs).
        issued: [],
        /// Publishes a new signing key (the old one is withdrawn).
        rotateKey() {
            key = newRsaKey();
        },
    };

    const server = http.createServer(async (req, res) => {
        try {
            const url = new URL(req.url, idp.url);
            const route = `${req.method} ${url.pathname}`;
            if (route === 'GET /.well-known/openid-configuration') {
                return send(res, 200, {
                    issuer: idp.url,
                    authorization_endpoint: `${idp.url}/authorize`,
                    token_endpoint: `${idp.url}/token`,
                    userinfo_endpoint: `${idp.url}/userinfo`,
                    jwks_uri: `${idp.url}/jwks`,
                    response_types_supported: ['code'],
                    subject_types_supported: ['public'],
                    id_token_signing_alg_values_supported: ['RS256'],
                    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
                    code_challenge_methods_supported: ['S256'],
                });
            }
            if (route === 'GET /jwks') {
                idp.jwksFetches += 1;
                return send(res, 200, { keys: [key.jwk] });
            }
            if (route === 'GET /authorize' || route === 'GET /login/oauth/authorize') {
                return authorize(url, res, route === 'GET /login/oauth/authorize');
            }
            if (route === 'POST /token' || route === 'POST /login/oauth/access_token') {
                return token(req, res, route === 'POST /login/oauth/access_token');
            }
            if (route === 'GET /userinfo') {
                const user = bearerUser(req);
                if (!user) return send(res, 401, { error: 'invalid_token' });
                return send(res, 200, { sub: user.sub, email: user.email, email_verified: user.email_verified, name: user.name });
            }
            if (route === 'GET /user' || route === 'GET /user/emails') {
                const user = bearerUser(req);
                if (!user || !user.github) return send(res, 401, { message: 'Bad credentials' });
                if (!String(req.headers['user-agent'] ?? '')) return send(res, 403, { message: 'User-Agent required' });
                if (url.pathname === '/user') {
                    return send(res, 200, { id: user.id, login: user.login, name: user.name, avatar_url: `${idp.url}/a.png`, email: null });
                }
                return send(res, 200, user.emails);
            }
            send(res, 404, { error: 'not_found' });
        } catch (err) {
            send(res, 500, String(err?.stack ?? err));
        }
    });

    function client(id) {
        return clients.find((c) => c.id === id);
    }

    function authorize(url, res, github) {
        const p = Object.fromEntries(url.searchParams);
        idp.authorizations.push({ path: url.pathname, params: p });
        const mode = idp.mode;
        idp.mode = 'normal';
        const c = client(p.client_id);
        if (!c) return send(res, 400, 'unknown client_id');
        if (!c.redirectUris.includes(p.redirect_uri)) return send(res, 400, 'redirect_uri is not registered');
        if (p.response_type !== 'code') return send(res, 400, 'response_type must be code');
        if (p.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(p.code_challenge ?? '')) {
            return send(res, 400, 'PKCE S256 challenge required');
        }
        if (!p.state) return send(res, 400, 'state required');
        const back = new URL(p.redirect_uri);
        back.searchParams.set('state', p.state);
        if (mode === 'deny') {
            back.searchParams.set('error', 'access_denied');
            back.searchParams.set('error_description', 'The user said no');
        } else {
            const code = b64url(crypto.randomBytes(24));
            const challenge = mode === 'swap-challenge' ? b64url(crypto.randomBytes(32)) : p.code_challenge;
            const user = github ? { ...idp.githubUser, github: true } : { ...idp.user };
            codes.set(code, { clientId: c.id, redirectUri: p.redirect_uri, challenge, nonce: p.nonce, user, mode, used: false });
            idp.issued.push(code);
            back.searchParams.set('code', code);
        }
        res.writeHead(302, { location: back.toString(), 'cache-control': 'no-store' });
        res.end();
    }

    async function token(req, res, github) {
        const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
        let clientId = form.client_id;
        let secret = form.client_secret;
        let auth = 'client_secret_post';
        const basic = /^Basic (.+)$/i.exec(String(req.headers.authorization ?? ''));
        if (basic) {
            // RFC 6749 2.3.1: both parts are form-encoded before the Basic encoding.
            const pair = Buffer.from(basic[1], 'base64').toString('utf8');
            const colon = pair.indexOf(':');
            const dec = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
            clientId = dec(colon < 0 ? pair : pair.slice(0, colon));
            secret = colon < 0 ? '' : dec(pair.slice(colon + 1));
            auth = 'client_secret_basic';
        }
        const call = { auth, form: { ...form, client_secret: form.client_secret ? '(sent)' : undefined }, ok: false };
        idp.tokenCalls.push(call);
        // GitHub answers errors with 200 and an error member; OIDC providers with 400/401.
        const fail = (status, error) => send(res, github ? 200 : status, { error });
        const c = client(clientId);
        if (!c || secret !== c.secret) return fail(401, 'invalid_client');
        if (!github && form.grant_type !== 'authorization_code') return fail(400, 'unsupported_grant_type');
        const grant = codes.get(form.code);
        if (!grant || grant.used || grant.clientId !== c.id) return fail(400, github ? 'bad_verification_code' : 'invalid_grant');
        grant.used = true;
        if (form.redirect_uri !== grant.redirectUri) return fail(400, 'invalid_grant');
        const verifier = form.code_verifier ?? '';
        if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || b64url(crypto.createHash('sha256').update(verifier).digest()) !== grant.challenge) {
            call.pkce = 'mismatch';
            return fail(400, 'invalid_grant');
        }
        call.pkce = 'ok';
        const accessToken = b64url(crypto.randomBytes(24));
        accessTokens.set(accessToken, grant.user);
        idp.issued.push(accessToken);
        call.ok = true;
        if (github) return send(res, 200, { access_token: accessToken, token_type: 'bearer', scope: 'read:user,user:email' });

        const now = Math.floor(Date.now() / 1000);
        const u = grant.user;
        const claims = {
            iss: grant.mode === 'wrong-iss' ? `${idp.url}/other` : idp.url,
            sub: u.sub,
            aud: grant.mode === 'wrong-aud' ? 'someone-else' : c.id,
            iat: grant.mode === 'expired' ? now - 7200 : now,
            exp: grant.mode === 'expired' ? now - 3600 : now + 300,
            nonce: grant.mode === 'wrong-nonce' ? b64url(crypto.randomBytes(16)) : grant.nonce,
            name: u.name,
        };
        if (grant.mode !== 'no-email-claims') claims.email = u.email;
        if (grant.mode !== 'no-email-claims' && grant.mode !== 'no-email-verified-claim') {
            claims.email_verified = u.email_verified;
        }
        let idToken;
        if (grant.mode === 'alg-none') {
            idToken = signJwt({ alg: 'none', typ: 'JWT', kid: key.kid }, claims, () => '');
        } else if (grant.mode === 'hs256') {
            // The classic confusion: HMAC keyed with the provider's public key.
            const pem = key.publicKey.export({ format: 'pem', type: 'spki' });
            idToken = signJwt({ alg: 'HS256', typ: 'JWT', kid: key.kid }, claims, (d) => b64url(crypto.createHmac('sha256', pem).update(d).digest()));
        } else if (grant.mode === 'unknown-kid') {
            idToken = signJwt({ alg: 'RS256', typ: 'JWT', kid: stray.kid }, claims, rs256(stray.privateKey));
        } else if (grant.mode === 'bad-signature') {
            // Signed with another key but claiming the published kid.
            idToken = signJwt({ alg: 'RS256', typ: 'JWT', kid: key.kid }, claims, rs256(stray.privateKey));
        } else {
            idToken = signJwt({ alg: 'RS256', typ: 'JWT', kid: key.kid }, claims, rs256(key.privateKey));
        }
        idp.issued.push(idToken);
        send(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 300, id_token: idToken, scope: 'openid email profile' });
    }

    function bearerUser(req) {
        const m = /^Bearer (.+)$/i.exec(String(req.headers.authorization ?? ''));
        return m ? accessTokens.get(m[1]) : undefined;
    }

    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    idp.url = `http://127.0.0.1:${server.address().port}`;
    idp.close = () =>
        new Promise((resolve) => {
            server.close(resolve);
            server.closeAllConnections();
        });
    after(() => idp.close());
    return idp;
}

// The benchmark peer: HipCoach's two diary endpoints written the way many
// would, with Node's `http` and better-sqlite3, so that bench/run.sh can
// measure both in the same run. Not part of HipCoach; installed only by
// `make bench` (npm ci in bench/peer).
//
//   node server.mjs --db FILE --seed     create the benchmark account and a
//                                        session; prints the token (or uses
//                                        $PEER_TOKEN when set), then exits
//   node server.mjs --db FILE [--listen 127.0.0.1:0]
//                                        serve; prints
//                                        "peer listening on http://HOST:PORT/"
//
//   GET  /api/v1/diary?limit=30&before=CURSOR  {"entries": [...], "next": CURSOR | null}
//   POST /api/v1/diary                         201 the entry, Location header
// Both need `Authorization: Bearer TOKEN`; the token is looked up by its
// SHA-256 hash, as HipCoach stores it (docs/api.md).

import http from 'node:http';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const dbPath = option('--db', 'peer.sqlite');
const db = new Database(dbPath);
db.pragma('journal_mode = WAL');
// Durability: better-sqlite3 builds SQLite with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1,
// so a connection that opens a database already in WAL mode runs with
// synchronous=NORMAL: a commit is not fsynced, and the last writes can be lost
// on power failure although they were acknowledged. HipCoach acknowledges a
// diary entry only once it is durable (synchronous=FULL), so the peer sets
// FULL too: every insert below is fsynced before its 201 is sent. Without
// this line the peer's writes would be faster and not comparable.
// PEER_SYNCHRONOUS=NORMAL shows what better-sqlite3's default would give.
const synchronous = process.env.PEER_SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL';
db.pragma(`synchronous = ${synchronous}`);
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');

db.exec(`
  CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS diary_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    pain INTEGER NOT NULL,
    region TEXT NOT NULL,
    side TEXT NOT NULL,
    context TEXT NOT NULL,
    note TEXT,
    at TEXT NOT NULL,
    at_utc INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS diary_by_user_time
    ON diary_entries (user_id, at_utc DESC, id DESC);
`);

const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');
const nowSeconds = () => Math.floor(Date.now() / 1000);
const THIRTY_DAYS = 30 * 24 * 3600;

if (process.argv.includes('--seed')) {
  const email = process.env.PEER_EMAIL || 'bench@example.com';
  const password = process.env.PEER_PASSWORD || 'bench-password-123';
  const token = process.env.PEER_TOKEN || crypto.randomBytes(32).toString('base64url');
  const salt = crypto.randomBytes(16);
  const passwordHash =
    'scrypt$' + salt.toString('hex') + '$' + crypto.scryptSync(password, salt, 32).toString('hex');
  db.prepare('INSERT OR IGNORE INTO users (email, password_hash, created_at) VALUES (?, ?, ?)')
    .run(email, passwordHash, new Date().toISOString());
  const user = db.prepare('SELECT id FROM users WHERE email = ?').get(email);
  db.prepare('INSERT OR REPLACE INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)')
    .run(sha256(token), user.id, nowSeconds() + THIRTY_DAYS);
  console.log(token);
  db.close();
  process.exit(0);
}

const findSession = db.prepare(
  'SELECT user_id FROM sessions WHERE token_hash = ? AND expires_at > ?');
const listFirst = db.prepare(`
  SELECT id, pain, region, side, context, note, at, at_utc FROM diary_entries
  WHERE user_id = ? ORDER BY at_utc DESC, id DESC LIMIT ?`);
const listBefore = db.prepare(`
  SELECT id, pain, region, side, context, note, at, at_utc FROM diary_entries
  WHERE user_id = ? AND (at_utc < ? OR (at_utc = ? AND id < ?))
  ORDER BY at_utc DESC, id DESC LIMIT ?`);
const insertEntry = db.prepare(`
  INSERT INTO diary_entries (user_id, pain, region, side, context, note, at, at_utc)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);

const REGIONS = ['outer_hip', 'buttock', 'groin', 'front_of_thigh', 'outer_thigh',
  'back_of_thigh', 'lower_back', 'knee', 'below_knee'];
const CONTEXTS = ['rest', 'activity'];
const SIDES = ['left', 'right', 'both'];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_BODY = 1024 * 1024;

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function problem(res, status, title, where, headers) {
  send(res, status, { type: 'about:blank', title, status, detail: title, where }, headers);
}

function authenticate(req) {
  const header = req.headers.authorization || '';
  if (!header.startsWith('Bearer ')) return null;
  const row = findSession.get(sha256(header.slice(7)), nowSeconds());
  return row ? row.user_id : null;
}

function toJson(row) {
  return { id: row.id, pain: row.pain, region: row.region, context: row.context,
    side: row.side, note: row.note, at: row.at };
}

function listDiary(res, userId, url) {
  const limitText = url.searchParams.get('limit') ?? '30';
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return problem(res, 400, 'limit must be 1..1000', 'limit');
  }
  let rows;
  const before = url.searchParams.get('before');
  if (before !== null) {
    const m = /^(-?\d+)\.(\d+)$/.exec(before);
    if (!m) return problem(res, 400, 'bad cursor', 'before');
    const atUtc = Number(m[1]);
    rows = listBefore.all(userId, atUtc, atUtc, Number(m[2]), limit + 1);
  } else {
    rows = listFirst.all(userId, limit + 1);
  }
  let next = null;
  if (rows.length > limit) {
    rows.length = limit;
    const last = rows[limit - 1];
    next = `${last.at_utc}.${last.id}`;
  }
  send(res, 200, { entries: rows.map(toJson), next });
}

function addEntry(res, userId, body) {
  let entry;
  try {
    entry = JSON.parse(body);
  } catch {
    return problem(res, 400, 'the body is not JSON', '');
  }
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    return problem(res, 400, 'the body must be an object', '');
  }
  const { pain, context, side } = entry;
  const region = entry.region ?? 'outer_hip';
  const note = entry.note ?? null;
  if (!Number.isInteger(pain) || pain < 0 || pain > 10) {
    return problem(res, 400, 'pain must be an integer 0..10', '/pain');
  }
  if (!CONTEXTS.includes(context)) return problem(res, 400, 'bad context', '/context');
  if (!SIDES.includes(side)) return problem(res, 400, 'bad side', '/side');
  if (!REGIONS.includes(region)) return problem(res, 400, 'bad region', '/region');
  if (note !== null && (typeof note !== 'string' || Buffer.byteLength(note) > 2000)) {
    return problem(res, 400, 'note must be text of at most 2000 bytes', '/note');
  }
  let at = entry.at;
  let atMs;
  if (at === undefined) {
    atMs = Date.now();
    at = new Date(atMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  } else {
    atMs = typeof at === 'string' && RFC3339.test(at) ? Date.parse(at) : NaN;
    if (Number.isNaN(atMs) || atMs > Date.now() + 86400000 || atMs < Date.UTC(1900, 0, 1)) {
      return problem(res, 400, 'at must be an RFC 3339 time with an offset', '/at');
    }
  }
  const info = insertEntry.run(userId, pain, region, side, context, note, at,
    Math.floor(atMs / 1000));
  const id = Number(info.lastInsertRowid);
  send(res, 201, { id, pain, region, context, side, note, at },
    { Location: `/api/v1/diary/${id}` });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname !== '/api/v1/diary') return problem(res, 404, 'not found', '');
  const userId = authenticate(req);
  if (userId === null) {
    return problem(res, 401, 'sign in first', 'Authorization', { 'WWW-Authenticate': 'Bearer' });
  }
  if (req.method === 'GET') return listDiary(res, userId, url);
  if (req.method !== 'POST') return problem(res, 405, 'method not allowed', '', { Allow: 'GET, POST' });
  if (!(req.headers['content-type'] || '').startsWith('application/json')) {
    return problem(res, 415, 'the body must be JSON', 'Content-Type');
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_BODY) return problem(res, 413, 'the body is over 1 MiB', '');
    try {
      addEntry(res, userId, Buffer.concat(chunks).toString('utf8'));
    } catch (err) {
      console.error(err);
      problem(res, 503, 'the database cannot be used right now', '');
    }
  });
});

const [host, port] = option('--listen', '127.0.0.1:0').split(/:(?=\d+$)/);
// The accept queue as long as HipCoach's and hello_server's (Asio listens with
// SOMAXCONN, 4096 on Debian 12). With Node's default of 511, the 1,000
// connections that wrk opens at once overflow it (TcpExtListenOverflows), and
// the dropped handshakes are retried after 1 s and 3 s: the figures would then
// measure the kernel's queue, not the server.
server.listen({ port: Number(port), host, backlog: 4096 }, () => {
  console.log(`peer listening on http://${host}:${server.address().port}/`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => { db.close(); process.exit(0); }));
}

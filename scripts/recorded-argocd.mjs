#!/usr/bin/env node
/*
 * A stand-in Argo CD API for the demo portal and the browser check: answers
 * `GET /api/v1/applications/chat-llm-prod` with the recorded Application of
 * plugins/finops-backend/src/delivery/__fixtures__ (out of sync, with three
 * revisions in its history) for the demo's chat-llm entity, and 401 unless
 * the request carries `Authorization: Bearer $ARGOCD_TOKEN`.
 *
 *   ARGOCD_TOKEN=demo-token node scripts/recorded-argocd.mjs --port 7190 \
 *     [--history <revision>@<ISO time>,...]
 *
 * The history's times: 2026-10-05 and 2026-10-18, and three days before
 * now for the revision running. With the demo's seed 42, chat-llm's daily
 * cost in the six days after 2026-10-18 is 12.6 % below the same weekdays
 * the week before (the generator's demand drift): the delivery route
 * reports that as a cost step of the revision deployed then, as long as the
 * demo data (the 90 days before the portal first started) covers those
 * weeks, i.e. until about 2027-01-09. `--history` replaces the times,
 * oldest first.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = path.join(
  root,
  'plugins/finops-backend/src/delivery/__fixtures__/argocd-application-outofsync.json',
);
const DAY_MS = 86_400_000;

function option(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function fail(message) {
  process.stderr.write(`recorded-argocd: ${message}\n`);
  process.exit(2);
}

const token = process.env.ARGOCD_TOKEN;
if (!token) fail('set ARGOCD_TOKEN to the token requests must carry');
const port = Number(option('--port') ?? 7190);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  fail(`--port must be a port number, got ${option('--port')}`);
}

function readHistory() {
  const text = option('--history');
  if (!text) {
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    return [
      ['2d81e0c4b7a95f3e6c1d08b2a4f7e9c3d5b61a08', '2026-10-05T10:02:15Z'],
      ['abc1234e5f60718293a4b5c6d7e8f90a1b2c3d4e', '2026-10-18T14:05:03Z'],
      [
        '9f3c2a7d41be08c5e6a1f27d93b4c5e0a8d6f112',
        new Date(today - 3 * DAY_MS + 14 * 3_600_000).toISOString(),
      ],
    ];
  }
  const entries = text.split(',').map(entry => {
    const [revision, time] = entry.split('@');
    if (!revision || !time || !Number.isFinite(Date.parse(time))) {
      fail(`--history entry '${entry}' must be <revision>@<ISO time>`);
    }
    return [revision, new Date(time).toISOString()];
  });
  if (entries.length > 10) fail('--history takes at most 10 revisions');
  return entries;
}

const application = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
const [template] = application.status.history;
application.status.history = readHistory().map(([revision, deployedAt], i) => ({
  ...template,
  id: i + 1,
  revision,
  deployedAt,
  deployStartedAt: new Date(Date.parse(deployedAt) - 20_000).toISOString(),
}));
const current = application.status.history.at(-1);
application.status.sync.revision = current.revision;
application.status.operationState.operation.sync.revision = current.revision;
application.status.operationState.syncResult.revision = current.revision;
application.status.operationState.startedAt = current.deployStartedAt;
application.status.operationState.finishedAt = current.deployedAt;
application.status.reconciledAt = new Date().toISOString();

const routes = {
  [`/api/v1/applications/${application.metadata.name}`]: application,
};

const server = http.createServer((req, res) => {
  const send = (status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.headers.authorization !== `Bearer ${token}`) {
    send(401, {
      error: 'invalid session',
      code: 16,
      message: 'invalid session: token is not valid',
    });
    return;
  }
  const body = req.method === 'GET' ? routes[req.url ?? ''] : undefined;
  if (!body) {
    send(404, { error: 'not found', code: 5, message: `${req.url} not found` });
    return;
  }
  send(200, body);
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(
    `recorded Argo CD on http://127.0.0.1:${port}: ${Object.keys(routes).join(
      ', ',
    )}\n`,
  );
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}

/*
 * Copyright 2026 The AI FinOps Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { csvQuote, FOCUS_1_0_TEST_HEADER } from '@ai-finops/test-utils';
import { FocusReader } from './FocusReader';
import {
  focusFileFormat,
  listFocusFiles,
  type FocusFileRef,
} from './locations';

const row: Record<string, string> = {
  BilledCost: '12.5',
  BillingAccountId: 'acct-1',
  BillingCurrency: 'USD',
  BillingPeriodEnd: '2026-12-01T00:00:00Z',
  BillingPeriodStart: '2026-11-01T00:00:00Z',
  ChargeCategory: 'Usage',
  ChargeDescription: 'p5.48xlarge',
  ChargeFrequency: 'Usage-Based',
  ChargePeriodEnd: '2026-11-02T01:00:00Z',
  ChargePeriodStart: '2026-11-02T00:00:00Z',
  ContractedCost: '12.5',
  EffectiveCost: '10',
  InvoiceIssuerName: 'AWS',
  ListCost: '13',
  PricingQuantity: '1',
  PricingUnit: 'Hours',
  ProviderName: 'AWS',
  PublisherName: 'AWS',
  ServiceCategory: 'Compute',
  ServiceName: 'Amazon EC2',
  Tags: '{"app":"chat-llm"}',
};

function focusCsv(billed: string[]): string {
  return [
    FOCUS_1_0_TEST_HEADER.map(csvQuote).join(','),
    ...billed.map(b =>
      FOCUS_1_0_TEST_HEADER.map(h =>
        csvQuote(h === 'BilledCost' ? b : row[h] ?? ''),
      ).join(','),
    ),
  ].join('\n');
}

async function streamText(ref: FocusFileRef): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await ref.open()) as AsyncIterable<Buffer>) {
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

function close(server: Server) {
  server.closeAllConnections();
  return new Promise(resolve => server.close(resolve));
}

describe('listFocusFiles: local paths', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'focus-locations-'));
  mkdirSync(path.join(root, 'exports/2026-10'), { recursive: true });
  mkdirSync(path.join(root, 'exports/2026-11'), { recursive: true });
  writeFileSync(
    path.join(root, 'exports/2026-10/part-0.csv.gz'),
    gzipSync(focusCsv(['1'])),
  );
  writeFileSync(
    path.join(root, 'exports/2026-11/part-0.csv.gz'),
    gzipSync(focusCsv(['2', '3'])),
  );
  writeFileSync(path.join(root, 'exports/2026-11/manifest.json'), '{}');
  writeFileSync(path.join(root, 'exports/2026-11/extra.csv'), focusCsv(['4']));

  it('expands a glob, sorted, with size, mtime and format', async () => {
    const refs = await listFocusFiles(`${root}/exports/**/*.csv.gz`);
    expect(refs.map(r => path.relative(root, r.uri))).toEqual([
      'exports/2026-10/part-0.csv.gz',
      'exports/2026-11/part-0.csv.gz',
    ]);
    expect(refs[0]).toMatchObject({
      format: 'csv.gz',
      size: expect.any(Number),
    });
    expect(refs[0].version).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    let billed = 0;
    for (const ref of refs) {
      for await (const focusRow of new FocusReader().read(ref)) {
        billed += Number(focusRow.values.BilledCost);
      }
    }
    expect(billed).toBe(6);
  });

  it('lists the exports of a folder and skips other files', async () => {
    const refs = await listFocusFiles(path.join(root, 'exports'));
    expect(refs.map(r => path.basename(r.uri))).toEqual([
      'part-0.csv.gz',
      'extra.csv',
      'part-0.csv.gz',
    ]);
    expect(refs.map(r => r.format)).toEqual(['csv.gz', 'csv', 'csv.gz']);
  });

  it('reads a single file, also as a file:// URL, and serves byte ranges', async () => {
    const file = path.join(root, 'exports/2026-11/extra.csv');
    const [ref] = await listFocusFiles(`file://${file}`);
    expect(ref.uri).toBe(file);
    const text = await streamText(ref);
    expect(Buffer.from(await ref.readRange!(2, 10))).toEqual(
      text.subarray(2, 10),
    );
  });

  it('names the location when nothing is there', async () => {
    const glob = `${root}/exports/**/*.parquet`;
    await expect(listFocusFiles(glob)).rejects.toThrow(
      new NotFoundError(
        `${glob}: no FOCUS export (.csv, .csv.gz, .parquet) matches`,
      ),
    );
    const missing = path.join(root, 'nope.csv');
    await expect(listFocusFiles(missing)).rejects.toThrow(
      `${missing}: no such file or folder`,
    );
    await expect(listFocusFiles('ftp://example.org/x.csv')).rejects.toThrow(
      /ftp:\/\/example\.org\/x\.csv: unsupported location/,
    );
  });

  it('infers formats from names', () => {
    expect(focusFileFormat('a/B.PARQUET')).toBe('parquet');
    expect(focusFileFormat('x.csv.gz')).toBe('csv.gz');
    expect(focusFileFormat('x.csv')).toBe('csv');
    expect(focusFileFormat('manifest.json')).toBeUndefined();
  });
});

describe('listFocusFiles: HTTP', () => {
  const body = Buffer.from(focusCsv(['7', '8']));
  let acceptRanges = true;
  const server = createServer((req, res) => {
    if (req.url === '/missing.csv') {
      res.writeHead(404).end();
      return;
    }
    if (req.url === '/secret.csv') {
      res.writeHead(403).end();
      return;
    }
    const headers: Record<string, string> = { etag: '"v1"' };
    if (acceptRanges) headers['accept-ranges'] = 'bytes';
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (range && acceptRanges) {
      const [start, end] = [Number(range[1]), Number(range[2])];
      res.writeHead(206, {
        ...headers,
        'content-range': `bytes ${start}-${end}/${body.length}`,
        'content-length': end - start + 1,
      });
      res.end(
        req.method === 'HEAD' ? undefined : body.subarray(start, end + 1),
      );
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  let base = '';
  beforeAll(async () => {
    base = await listen(server);
  });
  afterAll(() => close(server));

  it('describes one file with its ETag and size, streams it and serves ranges', async () => {
    const [ref] = await listFocusFiles(`${base}/focus.csv`);
    expect(ref).toMatchObject({
      uri: `${base}/focus.csv`,
      size: body.length,
      version: '"v1"',
      format: 'csv',
    });
    expect(await streamText(ref)).toEqual(body);
    expect(Buffer.from(await ref.readRange!(5, 12))).toEqual(
      body.subarray(5, 12),
    );
  });

  it('has no byte ranges when the server does not announce them', async () => {
    acceptRanges = false;
    try {
      const [ref] = await listFocusFiles(`${base}/focus.csv`);
      expect(ref.readRange).toBeUndefined();
    } finally {
      acceptRanges = true;
    }
  });

  it('names the URL and status when the file is missing or forbidden', async () => {
    await expect(listFocusFiles(`${base}/missing.csv`)).rejects.toThrow(
      new NotFoundError(`${base}/missing.csv: HEAD failed: 404 Not Found`),
    );
    await expect(listFocusFiles(`${base}/secret.csv`)).rejects.toThrow(
      new NotAllowedError(`${base}/secret.csv: HEAD failed: 403 Forbidden`),
    );
  });
});

/**
 * A small S3-compatible server: path-style ListObjectsV2 (XML, paginated by
 * continuation token, two keys a page) and GetObject (ETag, byte ranges,
 * If-Match), with the documented error bodies. Requests must carry an AWS
 * SigV4 Authorization header for the known access key.
 */
function s3Server(objects: Record<string, Record<string, Buffer>>) {
  const requests: Array<{ method: string; url: string }> = [];
  const ranges: string[] = [];
  const etag = (data: Buffer) =>
    `"${createHash('md5').update(data).digest('hex')}"`;
  const xml = (text: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n${text}`;
  const escape = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const fail = (
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
  ) => {
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(
      xml(
        `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>test</RequestId></Error>`,
      ),
    );
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method!, url: req.url! });
    const url = new URL(req.url!, 'http://s3.local');
    const auth = req.headers.authorization ?? '';
    if (!/^AWS4-HMAC-SHA256 Credential=AKIDTEST\//.test(auth)) {
      fail(res, 403, 'AccessDenied', 'Access Denied');
      return;
    }
    const [, bucket, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const contents = objects[bucket];
    if (!contents) {
      fail(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
      return;
    }
    if (key === '' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const keys = Object.keys(contents)
        .filter(k => k.startsWith(prefix))
        .sort();
      const start = Number(url.searchParams.get('continuation-token') ?? 0);
      const page = keys.slice(start, start + 2);
      const truncated = start + 2 < keys.length;
      res.writeHead(200, { 'content-type': 'application/xml' });
      const entries = page.map(k =>
        [
          `<Contents><Key>${escape(k)}</Key>`,
          `<LastModified>2026-11-02T00:00:00.000Z</LastModified>`,
          `<ETag>${escape(etag(contents[k]))}</ETag>`,
          `<Size>${contents[k].length}</Size>`,
          `<StorageClass>STANDARD</StorageClass></Contents>`,
        ].join(''),
      );
      res.end(
        xml(
          [
            `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`,
            `<Name>${bucket}</Name><Prefix>${escape(prefix)}</Prefix>`,
            `<KeyCount>${page.length}</KeyCount><MaxKeys>2</MaxKeys>`,
            `<IsTruncated>${truncated}</IsTruncated>`,
            truncated
              ? `<NextContinuationToken>${start + 2}</NextContinuationToken>`
              : '',
            ...entries,
            `</ListBucketResult>`,
          ].join(''),
        ),
      );
      return;
    }
    const data = contents[key];
    if (!data || req.method !== 'GET') {
      fail(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      return;
    }
    const ifMatch = req.headers['if-match'];
    if (ifMatch && ifMatch !== etag(data)) {
      fail(
        res,
        412,
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
      );
      return;
    }
    const headers = {
      etag: etag(data),
      'last-modified': 'Mon, 02 Nov 2026 00:00:00 GMT',
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
    };
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (range) {
      ranges.push(range[0]);
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), data.length - 1);
      res.writeHead(206, {
        ...headers,
        'content-range': `bytes ${start}-${end}/${data.length}`,
        'content-length': end - start + 1,
      });
      res.end(data.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': data.length });
    res.end(data);
  };
  return { server: createServer(handler), requests, ranges };
}

describe('listFocusFiles: S3-compatible bucket', () => {
  const objects = {
    billing: {
      'focus/2026-10/part-0.csv.gz': gzipSync(focusCsv(['1'])),
      'focus/2026-10/part-1.csv.gz': gzipSync(focusCsv(['2'])),
      'focus/2026-11/part-0.csv': Buffer.from(focusCsv(['3', '4'])),
      'focus/2026-11/manifest.json': Buffer.from('{}'),
      'focus-old/part-0.csv': Buffer.from(focusCsv(['100'])),
      'other/part-0.csv': Buffer.from(focusCsv(['200'])),
      'parquet/part-0.parquet': Buffer.from(
        parquetWriteBuffer({
          columnData: FOCUS_1_0_TEST_HEADER.map(h => ({
            name: h,
            type: 'STRING',
            data: ['5', '6'].map(b => (h === 'BilledCost' ? b : row[h] ?? '')),
          })) as any,
        }),
      ),
    },
  };
  const { server, requests, ranges } = s3Server(objects);
  let s3 = {};
  beforeAll(async () => {
    s3 = {
      endpoint: await listen(server),
      forcePathStyle: true,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    };
  });
  afterAll(() => close(server));

  it('lists a prefix across pages and reads every export through the SDK', async () => {
    requests.length = 0;
    const refs = await listFocusFiles('s3://billing/focus/', { s3 });
    expect(refs.map(r => [r.uri, r.format])).toEqual([
      ['s3://billing/focus/2026-10/part-0.csv.gz', 'csv.gz'],
      ['s3://billing/focus/2026-10/part-1.csv.gz', 'csv.gz'],
      ['s3://billing/focus/2026-11/part-0.csv', 'csv'],
    ]);
    const data = objects.billing['focus/2026-11/part-0.csv'];
    expect(refs[2]).toMatchObject({
      size: data.length,
      version: `"${createHash('md5').update(data).digest('hex')}"`,
    });
    // Four keys under the prefix, two a page: the SDK followed the token.
    const lists = requests.filter(r => r.url.includes('list-type=2'));
    expect(lists).toHaveLength(2);
    expect(lists[1].url).toContain('continuation-token=2');

    let billed = 0;
    for (const ref of refs) {
      for await (const focusRow of new FocusReader().read(ref)) {
        billed += Number(focusRow.values.BilledCost);
      }
    }
    expect(billed).toBe(10);
    expect(Buffer.from(await refs[2].readRange!(3, 9))).toEqual(
      data.subarray(3, 9),
    );
  });

  it('matches a glob on keys, and a prefix without its slash only as a folder', async () => {
    const glob = await listFocusFiles('s3://billing/focus/**/*.csv', { s3 });
    expect(glob.map(r => r.uri)).toEqual([
      's3://billing/focus/2026-11/part-0.csv',
    ]);
    const folder = await listFocusFiles('s3://billing/focus', { s3 });
    expect(folder).toHaveLength(3);
    const one = await listFocusFiles('s3://billing/other/part-0.csv', { s3 });
    expect(one.map(r => r.uri)).toEqual(['s3://billing/other/part-0.csv']);
  });

  it('names the location for a missing bucket, a refused key, or nothing found', async () => {
    await expect(
      listFocusFiles('s3://nobucket/focus/', { s3 }),
    ).rejects.toThrow(
      new NotFoundError(
        "s3://nobucket/focus/: bucket 'nobucket' does not exist",
      ),
    );
    await expect(
      listFocusFiles('s3://billing/focus/', {
        s3: {
          ...s3,
          credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' },
        },
      }),
    ).rejects.toThrow(
      /^s3:\/\/billing\/focus\/: access denied \(Access Denied\)$/,
    );
    await expect(
      listFocusFiles('s3://billing/focus/**/*.parquet', { s3 }),
    ).rejects.toThrow(
      's3://billing/focus/**/*.parquet: no FOCUS export (.csv, .csv.gz, .parquet) matches',
    );
  });

  it('reads Parquet from the bucket by byte ranges', async () => {
    const [ref] = await listFocusFiles('s3://billing/parquet/', { s3 });
    expect(ref).toMatchObject({ format: 'parquet', size: expect.any(Number) });
    requests.length = 0;
    ranges.length = 0;
    const reader = new FocusReader();
    let billed = 0;
    for await (const focusRow of reader.read(ref)) {
      billed += Number(focusRow.values.BilledCost);
    }
    expect(billed).toBe(11);
    expect(reader.report).toMatchObject({ rows: 2, file: ref.uri });
    // Footer, then column chunks: ranged GETs only, never the whole object.
    const gets = requests.filter(r => r.method === 'GET');
    expect(gets.length).toBeGreaterThan(0);
    expect(ranges.length).toBe(gets.length);
  });

  it('refuses to read an object that changed since it was listed', async () => {
    const [ref] = await listFocusFiles('s3://billing/other/part-0.csv', { s3 });
    objects.billing['other/part-0.csv'] = Buffer.from(focusCsv(['300']));
    await expect(ref.open()).rejects.toThrow(
      /^s3:\/\/billing\/other\/part-0\.csv: /,
    );
  });
});

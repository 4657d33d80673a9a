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

import { quoteInput, redactSecrets, redactUrl } from './redact';

describe('redactSecrets', () => {
  it.each([
    // URLs with user info, any scheme
    ['postgresql://user:p4ss@db:5432/x', 'postgresql://***@db:5432/x'],
    ['postgres://u:p%40ss@db/x', 'postgres://***@db/x'],
    ['postgres://u:p@ss@db/x', 'postgres://***@db/x'],
    ['postgresql://u:pa/ss@db/x', 'postgresql://***@db/x'],
    ['postgresql://u:pa?ss#x@db/x', 'postgresql://***@db/x'],
    ['mysql://root:hunter2@127.0.0.1:3306/db', 'mysql://***@127.0.0.1:3306/db'],
    [
      'mongodb+srv://u:p@cluster0.example.net/?retryWrites=true',
      'mongodb+srv://***@cluster0.example.net/?retryWrites=true',
    ],
    ['redis://:p4ss@cache:6379/0', 'redis://***@cache:6379/0'],
    ['amqps://u:p@mq/vhost', 'amqps://***@mq/vhost'],
    ['https://ghp_abc123@github.com/o/r.git', 'https://***@github.com/o/r.git'],
    ['http://alice:pw@host:8080/x.csv', 'http://***@host:8080/x.csv'],
    // passwords and tokens in query strings
    [
      'postgresql://db/x?user=u&password=p4ss&sslmode=require',
      'postgresql://db/x?user=u&password=***&sslmode=require',
    ],
    [
      'https://b.s3.amazonaws.com/k.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20240101&X-Amz-Date=20240101T000000Z&X-Amz-Expires=3600&X-Amz-Security-Token=FQo&X-Amz-SignedHeaders=host&X-Amz-Signature=abcdef',
      'https://b.s3.amazonaws.com/k.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=***&X-Amz-Date=20240101T000000Z&X-Amz-Expires=3600&X-Amz-Security-Token=***&X-Amz-SignedHeaders=host&X-Amz-Signature=***',
    ],
    [
      'https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=sa%40p.iam&X-Goog-Signature=0a1b',
      'https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=***&X-Goog-Signature=***',
    ],
    [
      'https://a.blob.core.windows.net/c/f.csv?sv=2022-11-02&sp=r&se=2024-01-01&sig=abc%2Bdef%3D',
      'https://a.blob.core.windows.net/c/f.csv?sv=2022-11-02&sp=r&se=2024-01-01&sig=***',
    ],
    [
      'https://d111.cloudfront.net/f.csv?Expires=1&Signature=abc~def&Key-Pair-Id=K2J',
      'https://d111.cloudfront.net/f.csv?Expires=1&Signature=***&Key-Pair-Id=***',
    ],
    [
      'https://api.example.com/v1?api_key=a&apikey=b&access_token=c&token=d&key=e&client_secret=f&page=2',
      'https://api.example.com/v1?api_key=***&apikey=***&access_token=***&token=***&key=***&client_secret=***&page=2',
    ],
    [
      'https://h/x#access_token=abc&state=1',
      'https://h/x#access_token=***&state=1',
    ],
    // key=value DSNs (libpq, ADO.NET, JDBC, ODBC) and environment-style text
    [
      'host=db port=5432 user=u password=p4ss dbname=x',
      'host=db port=5432 user=u password=*** dbname=x',
    ],
    ["host=db password='p 4ss' dbname=x", "host=db password='***' dbname=x"],
    ["host=db password='it\\'s' dbname=x", "host=db password='***' dbname=x"],
    ['host=db password = p4ss', 'host=db password = ***'],
    [
      'Server=db;User Id=u;Password=p4ss;Database=x',
      'Server=db;User Id=u;Password=***;Database=x',
    ],
    [
      'Driver={PostgreSQL};Server=db;Uid=u;Pwd={p;4ss};',
      'Driver={PostgreSQL};Server=db;Uid=u;Pwd=***;',
    ],
    [
      'jdbc:sqlserver://db:1433;user=u;password=p4ss;encrypt=true',
      'jdbc:sqlserver://db:1433;user=u;password=***;encrypt=true',
    ],
    [
      'jdbc:postgresql://db/x?user=u&password=p4ss',
      'jdbc:postgresql://db/x?user=u&password=***',
    ],
    ['PGPASSWORD=p4ss psql -h db', 'PGPASSWORD=*** psql -h db'],
    ['sslpassword=p4ss', 'sslpassword=***'],
    ['PASSWORD=p4ss', 'PASSWORD=***'],
    ['{"user":"u","password":"p4ss"}', '{"user":"u","password":"***"}'],
    ["{ secret: 'p4ss' }", "{ secret: '***' }"],
    ['Authorization: Bearer abc.def.ghi', 'Authorization: Bearer ***'],
    ['authorization: Basic dXNlcjpwYXNz', 'authorization: Basic ***'],
    // in a sentence, several at once
    [
      "--database 'postgresql://u:p@h/x?password=q' failed: connect ECONNREFUSED; retrying https://t@h/y?sig=z",
      "--database 'postgresql://***@h/x?password=***' failed: connect ECONNREFUSED; retrying https://***@h/y?sig=***",
    ],
    // A message that names a location redacted already keeps its colon.
    [
      'https://***@h/x.csv?X-Amz-Signature=***: GET failed: 404',
      'https://***@h/x.csv?X-Amz-Signature=***: GET failed: 404',
    ],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
    expect(redactSecrets(expected)).toBe(expected);
  });

  it.each([
    '/exports/BILLING_PERIOD=2024-01/part-0.csv.gz',
    's3://bucket/focus/billing_period=2024-01/x.parquet',
    'https://host/path?versionId=3&partNumber=1',
    'http://host:8080/@scope/pkg',
    'costs: 12.5 USD for key-value pairs',
    'git@github.com:org/repo.git',
    'C:\\exports\\focus.csv',
    'the keyboard=fine, monkey=business',
    '',
  ])('leaves %j alone', text => {
    expect(redactSecrets(text)).toBe(text);
  });

  it('is quick on long hostile text', () => {
    const text = `${'password='.repeat(50_000)}x ${'a:'.repeat(100_000)}@`;
    const start = process.cpuUsage();
    redactSecrets(text);
    redactSecrets(`postgresql://${'u:'.repeat(200_000)}`);
    redactSecrets(`${'&token'.repeat(100_000)}`);
    redactSecrets('postgres://x:'.repeat(20_000));
    redactSecrets(`https://${'x'.repeat(300_000)}`);
    const { user, system } = process.cpuUsage(start);
    expect((user + system) / 1000).toBeLessThan(1500); // CPU ms
  });
});

describe('redactUrl', () => {
  it('drops user info, and the query string unless asked for it', () => {
    expect(redactUrl('https://a:b@host/p?q=1')).toBe('https://host/p');
    expect(redactUrl('https://a:b@host/p?q=1', { query: true })).toBe(
      'https://host/p?q=1',
    );
    expect(
      redactUrl('https://host/p?token=t&q=1&X-Amz-Signature=s', {
        query: true,
      }),
    ).toBe('https://host/p?token=***&q=1&X-Amz-Signature=***');
    expect(redactUrl('not a url')).toBe('<invalid URL>');
  });
});

describe('quoteInput', () => {
  it('shortens and escapes input for a one-line message', () => {
    expect(quoteInput('abc')).toBe('abc');
    expect(quoteInput('a'.repeat(100))).toBe(`${'a'.repeat(80)}…`);
    expect(quoteInput('a\nb\u001b[31mc\u0000')).toBe('a\\nb\\x1b[31mc\\x00');
    expect(quoteInput('x'.repeat(10), 4)).toBe('xxxx…');
    expect(quoteInput('\n'.repeat(100)).length).toBeLessThanOrEqual(81);
  });
});

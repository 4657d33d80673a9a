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

import http from 'node:http';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import type { FinopsDeliveryDriftStore } from '@ai-finops/backstage-plugin-finops-node';
import { validateKubernetesModels } from '@ai-finops/test-utils';
import { readDeliverySettings } from './config';
import {
  DeliveryStatusService,
  MAX_DEPLOYMENTS_PER_ENTITY,
} from './DeliveryStatusService';
import { toFluxDeployment } from './flux';
import { getJson } from './http';
import { fixture, startRecordedServer } from './__testUtils__/recordedServer';

const TOKEN = 'argocd-secret-token-3f9a';
const crdSchemaErrors = (objects: unknown[]) =>
  validateKubernetesModels(objects, {
    packages: ['@kubernetes-models/argo-cd', '@kubernetes-models/flux-cd'],
    from: __dirname,
  });
const SA_TOKEN = 'flux-sa-token-77c1';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'chat-llm', namespace: 'default', annotations },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

/** The drift table's behaviour, in memory: first sighting kept until in sync. */
function memoryDrift(): FinopsDeliveryDriftStore & { rows: Map<string, Date> } {
  const rows = new Map<string, Date>();
  return {
    rows,
    async markOutOfSync(key, seenAt) {
      if (!rows.has(key)) rows.set(key, seenAt);
      return rows.get(key)!;
    },
    async markInSync(key) {
      rows.delete(key);
    },
  };
}

/** An Argo CD API answer as the Application object it is. */
const application = (body: object) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  ...body,
});

describe('recorded fixtures', () => {
  it('match the published Argo CD and Flux CRD schemas', () => {
    const list = fixture('argocd-application-list.json');
    const objects = [
      application(fixture('argocd-application-synced.json')),
      application(fixture('argocd-application-outofsync.json')),
      application(fixture('argocd-application-degraded.json')),
      ...list.items.map(application),
      fixture('flux-kustomization-ready.json'),
      fixture('flux-kustomization-failed.json'),
      fixture('flux-helmrelease-ready.json'),
    ];
    expect(crdSchemaErrors(objects)).toEqual(objects.map(() => []));
  });

  it('the schema check catches a malformed history entry and revision', () => {
    const app = fixture('argocd-application-synced.json');
    delete app.status.history[0].deployedAt;
    const release = fixture('flux-helmrelease-ready.json');
    release.status.history[0].version = 'three';
    const [appErrors, releaseErrors] = crdSchemaErrors([
      application(app),
      release,
    ]);
    expect(appErrors.join('\n')).toMatch(/history\/0.*deployedAt/);
    expect(releaseErrors.join('\n')).toMatch(/history\/0\/version/);
  });
});

describe('DeliveryStatusService', () => {
  let argo: Awaited<ReturnType<typeof startRecordedServer>>;
  let kube: Awaited<ReturnType<typeof startRecordedServer>>;

  beforeAll(async () => {
    argo = await startRecordedServer(TOKEN, {
      '/api/v1/applications/chat-llm-prod': fixture(
        'argocd-application-outofsync.json',
      ),
      '/api/v1/applications/chat-llm-canary?appNamespace=assistant': fixture(
        'argocd-application-synced.json',
      ),
      '/api/v1/applications/query-embedder-prod': fixture(
        'argocd-application-degraded.json',
      ),
      '/api/v1/applications?selector=app.kubernetes.io%2Fpart-of%3Dconversational-ai':
        fixture('argocd-application-list.json'),
    });
    kube = await startRecordedServer(SA_TOKEN, {
      '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/chat-llm':
        fixture('flux-kustomization-ready.json'),
      '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/query-embedder':
        fixture('flux-kustomization-failed.json'),
      '/apis/helm.toolkit.fluxcd.io/v2/namespaces/assistant/helmreleases/vllm-chat':
        fixture('flux-helmrelease-ready.json'),
    });
  });
  afterAll(async () => {
    await argo.close();
    await kube.close();
  });

  function service(
    options: {
      token?: string;
      cacheTtlSeconds?: number;
      drift?: FinopsDeliveryDriftStore;
      now?: () => Date;
    } = {},
  ) {
    const logger = mockServices.logger.mock();
    const config = new ConfigReader({
      finops: {
        delivery: {
          cacheTtlSeconds: options.cacheTtlSeconds ?? 0,
          argocd: {
            instances: [
              { name: 'prod', url: argo.url, token: options.token ?? TOKEN },
              // Nothing listens there: the connection is refused.
              { name: 'down', url: 'http://127.0.0.1:9', token: TOKEN },
            ],
          },
          flux: {
            clusters: [
              { name: 'eu-1', url: kube.url, serviceAccountToken: SA_TOKEN },
            ],
          },
        },
      },
    });
    const delivery = new DeliveryStatusService({
      settings: readDeliverySettings(config, logger),
      cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin('finops'),
      drift: options.drift,
      logger,
      now: options.now,
    });
    return { delivery, logger };
  }

  it('reads an out-of-sync Application: drift, revision, history newest first', async () => {
    const drift = memoryDrift();
    let now = new Date('2026-12-07T09:00:00Z');
    const { delivery } = service({ drift, now: () => now });
    const [app] = await delivery.deployments(
      entity({ 'argocd/app-name': 'chat-llm-prod' }),
    );
    expect(app).toEqual({
      tool: 'argocd',
      instance: 'prod',
      kind: 'Application',
      name: 'chat-llm-prod',
      url: `${argo.url}/applications/argocd/chat-llm-prod`,
      sync: 'OutOfSync',
      health: 'Healthy',
      revision: '9f3c2a7d41be08c5e6a1f27d93b4c5e0a8d6f112',
      deployedAt: '2026-11-24T14:05:03Z',
      driftSince: '2026-12-07T09:00:00.000Z',
      outOfSync: [
        {
          group: 'apps',
          kind: 'Deployment',
          namespace: 'assistant',
          name: 'chat-llm',
          status: 'OutOfSync',
        },
        {
          group: 'autoscaling',
          kind: 'HorizontalPodAutoscaler',
          namespace: 'assistant',
          name: 'chat-llm',
          status: 'OutOfSync',
        },
        {
          group: 'networking.k8s.io',
          kind: 'NetworkPolicy',
          namespace: 'assistant',
          name: 'chat-llm-egress',
          status: 'OutOfSync',
        },
      ],
      history: [
        {
          revision: '9f3c2a7d41be08c5e6a1f27d93b4c5e0a8d6f112',
          deployedAt: '2026-11-24T14:05:03Z',
        },
        {
          revision: 'abc1234e5f60718293a4b5c6d7e8f90a1b2c3d4e',
          deployedAt: '2026-11-17T15:31:40Z',
        },
        {
          revision: '2d81e0c4b7a95f3e6c1d08b2a4f7e9c3d5b61a08',
          deployedAt: '2026-11-10T10:02:15Z',
        },
      ],
    });
    expect(argo.requests.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);

    // Seen out of sync again later: still drifting since the first sighting.
    now = new Date('2026-12-07T11:30:00Z');
    const [again] = await delivery.deployments(
      entity({ 'argocd/app-name': 'chat-llm-prod' }),
    );
    expect(again.driftSince).toBe('2026-12-07T09:00:00.000Z');
  });

  it('forgets the drift once the Application is in sync, and passes appNamespace', async () => {
    const drift = memoryDrift();
    drift.rows.set(
      `argocd:${argo.url}/applications/argocd/chat-llm-prod`,
      new Date('2026-12-01T00:00:00Z'),
    );
    const { delivery } = service({ drift });
    const [app] = await delivery.deployments(
      entity({
        'argocd/app-name': 'chat-llm-canary',
        'argocd/app-namespace': 'assistant',
      }),
    );
    // The recorded answer is chat-llm-prod's, in sync.
    expect(app.sync).toBe('Synced');
    expect(app.driftSince).toBeUndefined();
    expect(app.outOfSync).toEqual([]);
    expect(drift.rows.size).toBe(0);
  });

  it('reports a Degraded Application with its failed sync as the message', async () => {
    const { delivery } = service();
    const [app] = await delivery.deployments(
      entity({ 'argocd/app-name': 'query-embedder-prod' }),
    );
    expect(app.health).toBe('Degraded');
    expect(app.sync).toBe('Synced');
    expect(app.revision).toBe('77e0d5a9c3b14f26a8e9d0c1b2a3f4e5d6c7b8a9');
    // The synced revision is not in the history (its sync failed).
    expect(app.deployedAt).toBeUndefined();
    expect(app.message).toMatch(/^SyncError: Failed sync attempt to 77e0d5a9/);
    expect(app.history).toHaveLength(2);
  });

  it('reads the Applications a label selector matches', async () => {
    const { delivery } = service();
    const apps = await delivery.deployments(
      entity({
        'argocd/app-selector': 'app.kubernetes.io/part-of=conversational-ai',
      }),
    );
    expect(apps.map(a => [a.name, a.sync, a.health])).toEqual([
      ['chat-llm-prod', 'OutOfSync', 'Healthy'],
      ['query-embedder-prod', 'Synced', 'Degraded'],
    ]);
  });

  it('reads Flux Kustomizations and HelmReleases through the Kubernetes API', async () => {
    const { delivery } = service();
    const [ready, failed, release] = await delivery.deployments(
      entity({
        'ai-finops.io/flux-kustomization':
          'eu-1/flux-system/chat-llm, eu-1/flux-system/query-embedder',
        'ai-finops.io/flux-helmrelease': 'eu-1/assistant/vllm-chat',
      }),
    );
    expect(ready).toMatchObject({
      tool: 'flux',
      instance: 'eu-1',
      kind: 'Kustomization',
      name: 'flux-system/chat-llm',
      sync: 'Synced',
      health: 'Healthy',
      revision: 'main@sha1:9f3c2a7d41be08c5e6a1f27d93b4c5e0a8d6f112',
      deployedAt: '2026-11-24T14:05:31Z',
      history: [
        {
          revision: 'main@sha1:9f3c2a7d41be08c5e6a1f27d93b4c5e0a8d6f112',
          deployedAt: '2026-11-24T14:05:31Z',
        },
        {
          revision: 'main@sha1:abc1234e5f60718293a4b5c6d7e8f90a1b2c3d4e',
          deployedAt: '2026-11-17T15:32:10Z',
        },
      ],
    });
    expect(ready.driftSince).toBeUndefined();
    expect(failed).toMatchObject({
      sync: 'OutOfSync',
      health: 'Degraded',
      revision: 'main@sha1:2d81e0c4b7a95f3e6c1d08b2a4f7e9c3d5b61a08',
      // Ready went False then.
      driftSince: '2026-12-06T22:41:05Z',
    });
    expect(failed.message).toMatch(/^kustomize build failed/);
    expect(release).toMatchObject({
      kind: 'HelmRelease',
      name: 'assistant/vllm-chat',
      sync: 'Synced',
      health: 'Healthy',
      revision: '0.1.7',
      // When this release version was deployed, not the release's first install.
      deployedAt: '2026-11-17T15:40:20Z',
      history: [
        { revision: '0.1.7', deployedAt: '2026-11-17T15:40:20Z' },
        { revision: '0.1.6', deployedAt: '2026-10-20T09:15:48Z' },
      ],
    });
    expect(release.message).toMatch(/drift detection: warn$/);
    expect(
      kube.requests.every(r => r.authorization === `Bearer ${SA_TOKEN}`),
    ).toBe(true);
  });

  it('a Kustomization with a newer revision not applied yet is out of sync, without a drift time', () => {
    const pending = fixture('flux-kustomization-ready.json');
    pending.status.lastAttemptedRevision =
      'main@sha1:77e0d5a9c3b14f26a8e9d0c1b2a3f4e5d6c7b8a9';
    const d = toFluxDeployment(
      { name: 'eu-1', url: kube.url, token: SA_TOKEN },
      'Kustomization',
      pending,
    );
    expect(d.sync).toBe('OutOfSync');
    expect(d.health).toBe('Healthy');
    expect(d.driftSince).toBeUndefined();
    expect(
      toFluxDeployment(
        { name: 'eu-1', url: kube.url, token: SA_TOKEN },
        'Kustomization',
        { ...pending, spec: { ...pending.spec, suspend: true } },
      ).health,
    ).toBe('Suspended');
  });

  it('gives each deployment that cannot be read an error naming the instance, never the token', async () => {
    const { delivery, logger } = service({ token: 'wrong-token-123' });
    const deployments = await delivery.deployments(
      entity({
        'argocd/app-name': 'chat-llm-prod',
        'ai-finops.io/flux-kustomization':
          'eu-1/flux-system/missing, eu-9/flux-system/chat-llm, eu-1/chat-llm',
      }),
    );
    expect(deployments.map(d => d.error)).toEqual([
      "Argo CD instance 'prod', Application 'chat-llm-prod': HTTP 401 from /api/v1/applications/chat-llm-prod: invalid session: token is not valid",
      "Flux cluster 'eu-1', Kustomization 'flux-system/missing': HTTP 404 from /apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/missing: /apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/missing not found",
      "Flux cluster 'eu-9' is not configured in finops.delivery.flux.clusters",
      "ai-finops.io/flux-kustomization entry 'eu-1/chat-llm' must be <cluster>/<namespace>/<name>",
    ]);
    for (const d of deployments) {
      expect(d).toMatchObject({
        sync: 'Unknown',
        health: 'Unknown',
        outOfSync: [],
        history: [],
      });
    }
    const logged = JSON.stringify(logger.warn.mock.calls);
    expect(logged).toContain("Argo CD instance 'prod'");
    expect(logged).not.toContain('wrong-token-123');
    expect(JSON.stringify(deployments)).not.toContain('wrong-token-123');
  });

  it('an unreachable instance gives an error; the other deployments are still read', async () => {
    const { delivery } = service();
    const [down, unknown] = await Promise.all([
      delivery.deployments(
        entity({
          'argocd/app-name': 'chat-llm-prod',
          'argocd/instance-name': 'down',
        }),
      ),
      delivery.deployments(
        entity({
          'argocd/app-name': 'chat-llm-prod',
          'argocd/instance-name': 'staging',
        }),
      ),
    ]);
    expect(down[0].error).toMatch(
      /^Argo CD instance 'down', Application 'chat-llm-prod': ECONNREFUSED/,
    );
    expect(JSON.stringify(down)).not.toContain(TOKEN);
    expect(unknown[0].error).toBe(
      "Argo CD instance 'staging' (argocd/instance-name) is not configured in finops.delivery.argocd.instances",
    );
  });

  it('keeps answers for cacheTtlSeconds, so a view does not ask Argo CD each time', async () => {
    const { delivery } = service({ cacheTtlSeconds: 30 });
    const before = argo.requests.length;
    const annotated = entity({ 'argocd/app-name': 'query-embedder-prod' });
    const first = await delivery.deployments(annotated);
    const second = await delivery.deployments(annotated);
    expect(second).toEqual(first);
    expect(argo.requests.length - before).toBe(1);
  });

  it('writes the drift store once per read of Argo CD, not on each cached view', async () => {
    const drift = memoryDrift();
    let writes = 0;
    const counted: FinopsDeliveryDriftStore = {
      markOutOfSync: (key, seenAt) => {
        writes++;
        return drift.markOutOfSync(key, seenAt);
      },
      markInSync: key => {
        writes++;
        return drift.markInSync(key);
      },
    };
    const { delivery } = service({ cacheTtlSeconds: 30, drift: counted });
    const annotated = entity({ 'argocd/app-name': 'chat-llm-prod' });
    const [first] = await delivery.deployments(annotated);
    const [second] = await delivery.deployments(annotated);
    expect(first.driftSince).toBeDefined();
    expect(second.driftSince).toBe(first.driftSince);
    expect(writes).toBe(1);
  });

  it('reads no more than MAX_DEPLOYMENTS_PER_ENTITY of the names, with a warning', async () => {
    const { delivery, logger } = service();
    const before = argo.requests.length;
    const names = Array.from({ length: 25 }, (_, i) => `app-${i}`);
    const deployments = await delivery.deployments(
      entity({ 'argocd/app-name': names.join(',') }),
    );
    expect(deployments.map(d => d.name)).toEqual(
      names.slice(0, MAX_DEPLOYMENTS_PER_ENTITY),
    );
    expect(argo.requests.length - before).toBe(MAX_DEPLOYMENTS_PER_ENTITY);
    expect(logger.warn).toHaveBeenCalledWith(
      `Delivery status of chat-llm: 25 deployments named, only the first ${MAX_DEPLOYMENTS_PER_ENTITY} are read`,
    );
  });

  it('stops at the server answer limit and the request timeout', async () => {
    const huge = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"items":[');
      // 9 MiB of padding, over the 8 MiB limit.
      const chunk = `"${'x'.repeat(1024 * 1024)}",`;
      for (let i = 0; i < 9; i++) res.write(chunk);
      res.end('""]}');
    });
    await new Promise<void>(done => huge.listen(0, '127.0.0.1', done));
    const port = (huge.address() as { port: number }).port;
    await expect(
      getJson(
        { name: 'big', url: `http://127.0.0.1:${port}`, token: TOKEN },
        '/api/v1/applications',
        "Argo CD instance 'big'",
      ),
    ).rejects.toThrow(
      "Argo CD instance 'big': response larger than 8388608 bytes",
    );
    await new Promise<void>(done => huge.close(() => done()));

    // A server that accepts the request and never answers.
    const silent = http.createServer(() => {});
    await new Promise<void>(done => silent.listen(0, '127.0.0.1', done));
    const silentPort = (silent.address() as { port: number }).port;
    await expect(
      getJson(
        { name: 'slow', url: `http://127.0.0.1:${silentPort}`, token: TOKEN },
        '/api/v1/applications/x',
        "Argo CD instance 'slow'",
        200,
      ),
    ).rejects.toThrow("Argo CD instance 'slow': no answer within 0.2 s");
    silent.closeAllConnections();
    await new Promise<void>(done => silent.close(() => done()));
  });

  it('skips an instance whose token is missing (an unset env var) with one warning', () => {
    const logger = mockServices.logger.mock();
    const settings = readDeliverySettings(
      new ConfigReader({
        finops: {
          delivery: {
            argocd: {
              instances: [{ name: 'demo', url: 'http://localhost:7190' }],
            },
          },
        },
      }),
      logger,
    );
    expect(settings.argocd).toEqual([]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0][0]).toMatch(
      /demo.*has no token; it is skipped/,
    );
  });

  it('rejects wrong config naming the key', () => {
    const logger = mockServices.logger.mock();
    const read = (delivery: object) =>
      readDeliverySettings(new ConfigReader({ finops: { delivery } }), logger);
    expect(() => read({ costStepThresholdPercent: 0 })).toThrow(
      'finops.delivery.costStepThresholdPercent must be above 0',
    );
    expect(() =>
      read({
        argocd: { instances: [{ name: 'a', url: 'ftp://x', token: 't' }] },
      }),
    ).toThrow(
      "finops.delivery.argocd.instances[0].url 'ftp://x' must be http(s)",
    );
    expect(() =>
      read({
        flux: {
          clusters: [
            {
              name: 'a',
              url: 'https://k',
              serviceAccountToken: 't',
              caData: 'bm90IGEgY2VydA==',
            },
          ],
        },
      }),
    ).toThrow(
      'finops.delivery.flux.clusters[0].caData is neither a PEM certificate nor base64 of one',
    );
  });
});

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

import { loadManifests, strategicMerge } from './kustomize';

const files = (map: Record<string, string>) =>
  Object.entries(map).map(([path, content]) => ({ path, content }));

const BASE = {
  'base/kustomization.yaml': `resources:\n  - deployment.yaml\n  - hpa.yaml\n`,
  'base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: chat
  labels: {app: chat}
spec:
  replicas: 1
  selector: {matchLabels: {app: chat}}
  template:
    metadata: {labels: {app: chat}}
    spec:
      containers:
        - name: vllm
          image: docker.io/vllm/vllm-openai:v0.6.0
          env: [{name: A, value: "1"}, {name: B, value: "2"}]
          resources:
            limits: {nvidia.com/gpu: "1", memory: 16Gi}
        - name: sidecar
          image: nvcr.io/nvidia/sidecar:1
`,
  'base/hpa.yaml': `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: chat}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: chat}
  minReplicas: 1
  maxReplicas: 2
`,
  'base/unused.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unused}\n',
};

describe('loadManifests', () => {
  it('renders top-level kustomizations like kustomize build', () => {
    const { objects, kustomizations } = loadManifests(
      files({
        ...BASE,
        'overlays/prod/kustomization.yaml': `resources: [../../base]
namespace: chat-prod
namePrefix: prod-
commonLabels: {env: prod}
commonAnnotations: {owner: ml}
images:
  - name: docker.io/vllm/vllm-openai
    newTag: v0.6.3
replicas:
  - name: prod-chat
    count: 3
patches:
  - path: gpus.yaml
  - target: {kind: HorizontalPodAutoscaler}
    patch: |-
      - op: replace
        path: /spec/maxReplicas
        value: 8
`,
        'overlays/prod/gpus.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: chat}
spec:
  template:
    spec:
      containers:
        - name: vllm
          env: [{name: B, value: "20"}, {name: C, value: "3"}]
          resources:
            limits: {nvidia.com/gpu: "2"}
        - name: sidecar
          $patch: delete
`,
        'argocd/application.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: chat, namespace: argocd}
spec: {}
`,
        '.github/workflows/ci.yaml': 'on: [push]\njobs: {}\n',
        'mkdocs.yml': 'site_name: chat\n',
      }),
    );
    expect(kustomizations).toEqual(['overlays/prod']);
    expect(
      objects.map(
        o =>
          `${o.object.kind} ${o.object.metadata.namespace ?? ''}/${
            o.object.metadata.name
          } @${o.file}:${o.line} ${o.kustomization ?? ''}`,
      ),
    ).toEqual([
      'Deployment chat-prod/prod-chat @base/deployment.yaml:1 overlays/prod',
      'HorizontalPodAutoscaler chat-prod/prod-chat @base/hpa.yaml:1 overlays/prod',
      'Application argocd/chat @argocd/application.yaml:1 ',
    ]);
    const deployment = objects[0].object as any;
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.metadata.labels).toEqual({ app: 'chat', env: 'prod' });
    expect(deployment.metadata.annotations).toEqual({ owner: 'ml' });
    expect(deployment.spec.selector.matchLabels).toEqual({
      app: 'chat',
      env: 'prod',
    });
    expect(deployment.spec.template.metadata.labels).toEqual({
      app: 'chat',
      env: 'prod',
    });
    expect(deployment.spec.template.spec.containers).toEqual([
      {
        name: 'vllm',
        image: 'docker.io/vllm/vllm-openai:v0.6.3',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '20' },
          { name: 'C', value: '3' },
        ],
        resources: { limits: { 'nvidia.com/gpu': '2', memory: '16Gi' } },
      },
    ]);
    const hpa = objects[1].object as any;
    expect(hpa.spec.maxReplicas).toBe(8);
    expect(hpa.spec.scaleTargetRef.name).toBe('prod-chat');
  });

  it('names what it cannot render', () => {
    expect(() =>
      loadManifests(
        files({
          ...BASE,
          'base/kustomization.yaml':
            'resources: [deployment.yaml]\nhelmCharts: []\n',
        }),
      ),
    ).toThrow(
      "base/kustomization.yaml: field 'helmCharts' is not supported by the ai-finops kustomize reader; run `kustomize build base` and check its output instead",
    );
    expect(() =>
      loadManifests(
        files({
          ...BASE,
          'base/kustomization.yaml': 'resources: [missing.yaml]\n',
        }),
      ),
    ).toThrow(
      "base/kustomization.yaml: resource 'missing.yaml' not found (looked for base/missing.yaml)",
    );
    expect(() =>
      loadManifests(
        files({
          ...BASE,
          'overlays/dev/kustomization.yaml':
            'resources: [../../base]\npatches: [{path: p.yaml}]\n',
          'overlays/dev/p.yaml':
            'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: nope}\nspec: {}\n',
        }),
      ),
    ).toThrow(
      'overlays/dev/p.yaml:1: the patch matches no resource of overlays/dev (looked for Deployment nope)',
    );
    expect(() =>
      loadManifests(
        files({
          'a/kustomization.yaml': 'resources: [../b]\n',
          'b/kustomization.yaml': 'resources: [../a]\n',
        }),
      ),
    ).toThrow(/kustomizations form a cycle/);
  });

  it('parses plain manifests and refuses malformed ones with file and field', () => {
    const { objects } = loadManifests(
      files({
        'list.yaml':
          'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Service, metadata: {name: a}}\n',
      }),
    );
    expect(objects.map(o => o.object.metadata.name)).toEqual(['a']);
    expect(() =>
      loadManifests(
        files({
          'x.yaml':
            'apiVersion: apps/v1\nkind: Deployment\nmetadata: {labels: {a: 1}}\n',
        }),
      ),
    ).toThrow(
      'x.yaml:1: Deployment: field metadata.name is missing or not a string',
    );
    expect(() =>
      loadManifests(
        files({
          'x.yaml':
            'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, labels: {replicas: 2}}\n',
        }),
      ),
    ).toThrow(
      'x.yaml:1: Deployment d: field metadata.labels.replicas is not a string (quote it: "2")',
    );
    expect(() =>
      loadManifests(files({ 'x.yaml': 'a: b\n---\nkind: [\n' })),
    ).toThrow(/^x.yaml:4:1: invalid YAML: Flow sequence/);
  });
});

describe('strategicMerge', () => {
  it('merges by patch merge key, replaces other lists and deletes nulls', () => {
    expect(
      strategicMerge(
        {
          containers: [{ name: 'a', image: 'x' }],
          args: ['1', '2'],
          keep: 1,
          drop: 2,
        },
        {
          containers: [{ name: 'a', image: 'y' }, { name: 'b' }],
          args: ['3'],
          drop: null,
        },
      ),
    ).toEqual({
      containers: [{ name: 'a', image: 'y' }, { name: 'b' }],
      args: ['3'],
      keep: 1,
    });
    expect(
      strategicMerge(
        { tolerations: [{ key: 'a' }] },
        { tolerations: [{ $patch: 'replace' }, { key: 'b' }] },
      ),
    ).toEqual({ tolerations: [{ key: 'b' }] });
  });
});

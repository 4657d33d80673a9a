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

import {
  compliantResponsibleAi,
  minimalInferenceService,
} from '@ai-finops/test-utils';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { knownGpuModels } from '../estimate';
import {
  renderInferenceService,
  type InferenceServiceSpec,
} from '../manifests/inferenceService';
import { responsibleAiAnnotations } from '../manifests/responsibleAi';
import { checkGuardrails } from './guardrails';
import { loadManifests } from './kustomize';
import { PolicySet } from './policySet';

// policies/responsible-ai.yaml as shipped, with the shipped params
// (productionEnvironments prod and production, maxAgeDays 365).
const POLICIES_DIR = path.resolve(__dirname, '../../../../policies');
const policyFiles = (params: string) =>
  PolicySet.load([
    {
      path: 'policies/responsible-ai.yaml',
      content: readFileSync(
        path.join(POLICIES_DIR, 'responsible-ai.yaml'),
        'utf8',
      ),
    },
    { path: 'policies/params.yaml', content: params },
  ]);
const shippedParams = readFileSync(
  path.join(POLICIES_DIR, 'params.yaml'),
  'utf8',
);
const policies = policyFiles(shippedParams);

const COMPLETE = {
  'ai-finops.io/model-card':
    'https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct',
  'ai-finops.io/training-data': 'HuggingFaceFW/fineweb',
  'ai-finops.io/evaluation-status': 'passed',
  'ai-finops.io/evaluation-date': '2026-11-30',
  'ai-finops.io/bias-check-status': 'passed',
  'ai-finops.io/bias-check-date': '2026-12-01',
};

function workload(options: {
  env?: string;
  namespace?: string;
  kind?: 'Deployment' | 'InferenceService';
  annotations?: Record<string, string>;
  inference?: boolean;
  createdAt?: string;
}): any {
  const labels = {
    app: 'chat',
    ...(options.inference === false
      ? {}
      : { 'app.kubernetes.io/component': 'inference' }),
    ...(options.env ? { env: options.env } : {}),
  };
  const metadata = {
    name: 'chat',
    namespace: options.namespace ?? 'chat-prod',
    labels,
    annotations: options.annotations ?? {},
    ...(options.createdAt ? { creationTimestamp: options.createdAt } : {}),
  };
  if (options.kind === 'InferenceService') {
    return {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata,
      spec: { predictor: { model: { modelFormat: { name: 'huggingface' } } } },
    };
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      selector: { matchLabels: { app: 'chat' } },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'vllm', image: 'vllm/vllm-openai' }] },
      },
    },
  };
}

function verdict(
  objects: any[],
  namespaceLabels?: Record<string, Record<string, string>>,
  set: PolicySet = policies,
) {
  const { objects: manifests } = loadManifests(
    objects.map((o, i) => ({ path: `m${i}.yaml`, content: JSON.stringify(o) })),
  );
  const { report } = checkGuardrails(set, manifests, {
    evaluation: { namespaceLabels },
  });
  return {
    passed: report.passed,
    denied: report.denied.map(v => v.message),
    warnings: report.warnings.map(v => v.message),
    bindings: report.violations.map(v => v.binding),
  };
}

describe('policy ai-finops-responsible-ai', () => {
  it('loads without warnings, with a deny and a warn binding and an advisory warn binding', () => {
    expect(policies.warnings).toEqual([]);
    expect(
      policies.bindings.map(b => `${b.policyName} ${b.actions.join('+')}`),
    ).toEqual([
      'ai-finops-responsible-ai Deny',
      'ai-finops-responsible-ai Warn',
      'ai-finops-responsible-ai-advisory Warn',
    ]);
  });

  it('denies a production workload without the metadata, naming each missing annotation', () => {
    expect(verdict([workload({ env: 'prod' })])).toEqual({
      passed: false,
      denied: [
        'Deployment chat in the prod environment is missing responsible-AI annotations: ai-finops.io/model-card, ai-finops.io/training-data, ai-finops.io/evaluation-status, ai-finops.io/evaluation-date, ai-finops.io/bias-check-status, ai-finops.io/bias-check-date',
      ],
      warnings: [],
      bindings: ['ai-finops-responsible-ai-deny'],
    });
    const { ['ai-finops.io/training-data']: _, ...noTrainingData } = COMPLETE;
    expect(
      verdict([
        workload({
          env: 'production',
          kind: 'InferenceService',
          annotations: noTrainingData,
        }),
      ]).denied,
    ).toEqual([
      'InferenceService chat in the production environment is missing responsible-AI annotations: ai-finops.io/training-data',
    ]);
  });

  it('admits a production workload with complete metadata', () => {
    expect(verdict([workload({ env: 'prod', annotations: COMPLETE })])).toEqual(
      { passed: true, denied: [], warnings: [], bindings: [] },
    );
  });

  it('denies checks that have not passed and malformed values in production', () => {
    const result = verdict([
      workload({
        env: 'prod',
        annotations: {
          ...COMPLETE,
          'ai-finops.io/model-card': 'wiki/llama-card',
          'ai-finops.io/training-data': 'ftp://data.example.com/c4',
          'ai-finops.io/evaluation-status': 'pending',
          'ai-finops.io/bias-check-status': 'failed',
          'ai-finops.io/bias-check-date': '01.12.2026',
        },
      }),
    ]);
    expect(result.passed).toBe(false);
    expect(result.denied).toEqual([
      "Deployment chat: ai-finops.io/model-card 'wiki/llama-card' is not an http(s) URL",
      "Deployment chat: ai-finops.io/training-data 'ftp://data.example.com/c4' is neither an http(s) URL nor a dataset id",
      "Deployment chat: ai-finops.io/evaluation-status is 'pending'; the prod environment needs 'passed'",
      "Deployment chat: ai-finops.io/bias-check-status is 'failed'; the prod environment needs 'passed'",
      "Deployment chat: ai-finops.io/bias-check-date '01.12.2026' is not a date as YYYY-MM-DD",
    ]);
  });

  it('only warns outside production, and says what production will refuse', () => {
    const result = verdict([
      workload({ env: 'dev', namespace: 'chat-dev' }),
      workload({
        env: 'dev',
        namespace: 'other-dev',
        annotations: {
          ...COMPLETE,
          'ai-finops.io/evaluation-status': 'failed',
        },
      }),
    ]);
    expect(result).toEqual({
      passed: true,
      denied: [],
      warnings: [
        'Deployment chat in the dev environment is missing responsible-AI annotations (production will refuse it): ai-finops.io/model-card, ai-finops.io/training-data, ai-finops.io/evaluation-status, ai-finops.io/evaluation-date, ai-finops.io/bias-check-status, ai-finops.io/bias-check-date',
        "Deployment chat in the dev environment: production needs 'passed' in ai-finops.io/evaluation-status (is 'failed')",
      ],
      bindings: [
        'ai-finops-responsible-ai-advisory-warn',
        'ai-finops-responsible-ai-advisory-warn',
      ],
    });
  });

  it('takes the environment from the namespace label before the env label', () => {
    const namespace = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'chat-live',
        labels: { 'ai-finops.io/environment': 'production' },
      },
    };
    const result = verdict([
      namespace,
      workload({ env: 'dev', namespace: 'chat-live' }),
    ]);
    expect(result.passed).toBe(false);
    expect(result.denied[0]).toMatch(
      /^Deployment chat in the production environment is missing/,
    );
  });

  it('only warns in production namespaces labelled ai-finops.io/guardrails=warn', () => {
    const result = verdict([workload({ env: 'prod' })], {
      'chat-prod': { 'ai-finops.io/guardrails': 'warn' },
    });
    expect(result.passed).toBe(true);
    expect(result.bindings).toEqual(['ai-finops-responsible-ai-warn']);
  });

  it('leaves workloads that serve no model, and workloads with no environment, alone', () => {
    expect(
      verdict([workload({ env: 'prod', inference: false })]).bindings,
    ).toEqual([]);
    expect(verdict([workload({ namespace: 'team-ml' })]).bindings).toEqual([]);
  });

  describe('dates at admission (creationTimestamp, set by the apiserver on create)', () => {
    it('denies an evaluation older than maxAgeDays', () => {
      const result = verdict([
        workload({
          env: 'prod',
          createdAt: '2026-12-07T10:00:00Z',
          annotations: {
            ...COMPLETE,
            'ai-finops.io/evaluation-date': '2025-12-06',
          },
        }),
      ]);
      expect(result.denied).toEqual([
        'Deployment chat: ai-finops.io/evaluation-date 2025-12-06 is older than 365 days (GuardrailParams responsibleAi.maxAgeDays): re-evaluate the model',
      ]);
      // 365 days old, on its last day, still passes (whole days, as the card counts).
      expect(
        verdict([
          workload({
            env: 'prod',
            createdAt: '2026-12-07T23:59:59Z',
            annotations: {
              ...COMPLETE,
              'ai-finops.io/evaluation-date': '2025-12-07',
            },
          }),
        ]).passed,
      ).toBe(true);
    });

    it('does not check the age without maxAgeDays', () => {
      const withoutMaxAge = policyFiles(
        shippedParams.replace(/^ {4}maxAgeDays: \d+\n/m, ''),
      );
      expect(
        verdict(
          [
            workload({
              env: 'prod',
              createdAt: '2026-12-07T10:00:00Z',
              annotations: {
                ...COMPLETE,
                'ai-finops.io/bias-check-date': '2019-01-01',
              },
            }),
          ],
          undefined,
          withoutMaxAge,
        ).passed,
      ).toBe(true);
    });

    it('denies a date after the workload was created', () => {
      expect(
        verdict([
          workload({
            env: 'prod',
            createdAt: '2026-12-07T10:00:00Z',
            annotations: {
              ...COMPLETE,
              'ai-finops.io/bias-check-date': '2026-12-08',
            },
          }),
        ]).denied,
      ).toEqual([
        'Deployment chat: ai-finops.io/bias-check-date 2026-12-08 is in the future',
      ]);
    });
  });
});

describe('the inference-service template with responsible-AI metadata', () => {
  const spec: InferenceServiceSpec = minimalInferenceService;
  const responsibleAi = compliantResponsibleAi;
  const render = (s: InferenceServiceSpec) => {
    const files = renderInferenceService(s, knownGpuModels());
    return {
      files,
      loaded: loadManifests(
        files.map(f => ({ path: f.path, content: f.content })),
      ),
    };
  };

  it('writes the annotations on the workload (dev and prod) and the entity, dates quoted', () => {
    for (const runtime of ['vllm', 'kserve'] as const) {
      const { files, loaded } = render({ ...spec, runtime, responsibleAi });
      const workloads = loaded.objects
        .map(o => o.object as any)
        .filter(o => ['Deployment', 'InferenceService'].includes(o.kind));
      expect(workloads.map(w => w.metadata.namespace).sort()).toEqual([
        'chat-dev',
        'chat-prod',
      ]);
      for (const w of workloads) {
        expect(w.metadata.annotations).toMatchObject(COMPLETE);
      }
      const catalogInfo = files.find(f => f.path === 'catalog-info.yaml')!;
      expect(catalogInfo.content).toContain(
        "ai-finops.io/evaluation-date: '2026-11-30'",
      );
      expect(catalogInfo.content).toContain(
        'ai-finops.io/model-card: https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct',
      );
    }
  });

  it('passes the policy with the metadata; without it prod is denied and dev warned', () => {
    const withMetadata = render({ ...spec, responsibleAi });
    expect(
      checkGuardrails(policies, withMetadata.loaded.objects).report.violations,
    ).toEqual([]);
    const without = checkGuardrails(
      policies,
      render(spec).loaded.objects,
    ).report;
    expect(
      without.violations.map(v => [v.binding, v.object.namespace]).sort(),
    ).toEqual([
      ['ai-finops-responsible-ai-advisory-warn', 'chat-dev'],
      ['ai-finops-responsible-ai-deny', 'chat-prod'],
    ]);
  });

  it('carries the metadata onto an Argo Rollouts canary, which the policy judges too', () => {
    const canary = { ...spec, rollout: { strategy: 'canary' as const } };
    const withMetadata = render({ ...canary, responsibleAi });
    const rollouts = withMetadata.loaded.objects
      .map(o => o.object as any)
      .filter(o => o.kind === 'Rollout');
    expect(rollouts).toHaveLength(2);
    for (const r of rollouts) {
      expect(r.metadata.annotations).toMatchObject(COMPLETE);
    }
    expect(
      checkGuardrails(policies, withMetadata.loaded.objects).report.violations,
    ).toEqual([]);
    const without = checkGuardrails(
      policies,
      render(canary).loaded.objects,
    ).report;
    expect(without.denied.map(v => v.object)).toEqual([
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        name: 'chat',
        namespace: 'chat-prod',
      },
    ]);
  });

  it('refuses malformed values and future dates, naming the input field', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    expect(() =>
      responsibleAiAnnotations({ modelCardUrl: 'huggingface.co/x' }, now),
    ).toThrow(
      "input.responsibleAi.modelCardUrl: ai-finops.io/model-card 'huggingface.co/x' is not a URL",
    );
    expect(() =>
      responsibleAiAnnotations({ evaluationStatus: 'ok' }, now),
    ).toThrow(
      "input.responsibleAi.evaluationStatus: ai-finops.io/evaluation-status 'ok' is not one of passed, failed, pending",
    );
    expect(() =>
      responsibleAiAnnotations({ biasCheckDate: '2026-12-08' }, now),
    ).toThrow(
      'input.responsibleAi.biasCheckDate: ai-finops.io/bias-check-date 2026-12-08 is in the future',
    );
    expect(() =>
      renderInferenceService(
        {
          ...spec,
          responsibleAi: { ...responsibleAi, evaluationDate: '30.11.2026' },
        },
        knownGpuModels(),
      ),
    ).toThrow(/^input\.responsibleAi\.evaluationDate: /);
    // Missing fields are the policy's business, not an input error.
    expect(Object.keys(responsibleAiAnnotations({}, now))).toEqual([]);
  });
});

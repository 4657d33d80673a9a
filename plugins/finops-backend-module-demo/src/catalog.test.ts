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

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  parseEntityRef,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  type Entity,
} from '@backstage/catalog-model';
import {
  FINOPS_BILLING_TAGS_ANNOTATION,
  FINOPS_GITOPS_REPO_ANNOTATION,
  FINOPS_GPU_MODEL_ANNOTATION,
  FINOPS_MONTHLY_BUDGET_ANNOTATION,
  FINOPS_REGION_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  getCostAllocationKeys,
  isFinopsAvailable,
  type CostAllocationKeys,
} from '@ai-finops/backstage-plugin-finops-common';
import type { FinopsRecord } from '@ai-finops/backstage-plugin-finops-node';
import { GPU_CALIBRATION } from './calibration';
import { findRepoRoot } from '@ai-finops/test-utils';
import { generateDemoRecords } from './generator';
import { DEMO_SERVICES, DEMO_UNALLOCATED_KUBERNETES_ID } from './services';

function readEntities(file: string): Entity[] {
  const text = readFileSync(
    path.join(findRepoRoot(), 'examples', file),
    'utf8',
  );
  return parseAllDocuments(text).map(doc => {
    if (doc.errors.length) {
      throw new Error(`${file}: ${doc.errors.map(e => e.message).join('; ')}`);
    }
    return doc.toJSON() as Entity;
  });
}

const entities = [
  ...readEntities('org.yaml'),
  ...readEntities('entities.yaml'),
];
const refs = new Set(entities.map(e => stringifyEntityRef(e)));
const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
const components = entities.filter(e => e.kind === 'Component');
const annotation = (e: Entity, key: string) => e.metadata.annotations?.[key];

function matches(keys: CostAllocationKeys, record: FinopsRecord): boolean {
  if (keys.kubernetesId && record.kubernetesId === keys.kubernetesId) {
    return true;
  }
  const subset = (
    selector?: Record<string, string>,
    values?: Record<string, string>,
  ) =>
    !!selector &&
    !!values &&
    Object.entries(selector).every(([k, v]) => values[k] === v);
  return (
    subset(keys.labelSelector, record.labels) ||
    subset(keys.billingTags, record.tags)
  );
}

describe('examples/org.yaml and examples/entities.yaml', () => {
  it('holds only valid entities', async () => {
    const policy = EntityPolicies.allOf([
      new DefaultNamespaceEntityPolicy(),
      new NoForeignRootFieldsEntityPolicy(),
      new FieldFormatEntityPolicy(),
      new SchemaValidEntityPolicy(),
    ]);
    const validators = [
      componentEntityV1alpha1Validator,
      apiEntityV1alpha1Validator,
      systemEntityV1alpha1Validator,
      domainEntityV1alpha1Validator,
      groupEntityV1alpha1Validator,
      userEntityV1alpha1Validator,
    ];
    for (const entity of entities) {
      await expect(policy.enforce(entity)).resolves.toBeDefined();
      const known = await Promise.all(validators.map(v => v.check(entity)));
      expect(known.some(Boolean)).toBe(true);
    }
    expect(refs.size).toBe(entities.length);
  });

  it('points every relation at an entity that exists', () => {
    const missing: string[] = [];
    const need = (from: Entity, ref: unknown, defaultKind: string) => {
      const target = stringifyEntityRef(
        parseEntityRef(String(ref), { defaultKind }),
      );
      if (!refs.has(target)) {
        missing.push(`${stringifyEntityRef(from)} -> ${target}`);
      }
    };
    for (const e of entities) {
      const spec = (e.spec ?? {}) as Record<string, any>;
      if (spec.owner) need(e, spec.owner, 'Group');
      if (spec.system) need(e, spec.system, 'System');
      if (spec.domain) need(e, spec.domain, 'Domain');
      if (spec.parent) need(e, spec.parent, 'Group');
      for (const c of spec.children ?? []) need(e, c, 'Group');
      for (const g of spec.memberOf ?? []) need(e, g, 'Group');
      for (const a of [
        ...(spec.providesApis ?? []),
        ...(spec.consumesApis ?? []),
      ]) {
        need(e, a, 'API');
      }
      for (const d of spec.dependsOn ?? []) need(e, d, 'Component');
    }
    expect(missing).toEqual([]);
  });

  it('describes an organisation in which the guest sees every cost', () => {
    const users = entities.filter(e => e.kind === 'User');
    expect(users.length).toBeGreaterThanOrEqual(7);
    const guest = byRef.get('user:default/guest')!;
    expect((guest.spec as any).memberOf).toContain('platform-engineering');
    for (const team of [
      'platform-engineering',
      'search-ai',
      'assistant',
      'vision',
      'speech',
    ]) {
      expect(refs.has(`group:default/${team}`)).toBe(true);
    }
    const applied = byRef.get('group:default/applied-ml')!;
    expect((applied.spec as any).children).toEqual(
      expect.arrayContaining(['search-ai', 'assistant', 'vision', 'speech']),
    );
    for (const system of [
      'conversational-ai',
      'search-relevance',
      'media-understanding',
    ]) {
      expect(refs.has(`system:default/${system}`)).toBe(true);
    }
  });

  it('has a production inference service on each GPU, a CPU-only one and one without FinOps annotations', () => {
    const services = components.filter(
      e =>
        (e.spec as any).type === 'service' &&
        (e.spec as any).lifecycle === 'production',
    );
    const gpuModels = services
      .map(e => annotation(e, FINOPS_GPU_MODEL_ANNOTATION))
      .filter(Boolean);
    expect([...new Set(gpuModels)].sort()).toEqual(
      Object.keys(GPU_CALIBRATION).sort(),
    );

    const finops = services.filter(isFinopsAvailable);
    for (const e of finops) {
      expect(annotation(e, FINOPS_REGION_ANNOTATION)).toMatch(/^[a-z0-9-]+$/);
      expect(
        Number(annotation(e, FINOPS_MONTHLY_BUDGET_ANNOTATION)),
      ).toBeGreaterThan(0);
      expect(annotation(e, FINOPS_GITOPS_REPO_ANNOTATION)).toMatch(
        /^github\.com\//,
      );
    }
    const cpuOnly = finops.filter(
      e => !annotation(e, FINOPS_GPU_MODEL_ANNOTATION),
    );
    expect(cpuOnly.map(e => e.metadata.name)).toEqual(['llm-gateway']);
    expect(
      finops.filter(
        e =>
          annotation(e, KUBERNETES_LABEL_SELECTOR_ANNOTATION) &&
          !annotation(e, KUBERNETES_ID_ANNOTATION),
      ),
    ).toHaveLength(1);
    expect(
      finops.filter(e => annotation(e, FINOPS_BILLING_TAGS_ANNOTATION)),
    ).toHaveLength(1);
    expect(
      components.filter(e => !isFinopsAvailable(e)).map(e => e.metadata.name),
    ).toEqual(['assistant-web']);
    expect(
      entities.filter(e => e.kind === 'API').length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('matches the demo services and the generated data', () => {
    const allocated = components
      .map(entity => ({ entity, keys: getCostAllocationKeys(entity) }))
      .filter(
        (c): c is { entity: Entity; keys: CostAllocationKeys } => !!c.keys,
      );
    const catalogIds = new Set(
      components
        .map(e => annotation(e, KUBERNETES_ID_ANNOTATION))
        .filter(Boolean),
    );

    // every service the generator knows is in the catalog, with the same
    // GPU model and region (except the unallocated one)
    const unallocatedServices = DEMO_SERVICES.filter(s => !s.component);
    expect(unallocatedServices.map(s => s.kubernetesId)).toEqual([
      DEMO_UNALLOCATED_KUBERNETES_ID,
    ]);
    expect(catalogIds.has(DEMO_UNALLOCATED_KUBERNETES_ID)).toBe(false);
    const fromCatalog = DEMO_SERVICES.filter(s => s.component).map(s => {
      const entity = byRef.get(`component:default/${s.component}`);
      return {
        component: s.component,
        kubernetesId: entity && annotation(entity, KUBERNETES_ID_ANNOTATION),
        gpuModel: entity && annotation(entity, FINOPS_GPU_MODEL_ANNOTATION),
        region: entity && annotation(entity, FINOPS_REGION_ANNOTATION),
      };
    });
    expect(fromCatalog).toEqual(
      DEMO_SERVICES.filter(s => s.component).map(s => ({
        component: s.component,
        kubernetesId: s.kubernetesId,
        gpuModel: s.gpu?.model,
        region: s.region,
      })),
    );

    // every record of a week belongs to exactly one entity, except the
    // unallocated workload's, which belong to none
    const records = generateDemoRecords({
      seed: 42,
      window: {
        start: new Date('2026-06-01T00:00:00.000Z'),
        end: new Date('2026-06-08T00:00:00.000Z'),
      },
    });
    const problems: string[] = [];
    const seen = new Map<string, number>();
    const dataIds = new Set<string>();
    for (const record of records) {
      if (record.kubernetesId) {
        dataIds.add(record.kubernetesId);
      }
      const owners = allocated.filter(c => matches(c.keys, record));
      const unallocated =
        record.kubernetesId === DEMO_UNALLOCATED_KUBERNETES_ID;
      if (owners.length !== (unallocated ? 0 : 1)) {
        problems.push(
          `${record.workload} matches ${
            owners.map(o => o.entity.metadata.name).join(', ') || 'nothing'
          }`,
        );
        continue;
      }
      for (const { entity } of owners) {
        seen.set(
          entity.metadata.name,
          (seen.get(entity.metadata.name) ?? 0) + 1,
        );
        if (
          record.gpuModel &&
          record.gpuModel !== annotation(entity, FINOPS_GPU_MODEL_ANNOTATION)
        ) {
          problems.push(
            `${record.workload}: GPU ${record.gpuModel} differs from its entity`,
          );
        }
        if (record.region !== annotation(entity, FINOPS_REGION_ANNOTATION)) {
          problems.push(
            `${record.workload}: region ${record.region} differs from its entity`,
          );
        }
      }
    }
    expect([...new Set(problems)]).toEqual([]);
    dataIds.delete(DEMO_UNALLOCATED_KUBERNETES_ID);
    expect([...dataIds].filter(id => !catalogIds.has(id))).toEqual([]);
    expect([...seen.keys()].sort()).toEqual(
      allocated.map(c => c.entity.metadata.name).sort(),
    );
    // the tag-only billing line reaches the entity with billing tags
    expect(
      records.some(
        r =>
          r.tags &&
          !r.kubernetesId &&
          matches(
            getCostAllocationKeys(
              byRef.get('component:default/speech-transcriber')!,
            )!,
            r,
          ),
      ),
    ).toBe(true);
  });

  it('puts one service over its monthly budget and keeps the others under', () => {
    const days = 90;
    const end = new Date('2026-07-01T00:00:00.000Z');
    const records = generateDemoRecords({
      seed: 42,
      window: { start: new Date(end.getTime() - days * 86_400_000), end },
    });
    const allocated = components
      .map(entity => ({ entity, keys: getCostAllocationKeys(entity) }))
      .filter(
        (c): c is { entity: Entity; keys: CostAllocationKeys } => !!c.keys,
      );
    const monthly = new Map<string, number>();
    for (const record of records) {
      if (record.type !== 'cost') continue;
      const owner = allocated.find(c => matches(c.keys, record));
      if (owner) {
        const name = owner.entity.metadata.name;
        monthly.set(
          name,
          (monthly.get(name) ?? 0) + (record.effectiveCost * 30) / days,
        );
      }
    }
    const ratios = Object.fromEntries(
      allocated.map(({ entity }) => [
        entity.metadata.name,
        monthly.get(entity.metadata.name)! /
          Number(annotation(entity, FINOPS_MONTHLY_BUDGET_ANNOTATION)),
      ]),
    );
    const over = Object.entries(ratios).filter(([, r]) => r > 1);
    expect(over.map(([name]) => name)).toEqual(['chat-llm']);
    expect(ratios['chat-llm']).toBeLessThan(1.3);
    const others = Object.entries(ratios).filter(
      ([name]) => name !== 'chat-llm',
    );
    expect(others.filter(([, ratio]) => ratio >= 0.9)).toEqual([]);
  });
});

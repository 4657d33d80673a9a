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

import { InputError } from '@backstage/errors';
import {
  asKubernetesObject,
  parseYamlDocuments,
  type KubernetesObject,
  type ManifestFile,
} from '../manifests';
import { matchesLabelSelector, PolicySet } from '../policySet';

// The one policy source, read for export: ValidatingAdmissionPolicies, their
// bindings, the params objects they refer to and the params kind's
// CustomResourceDefinition (the schema of the exported parameters).

/** The most policies one export translates. */
export const MAX_EXPORTED_POLICIES = 1000;

const ADMISSION_API_VERSIONS = [
  'admissionregistration.k8s.io/v1',
  'admissionregistration.k8s.io/v1beta1',
];

export type Spec = Record<string, any>;

export interface SourceBinding {
  name: string;
  where: string;
  spec: Spec;
  /** The params object the binding's paramRef selects, if the policy has a paramKind. */
  params?: KubernetesObject | null;
}

export interface SourcePolicy {
  name: string;
  where: string;
  spec: Spec;
  paramKind?: { apiVersion: string; kind: string };
  /** The schema of the params kind (its CRD's openAPIV3Schema), when the source has it. */
  paramsSchema?: Spec;
  bindings: SourceBinding[];
}

const isRecord = (v: unknown): v is Record<string, any> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The openAPIV3Schema of `apiVersion`/`kind` among CRDs. */
function schemaOf(
  crds: KubernetesObject[],
  apiVersion: string,
  kind: string,
): Spec | undefined {
  const [group, version] = apiVersion.split('/');
  for (const crd of crds) {
    const spec = (crd.spec ?? {}) as Spec;
    if (spec.group !== group || spec.names?.kind !== kind) continue;
    const v = (spec.versions ?? []).find((x: Spec) => x?.name === version);
    if (isRecord(v?.schema?.openAPIV3Schema)) return v.schema.openAPIV3Schema;
  }
  return undefined;
}

/**
 * Reads the policy source for export. The files are first loaded as a
 * {@link PolicySet} (so that a file that does not parse, or a policy that
 * does not compile, fails here with its file, line and field named, as
 * `ai-finops check` would). `paramsFile`, when given, replaces every params
 * object of the policy files.
 */
export function readPolicySource(
  files: ManifestFile[],
  paramsFile?: ManifestFile,
): SourcePolicy[] {
  PolicySet.load(paramsFile ? [...files, paramsFile] : files);
  const policies = new Map<string, SourcePolicy>();
  const bindings: Array<SourceBinding & { policyName: string }> = [];
  let params: Array<{ object: KubernetesObject; where: string }> = [];
  const crds: KubernetesObject[] = [];
  for (const file of files) {
    for (const doc of parseYamlDocuments(file)) {
      const o = asKubernetesObject(doc.value, doc);
      const where = `${doc.file}:${doc.line}`;
      // PolicySet.load has checked the shape of policies and bindings.
      const spec = (o.spec ?? {}) as Spec;
      if (ADMISSION_API_VERSIONS.includes(o.apiVersion)) {
        if (o.kind === 'ValidatingAdmissionPolicy') {
          policies.set(o.metadata.name, {
            name: o.metadata.name,
            where,
            spec,
            ...(spec.paramKind ? { paramKind: spec.paramKind } : {}),
            bindings: [],
          });
        } else {
          bindings.push({
            name: o.metadata.name,
            where,
            spec,
            policyName: spec.policyName,
          });
        }
      } else if (o.kind === 'CustomResourceDefinition') {
        crds.push(o);
      } else {
        params.push({ object: o, where });
      }
    }
  }
  if (paramsFile) {
    params = parseYamlDocuments(paramsFile).map(doc => ({
      object: asKubernetesObject(doc.value, doc),
      where: `${doc.file}:${doc.line}`,
    }));
    for (const p of params) {
      const used = [...policies.values()].some(
        policy =>
          policy.paramKind?.apiVersion === p.object.apiVersion &&
          policy.paramKind?.kind === p.object.kind,
      );
      if (!used) {
        throw new InputError(
          `${p.where}: ${p.object.kind} ${p.object.metadata.name} is not the params kind of any policy`,
        );
      }
    }
  }
  if (policies.size > MAX_EXPORTED_POLICIES) {
    throw new InputError(
      `${policies.size} policies: at most ${MAX_EXPORTED_POLICIES} are exported at once`,
    );
  }
  for (const policy of policies.values()) {
    if (policy.paramKind) {
      policy.paramsSchema = schemaOf(
        crds,
        policy.paramKind.apiVersion,
        policy.paramKind.kind,
      );
    }
  }
  for (const { policyName, ...binding } of bindings) {
    const policy = policies.get(policyName);
    // PolicySet.load has refused a binding of an unknown policy.
    if (!policy) continue;
    const ref = binding.spec.paramRef;
    if (policy.paramKind && ref) {
      const candidates = params
        .map(p => p.object)
        .filter(
          p =>
            p.apiVersion === policy.paramKind!.apiVersion &&
            p.kind === policy.paramKind!.kind &&
            (ref.namespace === undefined ||
              p.metadata.namespace === ref.namespace) &&
            (ref.name !== undefined
              ? p.metadata.name === ref.name
              : matchesLabelSelector(ref.selector, p.metadata.labels ?? {})),
        );
      if (candidates.length !== 1) {
        throw new InputError(
          `${binding.where}: ValidatingAdmissionPolicyBinding ${
            binding.name
          }: its paramRef selects ${candidates.length} ${
            policy.paramKind.kind
          } objects${
            paramsFile ? ` in ${paramsFile.path}` : ''
          }; an export inlines exactly one`,
        );
      }
      binding.params = candidates[0];
    } else if (policy.paramKind) {
      // No paramRef: the apiserver binds params to null.
      binding.params = null;
    }
    policy.bindings.push(binding);
  }
  return [...policies.values()];
}

/**
 * Why a policy cannot be enforced at admission, or undefined. The cost cap
 * and the budget judge CostEstimate objects (`ai-finops.io/v1alpha1
 * costestimates`) that the estimator builds from all the manifests of a
 * change; no admission request carries one.
 */
export function admissionCannotEnforce(
  policy: SourcePolicy,
): string | undefined {
  const rules: Spec[] = policy.spec.matchConstraints?.resourceRules ?? [];
  const synthetic = rules.every(
    r =>
      (r.apiGroups ?? []).every((g: string) => g === 'ai-finops.io') &&
      (r.resources ?? []).every((x: string) => x === 'costestimates'),
  );
  if (!synthetic) return undefined;
  return 'it judges the CostEstimate objects that the estimator builds from all the manifests of a change (cross-object); no admission request carries one, so it stays enforced by ai-finops check and the scaffolder action';
}

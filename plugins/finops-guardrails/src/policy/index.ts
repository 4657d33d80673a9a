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

export { createKubernetesCelEnvironment, toCelValue } from './celEnvironment';
export { DEFAULT_CEL_LIMITS } from './celLimits';
export type { CelLimits } from './celLimits';
export { loadManifests, normalizePath, strategicMerge } from './kustomize';
export type { LoadedManifests } from './kustomize';
export {
  asKubernetesObject,
  describeObject,
  looksLikeKubernetesObject,
  MAX_YAML_DEPTH,
  parseManifestFile,
  parseYamlDocuments,
} from './manifests';
export type {
  KubernetesObject,
  ManifestFile,
  ManifestObject,
  YamlDocument,
} from './manifests';
export { PolicySet, resourceOfKind } from './policySet';
export type {
  PolicyCheck,
  PolicyEvaluationOptions,
  PolicyReport,
  PolicySetOptions,
  PolicyViolation,
  ValidationAction,
} from './policySet';
export { Quantity } from './quantity';
export {
  imageMatchesPrefix,
  normalizeImageReference,
  parseImageReference,
} from './imageReference';
export type { ImageReference } from './imageReference';
export {
  checkGuardrails,
  formatPolicyReportMarkdown,
  formatViolation,
  priceOverridesFromParams,
} from './guardrails';
export type { GuardrailCheck } from './guardrails';
export {
  exportedPolicyYaml,
  exportPolicies,
  POLICY_EXPORT_TARGETS,
} from './export';
export type {
  ExportedPolicy,
  PolicyExport,
  PolicyExportOptions,
  PolicyExportTarget,
  SkippedPolicy,
} from './export';

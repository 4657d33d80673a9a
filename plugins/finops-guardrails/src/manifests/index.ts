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

export { gitopsCloneUrl, renderInferenceService } from './inferenceService';
export type { InferenceServiceSpec, RenderedFile } from './inferenceService';
export { rolloutFromFormValues } from './rollout';
export type { InferenceServiceRollout } from './rollout';
export { responsibleAiAnnotations } from './responsibleAi';
export type { ResponsibleAiSpec } from './responsibleAi';
export {
  checkSupplyChain,
  kserveModelSource,
  modelArtifactAnnotations,
  pinImage,
  renderSupplyChainFiles,
  vllmRevisionArgs,
} from './supplyChain';
export type { SupplyChainContext, SupplyChainSpec } from './supplyChain';
export { readManifestFiles } from './readManifestFiles';
export type {
  ReadManifestFilesOptions,
  SkippedManifestPath,
} from './readManifestFiles';

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
  FINOPS_BIAS_CHECK_DATE_ANNOTATION,
  FINOPS_BIAS_CHECK_STATUS_ANNOTATION,
  FINOPS_EVALUATION_DATE_ANNOTATION,
  FINOPS_EVALUATION_STATUS_ANNOTATION,
  FINOPS_MODEL_CARD_ANNOTATION,
  FINOPS_TRAINING_DATA_ANNOTATION,
  readResponsibleAiMetadata,
} from '@ai-finops/backstage-plugin-finops-common';
import { InputError } from '@backstage/errors';
import { Scalar } from 'yaml';

/**
 * The responsible-AI metadata of an inference service, as the template asks
 * for it; each field becomes an `ai-finops.io/` annotation on the workload
 * and the entity. Production admission requires all of them with both
 * checks `passed` (policy `ai-finops-responsible-ai`).
 *
 * @public
 */
export interface ResponsibleAiSpec {
  /** The model card, an http(s) URL (`ai-finops.io/model-card`). */
  modelCardUrl?: string;
  /** Training-data provenance: a datasheet URL or a dataset id (`ai-finops.io/training-data`). */
  trainingData?: string;
  /** `passed`, `failed` or `pending` (`ai-finops.io/evaluation-status`). */
  evaluationStatus?: string;
  /** `YYYY-MM-DD` (`ai-finops.io/evaluation-date`). */
  evaluationDate?: string;
  /** `passed`, `failed` or `pending` (`ai-finops.io/bias-check-status`). */
  biasCheckStatus?: string;
  /** `YYYY-MM-DD` (`ai-finops.io/bias-check-date`). */
  biasCheckDate?: string;
}

const FIELDS = [
  ['modelCardUrl', FINOPS_MODEL_CARD_ANNOTATION],
  ['trainingData', FINOPS_TRAINING_DATA_ANNOTATION],
  ['evaluationStatus', FINOPS_EVALUATION_STATUS_ANNOTATION],
  ['evaluationDate', FINOPS_EVALUATION_DATE_ANNOTATION],
  ['biasCheckStatus', FINOPS_BIAS_CHECK_STATUS_ANNOTATION],
  ['biasCheckDate', FINOPS_BIAS_CHECK_DATE_ANNOTATION],
] as const;

/**
 * The annotations of the given responsible-AI fields (empty ones left out).
 * A malformed value, or a date in the future, is an `InputError` naming the
 * `input.responsibleAi` field; what is missing or not `passed` is left to the
 * policy, which denies it in production and warns elsewhere. Dates are
 * quoted in the YAML so that no YAML 1.1 reader takes them for timestamps.
 *
 * @public
 */
export function responsibleAiAnnotations(
  spec: ResponsibleAiSpec | undefined,
  now: Date = new Date(),
): Record<string, string | Scalar<string>> {
  const values: Record<string, string> = {};
  for (const [field, annotation] of FIELDS) {
    const value = spec?.[field]?.trim();
    if (value) values[annotation] = value;
  }
  const { problems } = readResponsibleAiMetadata(values, { now });
  const wrong = problems.find(p => p.kind === 'invalid' || p.kind === 'future');
  if (wrong) {
    const [field] = FIELDS.find(([, a]) => a === wrong.annotation)!;
    throw new InputError(`input.responsibleAi.${field}: ${wrong.message}`);
  }
  const annotations: Record<string, string | Scalar<string>> = {};
  for (const [annotation, value] of Object.entries(values)) {
    const quoted = new Scalar(value);
    quoted.type = Scalar.QUOTE_SINGLE;
    annotations[annotation] = annotation.endsWith('-date') ? quoted : value;
  }
  return annotations;
}

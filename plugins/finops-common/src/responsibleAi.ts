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

import type { Entity } from '@backstage/catalog-model';
import {
  FINOPS_BIAS_CHECK_DATE_ANNOTATION,
  FINOPS_BIAS_CHECK_STATUS_ANNOTATION,
  FINOPS_EVALUATION_DATE_ANNOTATION,
  FINOPS_EVALUATION_STATUS_ANNOTATION,
  FINOPS_MODEL_CARD_ANNOTATION,
  FINOPS_TRAINING_DATA_ANNOTATION,
} from './annotations';

/**
 * Every responsible-AI annotation, in the order they are reported.
 *
 * @public
 */
export const RESPONSIBLE_AI_ANNOTATIONS = [
  FINOPS_MODEL_CARD_ANNOTATION,
  FINOPS_TRAINING_DATA_ANNOTATION,
  FINOPS_EVALUATION_STATUS_ANNOTATION,
  FINOPS_EVALUATION_DATE_ANNOTATION,
  FINOPS_BIAS_CHECK_STATUS_ANNOTATION,
  FINOPS_BIAS_CHECK_DATE_ANNOTATION,
] as const;

/**
 * The outcome of an evaluation or a bias check.
 *
 * @public
 */
export type ResponsibleAiCheckStatus = 'passed' | 'failed' | 'pending';

/**
 * The statuses an evaluation or bias check may have.
 *
 * @public
 */
export const RESPONSIBLE_AI_CHECK_STATUSES: readonly ResponsibleAiCheckStatus[] =
  ['passed', 'failed', 'pending'];

/**
 * An evaluation or bias check as the annotations declare it; a field is
 * absent when its annotation is missing or invalid.
 *
 * @public
 */
export interface ResponsibleAiCheck {
  status?: ResponsibleAiCheckStatus;
  /** The day of the check, `YYYY-MM-DD`. */
  date?: string;
  /** Whole days between the check and `now`. */
  ageDays?: number;
}

/**
 * Something wrong with one responsible-AI annotation.
 *
 * @public
 */
export interface ResponsibleAiProblem {
  /** The annotation concerned, e.g. `ai-finops.io/model-card`. */
  annotation: string;
  kind: 'missing' | 'invalid' | 'future' | 'stale' | 'failed' | 'pending';
  message: string;
}

/**
 * An entity's or workload's responsible-AI metadata, read and checked.
 *
 * @public
 */
export interface ResponsibleAiMetadata {
  /** True when at least one responsible-AI annotation is set. */
  present: boolean;
  /** True when every annotation is set and valid and both checks passed. */
  complete: boolean;
  modelCardUrl?: string;
  /** A URL of the training data's datasheet, or a dataset id. */
  trainingData?: { value: string; isUrl: boolean };
  evaluation: ResponsibleAiCheck;
  biasCheck: ResponsibleAiCheck;
  problems: ResponsibleAiProblem[];
}

/**
 * Options of {@link readResponsibleAiMetadata}.
 *
 * @public
 */
export interface ReadResponsibleAiOptions {
  /** The time dates are compared with. Default: now. */
  now?: Date;
  /** A check older than this many days is a problem (whole days, 1–3650). */
  maxAgeDays?: number;
}

const MAX_URL_LENGTH = 2048;
const MAX_DATASET_ID_LENGTH = 256;
const MAX_AGE_DAYS_LIMIT = 3650;
const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// A dataset id such as `HuggingFaceFW/fineweb`, `allenai/c4@v3` or
// `internal:support-tickets-2025`.
const DATASET_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/+-]*$/;

function httpUrl(value: string): string | undefined {
  if (value.length > MAX_URL_LENGTH)
    return `is longer than ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `'${value}' is not a URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `'${value}' is not an http(s) URL`;
  }
  if (!url.hostname) return `'${value}' has no host`;
  return undefined;
}

/** Days since 1970-01-01 of a valid `YYYY-MM-DD`, else undefined. */
function isoDay(value: string): number | undefined {
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const [year, month, day] = match.slice(1).map(Number);
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return undefined;
  }
  return time / DAY_MS;
}

function annotationsOf(
  source: Entity | Record<string, string> | undefined,
): Record<string, string> {
  if (!source) return {};
  if ('metadata' in source && typeof source.metadata === 'object') {
    return (source as Entity).metadata.annotations ?? {};
  }
  return source as Record<string, string>;
}

/**
 * Reads the responsible-AI annotations (model card, training data,
 * evaluation and bias check with their dates) of an entity, a workload's
 * annotations or any annotation map, and checks them: URL shape, status,
 * ISO date, date not in the future and, with `maxAgeDays`, not older.
 * Browser-safe; never throws on bad annotation values (they become
 * `problems`), only on a bad `maxAgeDays`.
 *
 * @public
 */
export function readResponsibleAiMetadata(
  source: Entity | Record<string, string> | undefined,
  options: ReadResponsibleAiOptions = {},
): ResponsibleAiMetadata {
  const { maxAgeDays } = options;
  if (
    maxAgeDays !== undefined &&
    !(
      Number.isInteger(maxAgeDays) &&
      maxAgeDays >= 1 &&
      maxAgeDays <= MAX_AGE_DAYS_LIMIT
    )
  ) {
    throw new TypeError(
      `maxAgeDays: ${maxAgeDays} is not a whole number of days from 1 to ${MAX_AGE_DAYS_LIMIT}`,
    );
  }
  const today = Math.floor((options.now ?? new Date()).getTime() / DAY_MS);
  const annotations = annotationsOf(source);
  const problems: ResponsibleAiProblem[] = [];
  const problem = (
    annotation: string,
    kind: ResponsibleAiProblem['kind'],
    message: string,
  ) => problems.push({ annotation, kind, message: `${annotation} ${message}` });
  const read = (annotation: string): string | undefined => {
    const value = annotations[annotation]?.trim();
    if (!value) {
      problem(annotation, 'missing', 'is not set');
      return undefined;
    }
    return value;
  };

  const result: ResponsibleAiMetadata = {
    present: RESPONSIBLE_AI_ANNOTATIONS.some(a => annotations[a]?.trim()),
    complete: false,
    evaluation: {},
    biasCheck: {},
    problems,
  };

  const modelCard = read(FINOPS_MODEL_CARD_ANNOTATION);
  if (modelCard !== undefined) {
    const why = httpUrl(modelCard);
    if (why) problem(FINOPS_MODEL_CARD_ANNOTATION, 'invalid', why);
    else result.modelCardUrl = modelCard;
  }

  const trainingData = read(FINOPS_TRAINING_DATA_ANNOTATION);
  if (trainingData !== undefined) {
    if (trainingData.includes('://')) {
      const why = httpUrl(trainingData);
      if (why) problem(FINOPS_TRAINING_DATA_ANNOTATION, 'invalid', why);
      else result.trainingData = { value: trainingData, isUrl: true };
    } else if (
      trainingData.length <= MAX_DATASET_ID_LENGTH &&
      DATASET_ID.test(trainingData)
    ) {
      result.trainingData = { value: trainingData, isUrl: false };
    } else {
      problem(
        FINOPS_TRAINING_DATA_ANNOTATION,
        'invalid',
        `'${trainingData.slice(
          0,
          80,
        )}' is neither an http(s) URL nor a dataset id (letters, digits and . _ : @ / + -, at most ${MAX_DATASET_ID_LENGTH} characters)`,
      );
    }
  }

  const readCheck = (
    label: string,
    statusAnnotation: string,
    dateAnnotation: string,
    check: ResponsibleAiCheck,
  ) => {
    const status = read(statusAnnotation);
    if (status !== undefined) {
      if ((RESPONSIBLE_AI_CHECK_STATUSES as string[]).includes(status)) {
        check.status = status as ResponsibleAiCheckStatus;
        if (status === 'failed') {
          problem(statusAnnotation, 'failed', `says the ${label} failed`);
        } else if (status === 'pending') {
          problem(statusAnnotation, 'pending', `says the ${label} is pending`);
        }
      } else {
        problem(
          statusAnnotation,
          'invalid',
          `'${status.slice(
            0,
            40,
          )}' is not one of ${RESPONSIBLE_AI_CHECK_STATUSES.join(', ')}`,
        );
      }
    }
    const date = read(dateAnnotation);
    if (date === undefined) return;
    const day = isoDay(date);
    if (day === undefined) {
      problem(
        dateAnnotation,
        'invalid',
        `'${date.slice(0, 40)}' is not a date as YYYY-MM-DD`,
      );
      return;
    }
    check.date = date;
    check.ageDays = today - day;
    if (day > today) {
      problem(dateAnnotation, 'future', `${date} is in the future`);
    } else if (maxAgeDays !== undefined && today - day > maxAgeDays) {
      problem(
        dateAnnotation,
        'stale',
        `${date} is ${today - day} days old, more than ${maxAgeDays}`,
      );
    }
  };
  readCheck(
    'evaluation',
    FINOPS_EVALUATION_STATUS_ANNOTATION,
    FINOPS_EVALUATION_DATE_ANNOTATION,
    result.evaluation,
  );
  readCheck(
    'bias check',
    FINOPS_BIAS_CHECK_STATUS_ANNOTATION,
    FINOPS_BIAS_CHECK_DATE_ANNOTATION,
    result.biasCheck,
  );
  result.complete = problems.length === 0;
  return result;
}

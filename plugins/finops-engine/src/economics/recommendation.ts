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

import type {
  ManifestChange,
  RecommendationKind,
  WorkloadRef,
} from '@ai-finops/backstage-plugin-finops-common';

/**
 * A recommendation of the engine, before it is tied to a catalog entity.
 *
 * @public
 */
export interface EngineRecommendation {
  kind: RecommendationKind;
  /** Stable within the kind and workload, so repeated runs update, not duplicate. */
  id: string;
  workload: WorkloadRef;
  title: string;
  /** What to change and why, in Markdown. */
  description: string;
  /** USD per month saved (negative: it costs more, e.g. an OOM bump). */
  monthlySavings: number;
  /** kgCO2e per month avoided (negative: more emissions). */
  monthlyCarbonSavingKg: number;
  risk: 'low' | 'medium' | 'high';
  /** Why the risk is what it is, one sentence. */
  riskReason: string;
  /** 0..1. */
  confidence: number;
  changes: ManifestChange[];
}

/**
 * Hours in a month, as the estimate uses (730).
 *
 * @public
 */
export const MONTH_HOURS = 730;

/**
 * Kubernetes CPU quantity for cores: whole millicores, rounded up (`250m`,
 * `2`).
 *
 * @public
 */
export function formatCpu(cores: number): string {
  const milli = Math.max(1, Math.ceil(cores * 1000 - 1e-9));
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/**
 * Kubernetes memory quantity for bytes, rounded up to whole MiB (`512Mi`) or
 * GiB when exact (`2Gi`).
 *
 * @public
 */
export function formatMemory(bytes: number): string {
  const mib = Math.max(1, Math.ceil(bytes / 2 ** 20 - 1e-9));
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}

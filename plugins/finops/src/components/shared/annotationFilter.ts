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

import type { FilterPredicate } from '@backstage/filter-predicates';

/**
 * The entity filter matching entities that carry the annotation, for the
 * card filters of the new frontend system.
 */
export function hasAnnotationFilter(annotation: string): FilterPredicate {
  // Typed as a path so that the computed key is no `$` operator.
  const predicate: Record<
    `metadata.annotations.${string}`,
    { $exists: boolean }
  > = { [`metadata.annotations.${annotation}`]: { $exists: true } };
  return predicate;
}

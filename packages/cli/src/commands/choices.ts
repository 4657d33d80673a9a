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

import type { PolicyName } from '@ai-finops/backstage-plugin-finops-engine';
import type { FocusWorkloadColumn } from '@ai-finops/backstage-plugin-finops-node';

// The choices that the command definitions offer, written out here so that
// parsing the command line (and --help, --version) loads no engine, store or
// guardrail code: the commands' actions load that when they run.
// choices.test.ts holds them equal to the lists of the packages they name.

/** `ingest focus --workload`: the finops-node `FOCUS_WORKLOAD_COLUMNS`. */
export const FOCUS_WORKLOAD_COLUMNS: readonly FocusWorkloadColumn[] = [
  'ServiceName',
  'ResourceId',
  'ResourceName',
  'none',
];

/** `simulate --policy`: the finops-engine `POLICY_NAMES`. */
export const POLICY_NAMES: readonly PolicyName[] = [
  'static-peak',
  'reactive-hpa',
  'predictive',
];

/** `simulate --replica`: the keys of the finops-engine `REPLICA_PROFILES`. */
export const REPLICA_PROFILE_NAMES: readonly string[] = [
  'l4-llama8b',
  'h100-llama8b',
  'h100x4-llama70b',
];

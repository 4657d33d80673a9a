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

/**
 * Common types, annotations, permissions and cost maths for the AI FinOps
 * plugins. Isomorphic: used by the backend, the frontend, the scaffolder
 * module and the CLI.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './permissions';
export * from './types';
export * from './prices';
export * from './carbon';
export * from './forecast';
export * from './anomaly';
export * from './engine';
export * from './policy';
export * from './estimate';
export * from './manifests';
export * from './insights';

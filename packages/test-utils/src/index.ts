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
 * Test helpers shared by the AI FinOps packages. Private to this repository.
 *
 * @packageDocumentation
 */

export * from './sharedData';
export * from './dataSourceModules';
export * from './focus';
export * from './csv';
export * from './kubernetesSchema';
export * from './kubernetesModels';
export * from './random';
export * from './records';
export * from './prometheus';
export * from './inferenceService';

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
 * The AI FinOps engine: forecasting, anomaly detection, budgets, GPU
 * efficiency, unit economics, carbon, recommendations and the replay
 * simulator, with the facts they use (GPU prices and specs, grid emission
 * factors). Node.js only; one implementation for the backend, the
 * scaffolder actions and the CLI.
 *
 * @packageDocumentation
 */

export * from './forecast';
export * from './anomaly';
export * from './economics';
export * from './carbon';
export * from './prices';
export * from './simulator';
export { splitCsvLine } from './csv';

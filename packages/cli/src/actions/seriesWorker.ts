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

import { parentPort } from 'node:worker_threads';
import { runTask, type SeriesTask } from '../seriesTasks';

// A worker thread of `ai-finops forecast` and `ai-finops detect` (started by
// runSeriesTasks in src/seriesTasks.ts): runs each task it is sent and posts
// its result back, or the message of what the task threw.

parentPort?.on('message', ({ k, task }: { k: number; task: SeriesTask }) => {
  try {
    const result = runTask(task);
    parentPort!.postMessage(
      { k, result },
      result instanceof Float64Array ? [result.buffer as ArrayBuffer] : [],
    );
  } catch (error) {
    parentPort!.postMessage({
      k,
      error: error instanceof Error ? error.message : String(error),
    });
  }
});

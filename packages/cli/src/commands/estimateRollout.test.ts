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

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAiFinops } from '../__testUtils__/aiFinops';
import { h100Deployment } from '../__testUtils__/manifests';

jest.setTimeout(120_000);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-rollout-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The same workload as an Argo Rollouts canary, `replicas` replicas. */
const asRollout = (replicas: number) =>
  h100Deployment()
    .replace(
      'apiVersion: apps/v1\nkind: Deployment',
      'apiVersion: argoproj.io/v1alpha1\nkind: Rollout',
    )
    .replace(
      'replicas: 3',
      `replicas: ${replicas}\n  strategy:\n    canary:\n      steps: [{setWeight: 10}, {pause: {duration: 10m}}]`,
    );

function folder(name: string, manifest: string) {
  fs.mkdirSync(path.join(dir, name));
  fs.writeFileSync(path.join(dir, name, 'workload.yaml'), manifest);
  return name;
}

function estimate(head: string, base: string) {
  const result = runAiFinops(
    ['estimate', head, '--base', base, '--format', 'json'],
    { cwd: dir },
  );
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('ai-finops estimate --base with Argo Rollouts', () => {
  it('costs a Deployment turned into a Rollout the same, and a Rollout with more replicas more', () => {
    const deployment = folder('deployment', h100Deployment());
    const rollout = folder('rollout', asRollout(3));
    const bigger = folder('bigger', asRollout(5));

    const same = estimate(rollout, deployment);
    expect(same.workloads).toEqual([
      expect.objectContaining({
        kind: 'Rollout',
        minReplicas: 3,
        gpusPerReplica: 2,
      }),
    ]);
    expect(same.base.workloads).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        minReplicas: 3,
        gpusPerReplica: 2,
      }),
    ]);
    expect(same.monthlyCost).toBeGreaterThan(0);
    expect(same.diff.change).toBeCloseTo(0, 9);
    expect(same.diff.sentence).toBe('monthly cost will not change');

    // 2 more replicas × 2 GPUs × the H100's GPU-hour price × 730 h.
    const more = estimate(bigger, rollout);
    const perGpuMonth = same.workloads[0].usdPerGpuHour * 730;
    expect(more.diff.change).toBeCloseTo(2 * 2 * perGpuMonth, 6);
    expect(more.diff.percent).toBeCloseTo((5 / 3 - 1) * 100, 6);
    expect(more.diff.rows).toEqual([
      expect.objectContaining({ replicas: '3 → 5', change: more.diff.change }),
    ]);

    const markdown = runAiFinops(['estimate', bigger, '--base', rollout], {
      cwd: dir,
    }).stdout;
    expect(markdown).toContain('monthly cost will increase by');
    expect(markdown).toContain('Rollout');
  });
});

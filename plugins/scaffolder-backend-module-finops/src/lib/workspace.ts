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
  loadManifests,
  parsePriceCsv,
  PolicySet,
  priceOverridesFromParams,
  readManifestFiles,
  type LoadedManifests,
  type PriceOverrides,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import { InputError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The Kubernetes objects of a folder, kustomizations rendered. */
export async function readManifestTree(
  root: string,
  label: string,
): Promise<LoadedManifests> {
  const files = await readManifestFiles(root, { label });
  const loaded = loadManifests(files);
  if (loaded.objects.length === 0) {
    throw new InputError(`${label}: no Kubernetes objects found`);
  }
  return loaded;
}

/** Policies, bindings and params from a folder. */
export async function readPolicyDir(dir: string): Promise<PolicySet> {
  const files = (await readManifestFiles(dir)).map(f => ({
    ...f,
    path: path.join(dir, f.path),
  }));
  if (files.length === 0) {
    throw new InputError(`${dir}: no policy files (.yaml, .yml, .json)`);
  }
  return PolicySet.load(files);
}

/**
 * Price overrides: a `resource,usd_per_unit_hour` CSV, over the
 * `gpuHourlyUsd` of the policies' params.
 */
export async function readPriceOverrides(
  pricesFile: string | undefined,
  policies: PolicySet | undefined,
): Promise<PriceOverrides | undefined> {
  const fromParams = policies ? priceOverridesFromParams(policies) : undefined;
  if (!pricesFile) return fromParams;
  let content: string;
  try {
    content = await fs.readFile(pricesFile, 'utf8');
  } catch (error) {
    throw new InputError(
      `${pricesFile}: cannot read the prices (${
        (error as NodeJS.ErrnoException).code ?? error
      })`,
    );
  }
  const prices = parsePriceCsv({ path: pricesFile, content });
  if (!fromParams) return prices;
  return {
    ...fromParams,
    ...prices,
    gpu: { ...fromParams.gpu, ...prices.gpu },
    source: `${prices.source}, ${fromParams.source}`,
  };
}

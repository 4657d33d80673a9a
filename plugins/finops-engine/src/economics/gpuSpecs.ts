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

import { normaliseGpuModel } from '../prices';

/**
 * Datasheet and power figures of one data-centre GPU model.
 *
 * @public
 */
export interface GpuSpec {
  /** GPU Feature Discovery spelling (`nvidia.com/gpu.product`). */
  model: string;
  /** Device memory in GB, as the datasheet states it. */
  memoryGb: number;
  /** Board power limit (TDP) in watts, from the datasheet. */
  tdpWatts: number;
  /**
   * Power at 0 % utilisation in watts: Cloud Carbon Footprint's GPU minimum
   * where CCF has the model, our H200 measurement for the H200, else
   * {@link DEFAULT_IDLE_FRACTION_OF_TDP} × TDP.
   */
  idleWatts: number;
  /** Power at 100 % utilisation in watts: CCF's GPU maximum where CCF has the model, else the TDP. */
  maxWatts: number;
  /** Where `idleWatts` and `maxWatts` come from. */
  powerSource: 'ccf' | 'measured' | 'tdp-ratio';
  /** Memory bandwidth, TB/s (bounds decode throughput). */
  memoryBandwidthTbs: number;
  /** Dense FP16/BF16 tensor TFLOPS (bounds prefill throughput). */
  fp16Tflops: number;
  /** Compute slices of a MIG partitioning (7, or 4 on the A30); absent when the GPU has no MIG. */
  migSlices?: number;
  /** MIG profiles the GPU offers, smallest first (NVIDIA MIG user guide). */
  migProfiles?: readonly string[];
  /** Embodied emissions attributed to the GPU itself, kgCO2e. */
  embodiedKgCo2e: number;
}

/**
 * Idle power as a share of TDP for GPUs without a CCF row or a measurement:
 * CCF's A100 figures (46 W idle of 407 W max, 11 %), the closest data-centre
 * part CCF covers.
 *
 * @public
 */
export const DEFAULT_IDLE_FRACTION_OF_TDP = 46 / 407;

/**
 * Embodied emissions per GPU card: Cloud Carbon Footprint adds 150 kgCO2e for
 * each GPU of a server (cloud-carbon-coefficients output/coefficients-aws-embodied.csv,
 * `additional_gpus` = 1,200 kg for 8-GPU platforms such as p4d.24xlarge and
 * p3.16xlarge; via shared/data/ccf-coefficients).
 *
 * @public
 */
export const CCF_EMBODIED_KG_PER_GPU = 150;

/**
 * The base embodied emissions of a server without its GPUs, kgCO2e (CCF's
 * 1,000 kg reference server, Methodology "Embodied Emissions").
 *
 * @public
 */
export const CCF_EMBODIED_KG_BASE_SERVER = 1000;

/**
 * Expected server lifetime, hours: CCF `SERVER_EXPECTED_LIFESPAN` = 35,040 h
 * (4 years), shared/data/ccf-constants/ccf_cloud_constants.json.
 *
 * @public
 */
export const SERVER_LIFETIME_HOURS = 35_040;

/**
 * The H200's power line, fitted by least squares to the 619 NVML samples of
 * shared/data/gpu-telemetry-h200/nvml_samples.csv (power against
 * `gpu_util_pct`): 112.76 W at 0 % and 507.05 W at 100 % utilisation. The
 * datasheet line (idle to the 700 W TDP) overstates that run's energy by
 * 28 %; the fitted line is within 0.1 % (see the README's calibration table).
 *
 * @public
 */
export const H200_MEASURED_CURVE = { idleWatts: 112.76, maxWatts: 507.05 };

const A100_80_MIG = [
  '1g.10gb',
  '1g.20gb',
  '2g.20gb',
  '3g.40gb',
  '4g.40gb',
  '7g.80gb',
];

const spec = (
  model: string,
  memoryGb: number,
  tdpWatts: number,
  memoryBandwidthTbs: number,
  fp16Tflops: number,
  power?: { idle: number; max: number; source: 'ccf' | 'measured' },
  mig?: { slices: number; profiles: string[] },
): GpuSpec => ({
  model,
  memoryGb,
  tdpWatts,
  idleWatts: power?.idle ?? tdpWatts * DEFAULT_IDLE_FRACTION_OF_TDP,
  maxWatts: power?.max ?? tdpWatts,
  powerSource: power?.source ?? 'tdp-ratio',
  memoryBandwidthTbs,
  fp16Tflops,
  ...(mig ? { migSlices: mig.slices, migProfiles: mig.profiles } : {}),
  embodiedKgCo2e: CCF_EMBODIED_KG_PER_GPU,
});

/**
 * GPU models the engine knows. Sources:
 * - memory, TDP, bandwidth and dense FP16/BF16 TFLOPS: NVIDIA datasheets
 *   (H100/H200 "NVIDIA H100 Tensor Core GPU" and "H200" datasheets, A100
 *   datasheet nvidia-a100-datasheet-us-nvidia-1758950-r4, L40S, L4
 *   PB-11316-001, A10, T4 datasheets); the TDPs agree with
 *   shared/data/mlco2-impact/gpus.csv (H100 SXM 700, H100 NVL 400, A100 SXM4
 *   400, A10G 150, L4 72, L40S 350, T4 70);
 * - idle and maximum watts: Cloud Carbon Footprint GPU table (Teads dataset;
 *   T4 8/71, A10G 18/153, A100 46/407, V100 35/306), via
 *   shared/data/ccf-constants/ccf_cloud_constants.json; the H200's line is
 *   fitted to our own measurement ({@link H200_MEASURED_CURVE});
 * - MIG profiles: NVIDIA MIG user guide, "Supported MIG Profiles".
 *
 * @public
 */
export const GPU_SPECS: readonly GpuSpec[] = [
  spec(
    'NVIDIA-H200',
    141,
    700,
    4.8,
    989,
    {
      idle: H200_MEASURED_CURVE.idleWatts,
      max: H200_MEASURED_CURVE.maxWatts,
      source: 'measured',
    },
    {
      slices: 7,
      profiles: [
        '1g.18gb',
        '1g.35gb',
        '2g.35gb',
        '3g.71gb',
        '4g.71gb',
        '7g.141gb',
      ],
    },
  ),
  spec('NVIDIA-H100-80GB-HBM3', 80, 700, 3.35, 989, undefined, {
    slices: 7,
    profiles: A100_80_MIG,
  }),
  spec('NVIDIA-H100-NVL', 94, 400, 3.9, 835, undefined, {
    slices: 7,
    profiles: [
      '1g.12gb',
      '1g.24gb',
      '2g.24gb',
      '3g.47gb',
      '4g.47gb',
      '7g.94gb',
    ],
  }),
  spec(
    'NVIDIA-A100-SXM4-80GB',
    80,
    400,
    2.039,
    312,
    { idle: 46, max: 407, source: 'ccf' },
    { slices: 7, profiles: A100_80_MIG },
  ),
  spec(
    'NVIDIA-A100-80GB-PCIe',
    80,
    300,
    1.935,
    312,
    { idle: 46, max: 407, source: 'ccf' },
    { slices: 7, profiles: A100_80_MIG },
  ),
  spec(
    'NVIDIA-A100-SXM4-40GB',
    40,
    400,
    1.555,
    312,
    { idle: 46, max: 407, source: 'ccf' },
    {
      slices: 7,
      profiles: [
        '1g.5gb',
        '1g.10gb',
        '2g.10gb',
        '3g.20gb',
        '4g.20gb',
        '7g.40gb',
      ],
    },
  ),
  spec('NVIDIA-A30', 24, 165, 0.933, 165, undefined, {
    slices: 4,
    profiles: ['1g.6gb', '2g.12gb', '4g.24gb'],
  }),
  spec('NVIDIA-L40S', 48, 350, 0.864, 362),
  spec('NVIDIA-A10G', 24, 150, 0.6, 70, { idle: 18, max: 153, source: 'ccf' }),
  spec('NVIDIA-A10', 24, 150, 0.6, 125),
  spec('NVIDIA-L4', 24, 72, 0.3, 121),
  spec('Tesla-T4', 16, 70, 0.32, 65, { idle: 8, max: 71, source: 'ccf' }),
  spec('Tesla-V100-SXM2-32GB', 32, 300, 0.9, 125, {
    idle: 35,
    max: 306,
    source: 'ccf',
  }),
  spec('Tesla-V100-SXM2-16GB', 16, 300, 0.9, 125, {
    idle: 35,
    max: 306,
    source: 'ccf',
  }),
];

// Product names as NVML/DCGM report them (`modelName`) or as people write
// them, mapped to the table's GFD spelling.
const ALIASES: ReadonlyArray<[RegExp, string]> = [
  [/H200/, 'NVIDIA-H200'],
  [/H100.*NVL/, 'NVIDIA-H100-NVL'],
  [/H100/, 'NVIDIA-H100-80GB-HBM3'],
  [/A100.*PCIE/, 'NVIDIA-A100-80GB-PCIe'],
  [/A100.*40GB/, 'NVIDIA-A100-SXM4-40GB'],
  [/A100/, 'NVIDIA-A100-SXM4-80GB'],
  [/A30\b|A30$/, 'NVIDIA-A30'],
  [/L40S/, 'NVIDIA-L40S'],
  [/A10G/, 'NVIDIA-A10G'],
  [/A10\b|A10$/, 'NVIDIA-A10'],
  [/(^|-)L4(\b|$)/, 'NVIDIA-L4'],
  [/T4\b|T4$/, 'Tesla-T4'],
  [/V100.*32GB/, 'Tesla-V100-SXM2-32GB'],
  [/V100/, 'Tesla-V100-SXM2-16GB'],
];

/**
 * The spec of a GPU model given as a GFD label (`NVIDIA-H100-80GB-HBM3`), a
 * product name (`NVIDIA H100 80GB HBM3`) or a MIG product label
 * (`NVIDIA-A100-SXM4-80GB-MIG-1g.10gb`, the slice suffix ignored).
 * `undefined` for unknown models.
 *
 * @public
 */
export function gpuSpecOf(model: string | undefined): GpuSpec | undefined {
  if (!model) return undefined;
  const wanted = normaliseGpuModel(model.replace(/-MIG-.*$/i, ''));
  const exact = GPU_SPECS.find(s => normaliseGpuModel(s.model) === wanted);
  if (exact) return exact;
  for (const [pattern, target] of ALIASES) {
    if (pattern.test(wanted)) return GPU_SPECS.find(s => s.model === target);
  }
  return undefined;
}

/**
 * A parsed MIG profile such as `1g.10gb`, `3g.40gb` or `1g.10gb+me`.
 *
 * @public
 */
export interface MigProfile {
  profile: string;
  /** Compute slices (the `g` count). */
  computeSlices: number;
  /** Memory of the instance, GB. */
  memoryGb: number;
}

/**
 * Parses a MIG profile name (DCGM's `GPU_I_PROFILE` label, or the
 * `nvidia.com/mig-<profile>` resource suffix). `undefined` when it is not one.
 *
 * @public
 */
export function parseMigProfile(profile: string): MigProfile | undefined {
  const m = /^(?:nvidia\.com\/mig-)?(\d+)g\.(\d+)gb/i.exec(profile.trim());
  if (!m) return undefined;
  return {
    profile: `${m[1]}g.${m[2]}gb`,
    computeSlices: Number(m[1]),
    memoryGb: Number(m[2]),
  };
}

/**
 * The share of a physical GPU that a MIG instance takes: the larger of its
 * compute share (g / 7, or g / 4 on the A30) and its memory share (memory
 * slices of 8, or 4 on the A30). That is what it blocks: 1g.10gb on an
 * A100-80GB is 1/7, 1g.20gb is 2/8 = 1/4 (only four fit), 3g.40gb is 1/2
 * (two fit), 7g.80gb is 1.
 *
 * @public
 */
export function migShare(profile: string, gpuModel?: string): number {
  const mig = parseMigProfile(profile);
  if (!mig) throw new RangeError(`'${profile}' is not a MIG profile`);
  const gpu = gpuSpecOf(gpuModel);
  const slices = gpu?.migSlices ?? (/A30/i.test(gpuModel ?? '') ? 4 : 7);
  const memorySlots = slices === 4 ? 4 : 8;
  const computeShare = mig.computeSlices / slices;
  if (!gpu) return Math.min(1, computeShare);
  const memoryShare =
    Math.round((mig.memoryGb / gpu.memoryGb) * memorySlots) / memorySlots;
  return Math.min(1, Math.max(computeShare, memoryShare));
}

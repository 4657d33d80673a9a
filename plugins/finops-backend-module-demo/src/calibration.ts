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

/*
 * Figures the demo generator is calibrated on. Every number below was read
 * from the shared real-world data next to the repository (`../shared/data`)
 * by `scripts/calibrate.mjs`, which prints them; re-run it to check. The data
 * files themselves are not part of this package. `calibration.test.ts`
 * recomputes a sample of them from the files when the folder is present.
 *
 * Numbers that are *assumptions* (serving throughput, discounts, fleet sizes)
 * are not here; they live in `services.ts`, each marked as such.
 */

/**
 * GPU models of the demo fleet, spelled as GPU Feature Discovery's
 * `nvidia.com/gpu.product` label does.
 *
 * @public
 */
export type DemoGpuModel =
  | 'NVIDIA-H100-80GB-HBM3'
  | 'NVIDIA-H200'
  | 'NVIDIA-A100-SXM4-80GB'
  | 'NVIDIA-L4'
  | 'NVIDIA-L40S'
  | 'Tesla-T4';

/**
 * Price, shape and power of one GPU model as the demo uses it.
 *
 * @public
 */
export interface GpuCalibration {
  /** Cloud the price comes from. */
  provider: 'AWS' | 'Azure';
  /** Region of the list price. */
  region: string;
  /** Instance type whose on-demand price is split per GPU. */
  instanceType: string;
  /** GPUs in that instance type. */
  gpusPerInstance: number;
  /** On-demand Linux list price of the instance, USD per hour. */
  instancePricePerHour: number;
  /** List price per GPU-hour: the instance price divided by its GPUs. */
  pricePerGpuHour: number;
  /** Thermal design power (board power limit), W. */
  tdpWatts: number;
  /** Board power of an idle GPU with a model loaded, W. */
  idleWatts: number;
  /** Board power at 100 % utilisation on the demo's linear power curve, W. */
  maxWatts: number;
}

// --- Measured H200 power curve ----------------------------------------------
// Source: shared/data/gpu-telemetry-h200 (own measurement, free use; request
// arrivals replayed from the Azure LLM inference trace 2023, CC-BY-4.0).

/** Power limit of the measured H200, W (nvidia-smi, gpu-telemetry-h200/README.md). */
export const H200_TDP_WATTS = 700;
/** Mean board power in phase `idle_loaded` (model resident, SM clock 1,980 MHz), nvml_samples.csv. */
export const H200_IDLE_WATTS = 118.7;
/** Mean board power in phase `replay_4x`, nvml_samples.csv. */
export const H200_BUSY_WATTS = 421.4;
/** Mean `gpu_util_pct` / 100 in phase `replay_4x`, nvml_samples.csv. */
export const H200_BUSY_UTILIZATION = 0.767;
/** Highest board power sample, nvml_samples.csv. */
export const H200_MAX_OBSERVED_WATTS = 559.4;
/**
 * Least-squares line power_w = 115.49 + 3.906 * gpu_util_pct over every
 * nvml_samples.csv sample outside the `load` phase (593 samples), evaluated at
 * 100 %: 506.09 W. The demo's curve runs linearly from {@link H200_IDLE_WATTS}
 * at 0 % to this value at 100 % (at 76.7 % it gives 415.9 W against the
 * measured 421.4 W).
 */
export const H200_FULL_UTIL_WATTS = 506.09;
/**
 * Steady-state sweep at batch 128 (sweep_throughput.csv, sweep_nvml.csv):
 * 1.1 B-parameter Llama-shaped decoder, context 512, 128 new tokens.
 */
export const H200_SWEEP_BATCH_128 = {
  generatedTokensPerSecond: 8184.9,
  promptTokensPerSecond: 32739.5,
  /** Mean NVML utilisation during the `b128` phase. */
  utilization: 0.5281,
  /** Mean board power during the `b128` phase, W. */
  watts: 300.2,
  /** Parameters of the measured model (sweep_meta.json). */
  modelParams: 1100048384,
} as const;

/** Idle power as a share of the power limit (118.7 / 700), used to scale other GPUs. */
export const IDLE_POWER_FRACTION = H200_IDLE_WATTS / H200_TDP_WATTS;
/** Full-utilisation power as a share of the power limit (506.09 / 700), used to scale other GPUs. */
export const FULL_UTIL_POWER_FRACTION = H200_FULL_UTIL_WATTS / H200_TDP_WATTS;

// --- TDPs -------------------------------------------------------------------
// Source: shared/data/mlco2-impact/gpus.csv (mlco2/impact @ d0d3ee5a, MIT),
// column tdp_watts of rows "H100 SXM", "A100 SXM4 80 GB", "L40S", "L4", "T4".
// The H200 is not in that table; its 700 W is the measured card's power limit.
const TDP_WATTS: Record<DemoGpuModel, number> = {
  'NVIDIA-H100-80GB-HBM3': 700,
  'NVIDIA-H200': H200_TDP_WATTS,
  'NVIDIA-A100-SXM4-80GB': 400,
  'NVIDIA-L40S': 350,
  'NVIDIA-L4': 72,
  'Tesla-T4': 70,
};

// --- GPU prices ---------------------------------------------------------------
// Source: shared/data/cloud-ondemand-prices/gpu_accel_prices_hourly_aws_azure_gcp.csv
// (Karpenter providers' generated price tables, Apache-2.0; AWS generated
// 2026-07-20, Azure 2026-06-18), on-demand Linux USD per hour, divided by the
// instance's GPU count (the files carry no GPU counts; these are the published
// shapes):
//   H100  AWS   us-east-1      p5.48xlarge          $55.04/h   / 8 = $6.88
//   H200  AWS   us-east-1      p5en.48xlarge        $63.296/h  / 8 = $7.912
//   A100  AWS   us-east-1      p4de.24xlarge        $27.44705/h / 8 = $3.43088
//   L4    AWS   us-east-1      g6.xlarge            $0.8048/h  / 1
//   L40S  AWS   us-east-1      g6e.xlarge           $1.861/h   / 1
//   T4    Azure swedencentral  Standard_NC4as_T4_v3 $0.558/h   / 1
// (For T4 on AWS, g4dn.xlarge in us-east-1 is $0.526/h; the demo's speech team
// runs in Sweden Central.)
const PRICES: Record<
  DemoGpuModel,
  Pick<
    GpuCalibration,
    | 'provider'
    | 'region'
    | 'instanceType'
    | 'gpusPerInstance'
    | 'instancePricePerHour'
  >
> = {
  'NVIDIA-H100-80GB-HBM3': {
    provider: 'AWS',
    region: 'us-east-1',
    instanceType: 'p5.48xlarge',
    gpusPerInstance: 8,
    instancePricePerHour: 55.04,
  },
  'NVIDIA-H200': {
    provider: 'AWS',
    region: 'us-east-1',
    instanceType: 'p5en.48xlarge',
    gpusPerInstance: 8,
    instancePricePerHour: 63.296,
  },
  'NVIDIA-A100-SXM4-80GB': {
    provider: 'AWS',
    region: 'us-east-1',
    instanceType: 'p4de.24xlarge',
    gpusPerInstance: 8,
    instancePricePerHour: 27.44705,
  },
  'NVIDIA-L4': {
    provider: 'AWS',
    region: 'us-east-1',
    instanceType: 'g6.xlarge',
    gpusPerInstance: 1,
    instancePricePerHour: 0.8048,
  },
  'NVIDIA-L40S': {
    provider: 'AWS',
    region: 'us-east-1',
    instanceType: 'g6e.xlarge',
    gpusPerInstance: 1,
    instancePricePerHour: 1.861,
  },
  'Tesla-T4': {
    provider: 'Azure',
    region: 'swedencentral',
    instanceType: 'Standard_NC4as_T4_v3',
    gpusPerInstance: 1,
    instancePricePerHour: 0.558,
  },
};

function gpuCalibration(model: DemoGpuModel): GpuCalibration {
  const price = PRICES[model];
  const tdpWatts = TDP_WATTS[model];
  return {
    ...price,
    pricePerGpuHour: price.instancePricePerHour / price.gpusPerInstance,
    tdpWatts,
    // Other GPUs: the H200's idle and full-utilisation power as shares of its
    // power limit, applied to each model's TDP (H100: 118.7 W / 506.1 W; A100:
    // 67.8 / 289.2; L40S: 59.4 / 253.0; L4: 12.2 / 52.1; T4: 11.9 / 50.6).
    idleWatts: tdpWatts * IDLE_POWER_FRACTION,
    maxWatts: tdpWatts * FULL_UTIL_POWER_FRACTION,
  };
}

/**
 * Price and power per GPU model.
 *
 * @public
 */
export const GPU_CALIBRATION: Readonly<Record<DemoGpuModel, GpuCalibration>> =
  Object.freeze({
    'NVIDIA-H100-80GB-HBM3': gpuCalibration('NVIDIA-H100-80GB-HBM3'),
    'NVIDIA-H200': gpuCalibration('NVIDIA-H200'),
    'NVIDIA-A100-SXM4-80GB': gpuCalibration('NVIDIA-A100-SXM4-80GB'),
    'NVIDIA-L4': gpuCalibration('NVIDIA-L4'),
    'NVIDIA-L40S': gpuCalibration('NVIDIA-L40S'),
    'Tesla-T4': gpuCalibration('Tesla-T4'),
  });

/**
 * Board power per GPU at a utilisation in [0, 1]: linear from idle to
 * full-utilisation power, the shape fitted on the measured H200.
 */
export function gpuPowerWatts(
  model: DemoGpuModel,
  utilization: number,
): number {
  const { idleWatts, maxWatts } = GPU_CALIBRATION[model];
  if (utilization <= 0) {
    return idleWatts;
  }
  if (utilization >= 1) {
    return maxWatts;
  }
  return idleWatts + (maxWatts - idleWatts) * utilization;
}

// --- CPU and memory -----------------------------------------------------------
// Source: shared/data/cloud-ondemand-prices/ondemand_linux_hourly_aws_azure.csv.
// Least-squares fit price = a * vCPU + b * GiB over one compute-, general- and
// memory-optimised size of a generation (8 vCPU each; 16, 32, 64 GiB):
//   us-east-1:     c7i.2xlarge $0.357, m7i.2xlarge $0.4032, r7i.2xlarge $0.5292
//                  -> $0.03675 per vCPU-hour, $0.0036375 per GiB-hour
//   swedencentral: Standard_F8s_v2 $0.388, Standard_D8s_v5 $0.408,
//                  Standard_E8s_v5 $0.536 -> $0.0405 per vCPU-hour, $0.00321429 per GiB-hour
/**
 * On-demand price of a requested vCPU and GiB of memory per hour, by region.
 *
 * @public
 */
export const CPU_MEMORY_RATES: Readonly<
  Record<string, { perVcpuHour: number; perGibHour: number }>
> = Object.freeze({
  'us-east-1': { perVcpuHour: 0.03675, perGibHour: 0.0036375 },
  swedencentral: { perVcpuHour: 0.0405, perGibHour: 0.00321429 },
});

// --- Storage and network --------------------------------------------------------
// Source: shared/data/opencost/configs_aws.json and configs_azure.json
// (opencost/opencost @ 5f653330, Apache-2.0): OpenCost's default prices.
/**
 * Storage and network prices per cloud, USD.
 *
 * @public
 */
export const STORAGE_NETWORK_RATES: Readonly<
  Record<
    'AWS' | 'Azure',
    {
      /** Persistent volume, per GiB-hour ($0.04 per GiB-month / 730 h). */
      storagePerGibHour: number;
      /** Traffic between zones, per GiB. */
      zoneEgressPerGib: number;
      /** Traffic to the internet, per GiB. */
      internetEgressPerGib: number;
    }
  >
> = Object.freeze({
  AWS: {
    storagePerGibHour: 0.00005479452,
    zoneEgressPerGib: 0.01,
    internetEgressPerGib: 0.143,
  },
  Azure: {
    storagePerGibHour: 0.00005479452,
    zoneEgressPerGib: 0.01,
    internetEgressPerGib: 0.0725,
  },
});

// --- Daily and weekly cycle -----------------------------------------------------
// Source: shared/data/sustaindc-workload-hourly/GoogleClusteData_CPU_Data_Hourly_1.csv
// (Google cluster data 2011, CC-BY-4.0, aggregated hourly by SustainDC,
// HewlettPackard/dc-rl, MIT): 8,760 hourly CPU-load fractions without
// timestamps. google/cluster-data's ClusterData2011_2.md says the trace starts
// at 19:00 EDT on Sunday 1 May 2011 and the cluster is in US Eastern time, so
// row i is read as local time Sunday 19:00 + i hours (under that alignment
// Saturday and Sunday are the two lowest days, which supports it). Means per
// local hour and per weekday, each divided by their overall mean. The two
// Alibaba series in the folder are one week repeated and show no daily cycle,
// so they are not used.

/**
 * Relative load per local hour of day (index 0 = 00:00), mean 1.
 *
 * @public
 */
export const HOUR_OF_DAY_PROFILE: readonly number[] = Object.freeze([
  0.955, 0.9323, 0.9251, 0.9542, 0.9553, 0.9649, 0.9727, 0.9809, 1.032, 1.024,
  1.032, 1.014, 1.033, 1.031, 1.025, 1.048, 1.035, 1.035, 1.039, 1.074, 1.056,
  0.9953, 0.9594, 0.9261,
]);

/**
 * Relative load per local weekday (index 0 = Sunday), mean 1.
 *
 * @public
 */
export const DAY_OF_WEEK_PROFILE: readonly number[] = Object.freeze([
  0.875, 1.011, 1.076, 1.051, 1.074, 0.9919, 0.9217,
]);

// --- Token mixes ------------------------------------------------------------------
// Source: shared/data/azure-llm-inference-2023 (Azure LLM Inference Trace 2023,
// Microsoft Azure, CC-BY-4.0; Patel et al., "Splitwise", ISCA 2024): mean
// ContextTokens and GeneratedTokens per request, about one hour of production
// traffic on 2023-11-16.

/**
 * Mean prompt and generated tokens per request of the two traced services.
 *
 * @public
 */
export const TOKEN_MIX = Object.freeze({
  /** AzureLLMInferenceTrace_code.csv, 8,819 requests. */
  code: { inputTokens: 2047.8, outputTokens: 27.883 },
  /** AzureLLMInferenceTrace_conv.csv, 19,366 requests. */
  conv: { inputTokens: 1154.7, outputTokens: 211.13 },
});

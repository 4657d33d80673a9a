#!/usr/bin/env node
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

// One-off calibration of the demo data source against the shared real-world
// data that sits next to the monorepo (../shared/data). It reads the files in
// place and prints the constants that src/calibration.ts carries; nothing is
// copied into the repository.
//
//   node plugins/finops-backend-module-demo/scripts/calibrate.mjs [dataDir]
//
// The data folder is found as the sibling `shared/data` of the monorepo root
// (the nearest directory above this script whose package.json declares
// "workspaces"), unless a path is given.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (
      existsSync(pkg) &&
      'workspaces' in JSON.parse(readFileSync(pkg, 'utf8'))
    ) {
      return dir;
    }
    if (path.dirname(dir) === dir)
      throw new Error(`no monorepo root above ${from}`);
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir =
  process.argv[2] ?? path.resolve(findRepoRoot(here), '..', 'shared', 'data');
if (!existsSync(dataDir)) {
  console.error(`shared data folder not found at ${dataDir}`);
  process.exit(1);
}

/** Minimal CSV reader: no quoted commas in the files used here. */
function readCsv(rel) {
  const text = readFileSync(path.join(dataDir, rel), 'utf8');
  const lines = text
    .split(/\r?\n/)
    .filter(l => l.trim() !== '' && !l.startsWith('#'));
  const header = lines[0].split(',').map(h => h.trim());
  return lines.slice(1).map(line => {
    const cells = line.split(',');
    return Object.fromEntries(
      header.map((h, i) => [h, (cells[i] ?? '').trim()]),
    );
  });
}

const mean = xs => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (x, digits = 6) => Number(x.toPrecision(digits));

/** Least squares for y = a*x1 + b*x2 (no intercept), two unknowns. */
function fit2(rows) {
  let s11 = 0;
  let s12 = 0;
  let s22 = 0;
  let t1 = 0;
  let t2 = 0;
  for (const [x1, x2, y] of rows) {
    s11 += x1 * x1;
    s12 += x1 * x2;
    s22 += x2 * x2;
    t1 += x1 * y;
    t2 += x2 * y;
  }
  const det = s11 * s22 - s12 * s12;
  return [(t1 * s22 - t2 * s12) / det, (s11 * t2 - s12 * t1) / det];
}

/** Ordinary least squares y = intercept + slope*x. */
function linearFit(xs, ys) {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

const out = {};

// --- 1. GPU instance prices -------------------------------------------------
// The price files carry no GPU counts; these are the instances' published
// shapes (GPUs, vCPUs, GiB).
const gpuInstances = {
  'NVIDIA-H100-80GB-HBM3': ['AWS', 'us-east-1', 'p5.48xlarge', 8],
  'NVIDIA-H200': ['AWS', 'us-east-1', 'p5en.48xlarge', 8],
  'NVIDIA-A100-SXM4-80GB': ['AWS', 'us-east-1', 'p4de.24xlarge', 8],
  'NVIDIA-L4': ['AWS', 'us-east-1', 'g6.xlarge', 1],
  'NVIDIA-L40S': ['AWS', 'us-east-1', 'g6e.xlarge', 1],
  'Tesla-T4': ['Azure', 'swedencentral', 'Standard_NC4as_T4_v3', 1],
};
const gpuPrices = readCsv(
  'cloud-ondemand-prices/gpu_accel_prices_hourly_aws_azure_gcp.csv',
);
out.gpuPrices = {};
for (const [model, [provider, region, instanceType, gpus]] of Object.entries(
  gpuInstances,
)) {
  const row = gpuPrices.find(
    r =>
      r.provider === provider &&
      r.region === region &&
      r.instance_type === instanceType &&
      r.pricing === 'on_demand',
  );
  if (!row || row.currency !== 'USD')
    throw new Error(`no USD price for ${instanceType} in ${region}`);
  const instancePerHour = Number(row.price_per_hour);
  out.gpuPrices[model] = {
    provider,
    region,
    instanceType,
    gpus,
    instancePerHour,
    perGpuHour: round(instancePerHour / gpus, 8),
  };
}

// --- 2. CPU and memory rates from general-purpose families -------------------
// Fit price = a * vCPU + b * GiB over a compute-, general- and memory-optimised
// size of the same generation (8 vCPU each; 16, 32, 64 GiB).
const ondemand = readCsv(
  'cloud-ondemand-prices/ondemand_linux_hourly_aws_azure.csv',
);
function cpuMemRates(provider, region, shapes) {
  const rows = shapes.map(([type, vcpu, gib]) => {
    const row = ondemand.find(
      r =>
        r.provider === provider &&
        r.region === region &&
        r.instance_type === type,
    );
    if (!row) throw new Error(`no price for ${type} in ${region}`);
    return [vcpu, gib, Number(row.price_per_hour)];
  });
  const [perVcpu, perGib] = fit2(rows);
  return {
    provider,
    region,
    instances: Object.fromEntries(shapes.map(([t], i) => [t, rows[i][2]])),
    perVcpuHour: round(perVcpu),
    perGibHour: round(perGib),
  };
}
out.cpuMemRates = {
  'us-east-1': cpuMemRates('AWS', 'us-east-1', [
    ['c7i.2xlarge', 8, 16],
    ['m7i.2xlarge', 8, 32],
    ['r7i.2xlarge', 8, 64],
  ]),
  swedencentral: cpuMemRates('Azure', 'swedencentral', [
    ['Standard_F8s_v2', 8, 16],
    ['Standard_D8s_v5', 8, 32],
    ['Standard_E8s_v5', 8, 64],
  ]),
};

// --- 3. OpenCost default storage and network prices --------------------------
out.opencost = {};
for (const provider of ['aws', 'azure']) {
  const cfg = JSON.parse(
    readFileSync(
      path.join(dataDir, `opencost/configs_${provider}.json`),
      'utf8',
    ),
  );
  out.opencost[provider] = {
    storagePerGibHour: Number(cfg.storage),
    zoneNetworkEgressPerGib: Number(cfg.zoneNetworkEgress),
    internetNetworkEgressPerGib: Number(cfg.internetNetworkEgress),
  };
}

// --- 4. H200 power curve and throughput (own measurement) --------------------
const nvml = readCsv('gpu-telemetry-h200/nvml_samples.csv').map(r => ({
  phase: r.phase,
  util: Number(r.gpu_util_pct),
  power: Number(r.power_w),
}));
const byPhase = phase => nvml.filter(r => r.phase === phase);
const serving = nvml.filter(r => r.phase !== 'load');
const fit = linearFit(
  serving.map(r => r.util),
  serving.map(r => r.power),
);
const sweep = readCsv('gpu-telemetry-h200/sweep_throughput.csv');
const sweepNvml = readCsv('gpu-telemetry-h200/sweep_nvml.csv');
const b128 = sweep.find(r => r.batch === '128');
const b128Nvml = sweepNvml.filter(r => r.phase === 'b128');
out.h200 = {
  tdpWatts: 700, // power limit reported by nvidia-smi, gpu-telemetry-h200/README.md
  idleWatts: round(mean(byPhase('idle_loaded').map(r => r.power)), 4),
  busyWatts: round(mean(byPhase('replay_4x').map(r => r.power)), 4),
  busyUtilization: round(mean(byPhase('replay_4x').map(r => r.util)) / 100, 4),
  maxObservedWatts: Math.max(...nvml.map(r => r.power)),
  fitInterceptWatts: round(fit.intercept, 5),
  fitWattsPerUtilPct: round(fit.slope, 5),
  fitWattsAtFullUtil: round(fit.intercept + 100 * fit.slope, 5),
  sweepBatch128: {
    generatedTokensPerSecond: Number(b128.gen_tokens_per_s),
    promptTokensPerSecond: Number(b128.prompt_tokens_per_s),
    utilization: round(
      mean(b128Nvml.map(r => Number(r.gpu_util_pct))) / 100,
      4,
    ),
    watts: round(mean(b128Nvml.map(r => Number(r.power_w))), 4),
  },
  modelParams: JSON.parse(
    readFileSync(
      path.join(dataDir, 'gpu-telemetry-h200/sweep_meta.json'),
      'utf8',
    ),
  ).params,
};

// --- 5. TDPs (ML CO2 Impact) -------------------------------------------------
const gpus = readCsv('mlco2-impact/gpus.csv');
const tdpOf = name => {
  const row = gpus.find(r => r.name === name);
  if (!row) throw new Error(`no TDP for ${name}`);
  return Number(row.tdp_watts);
};
out.tdp = {
  'NVIDIA-H100-80GB-HBM3': tdpOf('H100 SXM'),
  'NVIDIA-A100-SXM4-80GB': tdpOf('A100 SXM4 80 GB'),
  'NVIDIA-L40S': tdpOf('L40S'),
  'NVIDIA-L4': tdpOf('L4'),
  'Tesla-T4': tdpOf('T4'),
};

// --- 6. Daily and weekly cycle (Google cluster 2011 via SustainDC) -----------
// The series has no timestamps. google/cluster-data ClusterData2011_2.md: the
// trace starts at 19:00 EDT on Sunday 1 May 2011, cluster in US Eastern; we
// read index i as local time Sunday 19:00 + i hours. (Under that alignment the
// two lowest days are Saturday and Sunday, which supports it.)
const google = readCsv(
  'sustaindc-workload-hourly/GoogleClusteData_CPU_Data_Hourly_1.csv',
).map(r => Number(r.cpu_load));
const hourSums = new Array(24).fill(0);
const hourCounts = new Array(24).fill(0);
const daySums = new Array(7).fill(0);
const dayCounts = new Array(7).fill(0);
google.forEach((v, i) => {
  const local = 19 + i; // hours since Sunday 00:00 local
  const hour = local % 24;
  const day = Math.floor(local / 24) % 7; // 0 = Sunday
  hourSums[hour] += v;
  hourCounts[hour] += 1;
  daySums[day] += v;
  dayCounts[day] += 1;
});
const hourMeans = hourSums.map((s, i) => s / hourCounts[i]);
const dayMeans = daySums.map((s, i) => s / dayCounts[i]);
const hm = mean(hourMeans);
const dm = mean(dayMeans);
out.cycle = {
  samples: google.length,
  hourOfDay: hourMeans.map(x => round(x / hm, 4)),
  dayOfWeekSundayFirst: dayMeans.map(x => round(x / dm, 4)),
};

// --- 7. Token mixes (Azure LLM inference trace 2023) -------------------------
out.tokenMix = {};
for (const kind of ['code', 'conv']) {
  const rows = readCsv(
    `azure-llm-inference-2023/AzureLLMInferenceTrace_${kind}.csv`,
  );
  out.tokenMix[kind] = {
    requests: rows.length,
    meanContextTokens: round(mean(rows.map(r => Number(r.ContextTokens))), 5),
    meanGeneratedTokens: round(
      mean(rows.map(r => Number(r.GeneratedTokens))),
      5,
    ),
  };
}

console.log(JSON.stringify(out, null, 2));

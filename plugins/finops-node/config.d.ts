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

export interface Config {
  finops?: {
    /** Prices, on top of the embedded GPU instance list prices. */
    prices?: {
      /**
       * Prices you know better than the list or your bills, e.g. negotiated
       * rates. They take precedence over prices learned from FOCUS exports,
       * which take precedence over the embedded list prices. Each entry
       * names what it prices (`instanceType`, `gpuModel` or both), may be
       * limited to a `provider` (`aws`, `azure`, `gcp`) and a
       * `region`, and gives `usdPerHour` (per instance-hour) and/or
       * `usdPerGpuHour`. The most specific matching entry wins; the first
       * listed on a tie.
       */
      overrides?: Array<{
        provider?: string;
        region?: string;
        /** E.g. `p5.48xlarge`, `Standard_ND96isr_H100_v5`, `a3-highgpu-8g`. */
        instanceType?: string;
        /** As GPU Feature Discovery spells it, e.g. `NVIDIA-H100-80GB-HBM3`. */
        gpuModel?: string;
        usdPerGpuHour?: number;
        usdPerHour?: number;
      }>;
    };
  };
}

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
 * GPU time per output (decode) token relative to an input (prefill) token,
 * used when neither measured phase times nor the serving rates are known.
 * Prefill runs a whole prompt in one compute-bound pass; decode is
 * memory-bound, one token per sequence per pass. Our simulator's replica
 * profiles put the ratio of prefill to decode tokens/s at 2.9 (L4, 8B model)
 * to 6.4 (H100, 8B model); 4 sits between them, and matches the
 * output/input list-price ratio of the large API vendors (4–5×).
 *
 * @public
 */
export const DEFAULT_OUTPUT_TOKEN_WEIGHT = 4;

/**
 * How the cost splits between input and output tokens.
 *
 * @public
 */
export type TokenCostSplit =
  /** Measured GPU seconds in each phase (vLLM `request_prefill_time_seconds` and `request_decode_time_seconds` sums). */
  | { prefillSeconds: number; decodeSeconds: number }
  /** Serving rates of the replica: prefill and decode tokens per second at full batch. */
  | { prefillTokensPerSecond: number; decodeTokensPerSecond: number }
  /** GPU time of an output token relative to an input token. */
  | { outputTokenWeight: number };

/**
 * Inputs of {@link unitEconomics}.
 *
 * @public
 */
export interface UnitEconomicsInput {
  /** Cost of the period, all GPU-hours held (idle included), USD. */
  cost: number;
  inputTokens: number;
  outputTokens: number;
  requests: number;
  /** How to split; default {@link DEFAULT_OUTPUT_TOKEN_WEIGHT}. */
  split?: TokenCostSplit;
  /**
   * Tokens the GPUs held could have served in the period, in output-token
   * equivalents (capacity × seconds); gives the utilisation and the cost at
   * full utilisation.
   */
  capacityTokenEquivalents?: number;
}

/**
 * Unit costs at the observed utilisation.
 *
 * @public
 */
export interface UnitEconomics {
  /** Cost per million tokens, input and output together. */
  costPerMillionTokens?: number;
  costPerMillionInputTokens?: number;
  costPerMillionOutputTokens?: number;
  costPerRequest?: number;
  /** Share of the cost carried by input tokens. */
  inputCostShare: number;
  /** Output-token weight used for the split. */
  outputTokenWeight: number;
  /** Token work served over capacity, 0..1 (when capacity is given). */
  utilization?: number;
  /** Cost per million tokens had the same GPUs run at full utilisation. */
  costPerMillionTokensAtFullUtilization?: number;
}

function outputWeight(
  split: TokenCostSplit | undefined,
  inTok: number,
  outTok: number,
): number {
  if (!split) return DEFAULT_OUTPUT_TOKEN_WEIGHT;
  if ('outputTokenWeight' in split) {
    if (!(split.outputTokenWeight > 0)) {
      throw new RangeError('outputTokenWeight must be positive');
    }
    return split.outputTokenWeight;
  }
  if ('prefillTokensPerSecond' in split) {
    if (
      !(split.prefillTokensPerSecond > 0 && split.decodeTokensPerSecond > 0)
    ) {
      throw new RangeError(
        'prefill and decode tokens per second must be positive',
      );
    }
    return split.prefillTokensPerSecond / split.decodeTokensPerSecond;
  }
  // Measured seconds: seconds per token of each phase, as a ratio.
  if (
    !(split.prefillSeconds > 0 && split.decodeSeconds > 0) ||
    !inTok ||
    !outTok
  ) {
    return DEFAULT_OUTPUT_TOKEN_WEIGHT;
  }
  return split.decodeSeconds / outTok / (split.prefillSeconds / inTok);
}

/**
 * $ per million tokens (all, input, output) and $ per request at the
 * observed utilisation: the period's whole cost, idle time included, over
 * the tokens actually served. The split gives each token a weight equal to
 * the GPU time it takes: input 1, output w, where w comes from measured
 * prefill and decode seconds (per token), else the replica's prefill and
 * decode rates, else {@link DEFAULT_OUTPUT_TOKEN_WEIGHT}. Input cost share =
 * in / (in + w × out).
 *
 * @public
 */
export function unitEconomics(input: UnitEconomicsInput): UnitEconomics {
  const { cost, inputTokens: inTok, outputTokens: outTok, requests } = input;
  for (const [name, v] of Object.entries({ cost, inTok, outTok, requests })) {
    if (!(v >= 0))
      throw new RangeError(`${name} must be a number ≥ 0, got ${v}`);
  }
  const w = outputWeight(input.split, inTok, outTok);
  const weighted = inTok + w * outTok;
  const inputShare = weighted ? inTok / weighted : 0;
  const tokens = inTok + outTok;
  const out: UnitEconomics = {
    inputCostShare: inputShare,
    outputTokenWeight: w,
  };
  if (tokens) out.costPerMillionTokens = (cost / tokens) * 1e6;
  if (inTok)
    out.costPerMillionInputTokens = ((cost * inputShare) / inTok) * 1e6;
  if (outTok) {
    out.costPerMillionOutputTokens = ((cost * (1 - inputShare)) / outTok) * 1e6;
  }
  if (requests) out.costPerRequest = cost / requests;
  if (input.capacityTokenEquivalents && input.capacityTokenEquivalents > 0) {
    // Work in output-token equivalents: an input token is 1/w of one.
    const work = inTok / w + outTok;
    out.utilization = Math.min(1, work / input.capacityTokenEquivalents);
    if (tokens && out.utilization > 0) {
      out.costPerMillionTokensAtFullUtilization =
        out.costPerMillionTokens! * out.utilization;
    }
  }
  return out;
}

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
  FORECAST_LIMITS,
  SIMULATION_LIMITS,
} from '@ai-finops/backstage-plugin-finops-engine';
import { InputError } from '@backstage/errors';
import { createReadStream } from 'node:fs';
import fsPromises from 'node:fs/promises';

// The limits of the CLI's options and inputs (packages/cli/README.md,
// "Limits"). The engine enforces its own (forecast horizon and seasons,
// trace size, span, tokens, step); the CLI checks them first so that the
// error names the option.

/**
 * The one-line error for an input file the CLI cannot read: an `InputError`
 * as it is, otherwise `<file>: cannot read the file (<reason>)`.
 */
export function unreadableFile(file: string, error: unknown): InputError {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new InputError(
    `${file}: cannot read the file (${
      code === 'ENOENT' ? 'no such file' : code ?? String(error)
    })`,
  );
}

const MIB = 1024 * 1024;

/** Bytes of a series CSV that forecast and detect read (256 MiB). */
export const MAX_SERIES_FILE_BYTES = 256 * MIB;
/**
 * Bytes of a manifest file, of stdin and of a `--policies` file that check
 * and estimate read: 5 MiB, as each file of a folder (`readManifestFiles`).
 */
export const MAX_MANIFEST_FILE_BYTES = 5 * MIB;
/** Bytes of a `--prices` CSV (1 MiB: a row per GPU model, cpu and memory). */
export const MAX_PRICES_FILE_BYTES = 1 * MIB;
/** FOCUS exports `ingest focus` reads from one location (folder, glob, prefix). */
export const MAX_FOCUS_FILES = 10_000;
/** Series in one forecast or detect input. */
export const MAX_SERIES = 10_000;
/** Time steps of one series on its regular grid (first to last timestamp). */
export const MAX_SERIES_STEPS = 1_000_000;
/** Time steps of all series of one forecast input together. */
export const MAX_TOTAL_STEPS = 10_000_000;
/** Rows forecast in one run (series × horizon; about 70 MB of CSV). */
export const MAX_FORECAST_ROWS = 1_000_000;

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * The text of a file, or of a stream such as stdin, of at most `maxBytes`
 * (a whole number of MiB). A larger one is refused as
 * `<name>: N bytes; at most M (X MiB)`, before it is read when its size is
 * known; a stream (stdin, a FIFO such as `<(kustomize build)`) is read up to
 * the limit only. File system errors are thrown as they are.
 */
export async function readTextAtMost(
  name: string,
  source: string | NodeJS.ReadableStream,
  maxBytes: number,
): Promise<string> {
  const limit = `${fmt(maxBytes)} (${maxBytes / MIB} MiB)`;
  let stream = source;
  if (typeof source === 'string') {
    const stat = await fsPromises.stat(source);
    if (stat.isFile() && stat.size > maxBytes) {
      throw new InputError(
        `${name}: ${fmt(stat.size)} bytes; at most ${limit}`,
      );
    }
    stream = createReadStream(source);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += bytes.length;
    if (total > maxBytes) {
      // Leaving the loop destroys the stream: the rest is not read.
      throw new InputError(
        `${name}: more than ${fmt(maxBytes)} bytes (${
          maxBytes / MIB
        } MiB), the limit`,
      );
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A number option: finite and within [min, max] (`exclusiveMin`: above min),
 * whole when `integer`; refused as `--flag value: …` otherwise.
 */
export function numberOption(
  flag: string,
  text: string,
  limits: {
    min: number;
    max: number;
    exclusiveMin?: boolean;
    integer?: boolean;
    /** What the maximum is, e.g. 'one year of hours'. */
    why?: string;
  },
): number {
  const v = Number(text);
  const shown = `${flag} ${text.trim() || `'${text}'`}`;
  const kind = limits.integer ? 'a whole number' : 'a number';
  if (!text.trim() || !Number.isFinite(v)) {
    throw new InputError(`${shown}: not ${kind}`);
  }
  if (limits.integer && !Number.isInteger(v)) {
    throw new InputError(`${shown}: not ${kind}`);
  }
  if (limits.exclusiveMin ? v <= limits.min : v < limits.min) {
    throw new InputError(
      `${shown}: ${limits.exclusiveMin ? 'more than' : 'at least'} ${fmt(
        limits.min,
      )}`,
    );
  }
  if (v > limits.max) {
    throw new InputError(
      `${shown}: at most ${fmt(limits.max)}${
        limits.why ? ` (${limits.why})` : ''
      }`,
    );
  }
  return v;
}

/** The limits of `simulate`'s options. */
export const SIMULATE_OPTION_LIMITS = {
  hours: {
    min: 1,
    max: SIMULATION_LIMITS.maxHours,
    integer: true,
    why: '31 days',
  },
  meanRps: {
    min: 0,
    exclusiveMin: true,
    max: SIMULATION_LIMITS.maxMeanRequestsPerSecond,
  },
  step: {
    min: SIMULATION_LIMITS.minStepSeconds,
    max: SIMULATION_LIMITS.maxStepSeconds,
  },
  gpuPrice: { min: 0, exclusiveMin: true, max: 1000, why: 'USD per GPU-hour' },
  startup: { min: 0, exclusiveMin: true, max: 3600, why: 'one hour' },
  gridIntensity: {
    min: 0,
    exclusiveMin: true,
    max: 2000,
    why: 'gCO2e/kWh; the dirtiest grids are near 1,000',
  },
  pue: { min: 1, max: 3 },
} as const;

/** The limits of `forecast`'s options. */
export const FORECAST_OPTION_LIMITS = {
  horizon: {
    min: 1,
    max: FORECAST_LIMITS.maxHorizon,
    integer: true,
    why: 'one year of hours',
  },
  seasons: FORECAST_LIMITS.maxSeasons,
  season: {
    min: 2,
    max: FORECAST_LIMITS.maxSeasonLength,
    integer: true,
    why: 'one year of hours',
  },
} as const;

/** `--step`: refuses a replay of more than SIMULATION_LIMITS.maxSteps steps. */
export function checkSimulationSteps(
  stepText: string | undefined,
  step: number,
  spanSeconds: number | undefined,
  drainSeconds = 1800,
) {
  if (spanSeconds === undefined) return;
  const steps = Math.ceil((spanSeconds + drainSeconds) / step);
  if (steps > SIMULATION_LIMITS.maxSteps) {
    throw new InputError(
      `${
        stepText === undefined
          ? `the default step ${step}`
          : `--step ${stepText}`
      }: a trace of ${(spanSeconds / 86_400).toFixed(
        1,
      )} days (plus ${drainSeconds} s to drain) takes ${fmt(
        steps,
      )} steps; at most ${fmt(
        SIMULATION_LIMITS.maxSteps,
      )} (use a larger --step)`,
    );
  }
}

/**
 * `--mean-rps` × `--hours`: an hourly series replays about rps × hours × 3600
 * requests; refuses more than SIMULATION_LIMITS.maxRequests.
 */
export function checkGeneratedRequests(
  rpsText: string | undefined,
  rps: number | undefined,
  hours: number,
) {
  if (rps === undefined) return;
  const requests = rps * hours * 3600;
  if (requests > SIMULATION_LIMITS.maxRequests) {
    throw new InputError(
      `--mean-rps ${rpsText}: over --hours ${hours} that is about ${fmt(
        requests,
      )} requests; at most ${fmt(SIMULATION_LIMITS.maxRequests)}`,
    );
  }
}

/**
 * `--policy` with predictive: it refits its forecast every forecast step
 * (60 s for request traces, an hour for hourly series); refuses more than
 * SIMULATION_LIMITS.maxForecastFits refits.
 */
export function checkPredictiveFits(
  policyText: string,
  policies: readonly string[],
  kind: 'requests' | 'hourly',
  spanSeconds: number | undefined,
) {
  if (!policies.includes('predictive') || spanSeconds === undefined) return;
  const refit = kind === 'hourly' ? 3600 : 60;
  const fits = Math.ceil(((Math.floor(spanSeconds / 60) + 1) * 60) / refit);
  if (fits > SIMULATION_LIMITS.maxForecastFits) {
    throw new InputError(
      `--policy ${policyText}: the predictive policy refits its forecast every ${refit} s, about ${fmt(
        fits,
      )} times over a trace of ${(spanSeconds / 86_400).toFixed(
        1,
      )} days; at most ${fmt(
        SIMULATION_LIMITS.maxForecastFits,
      )} (leave predictive out or replay a shorter trace)`,
    );
  }
}

export { fmt as formatCount };

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
 * The fields of an OpenCost allocation this module reads. OpenCost's format
 * changes between releases (the 2023 example lacks `gpuUsageAverage`, newer
 * servers nest GPU data in `gpuAllocation`), so every number is optional and
 * missing numbers count as zero.
 *
 * @public
 */
export interface OpenCostAllocation {
  name: string;
  properties?: {
    cluster?: string;
    namespace?: string;
    controllerKind?: string;
    controller?: string;
    pod?: string;
    labels?: Record<string, string>;
  };
  window?: { start?: string; end?: string };
  start?: string;
  end?: string;
  cpuCoreHours?: number;
  cpuCost?: number;
  cpuCostAdjustment?: number;
  gpuHours?: number;
  gpuCost?: number;
  gpuCostAdjustment?: number;
  gpuRequestAverage?: number;
  gpuUsageAverage?: number;
  gpuAllocation?: {
    gpuModel?: string;
    isGPUShared?: boolean;
    gpuUsageAverage?: number;
    gpuRequestAverage?: number;
  };
  ramByteHours?: number;
  ramCost?: number;
  ramCostAdjustment?: number;
  pvCost?: number;
  pvCostAdjustment?: number;
  networkCost?: number;
  networkCostAdjustment?: number;
  loadBalancerCost?: number;
  loadBalancerCostAdjustment?: number;
  sharedCost?: number;
  externalCost?: number;
  totalCost?: number;
}

/**
 * One allocation set per step, keyed by the aggregate value
 * (`kube-system`, `__idle__`, …).
 *
 * @public
 */
export type OpenCostAllocationSet = Record<string, OpenCostAllocation>;

/** The numeric fields read from an allocation. */
export const ALLOCATION_NUMBER_FIELDS = [
  'cpuCoreHours',
  'cpuCost',
  'cpuCostAdjustment',
  'gpuHours',
  'gpuCost',
  'gpuCostAdjustment',
  'gpuRequestAverage',
  'gpuUsageAverage',
  'ramByteHours',
  'ramCost',
  'ramCostAdjustment',
  'pvCost',
  'pvCostAdjustment',
  'networkCost',
  'networkCostAdjustment',
  'loadBalancerCost',
  'loadBalancerCostAdjustment',
  'sharedCost',
  'externalCost',
  'totalCost',
] as const;

const PROPERTY_STRING_FIELDS = [
  'cluster',
  'namespace',
  'controllerKind',
  'controller',
  'pod',
] as const;

/**
 * Thrown when OpenCost answers with a body this module cannot read; the
 * message names the offending field, e.g. `data[0]["kube-system"].cpuCost`.
 *
 * @public
 */
export class OpenCostResponseError extends Error {
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`Unexpected OpenCost response: ${field} ${problem}`);
    this.name = 'OpenCostResponseError';
    this.field = field;
  }
}

/**
 * Checks the body of `GET /allocation/compute` and returns its allocation
 * sets, one per step. Throws an {@link OpenCostResponseError} naming the
 * first field that has the wrong shape.
 *
 * @public
 */
export function parseAllocationResponse(
  body: unknown,
): OpenCostAllocationSet[] {
  if (!isObject(body)) {
    throw new OpenCostResponseError(
      'body',
      `must be a JSON object, got ${describe(body)}`,
    );
  }
  if (
    body.code !== undefined &&
    body.code !== null &&
    body.code !== 200 &&
    body.code !== '200'
  ) {
    const message = typeof body.message === 'string' ? `: ${body.message}` : '';
    throw new OpenCostResponseError(
      'code',
      `is ${describe(body.code)}, not 200${message}`,
    );
  }
  if (!Array.isArray(body.data)) {
    throw new OpenCostResponseError(
      'data',
      `must be an array of allocation sets, got ${describe(body.data)}`,
    );
  }
  return body.data.map((set, index) => parseSet(set, `data[${index}]`));
}

function parseSet(set: unknown, path: string): OpenCostAllocationSet {
  // An empty step comes back as null from some OpenCost versions.
  if (set === null) {
    return {};
  }
  if (!isObject(set)) {
    throw new OpenCostResponseError(
      path,
      `must be an object of allocations, got ${describe(set)}`,
    );
  }
  const result: OpenCostAllocationSet = {};
  for (const [key, allocation] of Object.entries(set)) {
    result[key] = parseAllocation(
      allocation,
      `${path}[${JSON.stringify(key)}]`,
      key,
    );
  }
  return result;
}

function parseAllocation(
  value: unknown,
  path: string,
  key: string,
): OpenCostAllocation {
  if (!isObject(value)) {
    throw new OpenCostResponseError(
      path,
      `must be an allocation object, got ${describe(value)}`,
    );
  }
  const allocation: OpenCostAllocation = {
    name: readOptionalString(value, 'name', path) ?? key,
  };

  for (const field of ALLOCATION_NUMBER_FIELDS) {
    const number = readOptionalNumber(value, field, path);
    if (number !== undefined) {
      allocation[field] = number;
    }
  }

  allocation.start = readOptionalTime(value, 'start', path);
  allocation.end = readOptionalTime(value, 'end', path);
  if (value.window !== undefined && value.window !== null) {
    if (!isObject(value.window)) {
      throw new OpenCostResponseError(
        `${path}.window`,
        `must be an object with start and end, got ${describe(value.window)}`,
      );
    }
    allocation.window = {
      start: readOptionalTime(value.window, 'start', `${path}.window`),
      end: readOptionalTime(value.window, 'end', `${path}.window`),
    };
  }
  if (
    !(allocation.start ?? allocation.window?.start) ||
    !(allocation.end ?? allocation.window?.end)
  ) {
    throw new OpenCostResponseError(
      `${path}.start`,
      'and end (or window.start and window.end) are required to place the allocation in time',
    );
  }

  if (value.properties !== undefined && value.properties !== null) {
    const propertiesPath = `${path}.properties`;
    if (!isObject(value.properties)) {
      throw new OpenCostResponseError(
        propertiesPath,
        `must be an object, got ${describe(value.properties)}`,
      );
    }
    const properties: NonNullable<OpenCostAllocation['properties']> = {};
    for (const field of PROPERTY_STRING_FIELDS) {
      const text = readOptionalString(value.properties, field, propertiesPath);
      if (text) {
        properties[field] = text;
      }
    }
    const labels = value.properties.labels;
    if (labels !== undefined && labels !== null) {
      if (!isObject(labels)) {
        throw new OpenCostResponseError(
          `${propertiesPath}.labels`,
          `must be an object of strings, got ${describe(labels)}`,
        );
      }
      for (const [label, text] of Object.entries(labels)) {
        if (typeof text !== 'string') {
          throw new OpenCostResponseError(
            `${propertiesPath}.labels[${JSON.stringify(label)}]`,
            `must be a string, got ${describe(text)}`,
          );
        }
      }
      properties.labels = { ...(labels as Record<string, string>) };
    }
    allocation.properties = properties;
  }

  const gpu = value.gpuAllocation;
  if (gpu !== undefined && gpu !== null) {
    const gpuPath = `${path}.gpuAllocation`;
    if (!isObject(gpu)) {
      throw new OpenCostResponseError(
        gpuPath,
        `must be an object, got ${describe(gpu)}`,
      );
    }
    const gpuModel = readOptionalString(gpu, 'gpuModel', gpuPath);
    const isGPUShared = gpu.isGPUShared;
    if (
      isGPUShared !== undefined &&
      isGPUShared !== null &&
      typeof isGPUShared !== 'boolean'
    ) {
      throw new OpenCostResponseError(
        `${gpuPath}.isGPUShared`,
        `must be a boolean, got ${describe(isGPUShared)}`,
      );
    }
    allocation.gpuAllocation = {
      gpuModel: gpuModel || undefined,
      isGPUShared: isGPUShared ?? undefined,
      gpuUsageAverage: readOptionalNumber(gpu, 'gpuUsageAverage', gpuPath),
      gpuRequestAverage: readOptionalNumber(gpu, 'gpuRequestAverage', gpuPath),
    };
  }
  return allocation;
}

function readOptionalNumber(
  object: Record<string, unknown>,
  field: string,
  path: string,
): number | undefined {
  const value = object[field];
  // OpenCost writes NaN and infinities as null.
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new OpenCostResponseError(
      `${path}.${field}`,
      `must be a number, got ${describe(value)}`,
    );
  }
  return value;
}

function readOptionalString(
  object: Record<string, unknown>,
  field: string,
  path: string,
): string | undefined {
  const value = object[field];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new OpenCostResponseError(
      `${path}.${field}`,
      `must be a string, got ${describe(value)}`,
    );
  }
  return value;
}

function readOptionalTime(
  object: Record<string, unknown>,
  field: string,
  path: string,
): string | undefined {
  const value = readOptionalString(object, field, path);
  if (value === undefined || value === '') {
    return undefined;
  }
  if (Number.isNaN(Date.parse(value))) {
    throw new OpenCostResponseError(
      `${path}.${field}`,
      `must be an RFC 3339 timestamp, got ${describe(value)}`,
    );
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (typeof value === 'string') {
    return `the string ${JSON.stringify(
      value.length > 60 ? `${value.slice(0, 60)}…` : value,
    )}`;
  }
  if (typeof value === 'object') {
    return 'an object';
  }
  return `${typeof value} ${String(value)}`;
}

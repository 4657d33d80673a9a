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

import { readFileSync } from 'node:fs';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { describeWithSharedData, sharedDataPath } from '@ai-finops/test-utils';
import {
  embodiedGramsPerGpuHour,
  gpuCarbonFootprint,
  gpuEnergy,
  softwareCarbonIntensity,
} from './footprint';
import { H200_MEASURED_CURVE, gpuSpecOf } from './gpuSpecs';
import { curveEnergyKwh, fitPowerCurve, powerAt, powerCurveOf } from './power';

const HOUR = 3_600_000;

describe('power curves', () => {
  it('is linear from idle to max, clamped', () => {
    const c = { idleWatts: 46, maxWatts: 407 };
    expect(powerAt(c, 0)).toBe(46);
    expect(powerAt(c, 0.5)).toBe(226.5);
    expect(powerAt(c, 2)).toBe(407);
    expect(powerAt(c, NaN)).toBe(46);
    expect(powerCurveOf('NVIDIA A100-SXM4-80GB')).toEqual(c);
    // No CCF row: 46/407 of the TDP at idle, the TDP at full load.
    expect(powerCurveOf('NVIDIA-L4')!.idleWatts).toBeCloseTo(
      72 * (46 / 407),
      9,
    );
    expect(powerCurveOf('NVIDIA-L4')!.maxWatts).toBe(72);
  });

  it('fits a line exactly when the points are on one', () => {
    const fit = fitPowerCurve(
      [0, 0.25, 0.5, 1].map(u => ({ utilization: u, watts: 100 + 300 * u })),
    );
    expect(fit.idleWatts).toBeCloseTo(100, 9);
    expect(fit.maxWatts).toBeCloseTo(400, 9);
    expect(fit.rmseWatts).toBeCloseTo(0, 9);
    expect(() => fitPowerCurve([{ utilization: 0.5, watts: 1 }])).toThrow(
      /two samples/,
    );
    expect(() =>
      fitPowerCurve([
        { utilization: 0.5, watts: 1 },
        { utilization: 0.5, watts: 2 },
      ]),
    ).toThrow(/more than one utilisation/);
  });

  it('integrates energy with the trapezoid rule', () => {
    const kwh = curveEnergyKwh({ idleWatts: 100, maxWatts: 500 }, [
      { tSeconds: 0, utilization: 0 },
      { tSeconds: 3600, utilization: 1 },
    ]);
    expect(kwh).toBeCloseTo(0.3, 12);
  });
});

describeWithSharedData(
  'gpu-telemetry-h200',
  'H200 power curve calibration',
  () => {
    const rows = readFileSync(
      sharedDataPath('gpu-telemetry-h200', 'nvml_samples.csv'),
      'utf8',
    )
      .trim()
      .split('\n')
      .slice(1)
      .map(line => line.split(','))
      .map(f => ({
        t: Number(f[0]),
        phase: f[1],
        util: Number(f[2]) / 100,
        watts: Number(f[4]),
        energyMj: Number(f[5]),
      }));

    it('fits the measured samples to the constants in GPU_SPECS', () => {
      expect(rows).toHaveLength(619);
      const fit = fitPowerCurve(
        rows.map(r => ({ utilization: r.util, watts: r.watts })),
      );
      expect(fit.idleWatts).toBeCloseTo(H200_MEASURED_CURVE.idleWatts, 1);
      expect(fit.maxWatts).toBeCloseTo(H200_MEASURED_CURVE.maxWatts, 1);
      expect(gpuSpecOf('NVIDIA H200')!.idleWatts).toBe(
        H200_MEASURED_CURVE.idleWatts,
      );
      // Per-sample error: the line is a fair fit, not a perfect one.
      expect(fit.rmseWatts).toBeGreaterThan(30);
      expect(fit.rmseWatts).toBeLessThan(45);
      expect(fit.mapePercent).toBeLessThan(11);
    });

    it('reproduces the measured energy of each serving phase within 2 %, where the datasheet line is off by over 20 %', () => {
      const curve = H200_MEASURED_CURVE;
      const datasheet = {
        idleWatts: H200_MEASURED_CURVE.idleWatts,
        maxWatts: 700,
      };
      const phases = ['replay_1x', 'replay_4x', null];
      for (const phase of phases) {
        const part = rows.filter(r => phase === null || r.phase === phase);
        const measuredKwh =
          (part[part.length - 1].energyMj - part[0].energyMj) / 3.6e9;
        const points = part.map(r => ({ tSeconds: r.t, utilization: r.util }));
        const calibrated = curveEnergyKwh(curve, points);
        const fromDatasheet = curveEnergyKwh(datasheet, points);
        expect(Math.abs(calibrated / measuredKwh - 1)).toBeLessThan(0.02);
        expect(fromDatasheet / measuredKwh - 1).toBeGreaterThan(0.2);
      }
    });
  },
);

describe('SCI footprint', () => {
  it('computes E × PUE × I + M per R', () => {
    const r = softwareCarbonIntensity({
      energyKwh: 10,
      pue: 1.1,
      annualGCo2ePerKwh: 400,
      embodiedGrams: 500,
      functionalUnits: 2,
    });
    expect(r.operationalGrams).toBeCloseTo(4400, 9);
    expect(r.totalGrams).toBeCloseTo(4900, 9);
    expect(r.totalKg).toBeCloseTo(4.9, 12);
    expect(r.perUnitGrams).toBeCloseTo(2450, 9);
    expect(r.fallbackKwh).toBe(10);
    expect(() =>
      softwareCarbonIntensity({ energyKwh: 1, pue: 0.9, annualGCo2ePerKwh: 1 }),
    ).toThrow(/PUE/);
  });

  it('prices each hour at its intensity and falls back to the annual factor', () => {
    const r = softwareCarbonIntensity({
      energyKwh: new Map([
        [0, 1],
        [HOUR, 2],
        [2 * HOUR, 1],
      ]),
      pue: 1,
      annualGCo2ePerKwh: 300,
      hourlyGCo2ePerKwh: h =>
        new Map([
          [0, 100],
          [HOUR, 200],
        ]).get(h),
    });
    expect(r.operationalGrams).toBe(100 + 400 + 300);
    expect(r.fallbackKwh).toBe(1);
    expect(r.meanGCo2ePerKwh).toBe(200);
  });

  it('shares embodied carbon by time reserved over lifetime (CCF figures)', () => {
    // A one-GPU server: (150 + 1,000) kg over 4 years of 8,760 h.
    expect(
      embodiedGramsPerGpuHour('unknown', { gpusPerServer: 1 }),
    ).toBeCloseTo(1_150_000 / 35_040, 9);
    // 8-GPU server: (150 + 1000/8) kg over 35,040 h ≈ 7.85 g per GPU-hour.
    expect(embodiedGramsPerGpuHour('NVIDIA-H100-80GB-HBM3')).toBeCloseTo(
      275_000 / 35_040,
      9,
    );
  });

  it('takes measured power where present, else the curve, split by GPU share', () => {
    const e = gpuEnergy([
      {
        timestamp: 0,
        durationSeconds: 3600,
        gpuId: 'a',
        gpuModel: 'NVIDIA-A100-SXM4-80GB',
        powerWatts: 300,
      },
      {
        timestamp: HOUR,
        durationSeconds: 3600,
        gpuId: 'a',
        gpuModel: 'NVIDIA-A100-SXM4-80GB',
        gpuUtil: 0.5,
        migProfile: '3g.40gb',
      },
      { timestamp: 0, durationSeconds: 3600, gpuId: 'z', gpuModel: '??' },
    ]);
    expect(e.kwh).toBeCloseTo(0.3 + 0.5 * 0.2265, 12);
    expect(e.measuredShare).toBeCloseTo(0.3 / e.kwh, 12);
    expect(e.byHour.get(HOUR)).toBeCloseTo(0.11325, 12);
    expect(e.unknownGpuHours).toBe(1);
  });

  it('gives kgCO2e and gCO2e per million tokens', () => {
    const r = gpuCarbonFootprint(
      [
        {
          timestamp: 0,
          durationSeconds: 3600,
          gpuId: 'a',
          gpuModel: 'NVIDIA-H100-80GB-HBM3',
          powerWatts: 500,
        },
      ],
      { pue: 1.2, annualGCo2ePerKwh: 400, tokens: 2e6 },
    );
    const embodied = 275_000 / 35_040;
    expect(r.operationalGrams).toBeCloseTo(0.5 * 1.2 * 400, 9);
    expect(r.embodiedGrams).toBeCloseTo(embodied, 9);
    expect(r.gCo2ePerMillionTokens).toBeCloseTo((240 + embodied) / 2, 9);
  });
});

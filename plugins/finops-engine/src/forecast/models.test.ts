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

// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { seededNoise } from '@ai-finops/test-utils';
import { forecast } from './forecast';
import { mase, maseScale } from './metrics';
import {
  createFitContext,
  directModel,
  fourierModel,
  mstlArModel,
  mstlAriModel,
  mstlEtsModel,
  profileLagModel,
  seasonalNaiveModel,
  seasonalProfile,
  thetaModel,
} from './models';

const shape = (t: number) =>
  300 +
  60 * Math.sin((2 * Math.PI * t) / 24) +
  20 * Math.cos((4 * Math.PI * t) / 24);

/** A daily profile plus AR(1) noise (φ = 0.9), like grid carbon intensity. */
function profilePlusAr1(n: number, seed: number): number[] {
  const { normal } = seededNoise(seed);
  let e = 0;
  return Array.from({ length: n }, (_, t) => {
    e = 0.9 * e + 8 * normal();
    return shape(t) + e;
  });
}

describe('seasonalProfile', () => {
  it('takes the median of each phase, so one odd cycle does not imprint', () => {
    const y = Array.from({ length: 24 * 5 }, (_, t) => shape(t));
    for (let t = 24 * 3; t < 24 * 4; t++) y[t] += 500;
    const profile = seasonalProfile(y, 24, 5);
    profile.forEach((v, phase) => expect(v).toBeCloseTo(shape(phase), 6));
  });
});

describe('profileLagModel', () => {
  it('beats seasonal naive 48 h ahead on a daily profile plus AR(1) noise', () => {
    let model = 0;
    let naive = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const y = profilePlusAr1(24 * 7 * 10 + 48, seed);
      const history = y.slice(0, -48);
      const actual = y.slice(-48);
      const ctx = createFitContext(history, [24]);
      const scale = maseScale(history, 24);
      model += mase(actual, profileLagModel.fit(ctx)(48), scale);
      naive += mase(actual, seasonalNaiveModel(24).fit(ctx)(48), scale);
    }
    expect(model).toBeLessThan(0.85 * naive);
  });

  it('falls back to the profile when the history is too short for its regressions', () => {
    const seasons = [24];
    const n = profileLagModel.minLength(seasons);
    const y = Array.from({ length: n }, (_, t) => shape(t));
    const f = profileLagModel.fit(createFitContext(y, seasons))(48);
    expect(f).toHaveLength(48);
    f.forEach((v, j) => expect(Math.abs(v - shape(n + j))).toBeLessThan(1));
  });

  it('stays finite on a zero-heavy series, and the ensemble stays non-negative', () => {
    const { uniform } = seededNoise(3);
    const y = Array.from({ length: 24 * 7 * 6 }, (_, t) =>
      t % 24 >= 9 && t % 24 < 12 && uniform() < 0.6 ? 5 * uniform() : 0,
    );
    const f = profileLagModel.fit(createFitContext(y, [24]))(48);
    f.forEach(v => expect(Number.isFinite(v)).toBe(true));
    const result = forecast(y, { horizon: 48, seasons: [24] });
    expect(result.models.map(m => m.model)).toContain('profile-lags');
    for (const v of [...result.mean, ...result.lower])
      expect(v).toBeGreaterThanOrEqual(0);
  });
});

describe('fourierModel', () => {
  it('recovers a daily and weekly harmonic pattern with a trend', () => {
    const f = (t: number) =>
      100 +
      0.01 * t +
      10 * Math.sin((2 * Math.PI * t) / 24) +
      5 * Math.cos((2 * Math.PI * t) / 168);
    const n = 24 * 7 * 6;
    const y = Array.from({ length: n }, (_, t) => f(t));
    const out = fourierModel.fit(createFitContext(y, [24, 168]))(24);
    // The trend is halved beyond the window: allow for that drift.
    out.forEach((v, j) => expect(Math.abs(v - f(n + j))).toBeLessThan(0.2));
  });
});

describe('state reused across backtest origins (FitContext.reuse)', () => {
  const reusing = [
    directModel,
    profileLagModel,
    mstlArModel,
    mstlAriModel,
    mstlEtsModel,
    thetaModel,
    fourierModel,
  ];
  const seasons = [24, 168];
  const y = profilePlusAr1(24 * 7 * 12, 7);
  const first = 24 * 7 * 11;
  const later = first + 60;

  it.each(reusing.map(m => [m.name, m]))(
    '%s: fits as without reuse at the first origin, keeps that state, and forecasts from it at a later origin',
    (_, model) => {
      const reuse = new Map<string, unknown>();
      const fresh = model.fit(createFitContext(y.slice(0, first), seasons))(48);
      const atFirst = model.fit(
        createFitContext(y.slice(0, first), seasons, reuse),
      )(48);
      expect(atFirst).toEqual(fresh);
      expect([...reuse.keys()]).toEqual([model.name]);
      const state = reuse.get(model.name);

      const history = y.slice(0, later);
      const reused = model.fit(createFitContext(history, seasons, reuse))(48);
      // The same state object: nothing was fitted again.
      expect(reuse.get(model.name)).toBe(state);
      // Forecast from the later origin's data (with the first origin's
      // parameters, or the same grid choice): close to a fresh fit there.
      const refit = model.fit(createFitContext(history, seasons))(48);
      const gap = (a: number[], b: number[]) =>
        a.reduce((sum, v, j) => sum + Math.abs(v - b[j]), 0) / a.length;
      expect(gap(reused, refit)).toBeLessThan(8);
      // The seasonal pattern lines up with the later origin's phase.
      const shifted = Array.from({ length: 48 }, (__, j) => shape(later + j));
      expect(gap(reused, shifted)).toBeLessThan(gap(atFirst, shifted));
    },
  );
});

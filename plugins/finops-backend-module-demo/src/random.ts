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
 * Seeded pseudo-random numbers. Every draw is keyed on (seed, stream, unit of
 * time) so a value depends only on what it describes, never on how many
 * values were drawn before it: the same hour gives the same numbers whatever
 * window it is generated in.
 */

// Math functions as module constants: global lookups are slow inside the
// vm contexts that test runners use, and this code runs per record.
const { imul, sqrt, log, cos, PI, floor } = Math;

/** 32-bit finaliser (splitmix32 / murmur3 style avalanche). */
export function mix32(value: number): number {
  let x = value | 0;
  x ^= x >>> 16;
  x = imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** FNV-1a hash of a string, 32 bits. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Combines integers into one well-mixed 32-bit key. */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    h = mix32(
      h ^ mix32((value | 0) + 0x9e3779b9 + (floor(value / 2 ** 32) | 0)),
    );
  }
  return h;
}

/** A mulberry32 generator of uniform numbers in [0, 1). */
export type Random = () => number;

/** Creates a mulberry32 generator from a 32-bit state. */
export function mulberry32(state: number): Random {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generator keyed on the given integers. */
export function randomFor(...key: number[]): Random {
  return mulberry32(hashInts(...key));
}

/** A standard normal draw (Box-Muller). */
export function gaussian(random: Random): number {
  const u = 1 - random(); // (0, 1]
  const v = random();
  return sqrt(-2 * log(u)) * cos(2 * PI * v);
}

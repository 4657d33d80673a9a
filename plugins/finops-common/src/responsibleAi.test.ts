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

import { readResponsibleAiMetadata } from './responsibleAi';

const now = new Date('2026-12-07T12:00:00Z');
const complete = {
  'ai-finops.io/model-card':
    'https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct',
  'ai-finops.io/training-data': 'HuggingFaceFW/fineweb',
  'ai-finops.io/evaluation-status': 'passed',
  'ai-finops.io/evaluation-date': '2026-11-30',
  'ai-finops.io/bias-check-status': 'passed',
  'ai-finops.io/bias-check-date': '2026-12-01',
};

describe('readResponsibleAiMetadata', () => {
  it('reads complete metadata from an entity', () => {
    const metadata = readResponsibleAiMetadata(
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'chat', annotations: complete },
      },
      { now, maxAgeDays: 90 },
    );
    expect(metadata).toEqual({
      present: true,
      complete: true,
      modelCardUrl: 'https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct',
      trainingData: { value: 'HuggingFaceFW/fineweb', isUrl: false },
      evaluation: { status: 'passed', date: '2026-11-30', ageDays: 7 },
      biasCheck: { status: 'passed', date: '2026-12-01', ageDays: 6 },
      problems: [],
    });
  });

  it('reads a workload annotation map and a training-data URL', () => {
    const metadata = readResponsibleAiMetadata(
      {
        ...complete,
        'ai-finops.io/training-data': 'https://example.com/datasheets/c4',
      },
      { now },
    );
    expect(metadata.trainingData).toEqual({
      value: 'https://example.com/datasheets/c4',
      isUrl: true,
    });
    expect(metadata.complete).toBe(true);
  });

  it('reports nothing present for an entity without annotations', () => {
    const metadata = readResponsibleAiMetadata(
      { apiVersion: 'v1', kind: 'Component', metadata: { name: 'x' } },
      { now },
    );
    expect(metadata.present).toBe(false);
    expect(metadata.complete).toBe(false);
    expect(metadata.problems.map(p => p.annotation)).toEqual([
      'ai-finops.io/model-card',
      'ai-finops.io/training-data',
      'ai-finops.io/evaluation-status',
      'ai-finops.io/evaluation-date',
      'ai-finops.io/bias-check-status',
      'ai-finops.io/bias-check-date',
    ]);
    expect(metadata.problems.every(p => p.kind === 'missing')).toBe(true);
    expect(readResponsibleAiMetadata(undefined, { now }).present).toBe(false);
  });

  it('names every invalid value and the annotation it came from', () => {
    const metadata = readResponsibleAiMetadata(
      {
        'ai-finops.io/model-card': 'ftp://models.example.com/card',
        'ai-finops.io/training-data': 'not a dataset id!',
        'ai-finops.io/evaluation-status': 'Passed',
        'ai-finops.io/evaluation-date': '2026-02-30',
        'ai-finops.io/bias-check-status': 'failed',
        'ai-finops.io/bias-check-date': '30/11/2026',
      },
      { now },
    );
    expect(metadata.present).toBe(true);
    expect(metadata.problems).toEqual([
      {
        annotation: 'ai-finops.io/model-card',
        kind: 'invalid',
        message:
          "ai-finops.io/model-card 'ftp://models.example.com/card' is not an http(s) URL",
      },
      expect.objectContaining({
        annotation: 'ai-finops.io/training-data',
        kind: 'invalid',
      }),
      {
        annotation: 'ai-finops.io/evaluation-status',
        kind: 'invalid',
        message:
          "ai-finops.io/evaluation-status 'Passed' is not one of passed, failed, pending",
      },
      {
        annotation: 'ai-finops.io/evaluation-date',
        kind: 'invalid',
        message:
          "ai-finops.io/evaluation-date '2026-02-30' is not a date as YYYY-MM-DD",
      },
      {
        annotation: 'ai-finops.io/bias-check-status',
        kind: 'failed',
        message: 'ai-finops.io/bias-check-status says the bias check failed',
      },
      expect.objectContaining({
        annotation: 'ai-finops.io/bias-check-date',
        kind: 'invalid',
      }),
    ]);
    expect(metadata.modelCardUrl).toBeUndefined();
    expect(metadata.biasCheck.status).toBe('failed');
  });

  it('rejects a model card that is not a URL at all', () => {
    const metadata = readResponsibleAiMetadata(
      { ...complete, 'ai-finops.io/model-card': 'see the wiki' },
      { now },
    );
    expect(metadata.problems).toEqual([
      expect.objectContaining({
        annotation: 'ai-finops.io/model-card',
        message: "ai-finops.io/model-card 'see the wiki' is not a URL",
      }),
    ]);
  });

  it('flags a date in the future and, with maxAgeDays, a stale one', () => {
    const metadata = readResponsibleAiMetadata(
      {
        ...complete,
        'ai-finops.io/evaluation-date': '2026-12-08',
        'ai-finops.io/bias-check-date': '2026-06-01',
        'ai-finops.io/bias-check-status': 'pending',
      },
      { now, maxAgeDays: 90 },
    );
    expect(metadata.problems.map(p => p.message)).toEqual([
      'ai-finops.io/evaluation-date 2026-12-08 is in the future',
      'ai-finops.io/bias-check-status says the bias check is pending',
      'ai-finops.io/bias-check-date 2026-06-01 is 189 days old, more than 90',
    ]);
    expect(metadata.biasCheck.ageDays).toBe(189);
    // Without maxAgeDays, age is no problem.
    expect(
      readResponsibleAiMetadata(
        { ...complete, 'ai-finops.io/bias-check-date': '2020-01-01' },
        { now },
      ).complete,
    ).toBe(true);
  });

  it('refuses a maxAgeDays that is not a whole number of days in range', () => {
    for (const maxAgeDays of [0, -1, 1.5, 3651, Number.NaN]) {
      expect(() =>
        readResponsibleAiMetadata(complete, { now, maxAgeDays }),
      ).toThrow(/maxAgeDays: .* is not a whole number of days from 1 to 3650/);
    }
  });

  it('bounds the length of URLs and dataset ids', () => {
    const metadata = readResponsibleAiMetadata(
      {
        ...complete,
        'ai-finops.io/model-card': `https://example.com/${'a'.repeat(2100)}`,
        'ai-finops.io/training-data': 'a'.repeat(300),
      },
      { now },
    );
    expect(metadata.problems.map(p => p.message)).toEqual([
      'ai-finops.io/model-card is longer than 2048 characters',
      expect.stringMatching(
        /^ai-finops.io\/training-data 'a{80}' is neither an http\(s\) URL nor a dataset id/,
      ),
    ]);
  });
});

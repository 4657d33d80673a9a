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

import { splitCsvLine } from './csv';

describe('splitCsvLine', () => {
  it('splits plain fields without trimming them', () => {
    expect(splitCsvLine('a, b ,,c')).toEqual(['a', ' b ', '', 'c']);
    expect(splitCsvLine('')).toEqual(['']);
  });

  it('reads quoted fields with commas and doubled quotes', () => {
    expect(splitCsvLine('"a,b","say ""hi""",c')).toEqual([
      'a,b',
      'say "hi"',
      'c',
    ]);
    expect(splitCsvLine('x,""')).toEqual(['x', '']);
  });

  it('keeps a quote inside an unquoted field as text', () => {
    expect(splitCsvLine('5" disk,1')).toEqual(['5" disk', '1']);
  });
});

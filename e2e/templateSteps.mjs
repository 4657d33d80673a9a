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
 * The steps of the inference-service template's form (examples/templates/
 * inference-service/template.yaml) that the browser checks walk through
 * (e2e/portal.e2e.mjs and scripts/verify-install/browser-check.mjs), each
 * known by a field it shows. The walk fills what production requires (the
 * responsible-AI metadata, the image and the model pinned), so the preview
 * judges a compliant service.
 */
export function templateSteps(page) {
  const next = page.getByRole('button', { name: /^next$/i });
  const back = page.getByRole('button', { name: /^back$/i });
  const gpus = page.getByRole('spinbutton', { name: /^GPUs per replica/ });
  const traffic = page.getByRole('spinbutton', {
    name: /^Expected requests per second/,
  });
  const rollout = page.getByRole('spinbutton', {
    name: /^Abort when the canary costs/,
  });
  const responsibleAi = page.getByRole('textbox', { name: /^Model card URL/ });
  const supplyChain = page.getByRole('textbox', { name: /^Image digest/ });
  const afterGpus = [traffic, rollout, responsibleAi, supplyChain];

  const fillResponsibleAi = async () => {
    await responsibleAi.fill(
      'https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct',
    );
    await page
      .getByRole('textbox', { name: /^Training data/ })
      .fill('HuggingFaceFW/fineweb');
    for (const check of ['Evaluation', 'Bias check']) {
      await page
        .getByRole('button', { name: new RegExp(`^${check} status`) })
        .click();
      await page.getByRole('option', { name: 'passed', exact: true }).click();
      await page.getByLabel(new RegExp(`^${check} date`)).fill('2026-11-02');
    }
  };
  const fillSupplyChain = async () => {
    await supplyChain.fill(`sha256:${'4e'.repeat(32)}`);
    await page
      .getByRole('textbox', { name: /^Model digest/ })
      .fill('0e9e39f249a16976918f6564b8830bc894c89659');
    await page
      .getByRole('textbox', { name: /^Model provenance/ })
      .fill('https://example.com/attestations/llama-3.1-8b.intoto.jsonl');
  };
  const forward = async fields => {
    for (const field of fields) {
      await next.click();
      await field.waitFor({ timeout: 60_000 });
      if (field === responsibleAi && !(await field.inputValue()))
        await fillResponsibleAi();
      if (field === supplyChain && !(await field.inputValue()))
        await fillSupplyChain();
    }
  };

  return {
    next,
    back,
    gpus,
    /** From the filled Service step to the last step before the preview. */
    toLastStepBeforePreview: () =>
      forward([
        page.getByRole('textbox', { name: /^Model/ }),
        gpus,
        ...afterGpus,
      ]),
    /** From the preview back to the GPUs step. */
    backToGpus: async () => {
      for (const field of [...afterGpus].reverse().concat(gpus)) {
        await back.click();
        await field.waitFor({ timeout: 60_000 });
      }
    },
    /** From the GPUs step to the last step before the preview. */
    fromGpusToLastStepBeforePreview: () => forward(afterGpus),
  };
}

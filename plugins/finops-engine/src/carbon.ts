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

import type { CloudProvider } from './prices';

// Grid emission factors per cloud region (location-based, annual) and average
// data-centre PUE per provider, from Cloud Carbon Footprint
// (cloud-carbon-footprint/cloud-carbon-footprint, Apache-2.0), via
// shared/data/ccf-constants (ccf_grid_emission_factors.csv: tCO2e/kWh, here
// gCO2e/kWh, the location-based rows; ccf_cloud_constants.json: PUE_AVG). Each provider's `Unknown`
// row is CCF's average over its regions, used when a region is not listed.

/**
 * The annual grid carbon intensity of one cloud region.
 *
 * @public
 */
export interface GridEmissionFactor {
  provider: CloudProvider;
  region: string;
  /** Grams of CO2-equivalent per kWh drawn from the grid. */
  gCo2ePerKwh: number;
}

/**
 * Average power usage effectiveness of each provider's data centres (CCF
 * `PUE_AVG`).
 *
 * @public
 */
export const PROVIDER_PUE: Readonly<Record<CloudProvider, number>> = {
  aws: 1.135,
  azure: 1.185,
  gcp: 1.1,
};

/** @public */
export const GRID_EMISSION_FACTORS: readonly GridEmissionFactor[] = [
  ['aws', 'us-east-1', 379.069],
  ['aws', 'us-east-2', 410.608],
  ['aws', 'us-west-1', 322.167],
  ['aws', 'us-west-2', 322.167],
  ['aws', 'us-gov-east-1', 379.069],
  ['aws', 'us-gov-west-1', 322.167],
  ['aws', 'af-south-1', 900.6],
  ['aws', 'ap-east-1', 710],
  ['aws', 'ap-south-1', 708.2],
  ['aws', 'ap-northeast-3', 465.8],
  ['aws', 'ap-northeast-2', 415.6],
  ['aws', 'ap-southeast-1', 408],
  ['aws', 'ap-southeast-2', 760],
  ['aws', 'ap-southeast-3', 717.7],
  ['aws', 'ap-northeast-1', 465.8],
  ['aws', 'ca-central-1', 120],
  ['aws', 'cn-north-1', 537.4],
  ['aws', 'cn-northwest-1', 537.4],
  ['aws', 'eu-central-1', 311],
  ['aws', 'eu-west-1', 278.6],
  ['aws', 'eu-west-2', 225],
  ['aws', 'eu-south-1', 213.4],
  ['aws', 'eu-west-3', 51.1],
  ['aws', 'eu-north-1', 8.8],
  ['aws', 'me-south-1', 505.9],
  ['aws', 'me-central-1', 404.1],
  ['aws', 'sa-east-1', 61.7],
  ['aws', 'Unknown', 392.78188],
  ['azure', 'southafrica', 900.6],
  ['azure', 'southafricanorth', 900.6],
  ['azure', 'southafricawest', 900.6],
  ['azure', 'australia', 790],
  ['azure', 'australiacentral', 790],
  ['azure', 'australiacentral2', 790],
  ['azure', 'australiaeast', 790],
  ['azure', 'australiasoutheast', 960],
  ['azure', 'apeast', 710],
  ['azure', 'apsoutheast', 408],
  ['azure', 'japaneast', 465.8],
  ['azure', 'japanwest', 465.8],
  ['azure', 'japan', 465.8],
  ['azure', 'korea', 415.6],
  ['azure', 'koreacentral', 415.6],
  ['azure', 'koreasouth', 415.6],
  ['azure', 'asia', 564.7],
  ['azure', 'asiapacific', 564.7],
  ['azure', 'eastasia', 710],
  ['azure', 'eastasiastage', 710],
  ['azure', 'southeastasia', 408],
  ['azure', 'southeastasiastage', 408],
  ['azure', 'india', 708.2],
  ['azure', 'centralindia', 708.2],
  ['azure', 'jioindiacentral', 708.2],
  ['azure', 'jioindiawest', 708.2],
  ['azure', 'southindia', 708.2],
  ['azure', 'westindia', 708.2],
  ['azure', 'northeurope', 278.6],
  ['azure', 'westeurope', 328.4],
  ['azure', 'francecentral', 51.28],
  ['azure', 'francesouth', 51.28],
  ['azure', 'france', 51.28],
  ['azure', 'swedencentral', 5.67],
  ['azure', 'switzerland', 11.52],
  ['azure', 'switzerlandnorth', 11.52],
  ['azure', 'switzerlandwest', 11.52],
  ['azure', 'uksouth', 225],
  ['azure', 'ukwest', 225],
  ['azure', 'uk', 225],
  ['azure', 'germany', 338.66],
  ['azure', 'germanynorth', 338.66],
  ['azure', 'germanywestcentral', 338.66],
  ['azure', 'norway', 7.62],
  ['azure', 'norwayeast', 7.62],
  ['azure', 'norwaywest', 7.62],
  ['azure', 'uae', 404.1],
  ['azure', 'uaecentral', 404.1],
  ['azure', 'uaenorth', 404.1],
  ['azure', 'canada', 120],
  ['azure', 'canadacentral', 120],
  ['azure', 'canadaeast', 120],
  ['azure', 'CentralUS', 426.254],
  ['azure', 'centraluseuap', 426.254],
  ['azure', 'centralusstage', 426.254],
  ['azure', 'unitedstates', 426.254],
  ['azure', 'unitedstateseuap', 426.254],
  ['azure', 'EastUS', 379.069],
  ['azure', 'eastusstage', 379.069],
  ['azure', 'EastUS2', 379.069],
  ['azure', 'eastus2euap', 379.069],
  ['azure', 'eastus2stage', 379.069],
  ['azure', 'EastUS3', 379.069],
  ['azure', 'USNorth', 410.608],
  ['azure', 'NorthCentralUs', 410.608],
  ['azure', 'northcentralusstage', 410.608],
  ['azure', 'SouthCentralUS', 373.231],
  ['azure', 'southcentralusstage', 373.231],
  ['azure', 'WestCentralUS', 322.167],
  ['azure', 'WestUS', 322.167],
  ['azure', 'westusstage', 322.167],
  ['azure', 'westus2', 322.167],
  ['azure', 'westus2stage', 322.167],
  ['azure', 'westus3', 322.167],
  ['azure', 'brazil', 61.7],
  ['azure', 'brazilsouth', 61.7],
  ['azure', 'brazilsoutheast', 61.7],
  ['azure', 'Unknown', 351.2799615],
  ['gcp', 'us-central1', 456],
  ['gcp', 'us-central2', 456],
  ['gcp', 'us-east1', 434],
  ['gcp', 'us-east4', 309],
  ['gcp', 'us-east5', 309],
  ['gcp', 'us-west1', 60],
  ['gcp', 'us-west2', 190],
  ['gcp', 'us-west3', 448],
  ['gcp', 'us-west4', 365],
  ['gcp', 'us-south1', 296],
  ['gcp', 'asia-east1', 456],
  ['gcp', 'asia-east2', 360],
  ['gcp', 'asia-northeast1', 464],
  ['gcp', 'asia-northeast2', 384],
  ['gcp', 'asia-northeast3', 425],
  ['gcp', 'asia-south1', 670],
  ['gcp', 'asia-south2', 671],
  ['gcp', 'asia-southeast1', 372],
  ['gcp', 'asia-southeast2', 580],
  ['gcp', 'australia-southeast1', 598],
  ['gcp', 'australia-southeast2', 521],
  ['gcp', 'europe-central2', 576],
  ['gcp', 'europe-north1', 127],
  ['gcp', 'europe-southwest1', 121],
  ['gcp', 'europe-west1', 110],
  ['gcp', 'europe-west2', 172],
  ['gcp', 'europe-west3', 269],
  ['gcp', 'europe-west4', 283],
  ['gcp', 'europe-west6', 86],
  ['gcp', 'europe-west8', 298],
  ['gcp', 'europe-west9', 59],
  ['gcp', 'northamerica-northeast1', 28],
  ['gcp', 'northamerica-northeast2', 29],
  ['gcp', 'southamerica-east1', 129],
  ['gcp', 'southamerica-west1', 190],
  ['gcp', 'asia1', 848],
  ['gcp', 'eur4', 410],
  ['gcp', 'nam4', 828],
  ['gcp', 'asia', 1676],
  ['gcp', 'europe', 1843],
  ['gcp', 'us', 2805],
  ['gcp', 'Unknown', 317.1470588],
].map(
  ([provider, region, gCo2ePerKwh]) =>
    ({ provider, region, gCo2ePerKwh } as GridEmissionFactor),
);

/**
 * The annual grid intensity of a region, falling back to the provider's
 * average (`exact: false`) when the region is not listed.
 *
 * @public
 */
export function gridEmissionFactor(
  provider: CloudProvider,
  region: string,
): { gCo2ePerKwh: number; exact: boolean } {
  const wanted = region.trim().toLowerCase();
  const match = GRID_EMISSION_FACTORS.find(
    f => f.provider === provider && f.region.toLowerCase() === wanted,
  );
  if (match) return { gCo2ePerKwh: match.gCo2ePerKwh, exact: true };
  const average = GRID_EMISSION_FACTORS.find(
    f => f.provider === provider && f.region === 'Unknown',
  );
  if (!average) {
    throw new Error(`No grid emission factors for provider '${provider}'`);
  }
  return { gCo2ePerKwh: average.gCo2ePerKwh, exact: false };
}

/**
 * Operational emissions of a measured energy use: kWh at the IT equipment ×
 * PUE × grid intensity, in grams of CO2e.
 *
 * @public
 */
export function operationalEmissionsGrams(
  itEnergyKwh: number,
  gCo2ePerKwh: number,
  pue: number,
): number {
  return itEnergyKwh * pue * gCo2ePerKwh;
}

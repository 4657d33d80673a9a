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

import type { CloudProvider } from '@ai-finops/backstage-plugin-finops-engine';

// Cloud region -> Electricity Maps zone, from Cloud Carbon Footprint
// (cloud-carbon-footprint/cloud-carbon-footprint @ b7a049c7, Apache-2.0:
// packages/{aws,azure,gcp}/src/lib/*Regions.ts), via
// shared/data/ccf-constants/ccf_region_to_electricitymaps_zone.csv. Rows
// without a zone (CCF's `Unknown` rows and the regions it leaves unmapped,
// such as cn-north-1 and uaenorth) are left out.

/**
 * The Electricity Maps zone of one cloud region.
 *
 * @public
 */
export interface ElectricityMapsZone {
  provider: CloudProvider;
  region: string;
  zone: string;
}

const ZONES: ReadonlyArray<[CloudProvider, string, string]> = [
  // AWS
  ['aws', 'us-east-1', 'US-MIDA-PJM'],
  ['aws', 'us-east-2', 'US-MIDA-PJM'],
  ['aws', 'us-west-1', 'US-CAL-CISO'],
  ['aws', 'us-west-2', 'US-NW-PACW'],
  ['aws', 'af-south-1', 'ZA'],
  ['aws', 'ap-south-1', 'IN-WE'],
  ['aws', 'ap-northeast-3', 'JP-KN'],
  ['aws', 'ap-northeast-2', 'KR'],
  ['aws', 'ap-southeast-1', 'SG'],
  ['aws', 'ap-southeast-2', 'AU-NSW'],
  ['aws', 'ap-northeast-1', 'JP-TK'],
  ['aws', 'ap-southeast-3', 'ID'],
  ['aws', 'ca-central-1', 'CA-QC'],
  ['aws', 'eu-central-1', 'DE'],
  ['aws', 'eu-west-1', 'IE'],
  ['aws', 'eu-west-2', 'GB'],
  ['aws', 'eu-south-1', 'IT-NO'],
  ['aws', 'eu-west-3', 'FR'],
  ['aws', 'eu-north-1', 'SE-SE3'],
  ['aws', 'sa-east-1', 'BR-CS'],
  ['aws', 'us-gov-east-1', 'US-MIDA-PJM'],
  ['aws', 'us-gov-west-1', 'US-NW-PACW'],
  // Azure
  ['azure', 'southafricanorth', 'ZA'],
  ['azure', 'southafricawest', 'ZA'],
  ['azure', 'australiacentral', 'AU-NSW'],
  ['azure', 'australiacentral2', 'AU-NSW'],
  ['azure', 'australiaeast', 'AU-NSW'],
  ['azure', 'australiasoutheast', 'AU-VIC'],
  ['azure', 'apsoutheast', 'SG'],
  ['azure', 'japaneast', 'JP-TK'],
  ['azure', 'japanwest', 'JP-KN'],
  ['azure', 'koreacentral', 'KR'],
  ['azure', 'koreasouth', 'KR'],
  ['azure', 'centralindia', 'IN-WE'],
  ['azure', 'southindia', 'IN-SO'],
  ['azure', 'westindia', 'IN-WE'],
  ['azure', 'northeurope', 'IE'],
  ['azure', 'westeurope', 'NL'],
  ['azure', 'francecentral', 'FR'],
  ['azure', 'francesouth', 'FR'],
  ['azure', 'swedencentral', 'SE-SE3'],
  ['azure', 'switzerlandnorth', 'CH'],
  ['azure', 'switzerlandwest', 'CH'],
  ['azure', 'uksouth', 'GB'],
  ['azure', 'ukwest', 'GB'],
  ['azure', 'uk', 'GB'],
  ['azure', 'germany', 'DE'],
  ['azure', 'germanynorth', 'DE'],
  ['azure', 'germanywestcentral', 'DE'],
  ['azure', 'norwayeast', 'NO-NO1'],
  ['azure', 'norwaywest', 'NO-NO2'],
  ['azure', 'canadacentral', 'CA-ON'],
  ['azure', 'canadaeast', 'CA-QC'],
  ['azure', 'CentralUS', 'US-MIDW-MISO'],
  ['azure', 'centraluseuap', 'US-MIDW-MISO'],
  ['azure', 'centralusstage', 'US-MIDW-MISO'],
  ['azure', 'unitedstates', 'US-MIDW-MISO'],
  ['azure', 'unitedstateseuap', 'US-MIDW-MISO'],
  ['azure', 'EastUS', 'US-MIDA-PJM'],
  ['azure', 'eastusstage', 'US-MIDA-PJM'],
  ['azure', 'EastUS2', 'US-MIDA-PJM'],
  ['azure', 'eastus2euap', 'US-MIDA-PJM'],
  ['azure', 'eastus2stage', 'US-MIDA-PJM'],
  ['azure', 'EastUS3', 'US-MIDA-PJM'],
  ['azure', 'USNorth', 'US-MIDW-MISO'],
  ['azure', 'NorthCentralUs', 'US-MIDW-MISO'],
  ['azure', 'northcentralusstage', 'US-MIDW-MISO'],
  ['azure', 'SouthCentralUS', 'US-TEX-ERCO'],
  ['azure', 'southcentralusstage', 'US-TEX-ERCO'],
  ['azure', 'WestCentralUS', 'US-NW-PACE'],
  ['azure', 'WestUS', 'US-CAL-CISO'],
  ['azure', 'westusstage', 'US-CAL-CISO'],
  ['azure', 'westus2', 'US-NW-PACE'],
  ['azure', 'westus2stage', 'US-NW-PACE'],
  ['azure', 'westus3', 'US-NW-PACE'],
  ['azure', 'brazilsouth', 'BR-CS'],
  ['azure', 'brazilsoutheast', 'BR-CS'],
  // GCP
  ['gcp', 'asia-east1', 'TW'],
  ['gcp', 'asia-northeast1', 'JP-TK'],
  ['gcp', 'asia-northeast2', 'JP-KN'],
  ['gcp', 'asia-northeast3', 'KR'],
  ['gcp', 'asia-south1', 'IN-WE'],
  ['gcp', 'asia-south2', 'IN-NO'],
  ['gcp', 'asia-southeast1', 'SG'],
  ['gcp', 'asia-southeast2', 'ID'],
  ['gcp', 'australia-southeast1', 'AU-NSW'],
  ['gcp', 'australia-southeast2', 'AU-VIC'],
  ['gcp', 'europe-central2', 'PL'],
  ['gcp', 'europe-north1', 'FI'],
  ['gcp', 'europe-southwest1', 'ES'],
  ['gcp', 'europe-west1', 'BE'],
  ['gcp', 'europe-west2', 'GB'],
  ['gcp', 'europe-west3', 'DE'],
  ['gcp', 'europe-west4', 'NL'],
  ['gcp', 'europe-west6', 'CH'],
  ['gcp', 'europe-west8', 'IT-NO'],
  ['gcp', 'europe-west9', 'FR'],
  ['gcp', 'europe-west10', 'DE'],
  ['gcp', 'europe-west12', 'IT-NO'],
  ['gcp', 'northamerica-northeast1', 'CA-QC'],
  ['gcp', 'northamerica-northeast2', 'CA-ON'],
  ['gcp', 'southamerica-east1', 'BR-CS'],
  ['gcp', 'southamerica-west1', 'CL-SEN'],
  ['gcp', 'us-central1', 'US-MIDW-MISO'],
  ['gcp', 'us-central2', 'US-MIDW-MISO'],
  ['gcp', 'us-east1', 'US-CAR-SCEG'],
  ['gcp', 'us-east4', 'US-MIDA-PJM'],
  ['gcp', 'us-east5', 'US-MIDA-PJM'],
  ['gcp', 'us-south1', 'US-TEX-ERCO'],
  ['gcp', 'us-west1', 'US-NW-PACW'],
  ['gcp', 'us-west2', 'US-CAL-CISO'],
  ['gcp', 'us-west3', 'US-NW-PACE'],
  ['gcp', 'us-west4', 'US-NW-NEVP'],
];

/**
 * The Electricity Maps zone of every AWS, Azure and Google Cloud region
 * Cloud Carbon Footprint maps.
 *
 * @public
 */
export const CLOUD_REGION_ELECTRICITY_MAPS_ZONES: readonly ElectricityMapsZone[] =
  ZONES.map(([provider, region, zone]) => ({ provider, region, zone }));

/**
 * The Electricity Maps zone of a cloud region, optionally of one provider;
 * `undefined` when the region is not mapped. Region names are compared
 * without regard to case.
 *
 * @public
 */
export function electricityMapsZoneOf(
  region: string,
  provider?: CloudProvider,
): string | undefined {
  const wanted = region.trim().toLowerCase();
  return CLOUD_REGION_ELECTRICITY_MAPS_ZONES.find(
    z =>
      z.region.toLowerCase() === wanted &&
      (provider === undefined || z.provider === provider),
  )?.zone;
}

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
 * The ISO 4217 alphabetic codes a FOCUS `BillingCurrency` may carry: the
 * national currencies of ISO 4217 List One ("current currency & funds"), as
 * published by SIX Financial Information, the standard's maintenance agency
 * (https://www.six-group.com/en/products-services/financial-information/data-standards.html),
 * in its 2025 editions, which include the Zimbabwe Gold (ZWG, 2024) and the
 * Caribbean guilder (XCG, 2025). Cross-checked against the currencies of
 * Unicode CLDR as ICU 78 ships them (`Intl.supportedValuesOf('currency')`).
 *
 * Billing exports cover past periods, so codes withdrawn since 2023 are kept
 * too: HRK (Croatia, euro since 2023), SLL (Sierra Leone, redenominated to
 * SLE), ZWL (Zimbabwe, replaced by ZWG in 2024), ANG (replaced by XCG in
 * 2025), CUC (Cuba). Codes that are not money an invoice is paid in are
 * left out: the fund codes (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW),
 * precious metals (XAG, XAU, XPD, XPT), units of account (XBA–XBD, XDR, XSU,
 * XUA), the testing code XTS and XXX ("no currency").
 *
 * The FOCUS reader refuses a `BillingCurrency` that is not three letters in
 * both modes; a well-formed code missing here is refused in strict mode and
 * kept and counted (`unknown-currency`) in lenient mode, in case a new
 * currency is younger than this list.
 *
 * @public
 */
// prettier-ignore
export const ISO_4217_CURRENCY_CODES: ReadonlySet<string> = new Set([
  'AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN',
  'BAM', 'BBD', 'BDT', 'BGN', 'BHD', 'BIF', 'BMD', 'BND', 'BOB', 'BRL',
  'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHF', 'CLP', 'CNY',
  'COP', 'CRC', 'CUC', 'CUP', 'CVE', 'CZK', 'DJF', 'DKK', 'DOP', 'DZD',
  'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP',
  'GMD', 'GNF', 'GTQ', 'GYD', 'HKD', 'HNL', 'HRK', 'HTG', 'HUF', 'IDR',
  'ILS', 'INR', 'IQD', 'IRR', 'ISK', 'JMD', 'JOD', 'JPY', 'KES', 'KGS',
  'KHR', 'KMF', 'KPW', 'KRW', 'KWD', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR',
  'LRD', 'LSL', 'LYD', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP',
  'MRU', 'MUR', 'MVR', 'MWK', 'MXN', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO',
  'NOK', 'NPR', 'NZD', 'OMR', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN',
  'PYG', 'QAR', 'RON', 'RSD', 'RUB', 'RWF', 'SAR', 'SBD', 'SCR', 'SDG',
  'SEK', 'SGD', 'SHP', 'SLE', 'SLL', 'SOS', 'SRD', 'SSP', 'STN', 'SVC',
  'SYP', 'SZL', 'THB', 'TJS', 'TMT', 'TND', 'TOP', 'TRY', 'TTD', 'TWD',
  'TZS', 'UAH', 'UGX', 'USD', 'UYU', 'UZS', 'VED', 'VES', 'VND', 'VUV',
  'WST', 'XAF', 'XCD', 'XCG', 'XOF', 'XPF', 'YER', 'ZAR', 'ZMW', 'ZWG',
  'ZWL',
]);

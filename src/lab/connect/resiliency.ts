/**
 * Duplicate-attribute resiliency, on for every tenant and impossible to turn off
 * (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-syncservice-duplicate-attribute-resiliency):
 * - "Instead of completely failing to provision or update an object with a duplicate attribute,
 *   Microsoft Entra ID 'quarantines' the duplicate attribute". A UPN, being required, is replaced by
 *   `<OriginalPrefix>+<4DigitNumber>@<InitialTenantDomain>.onmicrosoft.com`; the page's example
 *   (User1234@contoso.onmicrosoft.com) shows the `+` joins the parts and is not written. A proxy
 *   address, not required, is simply left out.
 * - "The attribute resiliency process handles only UPN and SMTP ProxyAddress values."
 * - The conflict is recorded on the object (DirSyncProvisioningErrors, Graph
 *   onPremisesProvisioningErrors) and reported once: "the sync client doesn't log an error and
 *   doesn't retry the create / update operation upon subsequent sync cycles".
 * - "A background timer task ... runs every hour to look for duplicate attribute conflicts that have
 *   been resolved, and automatically removes the attributes in question from quarantine." The lab
 *   does that for an object when a cycle looks at it, not on an hourly timer.
 */
import type { LabProvisioningError, LabUser } from '../tenant/records.js';
import type { AddressBook } from './address-book.js';
import { smtpAddressOf } from './address-book.js';

/** A conflict found for one value. */
export interface Conflict {
  property: 'UserPrincipalName' | 'ProxyAddresses';
  value: string;
  holder: Readonly<LabUser>;
}

/** What may be written, and which quarantines are new, kept or released. */
export interface ResilientValues {
  userPrincipalName: string;
  proxyAddresses: string[];
  /** Conflicts not recorded on the object yet. */
  added: Conflict[];
  /** Recorded quarantines whose conflict is gone. */
  released: { property: 'UserPrincipalName' | 'ProxyAddresses'; value: string }[];
}

export interface ResiliencyInput {
  /** The cloud object written (null: a new one). */
  self: Readonly<LabUser> | null;
  /** A stable key of the object for the placeholder number (its immutable id). */
  key: string;
  /** What AD asks for. */
  desiredUpn: string;
  desiredProxyAddresses: readonly string[];
  /** The quarantines already recorded on the object. */
  recorded: readonly Readonly<LabProvisioningError>[];
  book: AddressBook;
  initialDomain: string;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Apply resiliency to the UPN and proxy addresses AD asks for. */
export function resolveDuplicates(input: ResiliencyInput): ResilientValues {
  const { self, book } = input;
  const isSelf = (u: Readonly<LabUser>): boolean => self !== null && u.id === self.id;
  const recorded = (property: string, value: string) => input.recorded.find((r) => r.propertyCausingError === property && same(r.value ?? '', value));
  const added: Conflict[] = [];
  const released: ResilientValues['released'] = [];

  // userPrincipalName
  let upn = input.desiredUpn;
  const upnHolder = book.byUpn(input.desiredUpn);
  const upnConflict = upnHolder !== undefined && !isSelf(upnHolder);
  if (upnHolder && upnConflict) {
    const kept = self !== null && recorded('UserPrincipalName', input.desiredUpn) !== undefined;
    upn = kept && self ? self.userPrincipalName : placeholderUpn(input.desiredUpn, input.key, input.initialDomain, book);
    if (!kept) added.push({ property: 'UserPrincipalName', value: input.desiredUpn, holder: upnHolder });
  }
  for (const r of input.recorded) {
    if (r.propertyCausingError !== 'UserPrincipalName' || r.value === null) continue;
    if (!(upnConflict && same(r.value, input.desiredUpn))) released.push({ property: 'UserPrincipalName', value: r.value });
  }

  // proxyAddresses (SMTP only)
  const proxyAddresses: string[] = [];
  const quarantined = new Set<string>();
  for (const p of input.desiredProxyAddresses) {
    const address = smtpAddressOf(p);
    const holder = address === null ? undefined : book.holdersOf(address).find((u) => !isSelf(u));
    if (!holder || address === null) {
      proxyAddresses.push(p);
      continue;
    }
    quarantined.add(address);
    if (!recorded('ProxyAddresses', p)) added.push({ property: 'ProxyAddresses', value: p, holder });
  }
  for (const r of input.recorded) {
    if (r.propertyCausingError === 'ProxyAddresses' && r.value !== null && !quarantined.has(smtpAddressOf(r.value) ?? r.value.toLowerCase())) {
      released.push({ property: 'ProxyAddresses', value: r.value });
    }
  }
  return { userPrincipalName: upn, proxyAddresses, added, released };
}

/** FNV-1a, 32 bit: a stable number from the object's key (the same object gets the same placeholder). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** `<prefix><4 digits>@<initial domain>`, free in the tenant. */
function placeholderUpn(upn: string, key: string, initialDomain: string, book: AddressBook): string {
  const prefix = upn.includes('@') ? upn.slice(0, upn.lastIndexOf('@')) : upn;
  let n = fnv1a(key) % 10000;
  for (let i = 0; i < 10000; i++, n = (n + 1) % 10000) {
    const candidate = `${prefix}${String(n).padStart(4, '0')}@${initialDomain}`;
    if (!book.byUpn(candidate)) return candidate;
  }
  throw new Error(`no free placeholder UPN for ${upn} in ${initialDomain}`);
}

/**
 * The live cloud users by UPN and by SMTP address, kept current through a cycle's own writes (the
 * per-object pass has no await, so nothing else writes meanwhile). Makes a cycle O(n) instead of O(n²).
 */
import type { LabTenant } from '../tenant/lab-tenant.js';
import type { LabUser } from '../tenant/records.js';

/** The address of an `smtp:` / `SMTP:` proxy address, lower case; null for other address types (X500, SIP, ...). */
export function smtpAddressOf(proxyAddress: string): string | null {
  return /^smtp:/i.test(proxyAddress) ? proxyAddress.slice(5).toLowerCase() : null;
}

/** The primary SMTP address (the `SMTP:` entry, else `mail`), lower case. */
export function primarySmtpOf(u: { proxyAddresses: readonly string[]; mail: string | null }): string | null {
  const p = u.proxyAddresses.find((a) => a.startsWith('SMTP:'));
  const addr = p ? p.slice(5) : u.mail;
  return addr ? addr.toLowerCase() : null;
}

export class AddressBook {
  private readonly primary = new Map<string, Set<string>>();
  private readonly any = new Map<string, Set<string>>();
  private readonly keys = new Map<string, { primary: string | null; any: string[] }>();

  constructor(private readonly tenant: LabTenant) {
    for (const u of tenant.listUsers()) this.add(u);
  }

  /** Record a user's current addresses (after it was created or changed). */
  add(u: Readonly<LabUser>): void {
    this.remove(u.id);
    const any = [...new Set(u.proxyAddresses.map(smtpAddressOf).filter((a): a is string => a !== null))];
    const k = { primary: primarySmtpOf(u), any };
    this.keys.set(u.id, k);
    if (k.primary) put(this.primary, k.primary, u.id);
    for (const a of k.any) put(this.any, a, u.id);
  }

  /** Forget a user (deleted). */
  remove(id: string): void {
    const k = this.keys.get(id);
    if (!k) return;
    this.keys.delete(id);
    if (k.primary) this.primary.get(k.primary)?.delete(id);
    for (const a of k.any) this.any.get(a)?.delete(id);
  }

  /** Live users whose primary SMTP address is `address`. */
  byPrimary(address: string): Readonly<LabUser>[] {
    return this.users(this.primary.get(address.toLowerCase()));
  }

  /** Live users that have `address` among their SMTP proxy addresses (primary or secondary). */
  holdersOf(address: string): Readonly<LabUser>[] {
    return this.users(this.any.get(address.toLowerCase()));
  }

  /** The live user with this UPN (case-insensitive). */
  byUpn(upn: string): Readonly<LabUser> | undefined {
    return this.tenant.getUserByUpn(upn);
  }

  private users(ids: Set<string> | undefined): Readonly<LabUser>[] {
    return [...(ids ?? [])].map((id) => this.tenant.getUser(id)).filter((u): u is Readonly<LabUser> => u !== undefined);
  }
}

function put(m: Map<string, Set<string>>, k: string, id: string): void {
  let set = m.get(k);
  if (!set) m.set(k, (set = new Set()));
  set.add(id);
}

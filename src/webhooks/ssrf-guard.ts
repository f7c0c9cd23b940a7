// Where a webhook may be delivered (spec section 5): HTTPS only (plain http to loopback in
// development), and outside development never to loopback, private, link-local, metadata or
// other internal addresses. `checkDestination` runs at registration and as deliveries go out
// (for a clear refusal); `connectLookup` runs when the delivery's socket connects and checks
// the very addresses it connects to, so a name re-pointed at an internal address between the
// check and the connection (DNS rebinding) is refused too.
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIPv4, isIPv6, type LookupFunction } from 'node:net';

export type LookupAddress = { address: string; family: number };
export type Lookup = (host: string) => Promise<LookupAddress[]>;

export interface DestinationOptions {
  production: boolean;
  lookup?: Lookup;
}

export type DestinationCheck = { ok: true; addresses: string[] } | { ok: false; reason: string };

const internalRanges: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network", includes 0.0.0.0
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, includes the 169.254.169.254 metadata service
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, includes 255.255.255.255
  ['::', 96, 'ipv6'], // unspecified, loopback and the deprecated IPv4-compatible form
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'], // link-local
  ['fec0::', 10, 'ipv6'], // deprecated site-local
  ['ff00::', 8, 'ipv6'], // multicast
];

// BlockList also matches IPv4-mapped IPv6 (::ffff:127.0.0.1) against the IPv4 ranges.
const internal = new BlockList();
for (const [network, prefix, family] of internalRanges) internal.addSubnet(network, prefix, family);

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const internalNames = new Set(['localhost', 'metadata', 'metadata.google.internal', 'instance-data', 'instance-data.ec2.internal']);

function isInternalName(host: string): boolean {
  return internalNames.has(host) || host.endsWith('.localhost');
}

/** The IPv4 address inside a NAT64 well-known-prefix address (64:ff9b::a.b.c.d), if any. */
function nat64Embedded(address: string): string | undefined {
  const match = /^64:ff9b::([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(new URL(`http://[${address}]/`).hostname.slice(1, -1));
  if (!match) return undefined;
  const value = (Number.parseInt(match[1]!, 16) << 16) | Number.parseInt(match[2]!, 16);
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}

/** An address without its zone id (fe80::1%eth0), which says nothing about the range. */
function withoutZone(address: string): string {
  return address.replace(/%.*$/, '');
}

function isInternalAddress(address: string): boolean {
  const bare = withoutZone(address);
  if (isIPv4(bare)) return internal.check(bare, 'ipv4');
  if (!isIPv6(bare)) return true; // not an address at all: refuse rather than guess
  const embedded = nat64Embedded(bare);
  return internal.check(bare, 'ipv6') || (embedded !== undefined && internal.check(embedded, 'ipv4'));
}

function isLoopbackAddress(address: string): boolean {
  const bare = withoutZone(address);
  if (isIPv4(bare)) return loopback.check(bare, 'ipv4');
  return isIPv6(bare) && loopback.check(bare, 'ipv6');
}

async function resolve(host: string, lookup: Lookup): Promise<string[] | undefined> {
  if (isIPv4(host) || isIPv6(host)) return [host];
  try {
    const found = await lookup(host);
    return found.length > 0 ? found.map((entry) => entry.address) : undefined;
  } catch {
    return undefined;
  }
}

const defaultLookup: Lookup = (host) => dnsLookup(host, { all: true });

export async function checkDestination(url: string, options: DestinationOptions): Promise<DestinationCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { ok: false, reason: `scheme ${parsed.protocol} is not allowed; use https` };
  if (parsed.username !== '' || parsed.password !== '') return { ok: false, reason: 'URLs with credentials are not allowed' };

  // URL has already lower-cased the host and normalised IPv4 spellings (0x7f.1, 2130706433).
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  const plainHttp = parsed.protocol === 'http:';
  if (plainHttp && options.production) return { ok: false, reason: 'https is required' };
  if (options.production && isInternalName(host)) return { ok: false, reason: 'host is an internal name' };

  const addresses = await resolve(host, options.lookup ?? defaultLookup);
  if (addresses === undefined) return { ok: false, reason: 'host does not resolve' };
  if (plainHttp && !addresses.every(isLoopbackAddress)) return { ok: false, reason: 'plain http is allowed only to loopback in development; use https' };
  if (options.production && addresses.some(isInternalAddress)) return { ok: false, reason: 'host is or resolves to a loopback, private, link-local or reserved address' };
  return { ok: true, addresses };
}

/**
 * A `net.connect` lookup: resolves like `checkDestination` and, in
 * production, fails the connection when any address is internal.
 */
export function connectLookup(options: DestinationOptions): LookupFunction {
  const lookup = options.lookup ?? defaultLookup;
  return (hostname, lookupOptions, callback) => {
    lookup(hostname).then((found) => {
      const usable = lookupOptions.family === 4 || lookupOptions.family === 6 ? found.filter((entry) => entry.family === lookupOptions.family) : found;
      if (usable.length === 0) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), '');
      if (options.production && usable.some((entry) => isInternalAddress(entry.address))) {
        return callback(Object.assign(new Error(`refused destination: ${hostname} resolves to an internal address`), { code: 'EREFUSEDDESTINATION' }), '');
      }
      if (lookupOptions.all) return callback(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    }, (error: NodeJS.ErrnoException) => callback(error, ''));
  };
}

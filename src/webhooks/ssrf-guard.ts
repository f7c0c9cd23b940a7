// Where a webhook may be delivered (spec section 5): HTTPS only (plain http to loopback in
// development), and outside development never to loopback, private, link-local, metadata or
// other internal addresses. `checkDestination` runs at registration and as deliveries go out
// (for a clear refusal); `connectLookup` runs when the delivery's socket connects and checks
// the very addresses it connects to, so a name re-pointed at an internal address between the
// check and the connection (DNS rebinding) is refused too.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIPv4, isIPv6, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export type LookupAddress = { address: string; family: number };
export type Lookup = (host: string) => Promise<LookupAddress[]>;

export interface DestinationOptions {
  production: boolean;
  lookup?: Lookup;
}

export type DestinationCheck = { ok: true; addresses: string[] } | { ok: false; reason: string };

// ipaddr.js names every special range; only what it calls `unicast` is the
// public internet. Two ranges it leaves in `unicast` or lets through as NAT64 are
// refused here too: ::/96, the deprecated IPv4-compatible form (::7f00:1 is
// 127.0.0.1), and 64:ff9b:1::/48, NAT64 for local use (RFC 8215), whose IPv4
// may sit anywhere in the address and which can only lead inside a network.
const alsoInternal = ['::/96', '64:ff9b:1::/48'].map((cidr) => ipaddr.parseCIDR(cidr));

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * The IPv4 addresses an IPv6 address stands for: IPv4-mapped and translated
 * (::ffff:a.b.c.d, ::ffff:0:a.b.c.d), NAT64 (64:ff9b::a.b.c.d), 6to4
 * (2002:aabb:ccdd::) and Teredo (its server, and its client stored inverted).
 * Undefined for an address that carries none.
 */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] | undefined {
  const bytes = address.toByteArray();
  const at = (offset: number, invert = false) => new ipaddr.IPv4(bytes.slice(offset, offset + 4).map((byte) => (invert ? byte ^ 0xff : byte)));
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
    case 'rfc6052':
      return [at(12)];
    case '6to4':
      return [at(2)];
    case 'teredo':
      return [at(4), at(12, true)];
    default:
      return undefined;
  }
}

/** An address, parsed without its zone id (fe80::1%eth0), which says nothing about the range. */
function parseAddress(address: string): Address | undefined {
  const bare = address.replace(/%.*$/, '');
  return isIPv4(bare) || isIPv6(bare) ? ipaddr.parse(bare) : undefined;
}

function isPublic(address: Address): boolean {
  if (address.kind() === 'ipv4') return address.range() === 'unicast';
  const v6 = address as ipaddr.IPv6;
  if (alsoInternal.some((cidr) => v6.match(cidr))) return false;
  const embedded = embeddedIPv4(v6);
  if (embedded) return embedded.every(isPublic);
  return v6.range() === 'unicast';
}

function isInternalAddress(address: string): boolean {
  const parsed = parseAddress(address);
  return parsed === undefined || !isPublic(parsed); // not an address at all: refuse rather than guess
}

function isLoopbackAddress(address: string): boolean {
  const parsed = parseAddress(address);
  if (parsed === undefined) return false;
  const v4 = parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
  return v4.range() === 'loopback';
}

const internalNames = new Set(['localhost', 'metadata', 'metadata.google.internal', 'instance-data', 'instance-data.ec2.internal']);

function isInternalName(host: string): boolean {
  return internalNames.has(host) || host.endsWith('.localhost');
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

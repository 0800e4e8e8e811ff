import dns from 'node:dns';
import net from 'node:net';

/** Every outbound TCP connection and name lookup this process attempted while recording. */
export interface OutboundLog {
  /** `host:port`, or `unix:<path>` for a local socket. */
  connections: string[];
  /** Host names passed to the resolver. */
  lookups: string[];
  /** Puts the original functions back. */
  restore: () => void;
}

type AnyFunction = (...args: unknown[]) => unknown;

/** Resolver functions of `node:dns` and `node:dns/promises` that send queries or look up names. */
const RESOLVERS = [
  'lookup',
  'resolve',
  'resolve4',
  'resolve6',
  'resolveAny',
  'resolveCname',
] as const;

/**
 * Wraps `net.Socket.prototype.connect` (which `net.connect`, `tls.connect`, `http` and
 * `fetch` all reach) and the resolver functions, recording each target before calling on.
 */
export function recordOutbound(): OutboundLog {
  const connections: string[] = [];
  const lookups: string[] = [];
  const restores: Array<() => void> = [];

  // Taken unbound on purpose: the wrapper calls it with each socket as `this`.
  const connect = Reflect.get(net.Socket.prototype, 'connect') as AnyFunction;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    connections.push(targetOf(args));
    return connect.apply(this, args);
  } as unknown as typeof net.Socket.prototype.connect;
  restores.push(() => {
    net.Socket.prototype.connect = connect as unknown as typeof net.Socket.prototype.connect;
  });

  for (const target of [dns, dns.promises] as unknown as Array<Record<string, AnyFunction>>) {
    for (const name of RESOLVERS) {
      const original = target[name];
      target[name] = function (this: unknown, hostname: unknown, ...rest: unknown[]) {
        lookups.push(String(hostname));
        return original.call(this, hostname, ...rest);
      };
      restores.push(() => {
        target[name] = original;
      });
    }
  }

  return { connections, lookups, restore: () => restores.reverse().forEach((undo) => undo()) };
}

/** The target of a `Socket#connect` call in any of its forms (Node `net` docs). */
function targetOf(args: unknown[]): string {
  // `net.connect` passes its normalised arguments as one array.
  const [first, second] = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (first !== null && typeof first === 'object') {
    const options = first as { host?: string; port?: number | string; path?: string };
    return options.path ? `unix:${options.path}` : `${options.host ?? 'localhost'}:${options.port}`;
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return `${typeof second === 'string' ? second : 'localhost'}:${first}`;
  }
  return `unix:${String(first)}`;
}

/** True for a loopback connection target: `host:port` on a loopback host, or a local socket. */
export function isLoopback(target: string): boolean {
  return target.startsWith('unix:') || isLoopbackHost(target.slice(0, target.lastIndexOf(':')));
}

/** True for 127.0.0.0/8, ::1 (bracketed or not, or IPv4-mapped) and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').replace(/^::ffff:/, '');
  return /^127(\.\d{1,3}){3}$/.test(bare) || bare === '::1' || bare === 'localhost';
}

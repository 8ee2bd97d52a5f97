// Trust on first use of an issuer's metadata: `--issuer https://site` fetches
// /.well-known/authplatform-issuer.json once, keeps it in a pin store, and holds every later run
// to that copy; `--refresh-pin` fetches it again and refuses a change that would let another
// contract or key pass (docs/bundle-spec.md, "Pinning the issuer").
//
// The same store, file names and rules as provenance/pins.py, so both verifiers share one pin
// store.

import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";

import { readJson } from "./canonical.mjs";
import { IssuerError, UsageError, issuerFromMetadata, utcTimestamp } from "./lib.mjs";

export const WELL_KNOWN_PATH = "/.well-known/authplatform-issuer.json";
export const FETCH_TIMEOUT_MS = 10_000;
export const MAX_METADATA_BYTES = 1024 * 1024;
// Plain http only where nobody between us and the issuer can change the answer: this machine.
export const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);
const DEFAULT_PORTS = { https: 443, http: 80 };
const ACCEPT_HINT = "If the issuer really changed it, run again with --refresh-pin --accept-issuer-change.";

/** The issuer's metadata cannot be fetched, stored or taken: a usage error (exit status 2). */
export class PinError extends UsageError {}

/** Whether `--issuer` names a URL (fetched and pinned) rather than a saved file. */
export function isIssuerUrl(source) {
  return /^https?:\/\//i.test(source);
}

/** $AUTHPLATFORM_PINS, else $XDG_CONFIG_HOME/authplatform/pins, else ~/.config/authplatform/pins. */
export function pinStoreDefault(environ = process.env) {
  if (environ.AUTHPLATFORM_PINS) return environ.AUTHPLATFORM_PINS;
  const config = environ.XDG_CONFIG_HOME || "";
  // The XDG spec ignores a relative XDG_CONFIG_HOME.
  const base = isAbsolute(config) ? config : join(homedir(), ".config");
  return join(base, "authplatform", "pins");
}

/**
 * The metadata URL that `source` (the metadata's URL, or the site's origin) names, and its pin
 * file: one per scheme, host and port (`https_example.com_443.json`).
 */
export function issuerOrigin(source) {
  let url;
  try {
    url = new URL(source);
  } catch (error) {
    throw new PinError(`--issuer ${source}: not a usable URL (${error.message})`);
  }
  const scheme = url.protocol.replace(/:$/, "");
  // URL writes an IPv6 host in brackets; the pin file and the loopback check go without.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!(scheme in DEFAULT_PORTS) || !host) throw new PinError(`--issuer ${source}: not an https:// URL with a host`);
  if (url.username || url.password) {
    throw new PinError(`--issuer ${source}: a URL with a user name or password is not supported`);
  }
  const loopback = LOOPBACK_HOSTS.has(host);
  if (scheme === "http" && !loopback) {
    throw new PinError(
      `--issuer ${source}: plain http:// is taken only from this machine ` +
        `(${[...LOOPBACK_HOSTS].sort().join(", ")}); use https://`,
    );
  }
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[scheme];
  url.hash = "";
  if (url.pathname === "/" && !url.search) url.pathname = WELL_KNOWN_PATH;
  return {
    url: url.href,
    label: url.host,
    fileName: `${scheme}_${host.replace(/[^a-z0-9.-]/g, "_")}_${port}.json`,
    loopback,
  };
}

/**
 * The issuer metadata pinned for `source` (an https:// URL): `{metadata, path, note}`, the
 * stored copy if there is one (no network), else fetched and stored. `refresh`: fetch again,
 * store it if it only adds to the pinned copy, else PinError listing the changes, unless
 * `acceptChange`. `note` is what to tell the user (null: nothing).
 */
export async function issuerPin(source, { store, refresh = false, acceptChange = false }) {
  const origin = issuerOrigin(source);
  const path = join(store, origin.fileName);
  let pinned = null;
  let unusable = null;
  try {
    pinned = pinnedRead(path, origin);
  } catch (error) {
    if (!(error instanceof PinError)) throw error;
    unusable = error;
  }
  if (pinned && !refresh) return { metadata: pinned.metadata, path, note: null };
  if (unusable && !refresh) throw unusable;
  const { body, metadata, pins } = await metadataFetch(origin.url);
  if (!pinned && !unusable) {
    storeWrite(path, body);
    return {
      metadata,
      path,
      note: `pinned the issuer metadata of ${origin.label} to ${path}; later runs use this copy`,
    };
  }
  const changes = unusable ? [`the pinned copy is unusable (${unusable.message})`] : issuerChanges(pinned.pins, pins);
  if (changes.length && !acceptChange) {
    throw new PinError(
      `the issuer metadata at ${origin.url} differs from the copy pinned in ${path}: ` +
        `${changes.join("; ")}. ${ACCEPT_HINT}`,
    );
  }
  storeWrite(path, body);
  const note = changes.length
    ? `the issuer metadata of ${origin.label} changed (${changes.join("; ")}); pinned the new copy to ${path}`
    : null;
  return { metadata, path, note };
}

/**
 * What `fetched` changes in `pinned` (both from issuerFromMetadata) beyond what an issuer does
 * in its course: a new chain's contract, a new key valid from after the pinned ones, a key
 * retired (or retired earlier). Anything else changes what the pin vouches for: a bundle it
 * refuses could pass, or one the user relied on could fail. Each change is one phrase.
 */
export function issuerChanges(pinned, fetched) {
  const changes = [];
  const contracts = fetched.contracts ?? new Map();
  const chains = [...(pinned.contracts ?? new Map()).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [chainId, address] of chains) {
    const now = contracts.get(chainId) ?? null;
    if (now === null) changes.push(`the contract for chain ${chainId} (${address}) is gone`);
    else if (now.toLowerCase() !== address.toLowerCase()) {
      changes.push(`the contract for chain ${chainId} changed from ${address} to ${now}`);
    }
  }
  const keys = new Map((fetched.keys ?? []).map((key) => [key.address.toLowerCase(), key]));
  for (const key of pinned.keys ?? []) {
    const now = keys.get(key.address.toLowerCase());
    keys.delete(key.address.toLowerCase());
    if (now === undefined) {
      changes.push(`the signing key ${key.address} is gone`);
      continue;
    }
    if (now.validFrom !== key.validFrom) {
      changes.push(
        `the valid_from of the signing key ${key.address} moved from ${moment(key.validFrom)} to ` +
          moment(now.validFrom),
      );
    }
    if (key.retiredAt !== null && (now.retiredAt === null || now.retiredAt > key.retiredAt)) {
      changes.push(
        `the retired_at of the signing key ${key.address} moved from ${moment(key.retiredAt)} to ` +
          moment(now.retiredAt),
      );
    }
  }
  const bounds = (pinned.keys ?? []).map((key) => key.validFrom).filter((at) => at !== null);
  const latest = bounds.length ? Math.max(...bounds) : null;
  for (const key of keys.values()) {
    // A new key that reaches back would vouch for documents the pinned keys did not sign.
    if (key.validFrom === null || (latest !== null && key.validFrom < latest)) {
      changes.push(
        `the new signing key ${key.address} is valid from ${moment(key.validFrom)}, ` +
          `before the newest pinned key (${moment(latest)})`,
      );
    }
  }
  return changes;
}

function moment(seconds) {
  return seconds === null ? "no bound" : utcTimestamp(seconds);
}

function oneLine(text) {
  return String(text).split(/\s+/).filter(Boolean).join(" ");
}

/** The stored copy, `{metadata, pins}`; null if there is none yet. */
function pinnedRead(path, origin) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if (error.code === "ENOENT") return null;
    throw new PinError(`${path} (the pinned issuer metadata of ${origin.label}): ${oneLine(error.message)}`);
  }
  try {
    const metadata = readJson(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return { metadata, pins: issuerFromMetadata(metadata) };
  } catch (error) {
    throw new PinError(`${path} (the pinned issuer metadata of ${origin.label}): ${oneLine(error.message)}`);
  }
}

function fetchProblem(error) {
  if (error?.name === "TimeoutError") return `no answer in ${FETCH_TIMEOUT_MS / 1000} s`;
  const cause = error?.cause;
  if (cause) return oneLine(cause.code ? `${cause.code} ${cause.message ?? ""}` : (cause.message ?? cause));
  return oneLine(error?.message ?? error);
}

/** The body at `url`, the metadata in it and its pins; PinError naming `url` otherwise. */
async function metadataFetch(url) {
  const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  let body;
  try {
    // A redirect is answered as an error: where the metadata moved is for the user to pin.
    const response = await fetch(url, { redirect: "manual", signal, headers: { accept: "application/json" } });
    if (response.status !== 200) {
      await response.body?.cancel();
      const location = response.headers.get("location");
      const moved = location ? ` to ${location}; pass that URL instead` : "";
      throw new PinError(`cannot fetch ${url}: HTTP ${response.status} ${response.statusText}${moved}`);
    }
    const length = response.headers.get("content-length");
    if (length && /^\d+$/.test(length) && Number(length) > MAX_METADATA_BYTES) {
      await response.body?.cancel();
      throw new PinError(`cannot fetch ${url}: the answer is over 1 MiB (${length} bytes)`);
    }
    const chunks = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > MAX_METADATA_BYTES) throw new PinError(`cannot fetch ${url}: the answer is over 1 MiB`);
      chunks.push(chunk);
    }
    body = Buffer.concat(chunks);
  } catch (error) {
    if (error instanceof PinError) throw error;
    throw new PinError(`cannot fetch ${url}: ${fetchProblem(error)}`);
  }
  let metadata;
  try {
    metadata = readJson(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch (error) {
    throw new PinError(`cannot fetch ${url}: the answer is not JSON (${oneLine(error.message)})`);
  }
  try {
    return { body, metadata, pins: issuerFromMetadata(metadata) };
  } catch (error) {
    if (!(error instanceof IssuerError)) throw error;
    throw new PinError(`${url}: ${error.message}`);
  }
}

/**
 * Write `body` to `path` whole or not at all (a temporary file, then a rename): the folders it
 * creates 0700, the file 0600.
 */
function storeWrite(path, body) {
  const temporary = join(dirname(path), `.${randomBytes(6).toString("hex")}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const descriptor = openSync(temporary, "wx", 0o600);
    try {
      writeSync(descriptor, body);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Not written, or already renamed.
    }
    throw new PinError(`cannot write the pin ${path}: ${oneLine(error.message)}`);
  }
}

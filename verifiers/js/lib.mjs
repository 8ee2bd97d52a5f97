// The reference verifier of authplatform proof bundles, in JavaScript: docs/bundle-spec.md.
//
// A second implementation beside provenance/bundles.py, written from the spec, with the same
// checks, step names, sentences, outcomes and exit codes. `verifyBundle` is the whole
// verification (verify.mjs is its command line); the pieces it is built from are exported for
// the test vectors (verifiers/vectors.json) and the bench.
//
// Merkle leaves and proofs go through OpenZeppelin's @openzeppelin/merkle-tree, everything
// Ethereum (keccak, ABI, EIP-191 recovery, JSON-RPC transport) through ethers.

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  FetchRequest,
  Interface,
  getAddress,
  getBytes,
  hexlify,
  keccak256,
  toBeHex,
  verifyMessage,
  zeroPadValue,
} from "ethers";

import { CanonicalError, JsonFraction, canonicalValue } from "./canonical.mjs";

export const BUNDLE_FORMAT = "authplatform.proof-bundle/1";
export const ISSUER_FORMAT = "authplatform.issuer/1";
export const FIELD_LEAF_TYPES = ["string", "bytes16", "bytes32"];
export const BATCH_LEAF_TYPES = ["bytes32"];
export const IDENTITY_FIELDS = ["type", "id"];
export const REVOCATION_TYPE = "revocation";
export const MAX_PROOF_LENGTH = 64;
export const SALT_BYTES = 16;
export const RPC_TIMEOUT_MS = 10_000;

// What a verifier needs of AnchorLog (provenance/contracts/AnchorLog.vy), and nothing else.
export const ANCHOR_LOG_ABI = [
  "function anchor_of(bytes32 root) view returns (uint256 seq, uint256 timestamp, uint256 block_number)",
  "function signer_window(address signer) view returns (uint256 first_seq, uint256 last_seq)",
  "function revoked_at(bytes32 document_root) view returns (uint256)",
  "event Anchored(uint256 indexed seq, bytes32 indexed root, bytes32 prev_root)",
  "event Revoked(bytes32 indexed document_root, uint256 indexed seq)",
  "event SignerAuthorised(address indexed signer, uint256 indexed seq)",
  "event SignerRetired(address indexed signer, uint256 indexed seq)",
];
const ANCHOR_LOG = new Interface(ANCHOR_LOG_ABI);
export const ANCHORED_TOPIC = ANCHOR_LOG.getEvent("Anchored").topicHash;

export const Outcome = Object.freeze({
  VALID: "valid",
  PENDING: "pending",
  REVOKED: "revoked",
  INVALID: "invalid",
  // Nothing failed, but the chain was not asked (offline) or did not answer.
  UNCHECKED: "unchecked",
});

export const EXIT_CODES = Object.freeze({ valid: 0, invalid: 1, pending: 3, revoked: 4, unchecked: 5 });
// The bundle or the issuer metadata could not be read, or the arguments are wrong.
export const EXIT_USAGE = 2;

export const LABELS = Object.freeze({
  valid: "VALID",
  pending: "PENDING",
  revoked: "REVOKED",
  invalid: "INVALID",
  unchecked: "NOT CHECKED",
});

// secp256k1's group order: r and s of a signature are below it.
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The arguments, the bundle file or the issuer metadata can't be used: exit status 2. */
export class UsageError extends Error {}

/** The issuer metadata is not in the authplatform.issuer/1 format. */
export class IssuerError extends UsageError {}

/** A malformed part of a bundle; its message goes into a step's sentence. */
class Malformed extends Error {}

/** The node did not answer, or not as a JSON-RPC node does. */
class NodeError extends Error {}

/** The contract did not answer as an AnchorLog does (a revert, or output that does not decode). */
class ContractError extends Error {}

// --- what Python's checks take for granted ----------------------------------------------

/** Python's truth: empty strings, arrays and objects, zero and null are false. */
function truthy(value) {
  if (value === null || value === undefined || value === false) return false;
  if (value === 0 || value === 0n || value === "") return false;
  if (value instanceof JsonFraction) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof JsonFraction);
}

/** How Python's str() writes a JSON value into a sentence. */
function text(value) {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (value instanceof JsonFraction) return value.text;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return repr(value);
}

/** Python's repr() of a JSON value, near enough for a sentence. */
function repr(value) {
  if (typeof value === "string") return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(repr).join(", ")}]`;
  if (isObject(value)) {
    return `{${Object.entries(value).map(([k, v]) => `${repr(k)}: ${repr(v)}`).join(", ")}}`;
  }
  return text(value);
}

/** Python's == between JSON values: 1 == 1.0 == True. */
function same(a, b) {
  const numeric = (v) =>
    typeof v === "number" || typeof v === "bigint" || typeof v === "boolean" || v instanceof JsonFraction;
  if (numeric(a) && numeric(b)) {
    const n = (v) => (v instanceof JsonFraction ? v.value : Number(v));
    return n(a) === n(b);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => same(item, b[index]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
  }
  return a === b || ((a === undefined || a === null) && (b === undefined || b === null));
}

function get(object, key) {
  return isObject(object) && Object.hasOwn(object, key) ? object[key] : undefined;
}

/** The bytes of `0x`-hex; Malformed if it is not that or not `size` bytes long. */
function bytesOf(value, size, what) {
  if (typeof value !== "string" || !value.startsWith("0x")) throw new Malformed(`${what} is not 0x-hex`);
  const digits = value.slice(2);
  if (/[^\x00-\x7f]/.test(digits)) throw new Malformed(`${what} holds a character that is not ASCII`);
  if (digits.length % 2) throw new Malformed("Odd-length string");
  if (!/^[0-9a-fA-F]*$/.test(digits)) throw new Malformed("Non-hexadecimal digit found");
  const raw = getBytes("0x" + digits);
  if (raw.length !== size) throw new Malformed(`${what} is ${raw.length} bytes, not ${size}`);
  return raw;
}

function proofOf(value, what) {
  if (!Array.isArray(value) || value.length > MAX_PROOF_LENGTH) {
    throw new Malformed(`${what} is not a list of at most ${MAX_PROOF_LENGTH} hashes`);
  }
  return value.map((node) => bytesOf(node, 32, what));
}

function countOf(value, what) {
  const integer = typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value));
  if (!integer || value < 0) throw new Malformed(`${what} is not a whole number`);
  return BigInt(value);
}

/** Is `value` an address: 40 hex digits, with or without 0x (the checksum is not required). */
export function isAddress(value) {
  return typeof value === "string" && /^(0[xX])?[0-9a-fA-F]{40}$/.test(value);
}

/** The EIP-55 checksummed form of an address that `isAddress` accepts. */
export function checksummed(value) {
  return getAddress("0x" + value.slice(-40).toLowerCase());
}

// Exactly YYYY-MM-DDTHH:MM:SSZ in ASCII digits, as the spec says; the date must exist.
const UTC = /^(\d{4})-(1[0-2]|0[1-9])-(3[01]|[12]\d|0[1-9])T(2[0-3]|[01]\d):([0-5]\d):([0-5]\d)Z$/;

/** Seconds since the epoch of a UTC timestamp (`2026-11-24T10:00:00Z`); Malformed otherwise. */
export function utcParse(value) {
  if (typeof value !== "string") throw new Malformed(`${repr(value)} is not a UTC timestamp`);
  const match = UTC.exec(value);
  const [year, month, day, hour, minute, second] = (match || []).slice(1).map(Number);
  const moment = new Date(0);
  if (match) moment.setUTCFullYear(year, month - 1, day);
  if (!match || year === 0 || moment.getUTCDate() !== day) {
    throw new Malformed(`${repr(value)} is not a UTC timestamp (YYYY-MM-DDTHH:MM:SSZ)`);
  }
  return moment.getTime() / 1000 + hour * 3600 + minute * 60 + second;
}

/** A moment (seconds since the epoch) as bundles state it: UTC, whole seconds, `Z`. */
export function utcTimestamp(seconds) {
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// --- commitments -----------------------------------------------------------------------

/** keccak256 of the value's canonical JSON; `key` names it in errors. */
export function valueHash(key, value) {
  return keccak256(canonicalValue(value === undefined ? null : value, key));
}

/** The field leaf (OpenZeppelin standardLeafHash of (string key, bytes16 salt, bytes32 value hash)). */
export function fieldLeaf(key, salt, value) {
  const leaf = [key, hexlify(salt), valueHash(key, value)];
  return StandardMerkleTree.of([leaf], FIELD_LEAF_TYPES).leafHash(leaf);
}

/** Does `proof` lead from the field (key, salt, value hash) to `root`? */
function fieldProven(root, key, salt, hash, proof) {
  return StandardMerkleTree.verify(root, FIELD_LEAF_TYPES, [key, salt, hash], proof);
}

/** Does `proof` lead from the batch leaf of `documentRoot` to `batchRoot`? */
function batchProven(batchRoot, documentRoot, proof) {
  return StandardMerkleTree.verify(batchRoot, BATCH_LEAF_TYPES, [documentRoot], proof);
}

/** The document that disclosed fields (leaf key -> value, in order) describe. */
function documentRebuild(fields) {
  const document = {};
  const put = (object, key, value) =>
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  for (const [key, value] of fields) {
    const dot = key.indexOf(".");
    if (dot < 0) {
      if (Object.hasOwn(document, key)) throw new Malformed(`'${key}' is given both whole and by member.`);
      put(document, key, value);
      continue;
    }
    const [name, member] = [key.slice(0, dot), key.slice(dot + 1)];
    if (!Object.hasOwn(document, name)) put(document, name, {});
    const parent = document[name];
    if (!isObject(parent) || Object.hasOwn(parent, member)) {
      throw new Malformed(`'${key}' clashes with another disclosed field.`);
    }
    put(parent, member, value);
  }
  return document;
}

/** The address that made an EIP-191 signature over the 32 bytes of `root`. */
export function rootSignerRecover(root, signature) {
  if (typeof signature !== "string" || !/^0x[0-9a-fA-F]{130}$/.test(signature)) {
    throw new Malformed("The signature is not 65 bytes written as 0x-prefixed hex.");
  }
  const raw = getBytes(signature);
  const r = BigInt(hexlify(raw.slice(0, 32)));
  let s = BigInt(hexlify(raw.slice(32, 64)));
  let v = raw[64];
  // v: 27 or 28; 0 or 1 and EIP-155 values (35 and up) name the same two.
  if (v === 0 || v === 1) v += 27;
  else if (v >= 35) v = 27 + ((v - 35) % 2);
  else if (v !== 27 && v !== 28) throw new Malformed(`The signature is malformed: v ${v} is invalid`);
  if (r === 0n || s === 0n || r >= SECP256K1_N || s >= SECP256K1_N) {
    throw new Malformed("The signature is malformed: r or s is out of range");
  }
  // A high s (no EIP-2 rule here: this signs a document, not a transaction) names the same
  // key as n - s with the other v; ethers takes only the low form.
  if (s > SECP256K1_N / 2n) {
    s = SECP256K1_N - s;
    v = v === 27 ? 28 : 27;
  }
  try {
    return verifyMessage(root, { r: toBeHex(r, 32), s: toBeHex(s, 32), v });
  } catch (error) {
    throw new Malformed(`The signature is malformed: ${error.shortMessage || error.message}`);
  }
}

// --- issuer metadata --------------------------------------------------------------------

/**
 * The pins a verifier holds bundles to, from issuer metadata (`authplatform.issuer/1`) and/or
 * a contract address given by hand; null when neither is given. IssuerError if unusable.
 */
export function issuerPins({ metadata = null, contract = null, source = null } = {}) {
  let pins = null;
  if (metadata !== null) {
    try {
      pins = issuerFromMetadata(metadata);
    } catch (error) {
      if (!(error instanceof IssuerError) || source === null) throw error;
      throw new IssuerError(`${source}: ${error.message}`);
    }
  }
  if (contract !== null) {
    if (!isAddress(contract)) throw new IssuerError(`--contract: ${repr(contract)} is not an Ethereum address`);
    pins = { name: "", keys: null, contracts: null, ...pins, contract: checksummed(contract) };
  }
  return pins;
}

export function issuerFromMetadata(data) {
  if (!isObject(data) || data.format !== ISSUER_FORMAT) {
    throw new IssuerError(`This is not issuer metadata (${ISSUER_FORMAT}).`);
  }
  const rows = data.signing_keys;
  if (!Array.isArray(rows) || rows.length === 0) throw new IssuerError("The issuer metadata lists no signing keys.");
  const keys = rows.map((row) => {
    try {
      if (!isObject(row)) throw new Malformed(`${repr(row)} is not an object`);
      const moment = (value) => (value === null || value === undefined ? null : utcParse(value));
      return {
        address: pinnedAddress(row.address),
        validFrom: moment(row.valid_from),
        retiredAt: moment(row.retired_at),
      };
    } catch (error) {
      if (!(error instanceof Malformed)) throw error;
      throw new IssuerError(`A signing key in the issuer metadata is malformed: ${error.message}`);
    }
  });
  if (!Array.isArray(data.contracts)) throw new IssuerError("The issuer metadata has no list of contracts.");
  const contracts = new Map();
  for (const row of data.contracts) {
    const chainId = get(row, "chain_id");
    const integer = typeof chainId === "bigint" || Number.isInteger(chainId);
    if (!integer || contracts.has(BigInt(chainId))) {
      throw new IssuerError(`A contract in the issuer metadata has a bad chain id: ${repr(row)}`);
    }
    try {
      contracts.set(BigInt(chainId), pinnedAddress(row.address));
    } catch (error) {
      if (!(error instanceof Malformed)) throw error;
      throw new IssuerError(`The contract for chain ${chainId} is malformed: ${error.message}`);
    }
  }
  return { name: Object.hasOwn(data, "name") ? text(data.name) : "", keys, contracts, contract: null };
}

function pinnedAddress(value) {
  if (!isAddress(value)) throw new Malformed(`${repr(value)} is not an Ethereum address`);
  return checksummed(value);
}

function pinsContract(pins) {
  return pins.contract !== null || pins.contracts !== null;
}

/** The address a bundle anchored on `chainId` must name, if one is pinned. */
function contractFor(pins, chainId) {
  if (pins.contract !== null) return pins.contract;
  return (pins.contracts && pins.contracts.get(BigInt(chainId))) || null;
}

function contractProblem(pins, chainId, address) {
  const expected = contractFor(pins, chainId);
  if (expected === null) return `Anchored in ${address} on chain ${chainId}, where the issuer has no contract.`;
  if (expected.toLowerCase() !== address.toLowerCase()) {
    return `Anchored in ${address} which is not the issuer's contract ${expected} for chain ${chainId}.`;
  }
  return null;
}

function signerProblem(pins, signer, anchoredAt) {
  if (pins.keys === null) return null;
  const key = pins.keys.find((k) => k.address.toLowerCase() === signer.toLowerCase());
  if (!key) return `Signed by ${signer}, which is not one of the issuer's keys.`;
  if (anchoredAt === null) {
    if (key.retiredAt !== null) {
      return (
        `Signed by ${signer}, a key the issuer retired at ${utcTimestamp(key.retiredAt)}; everything it ` +
        "signed was anchored by then, and this document is not anchored."
      );
    }
    return null;
  }
  const at = utcTimestamp(anchoredAt);
  if (key.validFrom !== null && anchoredAt < key.validFrom) {
    return (
      `Signed by ${signer} but anchored at ${at}, before the issuer began using that key ` +
      `(${utcTimestamp(key.validFrom)}): outside its validity window.`
    );
  }
  if (key.retiredAt !== null && anchoredAt > key.retiredAt) {
    return (
      `Signed by ${signer} but anchored at ${at}, after the issuer retired that key ` +
      `(${utcTimestamp(key.retiredAt)}): outside its validity window.`
    );
  }
  return null;
}

// --- the result -------------------------------------------------------------------------

/** The outcome of checks, by precedence: failure > revoked > node unreachable > pending > valid. */
export function outcomeOf({ failed, unreachable, revoked, anchored, pending }) {
  if (failed && !unreachable) return Outcome.INVALID;
  if (revoked) return Outcome.REVOKED;
  if (failed) return Outcome.UNCHECKED;
  if (pending) return Outcome.PENDING;
  return anchored ? Outcome.VALID : Outcome.UNCHECKED;
}

function revocationCode(supersededBy) {
  return truthy(supersededBy) ? "superseded" : "withdrawn";
}

function revocationSentence(revocation) {
  let sentence = "Withdrawn by the issuer";
  if (truthy(revocation.code)) sentence += ` (${text(revocation.code)})`;
  if (truthy(revocation.revoked_at)) sentence += `, revoked on chain at ${text(revocation.revoked_at)}`;
  if (truthy(revocation.superseded_by)) sentence += `; superseded by ${text(revocation.superseded_by)}`;
  if (truthy(revocation.reason)) return sentence + `; reason: “${text(revocation.reason)}”`;
  return sentence + ".";
}

export class Verification {
  constructor() {
    this.steps = [];
    this.document = {};
    this.signer = "";
    // The chain confirmed every anchor field.
    this.anchored = false;
    this.revoked = false;
    this.revocation = null;
    // The bundle has no anchor section.
    this.pending = false;
    // The node did not answer (its failed step is the last one).
    this.unreachable = false;
    // Who issued it was checked against pinned keys or a pinned contract.
    this.pinned = false;
  }

  add(name, ok, detail) {
    this.steps.push({ name, ok, detail });
    return ok;
  }

  get passed() {
    return this.steps.every((step) => step.ok);
  }

  get ok() {
    return this.passed && !this.revoked;
  }

  get outcome() {
    return outcomeOf({
      failed: !this.passed,
      unreachable: this.unreachable,
      revoked: this.revoked,
      anchored: this.anchored,
      pending: this.pending,
    });
  }

  /** One sentence for the outcome: what failed, why it is revoked, what is missing. */
  get reason() {
    const failed = this.steps.find((step) => !step.ok);
    const outcome = this.outcome;
    if ((outcome === Outcome.INVALID || outcome === Outcome.UNCHECKED) && failed) return failed.detail;
    if (outcome === Outcome.REVOKED) return revocationSentence(this.revocation || {});
    if (outcome === Outcome.UNCHECKED) {
      return "Every offline check passed; the anchor was not checked against the chain.";
    }
    if (outcome === Outcome.PENDING) return this.steps.find((step) => step.name === "batch").detail;
    return "Issued as shown, anchored on chain, not revoked.";
  }

  toJSON() {
    return {
      outcome: this.outcome,
      reason: this.reason,
      ok: this.ok,
      anchored: this.anchored,
      revoked: this.revoked,
      revocation: this.revocation,
      pinned: this.pinned,
      signer: this.signer,
      document: this.document,
      steps: this.steps.map(({ name, ok, detail }) => ({ name, ok, detail })),
    };
  }
}

// --- offline checks ---------------------------------------------------------------------

/** The anchor section, read and typed; Malformed if it is not one. */
function anchorRead(anchor) {
  if (!isObject(anchor)) throw new Malformed("it is not an object");
  if (!isAddress(anchor.contract)) throw new Malformed("contract is not an Ethereum address");
  return {
    contract: checksummed(anchor.contract),
    chainId: countOf(anchor.chain_id, "chain_id"),
    seq: countOf(anchor.seq, "seq"),
    batchRoot: bytesOf(anchor.batch_root, 32, "batch_root"),
    batchProof: proofOf(anchor.batch_proof, "batch_proof"),
    txHash: bytesOf(anchor.tx_hash, 32, "tx_hash"),
    blockNumber: countOf(anchor.block_number, "block_number"),
    blockHash: bytesOf(anchor.block_hash, 32, "block_hash"),
    anchoredAt: utcParse(anchor.anchored_at),
  };
}

function anchorClaimed(bundle) {
  try {
    return anchorRead(bundle.anchor);
  } catch (error) {
    if (error instanceof Malformed) return null;
    throw error;
  }
}

/** Everything that can be checked without a node. Never throws for a bad bundle. */
export function checkOffline(bundle, { trust = [], pins = null } = {}) {
  return offline(bundle, trust, pins, true);
}

function offline(bundle, trust, pins, noticeAllowed) {
  const result = new Verification();
  if (!isObject(bundle) || bundle.format !== BUNDLE_FORMAT) {
    result.add("format", false, `This is not a proof bundle (${BUNDLE_FORMAT}).`);
    return result;
  }
  let root;
  try {
    root = bytesOf(bundle.document_root, 32, "document_root");
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    result.add("format", false, `The bundle is malformed: ${error.message}.`);
    return result;
  }
  result.pinned = trust.length > 0 || (pins !== null && pins.keys !== null);
  void (
    checkFields(bundle, root, result) &&
    checkSignature(bundle, root, result, trust, pins) &&
    checkBatch(bundle, root, result) &&
    checkContractPin(bundle, result, pins) &&
    checkNotice(bundle, root, result, trust, pins, noticeAllowed)
  );
  return result;
}

function checkFields(bundle, root, result) {
  const rows = bundle.fields;
  if (!Array.isArray(rows) || rows.length === 0) return result.add("fields", false, "The bundle discloses no fields.");
  const disclosed = new Map();
  for (const row of rows) {
    const key = get(row, "key");
    let salt, hash, proof;
    try {
      if (typeof key !== "string") throw new Malformed("a field has no key");
      salt = bytesOf(row.salt, SALT_BYTES, `the salt of ${key}`);
      hash = valueHash(key, row.value);
      proof = proofOf(row.proof, `the proof of ${key}`);
    } catch (error) {
      if (!(error instanceof Malformed || error instanceof CanonicalError)) throw error;
      return result.add("fields", false, `The bundle is malformed: ${error.message}.`);
    }
    if (!fieldProven(root, key, salt, hash, proof)) {
      return result.add(
        "fields",
        false,
        `Field “${key}” does not match the document root: its value, salt or proof has been changed.`,
      );
    }
    disclosed.set(key, row.value === undefined ? null : row.value);
  }
  const missing = IDENTITY_FIELDS.filter((name) => !disclosed.has(name));
  if (missing.length) {
    return result.add("fields", false, `The bundle hides ${missing.join(", ")}, which must show.`);
  }
  const identity = truthy(bundle.document) ? bundle.document : {};
  if (!isObject(identity)) {
    return result.add("fields", false, "The bundle's document is not an object.");
  }
  if (IDENTITY_FIELDS.some((name) => !same(get(identity, name), disclosed.get(name)))) {
    return result.add("fields", false, "The bundle's document type or id differs from its fields.");
  }
  try {
    result.document = documentRebuild(disclosed);
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    return result.add("fields", false, `The disclosed fields don't fit together: ${error.message}`);
  }
  return result.add("fields", true, `${disclosed.size} disclosed field(s) belong to document root ${hexlify(root)}.`);
}

function checkSignature(bundle, root, result, trust, pins) {
  const signature = truthy(bundle.signature) ? bundle.signature : {};
  const claimed = isObject(signature) ? signature.signer : undefined;
  let signer;
  try {
    if (!isObject(signature)) throw new Malformed("the signature section is not an object");
    signer = rootSignerRecover(root, signature.signature);
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    return result.add("signature", false, `The platform's signature cannot be read: ${error.message}`);
  }
  result.signer = signer;
  if (truthy(claimed) && text(claimed).toLowerCase() !== signer.toLowerCase()) {
    return result.add("signature", false, `Signed by ${signer}, not by ${text(claimed)} as the bundle says.`);
  }
  if (trust.length && !trust.some((address) => address.toLowerCase() === signer.toLowerCase())) {
    return result.add("signature", false, `Signed by ${signer}, which is not a trusted signer.`);
  }
  if (pins !== null) {
    // The window is held against the anchor time the bundle claims; the chain checks then
    // confirm that time, so a bundle cannot move itself into a key's window.
    const anchor = anchorClaimed(bundle);
    const problem = signerProblem(pins, signer, anchor ? anchor.anchoredAt : null);
    if (problem) return result.add("signature", false, problem);
    if (pins.keys !== null) {
      return result.add("signature", true, `The document root is signed by ${signer}, an issuer key.`);
    }
  }
  return result.add("signature", true, `The document root is signed by ${signer}.`);
}

function checkBatch(bundle, root, result) {
  if (!truthy(bundle.anchor)) {
    result.pending = true;
    const expected = bundle.expected_by;
    return result.add(
      "batch",
      true,
      "Not anchored yet" +
        (truthy(expected) ? ` (expected by ${text(expected)})` : "") +
        ": fetch the bundle again later for its anchored form.",
    );
  }
  let anchor;
  try {
    anchor = anchorRead(bundle.anchor);
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    return result.add("batch", false, `The anchor part is malformed: ${error.message}.`);
  }
  if (!batchProven(anchor.batchRoot, root, anchor.batchProof)) {
    return result.add(
      "batch",
      false,
      `The document is not in batch ${anchor.seq}: the batch proof leads elsewhere (a proof from another batch?).`,
    );
  }
  return result.add("batch", true, `The document is in batch ${anchor.seq} (${hexlify(anchor.batchRoot)}).`);
}

function checkContractPin(bundle, result, pins) {
  const anchor = anchorClaimed(bundle);
  if (pins === null || !pinsContract(pins) || anchor === null) return true;
  result.pinned = true;
  const problem = contractProblem(pins, anchor.chainId, anchor.contract);
  if (problem) return result.add("issuer", false, problem);
  return result.add("issuer", true, `Anchored in ${anchor.contract}, the issuer's contract for chain ${anchor.chainId}.`);
}

/** The issuer's revocation notice, if the bundle carries one: a bundle of its own. */
function checkNotice(bundle, root, result, trust, pins, allowed) {
  const notice = bundle.revocation;
  if (!truthy(notice)) return true;
  if (!allowed) return result.add("notice", false, "A revocation notice cannot itself carry one.");
  const checked = offline(notice, trust, pins, false);
  const failed = checked.steps.find((step) => !step.ok);
  if (failed) return result.add("notice", false, `The bundle's revocation notice does not verify: ${failed.detail}`);
  const body = checked.document;
  const revokes = isObject(body.revokes) ? body.revokes : {};
  if (body.type !== REVOCATION_TYPE || revokes.root !== hexlify(root)) {
    return result.add("notice", false, "The bundle's revocation notice is about another document.");
  }
  const supersededBy = body.superseded_by ?? null;
  result.revoked = true;
  result.revocation = {
    code: revocationCode(supersededBy),
    reason: body.reason ?? null,
    superseded_by: supersededBy,
    revoked_at: null,
  };
  return result.add("notice", true, `The issuer's signed revocation notice: ${revocationSentence(result.revocation)}`);
}

// --- on-chain checks --------------------------------------------------------------------

/**
 * A JSON-RPC client of one node. ethers' JsonRpcProvider would retry its network detection
 * forever against a node that does not answer, where a verifier must say UNCHECKED; so the
 * requests go one by one through ethers' FetchRequest, and their ABI through its Interface.
 */
export class ChainClient {
  constructor(url, { timeoutMs = RPC_TIMEOUT_MS } = {}) {
    this.url = url;
    this.timeoutMs = timeoutMs;
    this.nextId = 1;
  }

  async request(method, params) {
    const request = new FetchRequest(this.url);
    request.timeout = this.timeoutMs;
    request.setHeader("content-type", "application/json");
    request.body = JSON.stringify({ jsonrpc: "2.0", id: this.nextId++, method, params });
    let response;
    try {
      response = await request.send();
    } catch (error) {
      throw new NodeError(`${error.code || error.name}: ${error.shortMessage || error.message}`);
    }
    let body = null;
    try {
      body = JSON.parse(response.bodyText);
    } catch {
      // Not JSON: said below, by HTTP status or as a bad answer.
    }
    if (!isObject(body) || !("result" in body || "error" in body)) {
      if (!response.ok()) throw new NodeError(`HTTP ${response.statusCode}: ${response.statusMessage}`);
      throw new NodeError(`${method} got no JSON-RPC answer`);
    }
    if (body.error) throw Object.assign(new NodeError(`${method}: ${text(body.error.message)}`), { rpc: body.error });
    return body.result;
  }

  /** A view function of AnchorLog at `address`; ContractError if it reverts or won't decode. */
  async call(address, name, args) {
    const data = ANCHOR_LOG.encodeFunctionData(name, args);
    let output;
    try {
      output = await this.request("eth_call", [{ to: address, data }, "latest"]);
    } catch (error) {
      if (error.rpc && reverted(error.rpc)) throw new ContractError(`ContractLogicError: ${text(error.rpc.message)}`);
      throw error;
    }
    try {
      return ANCHOR_LOG.decodeFunctionResult(name, output).toArray();
    } catch (error) {
      const why = error.shortMessage || error.message;
      throw new ContractError(`BadFunctionCallOutput: ${name} returned ${text(output)}: ${why}`);
    }
  }
}

/** Is a JSON-RPC error a contract's revert, as web3.py tells them apart? */
function reverted(error) {
  const message = typeof error.message === "string" ? error.message : "";
  if ("data" in error && (error.data === null || typeof error.data === "string")) return true;
  if (isObject(error.data) && message) return true;
  return error.code === 3 || message.includes("execution reverted");
}

/** A number the node sent as a JSON-RPC quantity (0x-hex). */
function quantity(value) {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]+$/.test(value)) {
    throw new NodeError(`the node sent ${text(value)} where a number belongs`);
  }
  return BigInt(value);
}

/** A time the chain states (seconds since the epoch) as bundles state it. */
function chainTime(seconds) {
  const moment = new Date(Number(seconds) * 1000);
  const year = moment.getUTCFullYear();
  // As Python's datetime, which takes years 1 to 9999; a node (or a contract) stating another
  // time is a node that did not answer as one.
  if (Number.isNaN(year) || year > 9999) throw new NodeError(`ValueError: year is out of range (${seconds})`);
  return utcTimestamp(seconds);
}

/**
 * `checkOffline` plus what the chain says, through `chain` (a ChainClient): each anchor field
 * held against the contract's record, the signing key's window in the contract, the block and
 * the transaction's receipt, then whether the document was revoked. A bundle with no anchor
 * is asked about only if a contract is pinned on the node's chain.
 */
export async function checkChain(bundle, result, { chain, pins = null }) {
  if (!result.passed) return result;
  const root = hexlify(bytesOf(bundle.document_root, 32, "document_root"));
  const anchor = anchorClaimed(bundle);
  try {
    const chainId = quantity(await chain.request("eth_chainId", []));
    if (anchor === null) {
      const address = pins !== null ? contractFor(pins, chainId) : null;
      if (address !== null && (await contractAt(chain, address, chainId, result))) {
        void (
          (await checkSigner(chain, address, null, result)) &&
          (await checkRevoked(chain, address, root, result))
        );
      }
      return result;
    }
    if (chainId !== anchor.chainId) {
      result.add("chain", false, `The node is on chain ${chainId}; the bundle names chain ${anchor.chainId}.`);
      return result;
    }
    if (!(await contractAt(chain, anchor.contract, chainId, result))) return result;
    void (
      (await checkRecord(chain, anchor, result)) &&
      (await checkSigner(chain, anchor.contract, anchor, result)) &&
      (await checkBlock(chain, anchor, result)) &&
      (await checkTransaction(chain, anchor, result)) &&
      (await checkRevoked(chain, anchor.contract, root, result))
    );
  } catch (error) {
    if (error instanceof ContractError) {
      result.add("contract", false, `The contract does not answer as an AnchorLog does: ${error.message}`);
    } else if (error instanceof NodeError) {
      result.unreachable = true;
      result.add("chain", false, `The node could not be asked: ${error.message}`);
    } else {
      throw error;
    }
  }
  return result;
}

async function contractAt(chain, address, chainId, result) {
  const code = await chain.request("eth_getCode", [address, "latest"]);
  if (typeof code !== "string" || code === "0x" || code === "") {
    result.add("contract", false, `There is no contract at ${address} on chain ${chainId}.`);
    return false;
  }
  return true;
}

/** The contract's own record of the batch root: sequence number, block, time. */
async function checkRecord(chain, anchor, result) {
  const [seq, timestamp, blockNumber] = await chain.call(anchor.contract, "anchor_of", [anchor.batchRoot]);
  const root = hexlify(anchor.batchRoot);
  if (seq === 0n) {
    return result.add(
      "anchor",
      false,
      `Batch root ${root} is not anchored in contract ${anchor.contract} (a wrong contract, or not yet anchored).`,
    );
  }
  if (seq !== anchor.seq) {
    return result.add("anchor", false, `The contract has this batch as number ${seq}, the bundle says ${anchor.seq}.`);
  }
  if (blockNumber !== anchor.blockNumber) {
    return result.add(
      "anchor",
      false,
      `The contract anchored batch ${seq} in block ${blockNumber}; the bundle says block ${anchor.blockNumber}.`,
    );
  }
  const when = chainTime(timestamp);
  const claimed = utcTimestamp(anchor.anchoredAt);
  if (when !== claimed) {
    return result.add("anchor", false, `The contract anchored batch ${seq} at ${when}; the bundle says ${claimed}.`);
  }
  return result.add(
    "anchor",
    true,
    `Anchored on chain ${anchor.chainId} in block ${blockNumber} at ${when}, batch ${seq}, contract ${anchor.contract}.`,
  );
}

/**
 * The contract's record of the signing key: authorised for the bundle's batch and not retired
 * before it (with no anchor: not retired at all, as a retired key signs nothing new).
 */
async function checkSigner(chain, address, anchor, result) {
  const signer = result.signer;
  const [first, last] = await chain.call(address, "signer_window", [signer]);
  if (first === 0n) {
    return result.add("signer", false, `Signed by ${signer}, a key contract ${address} never authorised.`);
  }
  if (anchor === null) {
    if (last !== 0n) {
      return result.add(
        "signer",
        false,
        `Signed by ${signer}, a key contract ${address} retired after batch ${last}; a retired key signs no new documents.`,
      );
    }
    return result.add("signer", true, `Signed by ${signer}, a key contract ${address} authorises.`);
  }
  if (anchor.seq < first) {
    return result.add(
      "signer",
      false,
      `Signed by ${signer}, which contract ${address} authorised from batch ${first} on, but anchored in batch ${anchor.seq}.`,
    );
  }
  if (last !== 0n && anchor.seq > last) {
    return result.add(
      "signer",
      false,
      `Signed by ${signer}, which contract ${address} retired after batch ${last}, but anchored in batch ` +
        `${anchor.seq}: the key was no longer ours to sign.`,
    );
  }
  const window = last !== 0n ? `batches ${first}–${last}` : `batch ${first} on`;
  return result.add("signer", true, `The contract authorised ${signer} to sign for ${window}, batch ${anchor.seq} included.`);
}

/** The block at the bundle's number, as the node's canonical chain has it now. */
async function checkBlock(chain, anchor, result) {
  const block = await chain.request("eth_getBlockByNumber", [toBeHex(anchor.blockNumber), false]);
  if (!isObject(block)) return result.add("block", false, `Chain ${anchor.chainId} has no block ${anchor.blockNumber}.`);
  const actual = String(block.hash).toLowerCase();
  const claimed = hexlify(anchor.blockHash);
  if (actual !== claimed) {
    return result.add(
      "block",
      false,
      `Block ${anchor.blockNumber} on chain ${anchor.chainId} is ${actual}; the bundle says ${claimed}.`,
    );
  }
  const when = chainTime(quantity(block.timestamp));
  if (when !== utcTimestamp(anchor.anchoredAt)) {
    return result.add(
      "block",
      false,
      `Block ${anchor.blockNumber} is from ${when}; the bundle says the batch was anchored at ${utcTimestamp(anchor.anchoredAt)}.`,
    );
  }
  return result.add("block", true, `Block ${anchor.blockNumber} is ${actual}, from ${when}.`);
}

/** The transaction: in that block, successful, and logging the batch from the contract. */
async function checkTransaction(chain, anchor, result) {
  const tx = hexlify(anchor.txHash);
  const receipt = await chain.request("eth_getTransactionReceipt", [tx]);
  if (!isObject(receipt)) return result.add("transaction", false, `Transaction ${tx} is not on chain ${anchor.chainId}.`);
  const inBlock = String(receipt.blockHash).toLowerCase();
  const number = quantity(receipt.blockNumber);
  if (number !== anchor.blockNumber || inBlock !== hexlify(anchor.blockHash)) {
    return result.add(
      "transaction",
      false,
      `Transaction ${tx} is in block ${number} (${inBlock}), not in block ${anchor.blockNumber} as the bundle says.`,
    );
  }
  if (quantity(receipt.status) !== 1n) return result.add("transaction", false, `Transaction ${tx} failed (reverted).`);
  const wanted = [ANCHORED_TOPIC, zeroPadValue(toBeHex(anchor.seq), 32), hexlify(anchor.batchRoot)];
  const logged = (receipt.logs || []).some(
    (log) =>
      String(log.address).toLowerCase() === anchor.contract.toLowerCase() &&
      log.topics.length >= 3 &&
      wanted.every((topic, index) => String(log.topics[index]).toLowerCase() === topic),
  );
  if (!logged) {
    return result.add(
      "transaction",
      false,
      `Transaction ${tx} does not log batch ${anchor.seq} (${hexlify(anchor.batchRoot)}) from contract ${anchor.contract}.`,
    );
  }
  result.anchored = true;
  return result.add("transaction", true, `Transaction ${tx} logged batch ${anchor.seq} from contract ${anchor.contract}.`);
}

async function checkRevoked(chain, address, root, result) {
  const [revokedAt] = await chain.call(address, "revoked_at", [root]);
  if (revokedAt !== 0n) {
    const when = chainTime(revokedAt);
    result.revoked = true;
    result.revocation = { code: null, reason: null, superseded_by: null, ...result.revocation, revoked_at: when };
    return result.add("revocation", true, `REVOKED on chain at ${when}.`);
  }
  if (result.revoked) {
    // The issuer's signed notice stands; its batch may just not be on this node yet.
    return result.add("revocation", true, "Not marked revoked on chain yet; the issuer's signed revocation notice stands.");
  }
  return result.add("revocation", true, "Not revoked.");
}

// --- the whole verification -------------------------------------------------------------

/**
 * Verify a bundle (parsed JSON; `readJson` keeps its numbers as written) offline, then, given
 * `rpc` (a URL or a ChainClient), on chain. `issuer`: the issuer metadata to pin, `contract`:
 * a contract address to pin (or `pins`, from `issuerPins`, for both), `trust`: signer
 * addresses to accept. IssuerError if the pins are unusable.
 */
export async function verifyBundle(bundle, { rpc = null, issuer = null, contract = null, pins, trust = [] } = {}) {
  if (pins === undefined) pins = issuerPins({ metadata: issuer, contract });
  const result = checkOffline(bundle, { trust, pins });
  if (!rpc) return result;
  const chain = rpc instanceof ChainClient ? rpc : new ChainClient(rpc);
  return checkChain(bundle, result, { chain, pins });
}

// The JavaScript side of the test vectors: reads verifiers/vectors.json (or the file named),
// recomputes every output from its inputs with this verifier's own code, and prints the
// results in the same shape. provenance/tests/test_js_verifier_vectors.py compares the two;
// `node verifiers/js/vectors.mjs --check` compares them itself and exits 1 on a difference.
import { readFileSync } from "node:fs";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, Interface, Wallet, getBytes, hexlify, keccak256 } from "ethers";

import { CanonicalError, canonicalValue, readJson } from "./canonical.mjs";
import {
  ANCHOR_LOG_ABI,
  BATCH_LEAF_TYPES,
  FIELD_LEAF_TYPES,
  fieldLeaf,
  rootSignerRecover,
  valueHash,
} from "./lib.mjs";

const args = process.argv.slice(2);
const check = args.includes("--check");
const path = args.find((arg) => !arg.startsWith("--")) ?? new URL("../vectors.json", import.meta.url);
const vectors = JSON.parse(readFileSync(path, "utf8"));

function canonical({ name, json }) {
  try {
    const bytes = canonicalValue(readJson(json));
    return {
      name,
      json,
      canonical: new TextDecoder().decode(bytes),
      utf8: hexlify(bytes),
      value_hash: keccak256(bytes),
    };
  } catch (error) {
    if (!(error instanceof CanonicalError)) throw error;
    return { name, json, rejected: true };
  }
}

function field({ key, salt, value }) {
  const bytes = canonicalValue(value, key);
  const hash = keccak256(bytes);
  return {
    key,
    salt,
    value,
    canonical: new TextDecoder().decode(bytes),
    value_hash: hash,
    abi_encoded: AbiCoder.defaultAbiCoder().encode(FIELD_LEAF_TYPES, [key, salt, hash]),
    leaf: fieldLeaf(key, getBytes(salt), value),
  };
}

function documentTree({ document, fields }) {
  const values = fields.map(({ key, salt, value }) => [key, salt, valueHash(key, value)]);
  const tree = StandardMerkleTree.of(values, FIELD_LEAF_TYPES);
  return {
    document,
    fields: fields.map(({ key, salt, value }, index) => {
      const proof = tree.getProof(index);
      if (!StandardMerkleTree.verify(tree.root, FIELD_LEAF_TYPES, values[index], proof)) {
        throw new Error(`the proof of ${key} does not verify`);
      }
      return { key, value, salt, proof, leaf: tree.leafHash(values[index]) };
    }),
    root: tree.root,
  };
}

function batch({ document_roots: roots }) {
  const values = roots.map((root) => [root]);
  const tree = StandardMerkleTree.of(values, BATCH_LEAF_TYPES);
  return {
    document_roots: roots,
    leaves: values.map((value) => tree.leafHash(value)),
    root: tree.root,
    proofs: values.map((_, index) => tree.getProof(index)),
  };
}

function signatures({ root, cases }) {
  return {
    root,
    cases: cases.map(({ name, signature }) => {
      try {
        return { name, signature, signer: rootSignerRecover(getBytes(root), signature) };
      } catch {
        return { name, signature, rejected: true };
      }
    }),
  };
}

function signingKey({ private_key: key, note }) {
  return { private_key: key, address: new Wallet(key).address, note };
}

function abi() {
  const contract = new Interface(ANCHOR_LOG_ABI);
  const selectors = {};
  contract.forEachFunction((fragment) => {
    selectors[fragment.format("sighash")] = fragment.selector;
  });
  const topics = {};
  contract.forEachEvent((fragment) => {
    topics[fragment.format("sighash")] = fragment.topicHash;
  });
  return { selectors, topics };
}

// What an implementation of the format needs to get right; `document_fields` (how a document
// is split into leaves) is the issuer's side, which a verifier never does.
const ours = {
  canonical: vectors.canonical.map(canonical),
  field_leaves: vectors.field_leaves.map(field),
  document_tree: documentTree(vectors.document_tree),
  batch: batch(vectors.batch),
  signing_key: signingKey(vectors.signing_key),
  signatures: signatures(vectors.signatures),
  abi: abi(),
};
// The test key signs deterministically (RFC 6979), so ethers must make the very signature.
const signed = new Wallet(vectors.signing_key.private_key).signMessageSync(getBytes(vectors.signatures.root));
ours.signed = signed;

if (check) {
  // Compared as canonical JSON, so the order of object members does not count.
  const same = (a, b) => hexlify(canonicalValue(a)) === hexlify(canonicalValue(b));
  const differing = Object.keys(ours).filter((name) => name !== "signed" && !same(ours[name], vectors[name]));
  if (signed !== vectors.signatures.cases[0].signature) differing.push("signed");
  console.log(differing.length ? `differ: ${differing.join(", ")}` : "all vectors agree");
  process.exitCode = differing.length ? 1 : 0;
} else {
  console.log(JSON.stringify(ours, null, 1));
}

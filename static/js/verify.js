/*
 * authplatform proof-bundle verifier, for the browser (the /verify/<id>/ page) and Node.
 *
 * It trusts nothing from our server but the bundle's bytes and the issuer metadata (which
 * contract is ours): it recomputes every field leaf (keccak256 of the ABI-encoded (key, salt,
 * keccak(canonical JSON value))), walks the field proofs to the document root and the batch
 * proof to the batch root (OpenZeppelin sorted pairs), then asks the chain's JSON-RPC
 * endpoint directly about every anchor field (the contract's record, the block, the
 * transaction and its log) and whether the document was revoked. The platform's signature
 * (secp256k1) is checked by the server and by `python -m provenance.verify`; everything else
 * is checked here. The outcome is one of those the CLI gives: valid, pending, revoked, invalid.
 *
 * Keccak-256 is implemented below (Keccak-f[1600] on 64-bit BigInt lanes) so the page needs
 * no third-party code.
 */
(function (root) {
  "use strict";

  const MASK = (1n << 64n) - 1n;
  const ROUND_CONSTANTS = [
    0x0000000000000001n, 0x0000000000008082n, 0x800000000000808an, 0x8000000080008000n,
    0x000000000000808bn, 0x0000000080000001n, 0x8000000080008081n, 0x8000000000008009n,
    0x000000000000008an, 0x0000000000000088n, 0x0000000080008009n, 0x000000008000000an,
    0x000000008000808bn, 0x800000000000008bn, 0x8000000000008089n, 0x8000000000008003n,
    0x8000000000008002n, 0x8000000000000080n, 0x000000000000800an, 0x800000008000000an,
    0x8000000080008081n, 0x8000000000008080n, 0x0000000080000001n, 0x8000000080008008n,
  ];
  // ROTATION[x][y]: how far lane (x, y) is rotated in the rho step.
  const ROTATION = [
    [0n, 36n, 3n, 41n, 18n],
    [1n, 44n, 10n, 45n, 2n],
    [62n, 6n, 43n, 15n, 61n],
    [28n, 55n, 25n, 21n, 56n],
    [27n, 20n, 39n, 8n, 14n],
  ];
  const RATE = 136; // bytes: 1600 bits minus twice the 256-bit output

  function rotl(value, shift) {
    return shift === 0n ? value : ((value << shift) | (value >> (64n - shift))) & MASK;
  }

  function keccakF(state) {
    const c = new Array(5);
    const b = new Array(25);
    for (let round = 0; round < 24; round++) {
      for (let x = 0; x < 5; x++) {
        c[x] = state[x] ^ state[x + 5] ^ state[x + 10] ^ state[x + 15] ^ state[x + 20];
      }
      for (let x = 0; x < 5; x++) {
        const d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1n);
        for (let y = 0; y < 5; y++) state[x + 5 * y] ^= d;
      }
      for (let x = 0; x < 5; x++) {
        for (let y = 0; y < 5; y++) {
          b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(state[x + 5 * y], ROTATION[x][y]);
        }
      }
      for (let y = 0; y < 5; y++) {
        for (let x = 0; x < 5; x++) {
          state[x + 5 * y] =
            b[x + 5 * y] ^ (~b[((x + 1) % 5) + 5 * y] & MASK & b[((x + 2) % 5) + 5 * y]);
        }
      }
      state[0] ^= ROUND_CONSTANTS[round];
    }
  }

  /** keccak256 (Ethereum's, with the original 0x01 padding) of a Uint8Array. */
  function keccak256(bytes) {
    const padded = new Uint8Array((Math.floor(bytes.length / RATE) + 1) * RATE);
    padded.set(bytes);
    padded[bytes.length] ^= 0x01;
    padded[padded.length - 1] ^= 0x80;
    const state = new Array(25).fill(0n);
    for (let offset = 0; offset < padded.length; offset += RATE) {
      for (let lane = 0; lane < RATE / 8; lane++) {
        let value = 0n;
        for (let i = 7; i >= 0; i--) value = (value << 8n) | BigInt(padded[offset + lane * 8 + i]);
        state[lane] ^= value;
      }
      keccakF(state);
    }
    const out = new Uint8Array(32);
    for (let lane = 0; lane < 4; lane++) {
      let value = state[lane];
      for (let i = 0; i < 8; i++) {
        out[lane * 8 + i] = Number(value & 0xffn);
        value >>= 8n;
      }
    }
    return out;
  }

  function hexToBytes(hex) {
    if (typeof hex !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(hex)) {
      throw new Error("not 0x-hex: " + String(hex).slice(0, 20));
    }
    const out = new Uint8Array((hex.length - 2) / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 + 2 * i, 2), 16);
    return out;
  }

  function bytesToHex(bytes) {
    return "0x" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  /** RFC 8785 canonical JSON of the values our documents hold (strings, ints, bools, null). */
  function canonical(value) {
    if (value === null || typeof value !== "object") return JSON.stringify(value);
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    return (
      "{" +
      Object.keys(value)
        .sort()
        .map((key) => JSON.stringify(key) + ":" + canonical(value[key]))
        .join(",") +
      "}"
    );
  }

  function word(number) {
    const out = new Uint8Array(32);
    let value = BigInt(number);
    for (let i = 31; i >= 0; i--) {
      out[i] = Number(value & 0xffn);
      value >>= 8n;
    }
    return out;
  }

  function rightPadded(bytes) {
    const out = new Uint8Array(Math.ceil(bytes.length / 32) * 32);
    out.set(bytes);
    return out;
  }

  /** OpenZeppelin's leaf for (string key, bytes16 salt, bytes32 keccak(canonical value)). */
  function fieldLeaf(key, saltHex, value) {
    const keyBytes = new TextEncoder().encode(key);
    const valueHash = keccak256(new TextEncoder().encode(canonical(value)));
    const encoded = concat(
      word(96),
      rightPadded(hexToBytes(saltHex)),
      valueHash,
      word(keyBytes.length),
      rightPadded(keyBytes),
    );
    return keccak256(keccak256(encoded));
  }

  /** OpenZeppelin's leaf for (bytes32 document root) in a batch tree. */
  function batchLeaf(documentRoot) {
    return keccak256(keccak256(documentRoot));
  }

  function compare(a, b) {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  }

  function processProof(leaf, proofHex) {
    return proofHex.reduce((node, siblingHex) => {
      const sibling = hexToBytes(siblingHex);
      return compare(node, sibling) < 0
        ? keccak256(concat(node, sibling))
        : keccak256(concat(sibling, node));
    }, leaf);
  }

  /** Recompute every disclosed field to the document root; the first mismatch, or null. */
  function fieldMismatch(bundle) {
    for (const field of bundle.fields || []) {
      const leaf = fieldLeaf(field.key, field.salt, field.value);
      if (bytesToHex(processProof(leaf, field.proof)) !== bundle.document_root) return field.key;
    }
    return null;
  }

  /** The value of a disclosed field, or undefined. */
  function disclosed(bundle, key) {
    const field = (bundle.fields || []).find((f) => f.key === key);
    return field ? field.value : undefined;
  }

  /**
   * The checks that need no network. Returns [{name, ok, detail}]. ``issuer`` is the issuer
   * metadata (/.well-known/authplatform-issuer.json), if known: the contract is pinned to it.
   */
  function checkOffline(bundle, issuer) {
    const steps = [];
    const root = bundle.document_root;
    const mismatch = fieldMismatch(bundle);
    if (mismatch !== null) {
      steps.push({ name: "fields", ok: false, detail: `Field “${mismatch}” does not match the document root.` });
      return steps;
    }
    steps.push({ name: "fields", ok: true, detail: `${bundle.fields.length} field(s) recomputed to document root ${root}.` });
    const anchor = bundle.anchor;
    if (!anchor) {
      steps.push({ name: "batch", ok: true, detail: "Not anchored yet" + (bundle.expected_by ? ` (expected by ${bundle.expected_by})` : "") + "." });
    } else {
      const batchRoot = bytesToHex(processProof(batchLeaf(hexToBytes(root)), anchor.batch_proof));
      if (batchRoot !== anchor.batch_root) {
        steps.push({ name: "batch", ok: false, detail: `The document is not in batch ${anchor.seq}: the batch proof leads elsewhere.` });
        return steps;
      }
      steps.push({ name: "batch", ok: true, detail: `The document is in batch ${anchor.seq} (${anchor.batch_root}).` });
      if (issuer) {
        const pinned = (issuer.contracts || []).find((c) => c.chain_id === anchor.chain_id);
        if (!pinned || pinned.address.toLowerCase() !== String(anchor.contract).toLowerCase()) {
          const which = pinned ? `the issuer's contract ${pinned.address}` : "the issuer's contract (it has none there)";
          steps.push({ name: "issuer", ok: false, detail: `Anchored in ${anchor.contract} which is not ${which} for chain ${anchor.chain_id}.` });
          return steps;
        }
        steps.push({ name: "issuer", ok: true, detail: `Anchored in ${anchor.contract}, the issuer's contract for chain ${anchor.chain_id}.` });
      }
    }
    const notice = bundle.revocation;
    if (notice) {
      const revokes = disclosed(notice, "revokes.root");
      if (fieldMismatch(notice) !== null || disclosed(notice, "type") !== "revocation" || revokes !== root) {
        steps.push({ name: "notice", ok: false, detail: "The bundle's revocation notice does not match this document." });
        return steps;
      }
      const successor = disclosed(notice, "superseded_by");
      const reason = disclosed(notice, "reason");
      steps.push({
        // Why, as the notice says; that it is revoked is the chain's word (no secp256k1 here).
        name: "notice",
        ok: true,
        detail: `Revoked (${successor ? "superseded" : "withdrawn"})` + (successor ? `; superseded by ${successor}` : "") + (reason ? `; reason: “${reason}”.` : "."),
      });
    }
    return steps;
  }

  function selector(signature) {
    return bytesToHex(keccak256(new TextEncoder().encode(signature)).slice(0, 4));
  }

  async function rpc(url, method, params) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = await response.json();
    if (body.error) throw new Error(body.error.message || "RPC error");
    return body.result;
  }

  function isoSeconds(seconds) {
    return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
  }

  const ANCHORED_TOPIC = bytesToHex(keccak256(new TextEncoder().encode("Anchored(uint256,bytes32,bytes32)")));

  /**
   * Ask the chain itself about every anchor field: the contract's record of the batch root
   * (sequence number, block, time), its record of the signing key (signer_window), the block
   * (hash, time), the transaction (in that block, successful, with the contract's Anchored log
   * of the root), and whether the document was revoked.
   */
  async function checkChain(bundle, rpcUrl) {
    const anchor = bundle.anchor;
    const steps = [];
    const fail = (name, detail) => {
      steps.push({ name, ok: false, detail });
      return steps;
    };
    const chainId = parseInt(await rpc(rpcUrl, "eth_chainId", []), 16);
    if (chainId !== anchor.chain_id) {
      return fail("chain", `The node is on chain ${chainId}; the bundle names chain ${anchor.chain_id}.`);
    }
    const call = (sig, arg) =>
      rpc(rpcUrl, "eth_call", [{ to: anchor.contract, data: selector(sig) + arg.slice(2) }, "latest"]);
    const record = hexToBytes(await call("anchor_of(bytes32)", anchor.batch_root));
    if (record.length < 96) return fail("contract", `There is no AnchorLog at ${anchor.contract}.`);
    const number = (from) => BigInt(bytesToHex(record.slice(from, from + 32)));
    const [seq, timestamp, block] = [number(0), number(32), number(64)];
    if (seq === 0n || Number(seq) !== anchor.seq) {
      return fail("anchor", `Batch root ${anchor.batch_root} is not anchored as batch ${anchor.seq} in contract ${anchor.contract}.`);
    }
    const when = isoSeconds(timestamp);
    if (Number(block) !== anchor.block_number) {
      return fail("anchor", `The contract anchored batch ${seq} in block ${block}; the bundle says block ${anchor.block_number}.`);
    }
    if (when !== anchor.anchored_at) {
      return fail("anchor", `The contract anchored batch ${seq} at ${when}; the bundle says ${anchor.anchored_at}.`);
    }
    steps.push({ name: "anchor", ok: true, detail: `Anchored on chain ${chainId} in block ${block} at ${when}.` });

    // The contract's record of the signing key: the batches it signs for. The page takes the
    // bundle's stated signer (the server and the command-line verifiers recover it).
    const signer = String((bundle.signature || {}).signer || "").toLowerCase();
    if (!/^0x[0-9a-f]{40}$/.test(signer)) return fail("signer", "The bundle names no signer.");
    const keyWindow = hexToBytes(await call("signer_window(address)", "0x" + signer.slice(2).padStart(64, "0")));
    const first = BigInt(bytesToHex(keyWindow.slice(0, 32)));
    const last = BigInt(bytesToHex(keyWindow.slice(32, 64)));
    if (first === 0n) return fail("signer", `Signed by ${signer}, a key contract ${anchor.contract} never authorised.`);
    if (seq < first || (last !== 0n && seq > last)) {
      return fail("signer", `Signed by ${signer}, which contract ${anchor.contract} authorised only for batches ${first}–${last || "…"}, not batch ${seq}.`);
    }
    steps.push({ name: "signer", ok: true, detail: `The contract authorised ${signer} for batch ${seq}.` });

    const found = await rpc(rpcUrl, "eth_getBlockByNumber", ["0x" + block.toString(16), false]);
    if (!found || found.hash !== anchor.block_hash) {
      return fail("block", `Block ${block} on chain ${chainId} is ${found ? found.hash : "missing"}; the bundle says ${anchor.block_hash}.`);
    }
    if (isoSeconds(BigInt(found.timestamp)) !== anchor.anchored_at) {
      return fail("block", `Block ${block} is from ${isoSeconds(BigInt(found.timestamp))}; the bundle says ${anchor.anchored_at}.`);
    }
    steps.push({ name: "block", ok: true, detail: `Block ${block} is ${found.hash}.` });

    const receipt = await rpc(rpcUrl, "eth_getTransactionReceipt", [anchor.tx_hash]);
    if (!receipt) return fail("transaction", `Transaction ${anchor.tx_hash} is not on chain ${chainId}.`);
    if (parseInt(receipt.blockNumber, 16) !== anchor.block_number || receipt.blockHash !== anchor.block_hash) {
      return fail("transaction", `Transaction ${anchor.tx_hash} is not in block ${anchor.block_number}.`);
    }
    const seqTopic = bytesToHex(word(seq));
    const logged = parseInt(receipt.status, 16) === 1 && receipt.logs.some((log) =>
      log.address.toLowerCase() === anchor.contract.toLowerCase() &&
      log.topics[0] === ANCHORED_TOPIC && log.topics[1] === seqTopic && log.topics[2] === anchor.batch_root);
    if (!logged) {
      return fail("transaction", `Transaction ${anchor.tx_hash} does not log batch ${anchor.seq} from contract ${anchor.contract}.`);
    }
    steps.push({ name: "transaction", ok: true, detail: `Transaction ${anchor.tx_hash} logged batch ${anchor.seq}.` });

    const revokedAt = BigInt(await call("revoked_at(bytes32)", bundle.document_root));
    steps.push({
      name: "revocation",
      ok: true,
      revoked: revokedAt !== 0n,
      detail: revokedAt === 0n ? "Not revoked." : `REVOKED on chain at ${isoSeconds(revokedAt)}.`,
    });
    return steps;
  }

  /** What the steps come to: "valid", "pending" (not anchored yet), "revoked" or "invalid". */
  function outcome(bundle, steps) {
    if (!steps.every((s) => s.ok)) return "invalid";
    if (steps.some((s) => s.revoked)) return "revoked";
    return bundle.anchor ? "valid" : "pending";
  }

  async function runOnPage(section) {
    const list = section.querySelector("[data-steps]");
    const verdict = section.querySelector("[data-verdict]");
    const show = (steps) => {
      for (const step of steps) {
        const item = document.createElement("li");
        item.className = step.ok ? "step step--ok" : "step step--fail";
        item.dataset.step = step.name;
        item.textContent = `${step.ok ? "✓" : "✗"} ${step.detail}`;
        list.appendChild(item);
      }
    };
    try {
      const [bundle, issuer] = await Promise.all(
        [section.dataset.bundleUrl, section.dataset.issuerUrl].map(async (url) => (await fetch(url)).json()),
      );
      let steps = checkOffline(bundle, issuer);
      show(steps);
      if (steps.every((s) => s.ok) && bundle.anchor) {
        const chainSteps = await checkChain(bundle, section.dataset.rpcUrl);
        show(chainSteps);
        steps = steps.concat(chainSteps);
      }
      const result = outcome(bundle, steps);
      verdict.textContent = verdict.dataset[result];
      verdict.className = result === "valid" ? "verdict verdict--ok" : "verdict verdict--fail";
      section.dataset.result = result;
    } catch (error) {
      verdict.textContent = `${verdict.dataset.error} ${error.message}`;
      verdict.className = "verdict verdict--fail";
      section.dataset.result = "error";
    }
  }

  const api = { keccak256, fieldLeaf, batchLeaf, processProof, canonical, checkOffline, checkChain, outcome, bytesToHex, hexToBytes };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  } else {
    root.AuthplatformVerify = api;
    document.addEventListener("DOMContentLoaded", () => {
      const section = document.getElementById("browser-check");
      if (section) runOnPage(section);
    });
  }
})(this);

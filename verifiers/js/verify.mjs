#!/usr/bin/env node
// Verify a proof bundle: node verifiers/js/verify.mjs BUNDLE.json [--rpc URL] [--issuer FILE|URL]
//     [--pins DIR] [--refresh-pin] [--accept-issuer-change] [--contract ADDRESS]
//     [--trust ADDRESS]... [--json]
//
// The same options, checks, sentences and exit codes as `python -m provenance.verify`
// (docs/bundle-spec.md, "Outcomes"): 0 VALID, 1 INVALID, 2 the bundle or the issuer metadata
// can't be read, fetched or pinned (or bad arguments), 3 PENDING, 4 REVOKED, 5 NOT CHECKED (no
// --rpc, or the node did not answer).

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { readJson } from "./canonical.mjs";
import { EXIT_CODES, EXIT_USAGE, LABELS, Outcome, UsageError, issuerPins, verifyBundle } from "./lib.mjs";
import { isIssuerUrl, issuerPin, pinStoreDefault } from "./pins.mjs";

const USAGE =
  "usage: node verifiers/js/verify.mjs [-h] [--rpc URL] [--issuer FILE|URL] [--pins DIR]\n" +
  "                                   [--refresh-pin] [--accept-issuer-change]\n" +
  "                                   [--contract ADDRESS] [--trust ADDRESS] [--json] bundle";

const HELP = `${USAGE}

Verify an authplatform proof bundle (docs/bundle-spec.md).

positional arguments:
  bundle              the proof bundle (JSON) to check

options:
  -h, --help          show this help message and exit
  --rpc URL           a JSON-RPC URL of the chain; without it, offline only
  --issuer FILE|URL   the issuer's metadata, pinned: its keys (with their validity) and
                      contracts; a saved copy, or the issuer's https:// site, fetched on first
                      use and pinned
  --pins DIR          the pin store for --issuer URL (default: $AUTHPLATFORM_PINS, else
                      $XDG_CONFIG_HOME/authplatform/pins or ~/.config/authplatform/pins)
  --refresh-pin       fetch the --issuer URL again; refuse a change to a pinned contract or key
  --accept-issuer-change
                      with --refresh-pin: pin the new metadata even if it changes the pinned one
  --contract ADDRESS  accept only bundles anchored in this contract
  --trust ADDRESS     accept only signatures by this address (repeatable)
  --json              print the result as JSON

Exit status: 0 VALID, 1 INVALID, 2 the bundle or the issuer metadata can't be read, fetched
or pinned (or bad arguments), 3 PENDING (not anchored yet), 4 REVOKED, 5 NOT CHECKED (no
--rpc, or the node did not answer).`;

function jsonRead(path) {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(readFileSync(path));
    return readJson(text);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${error.message}`);
  }
}

function arguments_(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: "boolean", short: "h" },
      rpc: { type: "string" },
      issuer: { type: "string" },
      pins: { type: "string" },
      "refresh-pin": { type: "boolean" },
      "accept-issuer-change": { type: "boolean" },
      contract: { type: "string" },
      trust: { type: "string", multiple: true, default: [] },
      json: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length
        ? `unrecognized arguments: ${positionals.slice(1).join(" ")}`
        : "the following arguments are required: bundle",
    );
  }
  return { ...values, bundle: positionals[0] };
}

/** The issuer metadata `--issuer` names (a saved file, or a URL pinned on first use), or null. */
async function issuerMetadata(args) {
  const url = Boolean(args.issuer) && isIssuerUrl(args.issuer);
  if (args["refresh-pin"] && !url) throw new UsageError("--refresh-pin needs --issuer URL");
  if (args["accept-issuer-change"] && !args["refresh-pin"]) {
    throw new UsageError("--accept-issuer-change goes with --refresh-pin");
  }
  if (!url) return { metadata: args.issuer ? jsonRead(args.issuer) : null, source: args.issuer ?? null };
  const pinned = await issuerPin(args.issuer, {
    store: args.pins ?? pinStoreDefault(),
    refresh: Boolean(args["refresh-pin"]),
    acceptChange: Boolean(args["accept-issuer-change"]),
  });
  if (pinned.note) console.error(pinned.note);
  return { metadata: pinned.metadata, source: pinned.path };
}

function print(result, { rpc }) {
  const lines = result.steps.map((step) => `[${step.ok ? "ok" : "FAIL"}] ${step.name}: ${step.detail}`);
  const outcome = result.outcome;
  if (!result.pinned) {
    lines.push(
      "WARNING: nothing pins the issuer, so the bundle's own word is taken for who signed " +
        "and anchored it; pass --issuer URL|FILE (or --contract ADDRESS).",
    );
  }
  if (outcome === Outcome.UNCHECKED && !rpc) {
    lines.push(`${LABELS[outcome]}: ${result.reason} Pass --rpc URL to check the anchor on chain.`);
  } else {
    lines.push(`${LABELS[outcome]}: ${result.reason}`);
  }
  console.log(lines.join("\n"));
}

async function main(argv) {
  let args;
  try {
    args = arguments_(argv);
  } catch (error) {
    console.error(`${USAGE}\nverify.mjs: error: ${error.message}`);
    return EXIT_USAGE;
  }
  let result;
  try {
    const bundle = jsonRead(args.bundle);
    const { metadata, source } = await issuerMetadata(args);
    const pins = issuerPins({ metadata, contract: args.contract ?? null, source });
    result = await verifyBundle(bundle, { rpc: args.rpc, pins, trust: args.trust });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return EXIT_USAGE;
  }
  if (args.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    print(result, { rpc: Boolean(args.rpc) });
  }
  return EXIT_CODES[result.outcome];
}

process.exitCode = await main(process.argv.slice(2));

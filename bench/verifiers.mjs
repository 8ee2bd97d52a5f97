// The Node half of bench/verifiers.py: verifies one bundle over and over in this process, the
// way the Python half loops bundle_check / bundle_check_chain, and prints the times (ms).
// Input (argv[2], JSON): {bundle, issuer, rpc, offline_runs, online_runs, warmup}, paths for
// the bundle and the issuer metadata. Exits 1 if a verification does not come out as expected.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

import { readJson } from "../verifiers/js/canonical.mjs";
import { ChainClient, issuerPins, verifyBundle } from "../verifiers/js/lib.mjs";

const plan = JSON.parse(process.argv[2]);
const bundle = readJson(readFileSync(plan.bundle, "utf8"));
const pins = issuerPins({ metadata: readJson(readFileSync(plan.issuer, "utf8")) });

async function timed(runs, options, expected) {
  const times = [];
  for (let run = -plan.warmup; run < runs; run++) {
    const started = performance.now();
    const result = await verifyBundle(bundle, { pins, ...options });
    const elapsed = performance.now() - started;
    if (result.outcome !== expected) {
      console.error(`expected ${expected}, got ${result.outcome}: ${result.reason}`);
      process.exit(1);
    }
    if (run >= 0) times.push(elapsed);
  }
  return times;
}

const offline = await timed(plan.offline_runs, {}, "unchecked");
// One client for every run, as the Python half keeps one Web3.
const online = await timed(plan.online_runs, { rpc: new ChainClient(plan.rpc) }, "valid");
console.log(JSON.stringify({ offline, online }));

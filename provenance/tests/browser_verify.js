// Runs the page's verifier (static/js/verify.js) under Node on the bundles given on stdin:
// [{bundle, rpc, issuer}] -> [{offline: steps, chain: steps, outcome}]. Node 20 has fetch and
// TextEncoder.
const verify = require("../../static/js/verify.js");

(async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const cases = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const results = [];
  for (const { bundle, rpc, issuer } of cases) {
    const offline = verify.checkOffline(bundle, issuer);
    const chain = offline.every((s) => s.ok) && bundle.anchor && rpc ? await verify.checkChain(bundle, rpc) : [];
    results.push({ offline, chain, outcome: verify.outcome(bundle, offline.concat(chain)) });
  }
  process.stdout.write(JSON.stringify(results));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});

// Reference side of the interop test: @openzeppelin/merkle-tree builds each tree given on stdin
// and checks the proofs our Python made. Input: [{encoding, values, ours: {root, proofs}}].
// Output: [{root, leaves, proofs, oursVerify}] with everything as 0x-hex.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const cases = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const results = cases.map(({ encoding, values, ours }) => {
  const tree = StandardMerkleTree.of(values, encoding);
  return {
    root: tree.root,
    leaves: values.map((value) => tree.leafHash(value)),
    proofs: values.map((_, index) => tree.getProof(index)),
    oursVerify: values.map((value, index) =>
      StandardMerkleTree.verify(ours.root, encoding, value, ours.proofs[index]),
    ),
  };
});
process.stdout.write(JSON.stringify(results));

"""Provenance: anchoring document hashes on an Ethereum-compatible chain and proving them."""

"""Placeholders, references, hashes and encrypted values in many languages' idioms
(decoys), and the credential forms those languages write (positives)."""

POSITIVES = []
DECOYS = []

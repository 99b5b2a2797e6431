"""Templates for the keywarden corpus (see ../generate.py)."""

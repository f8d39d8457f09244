"""The Textual user interface (the only package besides cli.py that imports Textual)."""

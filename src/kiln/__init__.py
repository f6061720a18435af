"""Kiln: fast, specialized unikernels built from micro-libraries."""

__version__ = "0.1.0"

"""A small L3 runtime for MPLP v1.0, driven by mplp-conformance over the stdio protocol."""

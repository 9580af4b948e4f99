"""Kernmonitor's benchmark: speed and memory at Flanders scale (``python -m benchmarks``)."""

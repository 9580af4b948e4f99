"""Kernmonitor: state, I/O and presentation around the pure computations in `analysis`."""

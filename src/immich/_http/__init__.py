"""Bytes on the wire, on well-kept libraries: which transport each client sends through,
TLS and the trust store, and what a failed exchange means (by the phase it failed in).

Nothing here knows Immich or the SDK's core: it imports nothing of ``immich._core``.
"""

"""Every way FakeImmich still answers differently from the real Immich 3.0.3 server, with
the reason it is accepted. Keys are ``"<step> <location>"`` patterns (fnmatch: ``*`` is any
text); ``test_fidelity.py`` fails on a difference not listed here and on an entry that no
longer matches any difference, so the table stays true.
"""

from __future__ import annotations

KNOWN_DIFFERENCES: dict[str, str] = {}

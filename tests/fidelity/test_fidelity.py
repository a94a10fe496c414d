"""FakeImmich against the real server: the differences are exactly the known ones."""

from __future__ import annotations

from fnmatch import fnmatchcase

from .conftest import FidelityRun
from .known_differences import KNOWN_DIFFERENCES


def test_every_difference_is_known(fidelity_run: FidelityRun) -> None:
    unknown = [
        str(difference)
        for difference in fidelity_run.differences
        if not any(fnmatchcase(difference.key, pattern) for pattern in KNOWN_DIFFERENCES)
    ]
    assert not unknown, "differences not in known_differences.py:\n" + "\n".join(unknown)


def test_every_known_difference_still_occurs(fidelity_run: FidelityRun) -> None:
    stale = [
        pattern
        for pattern in KNOWN_DIFFERENCES
        if not any(fnmatchcase(d.key, pattern) for d in fidelity_run.differences)
    ]
    assert not stale, "known_differences.py lists differences that no longer occur: " + ", ".join(
        stale
    )


def test_the_script_ran_every_step_on_both(fidelity_run: FidelityRun) -> None:
    assert len(fidelity_run.steps) > 100
    assert set(fidelity_run.fake.exchanges) == set(fidelity_run.real.exchanges)
    print(fidelity_run.summary())

"""The fidelity suite runs the same scripted session against FakeImmich and a real Immich
server, and compares them step by step. Every test here is an ``e2e`` test: the normal run
leaves them out (``-m 'not e2e'`` in pyproject), ``pytest -m e2e tests/fidelity`` runs them.
A missing real server fails the run, with how to start one; it is never a reason to skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from immich.testing import FakeImmich

from ._compare import Difference, compare
from ._script import run_script
from ._session import ServerUnavailable, Session, real_server_credentials, wait_for_jobs

HERE = Path(__file__).parent
SUMMARY_FILE = HERE.parent.parent / ".fidelity-summary.txt"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


class FidelityRun:
    """Both sessions' recorded steps and every difference between them."""

    def __init__(self, real: Session, fake: Session) -> None:
        self.real = real
        self.fake = fake
        self.steps = list(real.exchanges)
        self.differences: list[Difference] = []
        for step in self.steps:
            if step not in fake.exchanges:
                self.differences.append(Difference(step, "step", "not run against the fake"))
                continue
            self.differences.extend(
                compare(real.exchanges[step], fake.exchanges[step], real.labels, fake.labels)
            )

    @property
    def identical(self) -> int:
        differing = {difference.step for difference in self.differences}
        return sum(1 for step in self.steps if step not in differing)

    def summary(self) -> str:
        return f"fidelity: {self.identical} of {len(self.steps)} steps identical"


@pytest.fixture(scope="session")
def fidelity_run() -> FidelityRun:
    try:
        credentials = real_server_credentials()
    except ServerUnavailable as error:
        pytest.fail(str(error), pytrace=False)
    real_root = credentials["IMMICH_URL"].rstrip("/").removesuffix("/api")
    real = Session("real", real_root, credentials["IMMICH_API_KEY"], settle=wait_for_jobs)
    fake_server = FakeImmich()
    with fake_server.serve() as url:
        fake = Session("fake", url, fake_server.api_key)
        try:
            for session in (real, fake):
                run_script(session)
        finally:
            for session in (real, fake):
                session.delete_actors()
                session.close()
    run = FidelityRun(real, fake)
    lines = [run.summary(), *(str(difference) for difference in run.differences)]
    SUMMARY_FILE.write_text("\n".join(lines) + "\n")
    return run


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SUMMARY_FILE.is_file() and terminalreporter.config.getoption("markexpr") == "e2e":
        terminalreporter.write_line(SUMMARY_FILE.read_text().splitlines()[0])

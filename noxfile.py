"""Developer sessions: ``nox -s tests``, ``lint``, ``typecheck``, ``generate``, ``check``, ``docs``."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["tests", "lint", "typecheck", "check"]

PYTHONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]
PYPROJECT = nox.project.load_toml("pyproject.toml")
# mkdocs-material prints a banner about its future on every build; the build is the same.
QUIET_MATERIAL = {"NO_MKDOCS_2_WARNING": "1"}


def install(session: nox.Session, *groups: str, extras: str = "cli,speedups") -> None:
    session.install("-e", f".[{extras}]" if extras else ".")
    for group in groups:
        session.install(*nox.project.dependency_groups(PYPROJECT, group))


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite, on every supported Python that is installed."""
    install(session, "test", "notebook", "codegen")
    session.run("pytest", "-q", *session.posargs)


@nox.session(python=PYTHONS[0])
def tests_minimal(session: nox.Session) -> None:
    """The test suite without the optional extras (plain httpx, stdlib json)."""
    install(session, "test", "notebook", "codegen", extras="")
    session.run("pip", "uninstall", "--yes", "orjson", silent=True)
    session.run("pytest", "-q", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    install(session, "lint", "test")
    session.run("mypy")


@nox.session
def generate(session: nox.Session) -> None:
    """Regenerate from the spec: ``nox -s generate -- --spec URL_OR_PATH``."""
    install(session, "codegen")
    session.run("python", "-m", "codegen", *session.posargs)


@nox.session
def check(session: nox.Session) -> None:
    """Fail when the generated models, API groups or the _sync tree are stale."""
    install(session, "codegen")
    session.run("python", "-m", "codegen", "--check", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Figures and ratios against immichpy, raw httpx and raw aiohttp: ``nox -s bench``.

    On loopback servers by default. ``nox -s bench -- --real`` runs the workflow figures
    against a real Immich server instead: IMMICH_URL and an admin's IMMICH_API_KEY from
    the environment, or ``-- --real --credentials /srv/immich-server/credentials.env``.
    It works as fresh users it deletes afterwards; about 10 minutes on 2 cores.
    """
    install(session)
    # The comparison client, pinned so that runs compare like with like, and the floor.
    session.install("immichpy==9.2.4", "aiohttp>=3.10")
    session.chdir("benchmarks")
    session.run("python", "bench.py", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site into site/ (strict: a broken link or reference fails).

    ``nox -s docs -- serve`` serves it with live reload instead.
    """
    install(session, "docs")
    if session.posargs[:1] == ["serve"]:
        session.run("mkdocs", "serve", *session.posargs[1:], env=QUIET_MATERIAL)
    else:
        session.run("mkdocs", "build", "--strict", *session.posargs, env=QUIET_MATERIAL)

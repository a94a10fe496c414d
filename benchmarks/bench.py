"""Side-by-side figures: this SDK, immichpy (when installed), raw httpx and raw aiohttp.

    nox -s bench                      # installs immichpy==9.2.4 beside this package
    python benchmarks/bench.py        # whatever is installed; --rounds N, --quick

Every variant of a figure runs interleaved with the others, round after round, against
the same loopback server (benchmarks/loopback.py, its own process); the table shows
medians and the ratio to the reference named for each figure. Warm-up rounds are not
counted. Transfers are checked (byte counts) so that a fast wrong answer cannot win.
Absolute numbers depend on the machine and its load; compare ratios within one run.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import variants  # noqa: E402
import workflows  # noqa: E402

try:
    import immichpy  # noqa: F401

    HAVE_IMMICHPY = True
except ImportError:
    HAVE_IMMICHPY = False


@dataclass
class Figure:
    title: str
    unit: str
    higher_is_better: bool
    reference: str
    target: str
    runs: dict[str, Callable[[], float]] = field(default_factory=dict)
    results: dict[str, list[float]] = field(default_factory=dict)


@contextmanager
def loopback() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, str(HERE / "loopback.py")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait()


def in_subprocess(code: str) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object of figures."""
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(HERE)},
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def figures(url: str, workdir: Path, quick: bool) -> list[Figure]:
    scale = 0.25 if quick else 1.0
    calls = int(2000 * scale)
    download_mib = 200 if not quick else 50
    upload_mib = 50 if not quick else 20
    upload_file = workdir / "upload.bin"
    with upload_file.open("wb") as f:
        f.write(os.urandom(upload_mib << 20))

    result = []

    f = Figure("import immich + build a Client", "ms", False, "immichpy", "<= 200 ms")
    f.runs["immich"] = lambda: in_subprocess(variants.IMPORT_IMMICH.format(url=url))["ms"]
    f.runs["immich RSS MB"] = lambda: in_subprocess(variants.IMPORT_IMMICH.format(url=url))[
        "rss_mb"
    ]
    if HAVE_IMMICHPY:
        f.runs["immichpy"] = lambda: in_subprocess(variants.IMPORT_IMMICHPY.format(url=url))["ms"]
        f.runs["immichpy RSS MB"] = lambda: in_subprocess(variants.IMPORT_IMMICHPY.format(url=url))[
            "rss_mb"
        ]
    result.append(f)

    f = Figure("build a client", "ms", False, "immichpy", "< 1 ms")
    f.runs["immich Client"] = lambda: variants.build_clients(url, 200)
    f.runs["immich AsyncClient"] = lambda: variants.build_async_clients(url, 200)
    if HAVE_IMMICHPY:
        f.runs["immichpy"] = lambda: variants.build_immichpy_clients(url, 50)
    result.append(f)

    f = Figure(
        "decode 5,000 AssetResponseDto", "assets/s", True, "immichpy", ">= 30,000/s, <= 45 MB held"
    )
    # Each in a fresh interpreter: a heap full of the other clients' objects slows the GC.
    f.runs["immich"] = lambda: in_subprocess(variants.DECODE.format(variant="decode_immich"))[
        "value"
    ]
    f.runs["immich held MB"] = lambda: in_subprocess(
        variants.DECODE.format(variant="decode_immich_memory")
    )["value"]
    if HAVE_IMMICHPY:
        f.runs["immichpy"] = lambda: in_subprocess(
            variants.DECODE.format(variant="decode_immichpy")
        )["value"]
        f.runs["immichpy held MB"] = lambda: in_subprocess(
            variants.DECODE.format(variant="decode_immichpy_memory")
        )["value"]
    result.append(f)

    f = Figure("sync sequential calls", "calls/s", True, "raw httpx.Client", ">= 0.9x raw httpx")
    f.runs["immich Client"] = lambda: variants.sync_calls(url, calls)
    f.runs["raw httpx.Client"] = lambda: variants.raw_httpx_sync(url, calls)
    if HAVE_IMMICHPY:
        f.runs["immichpy (asyncio.run per call)"] = lambda: variants.immichpy_sync_pattern(
            url, max(20, calls // 20)
        )
    result.append(f)

    for concurrency in (1, 50):
        label = "sequential" if concurrency == 1 else f"{concurrency}-concurrent"
        f = Figure(f"async {label} calls", "calls/s", True, "immichpy", ">= 1.0x immichpy")
        f.runs["immich AsyncClient"] = lambda c=concurrency: variants.async_calls(url, calls, c)
        f.runs["immich AsyncClient (httpx transport)"] = lambda c=concurrency: variants.async_calls(
            url, calls, c, plain_httpx=True
        )
        f.runs["raw httpx.AsyncClient"] = lambda c=concurrency: variants.raw_httpx_async(
            url, calls, c
        )
        f.runs["raw aiohttp"] = lambda c=concurrency: variants.raw_aiohttp(url, calls, c)
        if HAVE_IMMICHPY:
            f.runs["immichpy"] = lambda c=concurrency: variants.immichpy_async(url, calls, c)
        result.append(f)

    size = download_mib << 20
    f = Figure(
        f"{download_mib} MiB streamed download",
        "MB/s",
        True,
        "immichpy",
        ">= 1.0x, RSS growth < 10 MB",
    )
    for name, code in variants.download_variants(HAVE_IMMICHPY).items():
        f.runs[name] = lambda code=code: in_subprocess(
            code.format(url=url, size=size, dir=workdir)
        )["mb_s"]
        f.runs[name + " RSS growth MB"] = lambda code=code: in_subprocess(
            code.format(url=url, size=size, dir=workdir)
        )["rss_growth_mb"]
    result.append(f)

    f = Figure(
        f"{upload_mib} MiB upload", "MB/s", True, "immichpy", ">= 2x immichpy, RSS growth < 10 MB"
    )
    for name, code in variants.upload_variants(HAVE_IMMICHPY).items():
        f.runs[name] = lambda code=code: in_subprocess(code.format(url=url, path=upload_file))[
            "mb_s"
        ]
        f.runs[name + " RSS growth MB"] = lambda code=code: in_subprocess(
            code.format(url=url, path=upload_file)
        )["rss_growth_mb"]
    result.append(f)
    return result


def workflow_figures(workdir: Path, quick: bool, stack: ExitStack) -> list[Figure]:
    """Bulk upload against the official CLI, album download against raw aiohttp."""
    result = []
    cli = workflows.official_cli()
    upload = workflows.UploadScenario(workdir, quick, cli)
    small = "200" if quick else "1,000"
    big = "5 x 20 MB" if quick else "5 x 100 MB"
    f = Figure(
        f"bulk upload: {small} JPEGs + {big}",
        "files/s",
        True,
        "official CLI, first run",
        ">= 1.5x the CLI's first run; second run >= 10x the first",
    )
    variants_ = [("immich Client", "sync"), ("immich AsyncClient", "async")]
    if cli is not None:
        variants_.append(("official CLI", "cli"))
    for name, variant in variants_:
        f.runs[f"{name}, first run"] = upload.figure(variant, "first")
        f.runs[f"{name}, second run"] = upload.figure(variant, "second")
        f.runs[f"{name}, first run peak RSS MB"] = upload.figure(variant, "first_peak")
        f.runs[f"{name}, second run peak RSS MB"] = upload.figure(variant, "second_peak")
    result.append(f)

    album = workflows.DownloadScenario(workdir, quick)
    stack.callback(album.close)
    where = " (to a RAM disk)" if album.on_ram_disk else ""
    f = Figure(
        f"album download: {album.count:,} assets{where}", "files/s", True, "raw aiohttp", ">= 1.0x"
    )
    f.runs["immich Client"] = album.measure("sync")
    f.runs["immich AsyncClient"] = album.measure("async")
    f.runs["raw aiohttp"] = album.measure("aiohttp")
    result.append(f)
    return result


def run(rounds: int, warmup: int, quick: bool, with_workflows: bool = True) -> list[Figure]:
    with loopback() as url, tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        table = figures(url, Path(tmp), quick)
        if with_workflows:
            table += workflow_figures(Path(tmp), quick, stack)
        for figure in table:
            for round_number in range(warmup + rounds):
                for name, measure in figure.runs.items():  # interleaved: one of each per round
                    # Each variant starts on a collected heap: the cycles the previous one
                    # left (its event loop, sessions, connections) are not collected on the
                    # next one's time. Without this, whichever runs after immichpy lost
                    # 10-40% of its calls/s, by its place in the round.
                    gc.collect()
                    value = measure()
                    if round_number >= warmup:
                        figure.results.setdefault(name, []).append(value)
            print(f"  measured: {figure.title}", file=sys.stderr)
    return table


def render(table: list[Figure], rounds: int) -> str:
    lines = [
        f"| figure | variant | median ({rounds} rounds) | ratio | target |",
        "|---|---|---:|---:|---|",
    ]
    for figure in table:
        reference = (
            statistics.median(figure.results[figure.reference])
            if figure.reference in figure.results
            else None
        )
        for name, values in figure.results.items():
            median = statistics.median(values)
            unit = "MB" if name.endswith(" MB") else figure.unit
            ratio = ""
            first = name.replace(", second run", ", first run")
            if first != name and first in figure.results:
                # Against its own first run, round by round (each round is a fresh server).
                per_round = [b / a for a, b in zip(figure.results[first], values, strict=True)]
                ratio = f"{statistics.median(per_round):.2f}x its first run"
            elif reference and not name.endswith(" MB") and name != figure.reference:
                ratio = (
                    f"{median / reference:.2f}x"
                    if figure.higher_is_better
                    else f"{reference / median:.2f}x faster"
                )
            lines.append(
                f"| {figure.title} | {name} | {median:,.1f} {unit} | {ratio} | {figure.target} |"
            )
    return "\n".join(lines)


def byte_compile() -> None:
    """Compile this package's modules, as pip does when it installs a wheel: with
    PYTHONDONTWRITEBYTECODE set (as on the project's machines), an editable install would
    otherwise compile them afresh in every child, while the other clients' were compiled
    when pip installed them."""
    import compileall

    import immich

    compileall.compile_dir(Path(immich.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument(
        "--no-workflows", action="store_true", help="leave out the bulk upload and download"
    )
    args = parser.parse_args()
    byte_compile()
    table = run(args.rounds, args.warmup, args.quick, not args.no_workflows)
    print(render(table, args.rounds))
    if not HAVE_IMMICHPY:
        print("\n(immichpy is not installed: run `nox -s bench` for the side-by-side figures)")


if __name__ == "__main__":
    main()

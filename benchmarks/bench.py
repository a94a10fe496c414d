"""Side-by-side figures: this SDK, immichpy (when installed), raw httpx and raw aiohttp.

    nox -s bench                      # installs immichpy==9.2.4 beside this package
    python benchmarks/bench.py        # whatever is installed; --rounds N, --quick
    python benchmarks/bench.py --real [--credentials /srv/immich-server/credentials.env]

Every variant of a figure runs interleaved with the others, round after round, against
the same server; the table shows medians and the ratio to the reference named for each
figure, and which server each figure ran against. Warm-up rounds are not counted.
Transfers are checked (byte counts, SHA-1) so that a fast wrong answer cannot win.
Absolute numbers depend on the machine and its load; compare ratios within one run.

By default the servers are on loopback: a deliberately fast stub (benchmarks/loopback.py,
its own process) and FakeImmich for the workflows. ``--real`` runs the workflow figures
against a real Immich server instead (IMMICH_URL and IMMICH_API_KEY, an admin's key, from
the environment or ``--credentials FILE``): per-call rates, a 200 MiB original download,
bulk upload and album download, as fresh users it deletes afterwards, waiting for the
server's job queues to go idle between variants (see real.py).
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import shutil
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

import real  # noqa: E402
import variants  # noqa: E402
import workflows  # noqa: E402
from loopback import asset_id, original_sha1  # noqa: E402

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
    where: str = "loopback stub"
    warmup: int | None = None  # warm-up rounds; None: the run's --warmup
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


def add_transfer(figure: Figure, name: str, code: str) -> None:
    """A transfer run in a fresh interpreter, once per round: its rate, and its RSS
    growth as a variant of its own."""
    last: dict[str, float] = {}

    def rate() -> float:
        last.update(in_subprocess(code))
        return last["mb_s"]

    figure.runs[name] = rate
    figure.runs[name + " RSS growth MB"] = lambda: last["rss_growth_mb"]


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

    f = Figure(
        "GET /server/version answered from memory (httpx's layer, then the SDK's)",
        "calls/s",
        True,
        "raw httpx.Client",
        "",
        "no network",
    )
    for layer in ("httpx.Client", "Client", "httpx.AsyncClient", "AsyncClient"):
        name = f"raw {layer}" if layer.startswith("httpx") else f"immich {layer}"
        f.runs[name] = lambda layer=layer: variants.in_memory_calls(calls * 4, layer)
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
    sha1 = original_sha1(size)
    for name, code in variants.download_variants(HAVE_IMMICHPY).items():
        fields = {"url": url, "key": "k", "size": size, "dir": workdir, "asset": asset_id(size)}
        add_transfer(f, name, code.format(sha1=sha1, **fields))
    result.append(f)

    f = Figure(
        f"{upload_mib} MiB upload", "MB/s", True, "immichpy", ">= 2x immichpy, RSS growth < 10 MB"
    )
    for name, code in variants.upload_variants(HAVE_IMMICHPY).items():
        add_transfer(f, name, code.format(url=url, path=upload_file))
    result.append(f)
    return result


def workflow_figures(workdir: Path, quick: bool, stack: ExitStack) -> list[Figure]:
    """Bulk upload against the official CLI, album download against raw aiohttp."""
    result = []
    cli = workflows.official_cli()
    sizes = (200, 5, 20) if quick else (1000, 5, 100)
    upload = workflows.UploadScenario(workdir, workflows.FakeServers(workdir), cli, sizes)
    small = "200" if quick else "1,000"
    big = "5 x 20 MB" if quick else "5 x 100 MB"
    f = Figure(
        f"bulk upload: {small} JPEGs + {big}",
        "files/s",
        True,
        "official CLI, first run",
        ">= 1.5x the CLI's first run; second run >= 10x the first",
        workflows.FakeServers.where,
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

    album = workflows.DownloadScenario.on_fake(workdir, quick)
    stack.callback(album.close)
    where = " (to a RAM disk)" if album.on_ram_disk else ""
    f = Figure(
        f"album download: {album.count:,} assets{where}",
        "files/s",
        True,
        "raw aiohttp",
        ">= 1.0x",
        workflows.FakeServers.where,
    )
    f.runs["immich Client"] = album.measure("sync")
    f.runs["immich AsyncClient"] = album.measure("async")
    f.runs["raw aiohttp"] = album.measure("aiohttp")
    result.append(f)

    first = workflows.MirrorScenario.on_fake(workdir, 200 if quick else 1000)
    stack.callback(first.close)
    incremental = workflows.MirrorScenario.on_fake(workdir, 2000 if quick else 10_000)
    stack.callback(incremental.close)
    result += mirror_figures(first, incremental, workflows.FakeServers.where)
    return result


CHANGES = 10


def mirror_figures(
    first: workflows.MirrorScenario, incremental: workflows.MirrorScenario, where: str
) -> list[Figure]:
    """The first mirror of a library against ``client.download`` of it; a later run with
    nothing changed, and one after CHANGES new assets (which must fetch exactly those)."""
    to = " (to a RAM disk)" if first.on_ram_disk else ""
    f = Figure(
        f"mirror, first run: {first.count:,} assets{to}",
        "files/s",
        True,
        "immich Client download",
        ">= 1.0x client.download",
        where,
    )
    for name, variant in (
        ("immich Client mirror", "mirror sync"),
        ("immich AsyncClient mirror", "mirror async"),
        ("immich Client download", "download sync"),
        ("immich AsyncClient download", "download async"),
    ):
        f.runs[name] = first.measure_first(variant)
    result = [f]
    count = f"{incremental.count:,} assets"
    f = Figure(f"mirror, nothing changed: {count}", "s", False, "", "< 1 s on the fake", where)
    f.runs["immich Client"] = incremental.unchanged("sync")
    f.runs["immich AsyncClient"] = incremental.unchanged("async")
    result.append(f)
    f = Figure(
        f"mirror after {CHANGES} new assets: {count}",
        "s",
        False,
        "",
        f"exactly {CHANGES} files fetched",
        where,
    )
    f.runs["immich Client"] = incremental.changed("sync", CHANGES)
    f.runs["immich AsyncClient"] = incremental.changed("async", CHANGES)
    result.append(f)
    return result


def real_figures(admin: real.Admin, workdir: Path, quick: bool, stack: ExitStack) -> list[Figure]:
    """The workflow figures against a real server (``--real``), as a fresh user of this
    run (the per-call, download and album figures) and a fresh user per variant and
    round (bulk upload)."""
    servers = real.RealServers(admin)
    where = servers.where
    small = 100 if quick else 500
    calls = 250 if quick else 1000
    print(f"  setting up on {where} at {admin.url}", file=sys.stderr)
    user = stack.enter_context(admin.fresh_user("run"))
    url, key = admin.url, user.api_key
    http = stack.enter_context(real.user_http(url, key))
    album_photos = workdir / "album-photos"
    workflows.make_photos(album_photos, small, 0, 0)
    ids, sums = real.seed_album(http, sorted(album_photos.rglob("*.jpg")))
    size = (50 if quick else 200) << 20
    video = workdir / "original.mp4"
    sha1 = real.make_video(video, size)
    original = real.upload(http, video)
    video.unlink()
    admin.wait_idle("setting up")

    result = []
    endpoints = [("GET /server/version", None, calls), ("GET /assets/{id}", ids[0], calls // 4)]
    for concurrency in (1, 16):
        for endpoint, asset, count in endpoints:
            result.append(real_call_figure(url, key, endpoint, asset, count, concurrency, where))

    # To a RAM disk where there is one: the disk's writeback made the figure swing more.
    dest = workflows.ram_folder() or workdir
    stack.callback(shutil.rmtree, dest, ignore_errors=True)
    to = " to a RAM disk" if dest != workdir else ""
    f = Figure(f"{size >> 20} MiB original download{to}", "MB/s", True, "immichpy", "", where)
    for name, code in variants.download_variants(HAVE_IMMICHPY).items():
        fields = {"url": url, "key": key, "size": size, "dir": dest, "asset": original}
        add_transfer(f, name, code.format(sha1=sha1, **fields))
    result.append(f)

    cli = workflows.official_cli()
    upload = workflows.UploadScenario(workdir, servers, cli, (small, 0, 0), fresh_copies=True)
    f = Figure(
        f"bulk upload: {small} small JPEGs, a fresh user each",
        "files/s",
        True,
        "official CLI, first run",
        "",
        where,
        warmup=0,  # a round takes a minute; every variant starts from the same idle server
    )
    uploaders = [("immich Client", "sync"), ("immich AsyncClient", "async")]
    if cli is not None:
        uploaders.append(("official CLI", "cli"))
    if HAVE_IMMICHPY:
        uploaders.append(("immichpy assets.upload", "immichpy"))
    for name, variant in uploaders:
        f.runs[f"{name}, first run"] = upload.figure(variant, "first")
        f.runs[f"{name}, second run"] = upload.figure(variant, "second")
        f.runs[f"{name}, first run peak RSS MB"] = upload.figure(variant, "first_peak")
        f.runs[f"{name}, second run peak RSS MB"] = upload.figure(variant, "second_peak")
    result.append(f)

    album = workflows.DownloadScenario(workdir, url, key, sums)
    stack.callback(album.close)
    to = " (to a RAM disk)" if album.on_ram_disk else ""
    f = Figure(
        f"album download: {album.count:,} assets{to}", "files/s", True, "raw aiohttp", "", where
    )
    f.runs["immich Client"] = album.measure("sync")
    f.runs["immich AsyncClient"] = album.measure("async")
    f.runs["raw aiohttp"] = album.measure("aiohttp")
    result.append(f)

    mirror_user = stack.enter_context(admin.fresh_user("mirror"))
    library = real.mirror_library(admin, mirror_user, album_photos, workdir)
    stack.callback(library.close)
    admin.wait_idle("setting up the mirror's library")
    result += mirror_figures(library, library, where)
    return result


def real_call_figure(
    url: str, key: str, endpoint: str, asset: str | None, count: int, concurrency: int, where: str
) -> Figure:
    label = "sequential" if concurrency == 1 else f"{concurrency} concurrent"
    f = Figure(f"{endpoint}, {label}", "calls/s", True, "immichpy", "", where)
    on = functools.partial
    if concurrency == 1:
        f.runs["immich Client"] = on(variants.sync_calls, url, count, key, asset)
        f.runs["raw httpx.Client"] = on(variants.raw_httpx_sync, url, count, key, asset)
    else:
        threads = f"{concurrency} threads"
        f.runs[f"immich Client, {threads}"] = on(
            variants.sync_threads, url, count, concurrency, key, asset
        )
        f.runs[f"raw httpx.Client, {threads}"] = on(
            variants.raw_httpx_threads, url, count, concurrency, key, asset
        )
        f.runs["raw httpx.AsyncClient"] = on(
            variants.raw_httpx_async, url, count, concurrency, key, asset
        )
    f.runs["immich AsyncClient"] = on(
        variants.async_calls, url, count, concurrency, key=key, asset=asset
    )
    f.runs["raw aiohttp"] = on(variants.raw_aiohttp, url, count, concurrency, key, asset)
    if HAVE_IMMICHPY:
        f.runs["immichpy"] = on(variants.immichpy_async, url, count, concurrency, key, asset)
    return f


def run(
    table: list[Figure], rounds: int, warmup: int, settle: Callable[[str], object] | None = None
) -> None:
    """Measure every figure of ``table``; ``settle`` (a real server's) runs before each."""
    for figure in table:
        if settle is not None:
            settle(f"before {figure.title}")
        figure_warmup = warmup if figure.warmup is None else figure.warmup
        for round_number in range(figure_warmup + rounds):
            for name, measure in figure.runs.items():  # interleaved: one of each per round
                # Each variant starts on a collected heap: the cycles the previous one
                # left (its event loop, sessions, connections) are not collected on the
                # next one's time. Without this, whichever runs after immichpy lost
                # 10-40% of its calls/s, by its place in the round.
                gc.collect()
                value = measure()
                if round_number >= figure_warmup:
                    figure.results.setdefault(name, []).append(value)
        print(f"  measured: {figure.title}", file=sys.stderr)


def short(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def render(table: list[Figure], rounds: int) -> str:
    lines = [
        f"| figure | server | variant | median ({rounds} rounds) | range | ratio | target |",
        "|---|---|---|---:|---:|---:|---|",
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
            if first != name and first in figure.results and not name.endswith(" MB"):
                # Against its own first run, round by round (each round is a fresh server).
                per_round = [b / a for a, b in zip(figure.results[first], values, strict=True)]
                ratio = f"{statistics.median(per_round):.2f}x its first run"
            elif reference and not name.endswith(" MB") and name != figure.reference:
                ratio = (
                    f"{median / reference:.2f}x"
                    if figure.higher_is_better
                    else f"{reference / median:.2f}x faster"
                )
            spread = f"{short(min(values))}-{short(max(values))}"
            lines.append(
                f"| {figure.title} | {figure.where} | {name} | {median:,.1f} {unit} | {spread} "
                f"| {ratio} | {figure.target} |"
            )
    return "\n".join(lines)


def _only(table: list[Figure], text: str | None) -> list[Figure]:
    return table if text is None else [f for f in table if text in f.title]


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
    parser.add_argument("--rounds", type=int, help="default: 5, or 3 with --real")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument(
        "--no-workflows",
        action="store_true",
        help="on loopback: leave out the bulk upload and download",
    )
    parser.add_argument(
        "--real",
        action="store_true",
        help="the workflow figures against a real server: IMMICH_URL, IMMICH_API_KEY (admin)",
    )
    parser.add_argument(
        "--credentials", type=Path, help="with --real: a file of IMMICH_URL=..., IMMICH_API_KEY=..."
    )
    parser.add_argument(
        "--only", metavar="TEXT", help="only the figures whose title contains TEXT, e.g. mirror"
    )
    args = parser.parse_args()
    rounds = args.rounds or (3 if args.real else 5)
    byte_compile()
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        load = os.getloadavg()[0]
        if args.real:
            admin = real.Admin(*real.read_credentials(args.credentials))
            stack.callback(admin.close)
            table = _only(real_figures(admin, workdir, args.quick, stack), args.only)
            run(table, rounds, args.warmup, settle=admin.wait_idle)
        else:
            url = stack.enter_context(loopback())
            table = figures(url, workdir, args.quick)
            if not args.no_workflows:
                table += workflow_figures(workdir, args.quick, stack)
            table = _only(table, args.only)
            run(table, rounds, args.warmup)
    print(render(table, rounds))
    if args.real:
        print(f"\n(waited {admin.waited:.0f} s in all for the server's queues, not counted)")
        # The server may be shared: other users' work shows in the machine's load.
        print(f"(load average: {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end)")
    if not HAVE_IMMICHPY:
        print("\n(immichpy is not installed: run `nox -s bench` for the side-by-side figures)")


if __name__ == "__main__":
    main()

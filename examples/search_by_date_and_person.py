"""Find the photos taken in a date range, optionally of one person, and count them by month.

    python examples/search_by_date_and_person.py --after 2024-01-01 --before 2025-01-01
    python examples/search_by_date_and_person.py --after 2024-06-01 --person "Alice"

People come from Immich's face recognition, so ``--person`` needs a server that has run
it; a person is found by name (``search.search_person``). The assets come from a paged
metadata search (``search.iter_assets``), fetched lazily page by page. With IMMICH_URL and
IMMICH_API_KEY unset it runs against the built-in fake server, seeded with dated photos;
the fake has no face recognition, so ``--person`` is reported as unavailable there and
the search goes on by date alone.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date, datetime, time, timezone

from _demo import connect, count

from immich import APIStatusError, Client, ImmichError
from immich.testing import FakeImmich, tiny_jpeg

DEMO_MONTHS = (1, 2, 2, 2, 3, 5, 5, 5, 5, 8, 11, 11)  # when the fake's 12 photos were taken


def seed(fake: FakeImmich) -> None:
    for number, month in enumerate(DEMO_MONTHS, 1):
        taken = datetime(2024, month, number, 9, 30, tzinfo=timezone.utc)
        fake.add_asset(tiny_jpeg(number), filename=f"IMG_{number:04}.jpg", taken_at=taken)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def person_ids(client: Client, name: str) -> list[str] | None:
    """The ids of the people called ``name``; None when the server cannot search people."""
    try:
        people = client.search.search_person(name=name)
    except APIStatusError as exc:
        if exc.status_code == 501:  # Not Implemented: e.g. the fake server
            print(f"This server cannot search people ({exc.server_message or exc}).")
            return None
        raise
    matches = [p for p in people if p.name.casefold() == name.casefold()] or people
    for person in matches:
        print(f"Person {person.name!r}: {person.id}")
    return [p.id for p in matches]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--after", type=date.fromisoformat, default=date(2024, 1, 1))
    parser.add_argument("--before", type=date.fromisoformat, help="exclusive")
    parser.add_argument("--person", help="a person's name")
    parser.add_argument("--show", type=int, default=5, help="list this many assets")
    args = parser.parse_args(argv)

    filters: dict = {"taken_after": start_of(args.after)}
    if args.before:
        filters["taken_before"] = start_of(args.before)
    span = f"from {args.after}" + (f" until {args.before}" if args.before else "")
    try:
        with connect(seed) as client:
            if args.person:
                ids = person_ids(client, args.person)
                if ids == []:
                    print(f"Nobody called {args.person!r}: nothing to search")
                    return 1
                if ids is not None:
                    filters["person_ids"] = ids
                    span += f" with {args.person}"
                else:
                    print("Searching by date only.")

            per_month: Counter[str] = Counter()
            for number, asset in enumerate(client.search.iter_assets(**filters, size=250), 1):
                per_month[asset.file_created_at.strftime("%Y-%m")] += 1
                if number <= args.show:
                    taken = asset.file_created_at
                    print(f"  {taken:%Y-%m-%d %H:%M}  {asset.original_file_name}  {asset.id}")
    except ImmichError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    total = sum(per_month.values())
    print(f"{count(total, 'asset')} taken {span}")
    widest = max(per_month.values(), default=0)
    for month, number in sorted(per_month.items()):
        bar = "#" * round(30 * number / widest)
        print(f"  {month}  {bar} {number}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Ignore patterns with gitignore-like semantics, for choosing which local files to upload.

- A pattern without a slash matches a file or folder name at any depth: ``*.tmp``,
  ``Thumbs.db``, ``@eaDir``.
- A pattern with a slash (at the start or in the middle) is anchored to the folder being
  walked: ``/raw`` or ``2023/drafts`` match only there.
- A trailing slash matches folders only: ``cache/``.
- ``*`` and ``?`` never cross a slash; ``[abc]`` is a character class (``[!abc]``
  negated); ``**`` spans any number of folders: ``**/tmp``, ``a/**/b``, ``exports/**``.
- A matched folder is skipped with everything inside it. Matching is case-sensitive,
  as in git. Negation (``!pattern``) is not supported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs


@attrs.frozen
class _Pattern:
    regex: re.Pattern[str]
    anchored: bool
    directories_only: bool


def _compile(pattern: str) -> _Pattern | None:
    text = pattern.strip()
    if not text or text.startswith("#"):
        return None
    if text.startswith("!"):
        raise ValueError(f"negated ignore patterns are not supported: {pattern!r}")
    directories_only = text.endswith("/")
    text = text.rstrip("/")
    anchored = "/" in text
    text = text.lstrip("/")
    if not text:
        raise ValueError(f"ignore pattern {pattern!r} matches nothing")
    return _Pattern(re.compile(_translate(text) + r"\Z"), anchored, directories_only)


def _translate(pattern: str) -> str:
    """A glob (segments separated by ``/``) as a regular expression over a relative path."""
    segments = pattern.split("/")
    parts: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            # "**/" is zero or more whole folders; a final "**" is everything below.
            parts.append(".*" if last else "(?:[^/]+/)*")
            continue
        parts.append(_translate_segment(segment) + ("" if last else "/"))
    return "".join(parts)


def _translate_segment(segment: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "*":
            while i + 1 < len(segment) and segment[i + 1] == "*":
                i += 1
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and (end := _class_end(segment, i)) is not None:
            body = segment[i + 1 : end]
            negated = body[:1] in ("!", "^")
            body = body[1:] if negated else body
            body = body.replace("\\", "\\\\")
            out.append(f"[{'^/' if negated else ''}{body}]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def _class_end(segment: str, start: int) -> int | None:
    # "]" right after "[" or "[!" is a literal member, as in fnmatch.
    i = start + 1
    if i < len(segment) and segment[i] in "!^":
        i += 1
    if i < len(segment) and segment[i] == "]":
        i += 1
    end = segment.find("]", i)
    return end if end != -1 else None


class IgnoreRules:
    """A compiled list of ignore patterns (see the module docstring for their syntax)."""

    def __init__(self, patterns: Iterable[str] = ()) -> None:
        self.patterns = tuple(patterns)
        self._compiled = [p for p in map(_compile, self.patterns) if p is not None]

    def __bool__(self) -> bool:
        return bool(self._compiled)

    def __repr__(self) -> str:
        return f"IgnoreRules({list(self.patterns)!r})"

    def matches(self, relative: str, *, is_dir: bool) -> bool:
        """Whether ``relative`` (a ``/``-separated path below the walked folder) is ignored.

        Only the path itself is tested; callers skip the contents of an ignored folder.
        """
        name = relative.rsplit("/", 1)[-1]
        for pattern in self._compiled:
            if pattern.directories_only and not is_dir:
                continue
            subject = relative if pattern.anchored else name
            if pattern.regex.match(subject):
                return True
        return False

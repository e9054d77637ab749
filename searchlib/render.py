"""Results -> terminal text or JSON.  No whoosh here, no searching: only
the shapes that people and programs read.

Terminal text highlights matches in colour (bold yellow) when asked to, and
with ``**plain markers**`` otherwise (output piped, or ``NO_COLOR`` set).
JSON is one object per hit, one hit per line (JSON Lines).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from searchlib.models import Hit

_BOLD = "\033[1m"
_HIGHLIGHT = "\033[1;33m"
_DIM = "\033[2m"
_RESET = "\033[0m"
PLAIN_MARK = "**"


def mark_highlights(text: str, spans: Sequence[tuple[int, int]], color: bool) -> str:
    """``text`` with each span wrapped in colour codes or plain markers."""
    opening, closing = (_HIGHLIGHT, _RESET) if color else (PLAIN_MARK, PLAIN_MARK)
    pieces = []
    last = 0
    for start, end in spans:
        pieces += [text[last:start], opening, text[start:end], closing]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def render_hit(hit: Hit, color: bool) -> str:
    """A hit as three short blocks: rank and title, source line, snippet."""
    title = hit.title or hit.id
    heading = f"{hit.rank}. {_BOLD}{title}{_RESET}" if color else f"{hit.rank}. {title}"
    details = [part for part in (hit.source, hit.date.isoformat() if hit.date else None) if part]
    details.append(f"score {hit.score:.3f}")
    details_line = " \u00b7 ".join(details)
    if color:
        details_line = f"{_DIM}{details_line}{_RESET}"
    lines = [heading, f"   {details_line}"]
    if hit.snippet:
        lines.append(f"   {mark_highlights(hit.snippet, hit.highlights, color)}")
    if hit.url:
        lines.append(f"   {hit.url}")
    return "\n".join(lines)


def render_hits(hits: Sequence[Hit], color: bool) -> str:
    return "\n\n".join(render_hit(hit, color) for hit in hits)


def hit_to_json(hit: Hit) -> dict[str, Any]:
    """The JSON contract of ``search --json``: keys and types are fixed."""
    return {
        "rank": hit.rank,
        "id": hit.id,
        "score": hit.score,
        "title": hit.title,
        "date": hit.date.isoformat() if hit.date else None,
        "source": hit.source,
        "url": hit.url,
        "snippet": hit.snippet,
        "highlights": [[start, end] for start, end in hit.highlights],
    }


def render_json_lines(hits: Sequence[Hit]) -> str:
    return "\n".join(json.dumps(hit_to_json(hit), ensure_ascii=False) for hit in hits)


def format_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")

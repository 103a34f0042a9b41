"""Votes as LEGION's run_consensus reads and tallies them."""

from __future__ import annotations

from collections import Counter

VOTE_MARKER = "VOTE:"


def parse_vote(answer: str) -> str:
    """The text after the last "VOTE:", trimmed of whitespace (and trailing dots)."""
    at = answer.rfind(VOTE_MARKER)
    if at >= 0:
        answer = answer[at + len(VOTE_MARKER) :]
    return answer.lstrip(" \t\r\n").rstrip(" \t\r\n.")


def majority(votes: list[str]) -> str:
    """The most voted option if more than half voted for it, else ""; ties go to the
    smallest option, as LEGION's ordered tally resolves them."""
    tally = Counter(votes)
    winner = min(tally, key=lambda option: (-tally[option], option))
    return winner if tally[winner] >= len(votes) // 2 + 1 else ""

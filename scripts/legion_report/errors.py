"""Errors the command turns into one line on stderr."""


class InputError(Exception):
    """Bad input or usage: a missing or malformed file or directory, an unknown option (exit 2)."""


class ToolError(Exception):
    """A tool the report needs (legion-compare, legion-stats, Chromium) is missing or failed."""

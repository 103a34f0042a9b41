"""Reading the tools' JSON files with errors that name the file."""
import json
from pathlib import Path

from .errors import InputError


def load(path: Path, what: str = "JSON file"):
    """The parsed file; InputError naming the file when it is missing, unreadable or not JSON."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such {what}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read: {e}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: malformed JSON: {e.msg} at line {e.lineno} column {e.colno}") from None


def need(obj, key, kind, path: Path, where: str = ""):
    """obj[key] checked to be of `kind`; InputError naming file and field otherwise."""
    field = f"{where}.{key}" if where else key
    if not isinstance(obj, dict) or key not in obj:
        raise InputError(f"{path}: field '{field}' is missing")
    value = obj[key]
    if not isinstance(value, kind) or (kind in (int, float, (int, float)) and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise InputError(f"{path}: field '{field}' must be {names}, got {type(value).__name__}")
    return value

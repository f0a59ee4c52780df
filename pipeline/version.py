"""The version of the pipeline: a digest of its own source code.

Any change to an extractor, the parser or the checks changes it, so results made by an older pipeline are
never mistaken for current ones (`parser_version` in every parse, the key of the processing cache).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def code_version() -> str:
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]

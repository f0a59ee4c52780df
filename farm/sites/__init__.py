"""One module per platform family. Each exposes `build(plan, ctx) -> SiteContent`.

`BUILDERS` maps the platform name (as in the sources CSV) to its builder.
"""

from __future__ import annotations

from farm.sites import trs

BUILDERS = {
    "trs": trs.build,
}

"""One module per platform family. Each exposes `build(plan, ctx) -> SiteContent`.

`BUILDERS` maps the platform name (as in the sources CSV) to its builder.
"""

from __future__ import annotations

from farm.sites import generic, gkmlpt, hanweb, trs, vsb

BUILDERS = {
    "trs": trs.build,
    "hanweb": hanweb.build,
    "gkmlpt": gkmlpt.build,
    "vsb": vsb.build,
    "generic": generic.build,
}

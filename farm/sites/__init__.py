"""One module per platform family. Each exposes `build(plan, ctx) -> SiteContent`.

`BUILDERS` maps the platform name (as in the sources CSV) to its builder.
"""

from __future__ import annotations

from farm.sites import aspnet, eportal, generic, gkmlpt, hanweb, jspager, trs, trsapi, vsb, xxgk

BUILDERS = {
    "trs": trs.build,
    "hanweb": hanweb.build,
    "gkmlpt": gkmlpt.build,
    "vsb": vsb.build,
    "generic": generic.build,
    "trsapi": trsapi.build,
    "xxgk": xxgk.build,
    "eportal": eportal.build,
    "aspnet": aspnet.build,
    # A site whose listing only a browser can page; crawled with the browser fallback (`platform = browser`).
    "browser": jspager.build,
}

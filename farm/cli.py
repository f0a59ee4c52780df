"""`nianbao portals …`: build or serve the offline portal farm."""

from __future__ import annotations

import time
from pathlib import Path

import click

# The demo's farm directory (git-ignored), so `portals serve` and `make demo` share one render cache.
DEFAULT_WORKDIR = "demo-data/farm"


@click.group("portals")
def portals() -> None:
    """The offline farm of realistic government portals (TRS, Hanweb, gkmlpt, VSB, generic)."""


def _print_sites(sites) -> None:
    for s in sites:
        click.echo(f"{s.id:18} {s.platform:8} {s.name}  {s.column_url}")


@portals.command()
@click.option("--workdir", type=click.Path(file_okay=False), default=DEFAULT_WORKDIR, show_default=True,
              help="Where manifest.json, sources.csv and the render cache go.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--port-base", type=int, default=None, help="Site i listens on PORT_BASE+i (default: free ports).")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None, help="Render cache (default WORKDIR/cache).")
def serve(workdir: str, seed: int, port_base: int | None, cache_dir: str | None) -> None:
    """Start every site on 127.0.0.1 and serve until Ctrl-C."""
    import signal

    from farm.server import run_farm

    def stop(signum, frame):  # SIGTERM shuts down as cleanly as Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    with run_farm(workdir, seed=seed, port_base=port_base, cache_dir=cache_dir) as farm:
        _print_sites(farm.sites)
        click.echo(f"manifest: {Path(workdir) / 'manifest.json'}")
        click.echo(f"sources:  {Path(workdir) / 'sources.csv'}")
        click.echo("serving; Ctrl-C to stop", err=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            click.echo("stopping", err=True)


@portals.command()
@click.option("--workdir", type=click.Path(file_okay=False), default=DEFAULT_WORKDIR, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--port-base", type=int, default=8600, show_default=True,
              help="Ports the manifest's URLs name (site i on PORT_BASE+i).")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None)
def build(workdir: str, seed: int, port_base: int, cache_dir: str | None) -> None:
    """Generate the sites, renderings and manifest without serving (fills the render cache)."""
    from farm.assemble import build_farm
    from farm.manifest import site_infos
    from farm.plan import SITES
    from farm.server import Farm, SiteInfo

    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    plans, contents, manifest = build_farm(seed, None, cache_dir or work / "cache",
                                           ports=[port_base + i for i in range(len(SITES))])
    base_urls = {s["id"]: s["base_url"] for s in manifest["sites"]}
    farm = Farm(workdir=work, seed=seed, sites=[SiteInfo(**s) for s in site_infos(plans, contents, base_urls)],
                manifest=manifest)
    farm.write_manifest(work / "manifest.json")
    farm.write_sources_csv(work / "sources.csv")
    _print_sites(farm.sites)
    n_res = sum(len(c.resources) for c in contents.values())
    click.echo(f"{len(manifest['reports'])} reports, {len(manifest['pages'])} other pages, {n_res} resources; "
               f"manifest {work / 'manifest.json'}")

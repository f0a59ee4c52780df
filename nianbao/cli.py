"""The `nianbao` command line.

Each subcommand lives in the module of the stage it belongs to and is imported
only when it is run, so `nianbao parse` never pays for Scrapy or Datasette.
"""

from __future__ import annotations

import importlib

import click

# name -> "module:attribute" of a click command
SUBCOMMANDS: dict[str, str] = {
    "parse": "pipeline.cli:parse",
    "portals": "farm.cli:portals",
    "crawl": "crawler.cli:crawl",
    "compact": "archive.originals.cli:compact",
    "build": "archive.db.cli:build",
    "export": "archive.db.cli:export",
    "serve": "archive.web.cli:serve",
    "run": "nianbao.run:run",
    "demo": "nianbao.demo:demo",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in SUBCOMMANDS if self._load(name) is not None)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._load(name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # Only hide commands whose own module is absent; a broken import inside it must be loud.
            if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
                return None
            raise
        return getattr(module, attr, None)


@click.group(cls=LazyGroup)
@click.version_option(package_name="nianbao")
def main() -> None:
    """nianbao 年报 — crawl, parse and publish government information-disclosure annual reports."""

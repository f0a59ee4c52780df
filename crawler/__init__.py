"""The crawler: a Scrapy project that archives 政府信息公开工作年度报告 from portal report columns.

- ``sources.py`` / ``sources.csv``: the source registry and its loader.
- ``spiders/reports.py``: the one spider; ``platforms/``: listing strategies per platform family
  (trs, hanweb, gkmlpt, vsb, generic) and ``auto`` detection.
- ``classify.py``: is a listed title an annual report, and for which year.
- ``pipelines.py``: the item pipeline into ``archive.originals.store.ArchiveStore`` and the index of what it holds.
- ``middlewares.py``: per-source host scope, known documents, conditional listing requests, charset repair
  (by ``pipeline.encoding``, the extraction's detector too).
- ``run_record.py``: per-run, per-source record and the broken-source rule; ``state.py``: dead links, re-check
  times, the JOBDIR guard.
- ``cli.py``: ``nianbao crawl``; ``settings.py``: Scrapy settings (polite by default) and every ``NIANBAO_…``
  setting's one default.
"""

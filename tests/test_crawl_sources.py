"""The source registry: the shipped one is well-formed; a bad one is refused with every problem named."""

from __future__ import annotations

import pytest

from crawler.sources import DEFAULT_REGISTRY, PLATFORMS, SourceError, load_sources, valid_url

shipped = load_sources(DEFAULT_REGISTRY, require_division=True)


def test_shipped_registry_has_every_platform_family():
    assert {s.platform for s in shipped} >= {"trs", "hanweb", "gkmlpt", "vsb", "generic", "xxgk", "aspnet", "auto"}


def test_every_platform_has_a_strategy():
    from crawler.platforms import STRATEGIES

    assert set(PLATFORMS) - {"auto"} == set(STRATEGIES)


@pytest.mark.parametrize("source", shipped, ids=[s.id for s in shipped])
def test_shipped_source_is_well_formed(source):
    assert (valid_url(source.url), source.platform in PLATFORMS, len(source.division_code) == 6
            and source.division_code.isdigit()) == (True, True, True)


def write(tmp_path, text):
    path = tmp_path / "sources.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_column(tmp_path):
    with pytest.raises(SourceError, match="lacks column"):
        load_sources(write(tmp_path, "id,name,url\na,b,http://x/\n"))


def test_every_bad_line_named(tmp_path):
    text = ("id,name,url,platform,division_code\n"
            "ok,甲,http://a.gov.cn/col/,trs,360902\n"
            "bad-url,乙,ftp://b/,trs,360902\n"
            "bad-platform,丙,http://c.gov.cn/,joomla,360902\n"
            "ok,丁,http://d.gov.cn/,generic,12345\n")
    with pytest.raises(SourceError) as err:
        load_sources(write(tmp_path, text))
    assert [line.split(":")[1] for line in str(err.value).splitlines()[1:]] == ["3", "4", "5", "5"]


def test_comments_and_extra_columns(tmp_path):
    text = "# registry\nid,name,url,platform,owner\nx,戊,http://127.0.0.1:8080/a/,auto,me\n"
    assert load_sources(write(tmp_path, text))[0].extra == {"owner": "me"}


def test_port_is_part_of_the_scope(tmp_path):
    src = load_sources(write(tmp_path, "id,name,url,platform\nx,戊,http://127.0.0.1:8080/a/,auto\n"))[0]
    assert src.allowed_netlocs() == {"127.0.0.1:8080"}


FINGERPRINTS = {"hanweb": r"/col/col\d+/index\.html$", "gkmlpt": r"/gkmlpt/", "vsb": r"\.htm$",
                "trs": r"/$", "generic": r"/$", "xxgk": r"(?:/module/xxgk/xxgkAnnualReport\.jsp\?|/col/col\d+/)",
                "aspnet": r"\.aspx(?:\?|$)", "eportal": r"/eportal/ui\?pageId=", "trsapi": r"/$"}


@pytest.mark.parametrize("source", [s for s in shipped if s.platform in FINGERPRINTS], ids=lambda s: s.id)
def test_shipped_column_url_fits_its_platform(source):
    import re

    assert re.search(FINGERPRINTS[source.platform], source.url)


def test_line_numbers_stay_right_after_a_quoted_newline(tmp_path):
    from crawler.sources import SourceError, load_sources

    path = tmp_path / "sources.csv"
    path.write_text('id,name,url,platform,note\n'
                    'a,"某县\n人民政府",http://127.0.0.1:1/a/,trs,x\n'
                    '# a comment\n'
                    'bad id!,某县,http://127.0.0.1:1/b/,trs,y\n', encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_sources(path)
    assert f"{path}:5:" in str(err.value) and f"{path}:2" not in str(err.value)

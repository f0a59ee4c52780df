"""The deterministic plan of the farm: which sites exist and what their report columns hold.

Everything here is decided by `random.Random(seed)`; nothing is rendered. The
plan says, per site, which organs reported for which years, which report is
posted twice or corrected, which pages are noise, and which reports come as
attachments in which formats.
"""

from __future__ import annotations

import datetime as dt
import random

from farm.model import Attachment, Item, SitePlan

YEARS = list(range(2019, 2025))

# Binary attachment formats. Each costs about a second to make (LibreOffice, rasterising),
# so each site gets only a few, rotated so that every format appears on several platforms.
ATTACHMENT_FORMATS = ["pdf", "docx", "xls", "doc", "wps", "pdf-scanned"]
FORMATS_PER_SITE = 4

# Real places (GB/T 2260 codes) whose real portals run the platform in question.
SITES = [
    {
        "id": "trs-yuanzhou", "platform": "trs", "name": "宜春市袁州区人民政府", "short": "袁州区",
        "division_code": "360902", "level": "县级", "column_title": "政府信息公开年报",
        "departments": ["袁州区教育体育局", "袁州区财政局", "袁州区自然资源分局", "袁州区卫生健康委员会"],
        "townships": ["湛郎乡", "西村镇", "灵泉街道"],
    },
    {
        "id": "hanweb-yiwu", "platform": "hanweb", "name": "义乌市人民政府", "short": "义乌市",
        "division_code": "330782", "level": "县级", "column_title": "政府信息公开年度报告",
        "departments": ["义乌市市场监督管理局", "义乌市民政局", "义乌市住房和城乡建设局", "义乌市司法局"],
        "townships": ["佛堂镇", "稠城街道", "大陈镇"],
    },
    {
        "id": "gkmlpt-longgang", "platform": "gkmlpt", "name": "深圳市龙岗区人民政府", "short": "龙岗区",
        "division_code": "440307", "level": "县级", "column_title": "政府信息公开年报",
        "departments": ["深圳市龙岗区发展和改革局", "深圳市龙岗区教育局", "深圳市龙岗区城市管理和综合执法局",
                        "深圳市龙岗区人力资源局"],
        "townships": ["布吉街道", "坂田街道", "平湖街道"],
    },
    {
        "id": "vsb-shangluo", "platform": "vsb", "name": "商洛市人民政府", "short": "商洛市",
        "division_code": "611000", "level": "市级", "column_title": "政府信息公开年报",
        "departments": ["商洛市发展和改革委员会", "商洛市教育局", "商洛市生态环境局", "商洛市交通运输局"],
        "townships": ["商州区", "洛南县", "丹凤县"],
    },
    {
        # A second TRS site in the older template: `.shtml` pages, deep column path, table-row lists,
        # and the column split into sub-columns per unit type.
        "id": "trs-hanyang", "platform": "trs", "name": "武汉市汉阳区人民政府", "short": "汉阳区",
        "division_code": "420105", "level": "县级", "column_title": "政府信息公开年度报告",
        "departments": ["汉阳区发展和改革局", "汉阳区教育局", "汉阳区民政局", "汉阳区城市管理执法局"],
        "townships": ["建桥街道", "江堤街道", "永丰街道"],
        "options": {"column": "/bmxxgk/zfgzjg/qrmzfbgs/zfxxgkndbg/", "ext": "shtml", "markup": "table", "subcolumns": True},
        "attachment_formats": 2,
    },
    {
        "id": "generic-suqian", "platform": "generic", "name": "宿迁市人民政府", "short": "宿迁市",
        "division_code": "321300", "level": "市级", "column_title": "政府信息公开年度报告",
        "departments": ["宿迁市财政局", "宿迁市农业农村局", "宿迁市退役军人事务局", "宿迁市审计局"],
        "townships": ["宿城区", "宿豫区", "沭阳县"],
    },
    {
        # Fujian's provincial TRS cluster: the column shows ten items statically and pages on by a script that
        # POSTs to the cluster's list API (`require(["list2.trsapi"], …)`, `/fjdzapp/search`).
        "id": "trsapi-gulou", "platform": "trsapi", "name": "福州市鼓楼区人民政府", "short": "鼓楼区",
        "division_code": "350102", "level": "县级", "column_title": "政府信息公开年报",
        "departments": ["鼓楼区教育局", "鼓楼区财政局", "鼓楼区民政局", "鼓楼区卫生健康局"],
        "townships": ["鼓东街道", "鼓西街道", "温泉街道"],
        "options": {"column": "/zwgk/zfxxgkzl/zfxxgknb/", "ext": "htm"},
    },
    {
        # Hanweb's 信息公开目录 annual-report module: one page per unit × year (`xxgkAnnualReport.jsp`).
        "id": "xxgk-ouhai", "platform": "xxgk", "name": "温州市瓯海区人民政府", "short": "瓯海区",
        "division_code": "330304", "level": "县级", "column_title": "政府信息公开年度报告",
        "departments": ["瓯海区教育局", "瓯海区财政局", "瓯海区民政局", "瓯海区市场监督管理局"],
        "townships": ["娄桥街道", "潘桥街道", "泽雅镇"],
    },
    {
        # eportal: `/eportal/ui?pageId=…`, further list pages only by POSTing the list module's form.
        "id": "eportal-xilinhot", "platform": "eportal", "name": "锡林浩特市人民政府", "short": "锡林浩特市",
        "division_code": "152502", "level": "县级", "column_title": "政府信息公开年度报告",
        "departments": ["锡林浩特市教育局", "锡林浩特市财政局", "锡林浩特市民政局", "锡林浩特市文体旅游广电局"],
        "townships": ["希日塔拉街道", "杭盖街道", "阿尔善宝拉格镇"],
    },
    {
        # ASP.NET WebForms: an AspNetPager paging by `__doPostBack` with __VIEWSTATE / __EVENTVALIDATION.
        "id": "aspnet-ziyang", "platform": "aspnet", "name": "资阳市人民政府", "short": "资阳市",
        "division_code": "512000", "level": "市级", "column_title": "政府信息公开年度报告",
        "departments": ["资阳市教育和体育局", "资阳市财政局", "资阳市民政局", "资阳市自然资源和规划局"],
        "townships": ["雁江区", "安岳县", "乐至县"],
    },
    {
        # A listing only a browser can page: the next page is fetched by a script from a signed URL, no href.
        # Crawled with `platform = browser` (the headless-Chromium fallback).
        "id": "browser-ningshan", "platform": "browser", "name": "宁陕县人民政府", "short": "宁陕县",
        "division_code": "610923", "level": "县级", "column_title": "政府信息公开年报",
        "departments": ["宁陕县教育体育局", "宁陕县财政局", "宁陕县民政局", "宁陕县农业农村局"],
        "townships": ["梅子镇", "城关镇", "筒车湾镇"],
    },
]

TITLE_FORMS = [
    "{agency}{year}年政府信息公开工作年度报告",
    "{agency}{year}年度政府信息公开工作年度报告",
    "{year}年{agency}政府信息公开工作年度报告",
    "{agency}关于{year}年度政府信息公开工作的年度报告",
]


def _sub_level(site_level: str, unit: str) -> str:
    """Admin level of a sub-unit as the parser names it (乡镇/街道/县级/部门)."""
    if unit.endswith("街道"):
        return "街道"
    if unit.endswith(("镇", "乡")):
        return "乡镇"
    if unit.endswith(("区", "县")):
        return "县级"
    return "部门"


def _agency_of_unit(unit: str) -> str:
    if unit.endswith(("镇", "乡")):
        return unit + "人民政府"
    if unit.endswith(("区", "县")):
        return unit + "人民政府"
    if unit.endswith("街道"):
        return unit + "办事处"
    return unit


def printed_name(agency: str, short: str, year: int, site: SitePlan) -> str:
    """How a report prints its organ: real organs vary it from year to year (西村镇 / 西村镇人民政府,
    义乌市人民政府 / 义乌市政府, 袁州区财政局 / 财政局), and the archive must still see one organ."""
    if agency == site.name:
        return agency.replace("人民政府", "政府") if year == 2022 else agency
    if agency != short:  # a township, a street or a county under a city: short one year, full the next
        return agency if year % 2 else short
    if year % 2 and short.startswith(site.short) and len(short) > len(site.short) + 1:
        return short[len(site.short):]  # a department without its county: 袁州区教育体育局 -> 教育体育局
    return short


def _publish_date(rng: random.Random, year: int, level: str) -> dt.date:
    """Departments publish by 31 January, governments by 31 March (条例 art. 49); some are late."""
    last = dt.date(year + 1, 1, 31) if level == "部门" else dt.date(year + 1, 3, 31)
    start = dt.date(year + 1, 1, 8)
    days = (last - start).days
    date = start + dt.timedelta(days=rng.randint(0, days))
    if rng.random() < 0.08:  # a late posting
        date += dt.timedelta(days=rng.randint(30, 80))
    return date


def plan_site(index: int, info: dict, seed: int) -> SitePlan:
    rng = random.Random(f"{seed}:{info['id']}")
    site = SitePlan(
        id=info["id"], name=info["name"], short=info["short"], platform=info["platform"],
        division_code=info["division_code"], level=info["level"], column_title=info["column_title"],
        departments=list(info["departments"]), townships=list(info["townships"]), options=dict(info.get("options", {})),
    )
    n = 0

    def key() -> str:
        nonlocal n
        n += 1
        return f"{site.id}-{n:03d}"

    def report(agency: str, short: str, year: int, level: str) -> Item:
        title = rng.choice(TITLE_FORMS).format(agency=printed_name(agency, short, year, site), year=year)
        return Item(key=key(), kind="report", title=title, published=_publish_date(rng, year, level),
                    agency=agency, year=year, admin_level=level, spec_seed=rng.randrange(1 << 30))

    reports: list[Item] = []
    for year in YEARS:  # the site's own organ, every year
        reports.append(report(site.name, site.name, year, site.level))
    departments = rng.sample(site.departments, 3)
    for unit in departments + rng.sample(site.townships, 2):
        level = _sub_level(site.level, unit)
        agency = _agency_of_unit(unit)
        short = unit if level == "部门" else unit
        for year in sorted(rng.sample(YEARS, 2)):
            reports.append(report(agency, short, year, level))

    # Binary attachments: a few reports, a few formats; half also carry the report inline.
    formats = [ATTACHMENT_FORMATS[(index + k) % len(ATTACHMENT_FORMATS)] for k in range(info.get("attachment_formats", FORMATS_PER_SITE))]
    candidates = [r for r in reports if r.year >= 2020]
    for i, (fmt, item) in enumerate(zip(formats, rng.sample(candidates, len(formats)))):
        item.attachments.append(Attachment(fmt=fmt, title=f"{item.title}.{_ext(fmt)}"))
        item.inline = i % 2 == 0 and fmt != "pdf-scanned"

    plain = [r for r in reports if not r.attachments]
    dup_src, corr_src, gbk, gb2312, slow = rng.sample(plain, 5)
    # The same report posted twice (a re-post a few days later, same content).
    dup = Item(key=key(), kind="report", title=dup_src.title, published=dup_src.published + dt.timedelta(days=3),
               agency=dup_src.agency, year=dup_src.year, admin_level=dup_src.admin_level,
               spec_seed=dup_src.spec_seed, duplicate_of=dup_src.key)
    # A report replaced by a corrected version (更正): the old one stays online.
    corr = Item(key=key(), kind="report", title=corr_src.title + "（更正）",
                published=corr_src.published + dt.timedelta(days=rng.randint(5, 40)),
                agency=corr_src.agency, year=corr_src.year, admin_level=corr_src.admin_level,
                spec_seed=corr_src.spec_seed, variant=1, corrects=corr_src.key)
    corr_src.superseded_by = corr.key
    gbk.encoding = "gbk"
    gb2312.encoding = "gb2312-mislabeled"
    slow.delay = 1.0
    reports += [dup, corr]

    noise: list[Item] = []
    own = [r for r in reports if r.agency == site.name and r.year >= 2021 and not r.duplicate_of]
    about = rng.choice(own)
    noise.append(Item(key=key(), kind="interpretation", about=about.key,
                      title=f"《{site.name}{about.year}年政府信息公开工作年度报告》解读",
                      published=about.published + dt.timedelta(days=1)))
    about2 = rng.choice([r for r in own if r is not about])
    noise.append(Item(key=key(), kind="interpretation", about=about2.key,
                      title=f"图解：{site.short}{about2.year}年政府信息公开工作年度报告",
                      published=about2.published + dt.timedelta(days=2)))
    y = rng.choice([2022, 2023, 2024])
    noise.append(Item(key=key(), kind="notice", title=f"关于做好{y}年度政府信息公开工作年度报告编制和发布工作的通知",
                      published=dt.date(y, 12, rng.randint(5, 28))))
    y2 = rng.choice([2021, 2022, 2023])
    noise.append(Item(key=key(), kind="notice", title=f"关于{site.short}各单位{y2}年政府信息公开工作年度报告发布情况的公告",
                      published=dt.date(y2 + 1, 4, rng.randint(2, 28))))
    for title, when in ((f"{site.short}{{y}}年法治政府建设年度报告", 1), (f"{site.short}召开{{y}}年政务公开工作推进会", 0),
                        (f"{site.short}{{y}}年国民经济和社会发展统计公报", 1)):
        published = dt.date(rng.choice([2022, 2023, 2024]), rng.randint(1, 12), rng.randint(1, 28))
        noise.append(Item(key=key(), kind="unrelated", title=title.format(y=published.year - when), published=published))
    dead_year = rng.choice(YEARS)
    noise.append(Item(key=key(), kind="dead_link", title=f"{[d for d in site.departments if d not in departments][0]}{dead_year}年政府信息公开工作年度报告",
                      published=_publish_date(rng, dead_year, "部门")))

    site.items = sorted(reports + noise, key=lambda it: (it.published, it.key), reverse=True)
    return site


def _ext(fmt: str) -> str:
    return "pdf" if fmt == "pdf-scanned" else fmt


def plan_farm(seed: int = 0) -> list[SitePlan]:
    return [plan_site(i, info, seed) for i, info in enumerate(SITES)]

"""Article bodies of the column's items: reports, 解读, notices and unrelated news.

The texts are platform-neutral fragments; each platform wraps them in its own
article template. Noise is written to look like what it is on real portals:
a 解读 quotes the report's title and its numbers, a notice talks about compiling
the reports, and an unrelated article may even say 年度报告 (法治政府建设年度报告).
"""

from __future__ import annotations

import random

from farm.chrome import esc
from farm.model import Item, SitePlan


def report_body(item: Item, inline_html: str, attachment_links: str) -> str:
    parts = []
    if item.corrects:
        parts.append('<p style="text-indent:2em;color:#c00;">更正说明：原发布的年度报告中“主动公开政府信息情况”部分数据有误，'
                     "现予以更正，以本版本为准。</p>")
    if item.inline:
        parts.append(inline_html)
    elif item.attachments:
        parts.append(f'<p style="text-indent:2em;">{esc(item.title)}详见附件。</p>')
    if attachment_links:
        parts.append(attachment_links)
    return "\n".join(parts)


def interpretation_body(item: Item, report: Item, report_href: str) -> str:
    spec = report.report.spec
    new = spec.value("B", "new_received", "total") or "0"
    review = spec.value("C", "review", "total") or "0"
    graphic = item.title.startswith("图解")
    lead = "一图读懂" if graphic else "近日"
    paras = [
        f"{lead}，《{esc(report.title)}》正式对外发布。为便于公众更好地了解{esc(report.agency or '')}"
        f"{report.year}年政府信息公开工作情况，现将年度报告主要内容解读如下。",
        f"一、主动公开情况。{report.year}年，围绕中心工作，持续加大重点领域信息公开力度，及时发布政策文件、工作动态等信息。",
        f"二、依申请公开情况。全年共新收政府信息公开申请{esc(new)}件，均在法定期限内予以答复。",
        f"三、行政复议和行政诉讼情况。全年因政府信息公开被申请行政复议{esc(review)}件。",
        "四、下一步工作。将进一步完善政务公开工作机制，提升政府信息公开质量和实效。",
        f'<a href="{esc(report_href)}">点击查看：{esc(report.title)}</a>',
    ]
    body = "\n".join(f'<p style="text-indent:2em;">{p}</p>' for p in paras)
    if graphic:
        body = f'<p style="text-align:center;"><img src="/images/tujie_{report.year}.jpg" alt="{esc(item.title)}"></p>\n' + body
    return body


def notice_body(item: Item, site: SitePlan) -> str:
    d = item.published
    year = item.published.year if "编制" in item.title else item.published.year - 1
    if "编制" in item.title:
        paras = [
            f"各乡镇人民政府、街道办事处，{esc(site.short)}政府各部门、各直属单位：",
            f"根据《中华人民共和国政府信息公开条例》第四十九条、第五十条规定，现就做好{year}年度政府信息公开工作年度报告编制和发布工作通知如下：",
            f"一、各部门应于{year + 1}年1月31日前向社会公布本部门{year}年度政府信息公开工作年度报告，各乡镇（街道）于{year + 1}年3月31日前公布。",
            "二、年度报告应严格按照《中华人民共和国政府信息公开工作年度报告格式》编制，确保数据真实准确、前后一致。",
            "三、年度报告发布后，请于3个工作日内将链接报送区政务公开办。",
        ]
    else:
        paras = [
            f"根据《中华人民共和国政府信息公开条例》规定，{esc(site.short)}各单位{year}年政府信息公开工作年度报告已在本网站“政府信息公开年报”栏目集中发布，"
            "欢迎社会各界查阅监督。",
            "如对年度报告有意见建议，请通过本网站“政民互动”栏目反映。",
        ]
    return "\n".join(f'<p style="text-indent:2em;">{p}</p>' for p in paras) + \
        f'<p style="text-align:right;">{esc(site.name)}办公室<br>{d.year}年{d.month}月{d.day}日</p>'


def unrelated_body(item: Item, site: SitePlan) -> str:
    rng = random.Random(item.key)
    if "法治政府" in item.title:
        paras = [f"{item.title[:-4]}年，在上级党委、政府的坚强领导下，{esc(site.short)}深入学习贯彻习近平法治思想，法治政府建设取得新成效。现将有关情况报告如下：",
                 f"一、主要举措和成效。全年制定出台行政规范性文件{rng.randint(3, 30)}件，全部经过合法性审核。",
                 "二、存在的不足和原因。",
                 "三、下一年度工作安排。"]
    elif "统计公报" in item.title:
        paras = [f"全年地区生产总值{rng.randint(300, 3000)}.{rng.randint(1, 9)}亿元，按不变价格计算，比上年增长{rng.randint(3, 8)}.{rng.randint(1, 9)}%。",
                 f"年末户籍人口{rng.randint(30, 200)}.{rng.randint(10, 99)}万人。",
                 "一、农业 二、工业和建筑业 三、固定资产投资 四、国内贸易 五、对外经济 六、财政金融"]
    else:
        paras = [f"{item.published:%m月%d日}，{esc(site.short)}召开政务公开工作推进会，总结工作成效，部署下一阶段重点任务。",
                 "会议强调，要坚持以公开为常态、不公开为例外，进一步规范政府信息公开工作年度报告的编制发布。",
                 "各乡镇（街道）、各部门分管负责同志及政务公开工作人员参加会议。"]
    return "\n".join(f'<p style="text-indent:2em;">{p}</p>' for p in paras)

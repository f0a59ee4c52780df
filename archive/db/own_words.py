"""What a report says in its own words: its text without the official form's boilerplate.

Every report prints the same headings (四、政府信息公开行政复议、行政诉讼情况), table labels (行政复议, 不予公开 …),
and usually the same opening sentence listing its six parts. Searched with them, 复议 or 依申请 match every
report; searched without them, they find the reports that write about the subject. What is kept:

* prose: a line or table cell that is a sentence (it has ，。；：or is longer than `MAX_LABEL`, its
  bracketed remarks aside), since headings, labels and numbers are short and unpunctuated;
* minus the sentences that list the report's parts (four or more of the six section names), the notes
  printed in the table heads (（本列数据的勾稽关系为：…）) and the statement of the statistical period.

The full text stays searchable as it is (`reports_fulltext_fts`, the `search_everything` query).
"""

from __future__ import annotations

import re

MAX_LABEL = 40
_PROSE_MARK = re.compile(r"[，。；：,;:！？]")
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]?")
_PART_NAMES = re.compile(r"总体情况|主动公开政府信息|收到和处理政府信息公开申请|行政复议|行政诉讼|存在的主要问题|其他需要报告的事项")
_HEAD_NOTE = re.compile(r"[（(]\s*本列数据的勾稽关系[^）)]*[）)]")
_PERIOD = re.compile(r"统计(?:期限|时限|时间|区间)")
_PAREN = re.compile(r"[（(][^（）()]*[）)]")  # a label's remark: 本年收费金额（单位：万元）, （二）部分公开（区分处理的，…）


def _is_prose(cell: str) -> bool:
    return bool(_PROSE_MARK.search(cell)) or len(cell) > MAX_LABEL


def _boilerplate(sentence: str) -> bool:
    return len(set(_PART_NAMES.findall(sentence))) >= 4 or bool(_PERIOD.search(sentence))


def own_words(text: str | None) -> str:
    """The report's prose without the headings, table labels, numbers and standard sentences of the form."""
    kept: list[str] = []
    for line in (text or "").splitlines():
        for cell in line.split("\t"):
            cell = _HEAD_NOTE.sub("", cell).strip()
            if not cell or not _is_prose(_PAREN.sub("", cell)):
                continue
            sentences = [s for s in _SENTENCE.findall(cell) if s.strip() and not _boilerplate(s)]
            if sentences:
                kept.append("".join(sentences).strip())
    return "\n".join(kept)

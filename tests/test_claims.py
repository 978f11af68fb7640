"""Numeric claims in the prose: real published reports (ground truth) and phrasing families."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.document import Document, DocumentBuilder
from reviewer.extract.claims import extract_claims
from reviewer.extract.facts import Claim, SectionInfo
from reviewer.formats.gov2021 import METRICS
from reviewer.ingest import read_path
from reviewer.ingest.text import split_blocks

SAMPLES = Path(__file__).parent / "fixtures"  # copies of /work/shared/samples, so CI needs nothing else
REAL = SAMPLES / "real"
VOCABULARY = {m.id for m in METRICS} | {"proactive.part"}
HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")


def text_doc(text: str, media_type: str = "txt") -> Document:
    """A document the way the .txt ingester splits it: one block per line."""
    return Document(source="draft.txt", media_type=media_type, text=text, blocks=split_blocks(text))


def claims_of(sentence: str, year: int = 2023) -> list[tuple[str, float]]:
    doc = text_doc(f"某局{year}年政府信息公开工作年度报告\n{sentence}\n")
    claims, _ = extract_claims(doc, [])
    return [(c.metric, c.value) for c in claims]


def standard_sections(doc: Document) -> list[SectionInfo]:
    """The six standard headings where they occur (a stand-in for the lead's section finder)."""
    found = [(doc.text.find(h), h) for h in HEADINGS if doc.text.find(h) >= 0]
    found.sort()
    out = []
    for i, (start, heading) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(doc.text)
        block = next(b.id for b in doc.blocks if b.span[0] <= start < max(b.span[1], b.span[0] + 1))
        out.append(SectionInfo(key=heading[0], number=heading[0], heading=heading, block_id=block,
                               start=start, end=end, order=i))
    return out


def one_section(doc: Document, heading: str) -> list[SectionInfo]:
    """One section from its heading to the end of the document."""
    start = doc.text.index(heading)
    block = next(b.id for b in doc.blocks if b.span[0] == start)
    return [SectionInfo(key=heading[0], number=heading[0], heading=heading, block_id=block, start=start,
                        end=len(doc.text), order=0)]


def by_metric(claims: list[Claim]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for c in claims:
        out.setdefault(c.metric, []).append(c.value)
    return out


def assert_well_formed(doc: Document, claims: list[Claim]) -> None:
    """Spans point at the number, quotes are verbatim and contain it, metrics are in the vocabulary."""
    for c in claims:
        a, b = c.location.span
        assert doc.text[a:b] == c.location.text
        assert c.metric in VOCABULARY
        assert c.quote and c.quote in doc.text
        starts = [i for i in range(len(doc.text)) if doc.text.startswith(c.quote, i)]
        assert any(i <= a and b <= i + len(c.quote) for i in starts), (c.quote, c.location.text)
        assert c.location.block_id is not None
        block = doc.block(c.location.block_id)
        assert block.kind != "table" and block.span[0] <= a < block.span[1]


# ---------------------------------------------------------------- real reports --
def test_wuhai_sample() -> None:
    doc = read_path(SAMPLES / "wuhai-gxj-2023.txt")
    claims, groups = extract_claims(doc, standard_sections(doc))
    assert_well_formed(doc, claims)
    got = [(c.metric, c.value) for c in claims]
    assert got == [
        ("proactive.total", 1248), ("proactive.part", 24), ("proactive.part", 1538), ("proactive.part", 533),
        ("interpretation.total", 1), ("apply.received", 1), ("apply.disclosed", 1), ("fee.charged", 0),
    ]
    assert len(groups) == 1
    group = groups[0]
    assert group.whole.value == 1248 and group.whole.whole and group.whole.unit == "条"
    assert [p.value for p in group.parts] == [24, 1538, 533]
    assert all(p.part_of == group.id for p in group.parts)
    assert sum(p.value for p in group.parts) == 2095  # the sample's real error: parts exceed the whole
    standalone = [c for c in claims if c.metric in ("interpretation.total", "apply.received", "apply.disclosed")]
    assert all(c.part_of is None for c in standalone)
    new = next(c for c in claims if c.metric == "apply.received")
    assert new.quote == "接收政府信息公开申请1条" and new.unit == "条" and new.location.section == "一"
    fee = next(c for c in claims if c.metric == "fee.charged")
    assert fee.location.section == "六" and fee.location.text == "无" and "信息处理费" in fee.quote


def test_pingtan_2021_one_line_body() -> None:
    doc = read_path(REAL / "pingtan-2021.txt")
    claims, groups = extract_claims(doc, [])
    assert_well_formed(doc, claims)
    assert by_metric(claims) == {
        "proactive.total": [2645], "interpretation.total": [29], "apply.received": [70], "apply.answered": [69],
        "apply.forward": [1], "fee.charged": [0],
    }
    assert groups == []
    interpretation = next(c for c in claims if c.metric == "interpretation.total")
    assert interpretation.unit == "项" and interpretation.quote.endswith("进行解读")
    # not claims: 20680批次, 68海里, 20期, 第十四个五年规划, 〔2021〕39号, 关停…2个, 4次 — none made it in
    assert {c.location.text for c in claims} <= {"2645", "29", "70", "69", "1", "无"}


def test_pingtan_2021_excluded_ranges_are_not_read() -> None:
    doc = read_path(REAL / "pingtan-2021.txt")
    start = doc.text.index("全年主动公开我区")
    claims, _ = extract_claims(doc, [], [(start, start + 30)])
    assert "proactive.total" not in by_metric(claims)
    assert by_metric(claims)["apply.received"] == [70]


def test_pingtan_2024() -> None:
    doc = read_path(REAL / "pingtan-2024.txt")
    claims, _ = extract_claims(doc, [])
    assert_well_formed(doc, claims)
    assert by_metric(claims) == {
        "proactive.total": [10407], "interpretation.total": [96], "apply.processed": [218],
        "normative.issued": [62], "fee.charged": [0],
    }


def test_sh_kewei_hard_wrapped_markdown() -> None:
    doc = read_path(REAL / "sh-kewei-2024.md")
    claims, _ = extract_claims(doc, [])  # its own section numbering: no standard sections
    assert_well_formed(doc, claims)
    assert by_metric(claims) == {
        "review.total": [1], "litigation.total": [0], "normative.issued": [13], "apply.received": [34],
        "apply.carried": [2], "apply.disclosed": [9], "apply.partial": [0], "apply.withheld": [2],
        "apply.unavailable": [10], "apply.not_processed": [0], "apply.other": [14], "apply.forward": [1],
        "fee.charged": [0],
    }
    withheld = next(c for c in claims if c.metric == "apply.withheld")
    assert withheld.quote == "不予公开答复 2\n件"  # the line break stays: the quote is verbatim


def test_sh_kewei_as_plain_lines() -> None:
    """The same file read one block per line (as a .txt): wrapped sentences still join."""
    doc = text_doc((REAL / "sh-kewei-2024.md").read_text(encoding="utf-8"), media_type="md")
    claims, _ = extract_claims(doc, [])
    assert_well_formed(doc, claims)
    metrics = by_metric(claims)
    assert metrics["apply.received"] == [34] and metrics["apply.carried"] == [2] and metrics["apply.forward"] == [1]
    assert metrics["litigation.total"] == [0] and metrics["review.total"] == [1]


def test_shuyang_html() -> None:
    doc = read_path(REAL / "shuyang-fgj-2023.html")
    claims, _ = extract_claims(doc, standard_sections(doc))
    assert_well_formed(doc, claims)
    # “发布行政公文和政策解读信息9条” counts two things together: not the interpretation total
    assert by_metric(claims) == {"apply.received": [26], "fee.charged": [0]}


# ---------------------------------------------------------------- phrasing families --
PHRASINGS = [
    # 主动公开
    ("本年度主动公开政府信息1,248条。", [("proactive.total", 1248)]),
    ("全年主动公开政府信息十二条。", [("proactive.total", 12)]),
    ("累计主动公开政府信息１２４８条。", [("proactive.total", 1248)]),
    ("共计主动公开政府信息1.2万条。", [("proactive.total", 12000)]),
    ("主动公开政府信息总数为356条。", [("proactive.total", 356)]),
    ("全年共公开政府信息356条。", [("proactive.total", 356)]),
    ("2023年，我局认真梳理，主动在门户网站公开政府信息50条。", [("proactive.total", 50)]),
    ("通过门户网站主动公开1248条政府信息。", [("proactive.total", 1248)]),
    # a running total is not this year's; the 新增 under it is
    ("本区到年底累计主动公开政府信息5928条，其中，本年度新增主动公开政府信息2110条。", [("proactive.total", 2110)]),
    # 申请
    ("本年度共收到政府信息公开申请两件，均已按时办结。", [("apply.received", 2)]),
    ("本年新收政府信息公开申请数量为34件，上年结转2件。", [("apply.new", 34), ("apply.carried", 2)]),
    ("全年受理依申请公开34件。", [("apply.received", 34)]),
    ("本年度共接到政府信息公开申请二十一件。", [("apply.received", 21)]),
    ("共收到70件申请。", [("apply.received", 70)]),
    ("2023年度我局共收到依申请信息公开26件。", [("apply.received", 26)]),
    ("全年共收到申请34件，办结34件，办结率100%。", [("apply.received", 34), ("apply.answered", 34)]),
    ("依申请公开方面，全年共办理依申请公开事项15件。", [("apply.processed", 15)]),
    ("上年结转的2件申请已全部办结。", [("apply.carried", 2)]),
    ("2023年，我办全年未收到行政许可申请；全年未接到信息公开申请。", [("apply.new", 0)]),
    ("上年度结转的政府信息公开申请3件。", [("apply.carried", 3)]),
    ("全年办结政府信息公开申请一百零五件。", [("apply.answered", 105)]),
    ("共答复政府信息公开申请33件。", [("apply.answered", 33)]),
    ("予以公开9件，部分公开3件，不予公开2件，无法提供10件，不予处理1件，其他处理10件。",
     [("apply.disclosed", 9), ("apply.partial", 3), ("apply.withheld", 2), ("apply.unavailable", 10),
      ("apply.not_processed", 1), ("apply.other", 10)]),
    ("同意公开答复9件。", [("apply.disclosed", 9)]),
    ("结转下年度继续办理1件。", [("apply.forward", 1)]),
    ("1件申请结转下年度继续办理。", [("apply.forward", 1)]),
    ("转下一年度办理答复的有1件。", [("apply.forward", 1)]),
    # the 36 includes last year's: new and carried together
    ("收到申请36件（含上年结转2件）。", [("apply.new+apply.carried", 36), ("apply.carried", 2)]),
    ("本年度未收到政府信息公开申请。", [("apply.new", 0)]),
    ("本年度没有收到任何政府信息公开申请。", [("apply.new", 0)]),
    # 规范性文件 / 规章
    ("本年度制发行政规范性文件5件，废止规范性文件2件，现行有效规范性文件55件。",
     [("normative.issued", 5), ("normative.abolished", 2), ("normative.in_force", 55)]),
    ("印发规范性文件两件。", [("normative.issued", 2)]),
    ("制定规章1件，废止规章0件。", [("rules.issued", 1), ("rules.abolished", 0)]),
    ("现行有效规章12件。", [("rules.in_force", 12)]),
    ("截至年底现行有效规范性文件55件。", [("normative.in_force", 55)]),
    # 许可 / 处罚 / 强制
    ("全年作出行政处罚决定1100件，行政许可决定4529件，行政强制措施65件。",
     [("penalty.decisions", 1100), ("license.decisions", 4529), ("coercion.decisions", 65)]),
    # 复议 / 诉讼
    # newly arisen cases: at most table 四's 总计, which also counts carried-over ones
    ("本年度发生政府信息公开行政复议2起，行政诉讼1起。", [("review.new", 2), ("litigation.new", 1)]),
    ("全年未发生因政府信息公开引起的行政复议和行政诉讼。", [("review.total", 0), ("litigation.total", 0)]),
    ("本年度未发生政府信息公开行政复议、行政诉讼案件。", [("review.total", 0), ("litigation.total", 0)]),
    ("有1件涉及政府信息公开工作的行政复议。", [("review.total", 1)]),
    ("因政府信息公开工作被申请行政复议2件、提起行政诉讼1件。", [("review.total", 2), ("litigation.total", 1)]),
    # 解读
    ("本年度发布政策解读二十一篇。", [("interpretation.total", 21)]),
    ("对一百零五项政策文件进行了解读。", [("interpretation.total", 105)]),
    ("全年发布解读稿件12篇。", [("interpretation.total", 12)]),
    ("发布政策解读15篇，其中图文解读10篇，视频解读5篇。", [("interpretation.total", 15)]),
    # 信息处理费
    ("本年度收取信息处理费共计300元。", [("fee.charged", 300)]),
    ("信息处理费收入0.5万元。", [("fee.charged", 0.5)]),
    ("本年度未收取信息处理费。", [("fee.charged", 0)]),
    ("本年度没有收取政府信息公开信息处理费。", [("fee.charged", 0)]),
    ("信息处理费为零。", [("fee.charged", 0)]),
    ("本年度未发生政府信息公开收费事项。", [("fee.charged", 0)]),
    ("行政事业性收费18651.06万元。", [("fees.amount", 18651.06)]),
]


@pytest.mark.parametrize("sentence, expected", PHRASINGS)
def test_phrasing(sentence: str, expected: list[tuple[str, float]]) -> None:
    assert claims_of(sentence) == expected


NOT_CLAIMS = [
    "本年度收到政府信息公开申请25件，较上年的20件增加5件。",  # 25 is this year's; 20 and 5 are not
    "主动公开政府信息356条，同比增长15%。",
    "2022年收到申请20件。",  # another year
    "2024年，我们将发布政策解读20篇。",  # a plan
    "收到申请约100件。",
    "收到申请超过100件。",
    "全年收到政府信息公开申请100余件。",
    "根据《条例》第二十条第（五）项规定，公开行政许可信息97条。",
    "电话：0473-8991998，〔2021〕39号文件。",
    "关停政务新媒体2个，开展访谈12期，抽检20680批次，召开68海里景区听证会。",
    "发布了第十四个五年规划和二〇三五年远景目标纲要。",
    "在15个工作日内答复申请人。",
    "依法不收取信息处理费。",
    "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "办理人大代表建议50件，政协提案85件。",
    "全年办理行政复议案件356件。",  # an agency's own 复议 work, not about disclosure
    "本年度政府信息公开申请办结率100%。",
    "日均发布信息20条。",
    "实现“一件事一次办”。",
    "收到申请两三件。",  # a range, not a number
    "我局共有行政规范性文件20件。",  # neither issued this year nor said to be in force
    "清理行政规范性文件20件，废止3件。",
    "本年度共处理群众留言92条。",
    "2023年，共办理政府12345热线47件，已全部办结。",
    "截止2023年12月31日我局通过官方网站发布政务类信息34条。",
]


@pytest.mark.parametrize("sentence", NOT_CLAIMS[:3])
def test_comparisons_keep_only_this_years_count(sentence: str) -> None:
    got = claims_of(sentence)
    assert all(metric in ("apply.received", "proactive.total") for metric, _ in got)
    assert [v for _, v in got] in ([25], [356], [])


@pytest.mark.parametrize("sentence", NOT_CLAIMS[3:])
def test_not_a_claim(sentence: str) -> None:
    assert claims_of(sentence) == []


def test_previous_year_figure_is_skipped_but_this_years_kept() -> None:
    assert claims_of("2022年收到申请20件，2023年收到申请25件。") == [("apply.received", 25)]


# ---------------------------------------------------------------- “其中” groups --
def groups_of(sentence: str):
    doc = text_doc(f"某局2023年政府信息公开工作年度报告\n{sentence}\n")
    return extract_claims(doc, [])


def test_applicant_breakdown_group() -> None:
    claims, groups = groups_of("收到申请34件，其中自然人32件、商业企业2件。")
    assert [(c.metric, c.value) for c in claims] == [
        ("apply.received", 34), ("apply.received.natural", 32), ("apply.received.commercial", 2)]
    assert len(groups) == 1 and groups[0].whole.metric == "apply.received"
    assert [p.metric for p in groups[0].parts] == ["apply.received.natural", "apply.received.commercial"]


def test_outcome_breakdown_of_handled() -> None:
    claims, groups = groups_of("全年共办结政府信息公开申请35件，其中予以公开9件，部分公开3件，不予公开2件，"
                               "无法提供10件，不予处理1件，其他处理10件。")
    assert len(groups) == 1
    assert groups[0].whole.metric == "apply.answered" and groups[0].whole.value == 35
    assert [p.metric for p in groups[0].parts] == [
        "apply.disclosed", "apply.partial", "apply.withheld", "apply.unavailable", "apply.not_processed",
        "apply.other"]


def test_outcome_group_ends_at_the_carry_over() -> None:
    claims, groups = groups_of("全年共收到信息公开申请3件，上年结转0件，共办结3件，其中予以公开2件，无法提供1件，"
                               "结转下年度0件。")
    assert [(c.metric, c.value, c.part_of is not None) for c in claims] == [
        ("apply.received", 3, False), ("apply.carried", 0, False), ("apply.answered", 3, False),
        ("apply.disclosed", 2, True), ("apply.unavailable", 1, True), ("apply.forward", 0, False)]
    assert groups[0].whole.metric == "apply.answered"


def test_group_after_sentence_end() -> None:
    claims, groups = groups_of("主动公开信息1248条。其中，网站发布1000条，微信发布248条。")
    assert len(groups) == 1 and [p.value for p in groups[0].parts] == [1000, 248]
    assert all(p.metric == "proactive.part" for p in groups[0].parts)


def test_group_stops_at_a_different_measure() -> None:
    claims, groups = groups_of("主动公开政府信息总数1248条，其中，通过局门户网站公开政府信息公开24条，"
                               "其他信息1538条，发布政策解读信息1条，接收政府信息公开申请1条。")
    assert [p.value for p in groups[0].parts] == [24, 1538]
    assert ("interpretation.total", 1) in [(c.metric, c.value) for c in claims]
    assert ("apply.received", 1) in [(c.metric, c.value) for c in claims]


def test_a_list_item_naming_another_measure_stays_in_the_list() -> None:
    claims, groups = groups_of("本年度主动公开政府信息120条，其中机构职能信息20条、政策文件及解读30条、工作动态70条。")
    assert [p.value for p in groups[0].parts] == [20, 30, 70]
    assert "interpretation.total" not in {c.metric for c in claims}  # 政策文件及解读 is not the 解读 count


def test_group_with_a_named_document_part() -> None:
    claims, groups = groups_of("全年主动公开政府信息1248条，其中，规范性文件5条，部门文件100条。")
    assert [p.metric for p in groups[0].parts] == ["normative.issued", "proactive.part"]


@pytest.mark.parametrize("sentence, expected", [
    # one part is not a breakdown, and “其中…主动公开2000条” is not another total
    ("全年主动公开政府信息2645条，其中通过政府网站主动公开2000条。", [("proactive.total", 2645)]),
    # 法人或其他组织 is outside the vocabulary: no sound sum, but the 自然人 cell is still stated
    ("收到政府信息公开申请30件，其中自然人提出25件，法人或其他组织提出5件。",
     [("apply.received", 30), ("apply.received.natural", 25)]),
    # “其中包括” lists examples, not a breakdown
    ("当年发布政府信息393件，其中包括：行政规范性文件13件；规划计划文件2件。", [("normative.issued", 13)]),
])
def test_no_group(sentence: str, expected: list[tuple[str, float]]) -> None:
    claims, groups = groups_of(sentence)
    assert groups == []
    assert [(c.metric, c.value) for c in claims] == expected


def test_parts_in_parentheses() -> None:
    claims, groups = groups_of("收到申请34件（其中自然人32件、科研机构2件），已全部办结。")
    assert [p.metric for p in groups[0].parts] == ["apply.received.natural", "apply.received.research"]


# ---------------------------------------------------------------- document shapes --
def test_table_blocks_are_never_read() -> None:
    b = DocumentBuilder()
    b.add_text("heading", "三、收到和处理政府信息公开申请情况")
    b.add_table([[("收到申请5件", None), ("5", None)]])
    b.add_text("paragraph", "全年收到政府信息公开申请7件。")
    doc = b.build("d.docx", "docx")
    claims, _ = extract_claims(doc, [])
    assert [(c.metric, c.value, c.location.block_id) for c in claims] == [("apply.received", 7, "b2")]
    assert_well_formed(doc, claims)


def test_docx_paragraphs_do_not_run_together() -> None:
    b = DocumentBuilder()
    b.add_text("paragraph", "全年收到政府信息公开申请")  # no sentence end, but a separate paragraph
    b.add_text("paragraph", "7件材料已归档。")
    doc = b.build("d.docx", "docx")
    assert extract_claims(doc, [])[0] == []


def test_section_keys_and_nothing_before_the_first_section() -> None:
    text = "某局2023年政府信息公开工作年度报告\n本年度收到申请3件。\n一、总体情况\n本年度收到政府信息公开申请4件。\n"
    doc = text_doc(text)
    claims, _ = extract_claims(doc, one_section(doc, "一、总体情况"))
    assert [(c.value, c.location.section) for c in claims] == [(3, None), (4, "一")]


def test_review_count_needs_disclosure_context_or_section_four() -> None:
    text = "某局2023年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n本年度行政复议2件。\n"
    doc = text_doc(text)
    sections = one_section(doc, "四、政府信息公开行政复议、行政诉讼情况")
    assert [(c.metric, c.value) for c in extract_claims(doc, sections)[0]] == [("review.total", 2)]
    assert extract_claims(doc, [])[0] == []


def test_empty_document() -> None:
    doc = Document(source="e.txt", media_type="txt", text="", blocks=[])
    assert extract_claims(doc, []) == ([], [])


# ---------------------------------------------------------------- robustness --
FRAGMENTS = ["主动公开政府信息", "收到申请", "其中", "自然人", "办结", "结转下年度", "上年结转", "不予公开", "行政复议",
             "行政诉讼", "信息处理费", "无", "未", "两", "十二", "一百零五", "1,248", "１２", "0", "1.2万", "件", "条",
             "项", "个", "元", "万元", "，", "、", "。", "：", "（", "）", "\n", " ", "第", "2023年", "2022年", "较上年",
             "%", "政府信息公开", "解读", "规范性文件", "废止", "现行有效", "行政许可决定", "|"]


def test_random_text_never_breaks_the_contract() -> None:
    """Any mix of the phrases rules look for: no exception, every claim well formed."""
    import random

    rng = random.Random(20240131)
    for _ in range(300):
        text = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 60)))
        doc = text_doc(text)
        claims, groups = extract_claims(doc, [], [(0, rng.randint(0, 5))])
        assert_well_formed(doc, claims)
        for g in groups:
            assert g.whole.whole and len(g.parts) >= 2
            assert all(p.part_of == g.id and p.unit == g.whole.unit for p in g.parts)


def test_year_given_by_the_caller_wins() -> None:
    doc = text_doc("年度报告\n2023年，我局收到政府信息公开申请3件。\n")
    assert [c.value for c in extract_claims(doc, [])[0]] == [3]  # the first year found is 2023
    assert extract_claims(doc, [], year=2024)[0] == []  # a 2024 report speaking of 2023


# --- a count is compared with the table only when its subject is known (issue 14) ---

def _claims_and_groups(sentence: str, year: int = 2023):
    doc = text_doc(f"某局{year}年政府信息公开工作年度报告\n{sentence}\n")
    return extract_claims(doc, [])


@pytest.mark.parametrize("sentence", [
    "全年制发各类文件500条，其中主动公开200条、依申请公开260条、不予公开40条。",
    "本年度共制发公文860份，其中主动公开560份，依申请公开及不予公开300份。",
    "全年印发文件120篇，其中依申请公开20篇、不予公开5篇。",
])
def test_documents_counted_by_disclosure_attribute_are_not_applications(sentence: str) -> None:
    claims, _ = _claims_and_groups(sentence)
    assert not [c for c in claims if c.metric.startswith("apply.")]


def test_an_application_sentence_with_the_same_units_is_still_read() -> None:
    # the subject test must not blind the reader: 申请 names applications whatever the unit
    assert ("apply.received", 12) in claims_of("全年共接收政府信息公开申请12条，其中不予公开2条。")


def test_a_bracketed_split_with_a_part_outside_the_rows_leaves_the_total_compared() -> None:
    claims, groups = _claims_and_groups("全年答复申请3件（其中已主动公开的1件、同意公开的2件）。")
    assert [(c.metric, c.value) for c in claims] == [("apply.answered", 3)]  # the total is read, the parts are not
    assert not groups


def test_a_category_breakdown_is_a_group_whose_parts_cannot_overlap() -> None:
    _, groups = _claims_and_groups("在主动公开的80条中，政策文件12条、机构职能8条、人事信息15条、其他60条。")
    (g,) = groups
    assert g.whole.value == 80 and [p.value for p in g.parts] == [12, 8, 15, 60] and g.overlap == "none"
    _, groups = _claims_and_groups("本年度主动公开政府信息120条，其中门户网站100条、微信公众号80条。")
    assert groups[0].overlap == "channels"

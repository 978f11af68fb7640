"""A self-contained annotated HTML page: the draft with its problems marked.

Offline by construction: CSS and JS are inline, no fonts, no CDN. Each finding
location becomes a token (``a<finding>-<location>``); every highlighted element
lists the tokens it carries in ``data-anchors``, so overlapping findings on the
same words still resolve, and a click in the findings panel scrolls to and
flashes exactly those elements.
"""

from __future__ import annotations

from html import escape

from reviewer.document import Block, Document
from reviewer.findings import Finding, Review, SEVERITY_ORDER
from reviewer.formats import section_headings
from reviewer.render.anchors import CATEGORY_ZH, SEVERITY_ZH, anchors, card_counts, cards, unit_text, units_of

SECTION_ZH = section_headings()
SECTION_ORDER = list(SECTION_ZH) + [None]

_CSS = """
*{box-sizing:border-box}body{margin:0;font:15px/1.7 "Noto Serif CJK SC","Songti SC",SimSun,serif;color:#222;background:#f4f4f1}
header{position:sticky;top:0;z-index:3;background:#233;color:#fff;padding:8px 16px;font-family:sans-serif}
header h1{font-size:17px;margin:0}header .counts span{margin-right:12px}
main{display:flex;align-items:flex-start}
#draft{flex:1 1 auto;max-width:900px;margin:16px;padding:24px 40px;background:#fff;box-shadow:0 1px 4px #0002}
#panel{flex:0 0 380px;position:sticky;top:52px;max-height:calc(100vh - 60px);overflow:auto;margin:16px 16px 16px 0;
 font:13px/1.5 sans-serif;background:#fff;box-shadow:0 1px 4px #0002;padding:8px 12px}
#draft h2,#draft h3{font-size:17px;margin:18px 0 6px}#draft p{margin:6px 0;text-indent:2em}
table{border-collapse:collapse;margin:8px 0;font-size:13px}td{border:1px solid #888;padding:2px 6px;vertical-align:middle}
mark,td.hl,p.hl,h2.hl,h3.hl{background:#fff1a8;border-bottom:2px solid #e0a800;cursor:pointer}
.sev-error mark,mark.sev-error,td.sev-error,p.sev-error{background:#ffd6d6;border-bottom-color:#d22}
mark.sev-warning,td.sev-warning,p.sev-warning{background:#ffe9c7;border-bottom-color:#e08a00}
mark.sev-info,td.sev-info,p.sev-info{background:#dfeeff;border-bottom-color:#4a8be0}
.active{outline:3px solid #1565c0;outline-offset:1px;animation:flash 1s ease-in-out 2}
@keyframes flash{50%{outline-color:#ffb300}}
#panel h2{font-size:14px;margin:12px 0 4px;border-bottom:1px solid #ddd}#panel h3{font-size:12px;margin:6px 0 2px;color:#555}
#panel ol{margin:0;padding-left:18px}.finding{margin:4px 0;padding:4px 6px;border-left:4px solid #ccc;cursor:pointer;list-style:none}
.finding:hover{background:#f3f6fb}.finding.sev-error{border-color:#d22}.finding.sev-warning{border-color:#e08a00}
.finding.sev-info{border-color:#4a8be0}.finding.current{background:#e3edfb}
.badge{font-size:11px;padding:0 4px;border-radius:3px;color:#fff;margin-right:4px}
.badge.sev-error{background:#d22}.badge.sev-warning{background:#e08a00}.badge.sev-info{background:#4a8be0}
table.std-grid th{border:1px solid #888;padding:2px 6px;font-weight:normal;background:#f6f6f3;white-space:nowrap}
table.std-grid th.rowlabel{text-align:left;white-space:normal;min-width:14em}table.std-grid td.num{text-align:center;min-width:3em}
table.std-grid.wide th{white-space:normal;font-size:12px}table.std-grid.wide th.rowlabel{min-width:6em}
table.std-grid caption{text-align:left;font-weight:bold;padding:4px 0}table.std-grid tr.group td{background:#fafaf8}
details.as-printed summary{color:#888;font:12px sans-serif;cursor:pointer}
.sugg{color:#2e6b2e}.meta{color:#888;font-size:11px}.loc{color:#1565c0;text-decoration:underline;margin-right:6px}
"""

# Clicking a finding (or one of its locations) scrolls its first element into view and flashes all.
_JS = """
(function(){
  function show(tokens){
    document.querySelectorAll('.active').forEach(function(e){e.classList.remove('active')});
    var first=null;
    tokens.forEach(function(t){
      document.querySelectorAll('[data-anchors~="'+t+'"]').forEach(function(e){
        e.classList.add('active'); if(!first) first=e;});
    });
    if(first){var d=first.closest('details'); if(d&&!d.open){d.open=true;}
      first.scrollIntoView({block:'center',behavior:'auto'});}
    document.body.setAttribute('data-active',tokens.join(' '));
    return first;
  }
  document.getElementById('panel').addEventListener('click',function(ev){
    var loc=ev.target.closest('[data-token]'); var item=ev.target.closest('.finding');
    if(!item) return;
    document.querySelectorAll('.finding.current').forEach(function(e){e.classList.remove('current')});
    item.classList.add('current');
    show(loc?[loc.getAttribute('data-token')]:item.getAttribute('data-tokens').split(' '));
  });
  document.getElementById('draft').addEventListener('click',function(ev){
    var el=ev.target.closest('[data-anchors]'); if(!el) return;
    var f=el.getAttribute('data-anchors').split(' ')[0].split('-')[0];
    var item=document.getElementById('f'+f.slice(1));
    if(item){item.scrollIntoView({block:'nearest'});item.click();}
  });
})();
"""


def render_html(doc: Document, review: Review) -> str:
    per_unit: dict[int, list[tuple[int, int, str, str]]] = {}  # unit index → (start, end, token, severity)
    whole: dict[int, list[tuple[str, str]]] = {}
    tokens: dict[int, list[str]] = {}
    all_anchors = anchors(doc, review)
    for a in all_anchors:
        tok = f"a{a.finding_index}-{a.location_index}"
        tokens.setdefault(a.finding_index, []).append(tok)
        for seg in a.segments:
            if seg.whole:
                whole.setdefault(seg.unit.index, []).append((tok, a.finding.severity))
            else:
                per_unit.setdefault(seg.unit.index, []).append((seg.start, seg.end, tok, a.finding.severity))
    units = units_of(doc)
    by_key = {(u.block.id, u.cell.row if u.cell else None, u.cell.col if u.cell else None): u for u in units}
    from reviewer.render.grid import cell_marks, grid_html, standard_grids

    grids = standard_grids(doc, review)  # text drafts: their tables in the format's standard grid
    marks = cell_marks(all_anchors, grids) if grids else {}
    body = []
    for block in doc.blocks:
        if block.id in grids:
            body.append(f'<div id="{block.id}">' + "".join(grid_html(spec, table, marks, _attrs, note=i == 0)
                                                         for i, (spec, table) in enumerate(grids[block.id])) + "</div>")
            if block.kind == "table":  # the lines it was read from, folded away below the grid
                raw = _block_html(doc, block, by_key, per_unit, whole).replace(f'<table id="{block.id}"', "<table", 1)
                body.append(f'<details class="as-printed"><summary>原稿中的逐行文字</summary>{raw}</details>')
                continue
        body.append(_block_html(doc, block, by_key, per_unit, whole))
    title = review.report.title or doc.source
    c, folded = card_counts(review.findings)
    extra = f"<span>另有{folded}条由根因导致的勾稽关系不成立，已并入根因</span>" if folded else ""
    if review.profile:
        extra += f"<span>规则配置：{escape(review.profile.name)}</span>"
    return (
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>审核意见 — {escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>审核意见：{escape(title)}</h1><div class=\"counts\">"
        f"<span>错误 {c['error']}</span><span>警告 {c['warning']}</span><span>提示 {c['info']}</span>"
        f"{extra}<span>来源：{escape(review.source)}</span></div></header>"
        f"<main><article id=\"draft\">{''.join(body)}</article>"
        f"<aside id=\"panel\">{_panel(review, tokens)}</aside></main>"
        f"<script>{_JS}</script></body></html>"
    )


def _attrs(marks: list[tuple[str, str]], base_class: str = "") -> str:
    if not marks:
        return f' class="{base_class}"' if base_class else ""
    sev = min((s for _, s in marks), key=lambda s: SEVERITY_ORDER.get(s, 9))
    toks = " ".join(dict.fromkeys(t for t, _ in marks))
    cls = f"{base_class} hl sev-{sev}".strip()
    return f' class="{cls}" data-anchors="{toks}"'


def _marked(text: str, ranges: list[tuple[int, int, str, str]]) -> str:
    """Escape ``text`` and wrap the ranges in <mark>; overlaps split into elementary pieces."""
    if not ranges:
        return _esc(text)
    cuts = sorted({0, len(text), *(max(0, min(s, len(text))) for s, _, _, _ in ranges),
                   *(max(0, min(e, len(text))) for _, e, _, _ in ranges)})
    out = []
    for lo, hi in zip(cuts, cuts[1:]):
        piece = _esc(text[lo:hi])
        cover = [(t, sev) for s, e, t, sev in ranges if s <= lo and hi <= e]
        out.append(f"<mark{_attrs(cover)}>{piece}</mark>" if cover else piece)
    return "".join(out)


def _esc(s: str) -> str:
    return escape(s).replace("\n", "<br>")


def _block_html(doc, block: Block, by_key, per_unit, whole) -> str:
    if block.kind == "table" and block.table is not None:
        return _table_html(doc, block, by_key, per_unit, whole)
    u = by_key.get((block.id, None, None))
    text = unit_text(doc, u) if u else block.text
    inner = _marked(text, per_unit.get(u.index, []) if u else [])
    attrs = _attrs(whole.get(u.index, []) if u else [])
    tag = "h2" if block.kind == "heading" and (block.level or 1) <= 1 else ("h3" if block.kind == "heading" else "p")
    return f'<{tag} id="{block.id}"{attrs}>{inner}</{tag}>'


def _table_html(doc, block: Block, by_key, per_unit, whole) -> str:
    rows = block.table.rows
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for cell in block.table.cells():
        if cell.merged_from is not None:
            r0, c0 = cell.merged_from
            rs, cs = spans.get((r0, c0), (1, 1))
            spans[(r0, c0)] = (max(rs, cell.row - r0 + 1), max(cs, cell.col - c0 + 1))
    out = [f'<table id="{block.id}">']
    for row in rows:
        out.append("<tr>")
        for cell in row:
            if cell.merged_from is not None:
                continue
            u = by_key.get((block.id, cell.row, cell.col))
            rs, cs = spans.get((cell.row, cell.col), (1, 1))
            span_attr = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            text = unit_text(doc, u) if u else cell.text
            inner = _marked(text, per_unit.get(u.index, []) if u else [])
            out.append(f"<td{span_attr}{_attrs(whole.get(u.index, []) if u else [])}>{inner}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _section_of(f: Finding) -> str | None:
    for loc in f.locations:
        if loc.section:
            return loc.section
    return None


def _panel(review: Review, tokens: dict[int, list[str]]) -> str:
    if review.status == "failed" and review.error:
        return f"<h2>无法审核</h2><p>{escape(review.error.message)}</p>"
    if not review.findings:
        return "<h2>未发现问题</h2>"
    shown = {card.index: card.derived for card in cards(review.findings)}
    index_of = {id(f): i for i, f in enumerate(review.findings)}
    groups: dict[str | None, list[int]] = {}
    for i in shown:
        groups.setdefault(_section_of(review.findings[i]), []).append(i)
    out = [f"<div class=\"summary\">共 {len(shown)} 条审核意见，点击定位到原文</div>"]
    keys = sorted(groups, key=lambda k: (SECTION_ORDER.index(k) if k in SECTION_ORDER else len(SECTION_ORDER) - 1.5))
    for key in keys:
        title = SECTION_ZH.get(key, f"第{key}部分" if key else "全文")
        out.append(f"<section><h2>{escape(title)}</h2>")
        for sev in ("error", "warning", "info"):
            idx = [i for i in groups[key] if review.findings[i].severity == sev]
            if not idx:
                continue
            out.append(f"<h3>{SEVERITY_ZH[sev]}（{len(idx)}）</h3><ol>")
            for i in idx:
                folded = [(index_of[id(d)], d) for d in shown[i]]
                out.append(_finding_html(i, review.findings[i], tokens.get(i, []), folded, tokens))
            out.append("</ol>")
        out.append("</section>")
    return "".join(out)


def _finding_html(i: int, f: Finding, toks: list[str], folded: list[tuple[int, Finding]] = (),
                  tokens: dict[int, list[str]] | None = None) -> str:
    locs = ""
    if len(f.locations) > 1:
        locs = "<div>" + "".join(
            f'<span class="loc" data-token="{t}">{escape(loc.place or loc.label or loc.text or f"位置{k + 1}")}</span>'
            for k, (t, loc) in enumerate(zip(toks, f.locations))) + "</div>"
    elif f.locations and f.locations[0].place:
        locs = f'<div class="meta">位置：{escape(f.locations[0].place)}</div>'
    if folded:  # the failed relations this root cause explains: one card, them folded under it
        inner = "".join(_finding_html(j, d, (tokens or {}).get(j, [])) for j, d in folded)
        locs += (f'<details class="derived"><summary>由此导致{len(folded)}条勾稽关系不成立</summary>'
                 f"<ol>{inner}</ol></details>")
    sugg = f'<div class="sugg">建议：{escape(f.suggestion)}</div>' if f.suggestion else ""
    ea = (f'<div class="meta">应为 {escape(f.expected)}，实为 {escape(f.actual)}</div>'
          if f.expected is not None and f.actual is not None else "")
    return (f'<li id="f{i}" class="finding sev-{f.severity}" data-tokens="{" ".join(toks)}">'
            f'<span class="badge sev-{f.severity}">{SEVERITY_ZH.get(f.severity, f.severity)}</span>'
            f"{escape(f.message)}{ea}{sugg}{locs}"
            f'<div class="meta">{escape(CATEGORY_ZH.get(f.category, f.category))} · {escape(f.rule_id)}'
            f'{" · 大模型" if f.origin == "llm" else ""}</div></li>')

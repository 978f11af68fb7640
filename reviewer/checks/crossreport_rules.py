"""Rule ids of the cross-report checks (reviewer/crossreport), declared so `reviewer rules`
lists them. They need several reports (a batch, or a reference folder of last year's), so
they run in `reviewer batch` and POST /v1/batches, not on a single draft."""

from __future__ import annotations

from reviewer.checks.registry import Rule, declare

CARRY_OVER = Rule("continuity.carry_over", "continuity", "error",
                  "本年“上年结转”与同一机关上年报告“结转下年度继续办理”不一致（总计列不一致为错误；"
                  "仅个别列不一致为警告，机构改革或申请人类别调整可能导致）")
IN_FORCE = Rule("continuity.in_force", "continuity", "warning",
                "现行有效件数不等于上年现行有效件数＋本年制发－本年废止（修订可能导致差异）")
NARRATIVE = Rule("duplicate.narrative", "duplicate", "warning", "叙述部分与另一份报告（其他机关或本机关上年）高度雷同")
SUBMISSION = Rule("duplicate.submission", "duplicate", "warning", "同一机关同一年度的报告在批次中重复提交")

declare(CARRY_OVER, IN_FORCE, NARRATIVE, SUBMISSION)

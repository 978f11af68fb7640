"""Token estimate used where no tokenizer is available.

tiktoken needs its BPE files from the internet, which deployments of this tool
often lack; so when a server does not report ``usage`` (and in the bench's
baseline) tokens are estimated: one token per CJK character, one per four other
characters. For GPT-4o/Qwen-class tokenizers this is within roughly ±30 % on
Chinese government prose; it is only used to compare prompts with each other.
"""

from __future__ import annotations


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3000 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF


def approx_tokens(text: str) -> int:
    cjk = sum(1 for ch in text if _is_cjk(ch))
    other = len(text) - cjk
    return cjk + (other + 3) // 4

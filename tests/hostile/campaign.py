"""A generated campaign of malformed drafts (issue 11, "Done when").

``python tests/hostile/campaign.py [--seed N]`` reviews every generated input in this process
under an address-space cap and prints one JSON summary: how many inputs, outcomes by code,
escaped exceptions, tracebacks logged or printed, internal errors, messages naming exception
classes, the slowest input, and the process's peak memory (``resource.getrusage``, which bounds
every single review's peak). The test runs it in a fresh process so the figure is its own.

Families: random bytes under every extension, random text, truncations of real reports in each
format, byte and line mutations of real reports, zip bombs and broken zips, XML/HTML entity
bombs (also UTF-16), very long lines and numbers, glued digit runs, deep and wide HTML,
mutated .docx parts.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import random
import re
import resource
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
sys.path.insert(0, str(TESTS))
sys.path.insert(0, str(HERE))

EXTENSIONS = (".txt", ".docx", ".html", ".htm", ".md", ".pdf", ".doc", "")
CLASS_NAME = re.compile(r"\b\w*(?:Error|Exception)\b|BadZipFile|KeyError|NotImplemented|Traceback")
MEMORY_CAP = 3 * 1024 ** 3  # address space; a blow-up fails here instead of taking the machine


def _real() -> dict[str, bytes]:
    from reportgen import consistent_spec, render_all

    out = {p.name: p.read_bytes() for p in (TESTS / "fixtures" / "real").iterdir() if p.suffix != ".md" or "kewei" in p.name}
    out.pop("README.md", None)
    out["wuhai.txt"] = (TESTS / "fixtures" / "wuhai-gxj-2023.txt").read_bytes()
    for fmt, data in render_all(consistent_spec(seed=3)).items():
        out[f"generated.{fmt}"] = data
    return out


def _zip(parts: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return out.getvalue()


def _docx_parts(data: bytes) -> dict[str, bytes]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return {i.filename: z.read(i) for i in z.infolist()}


def generate(seed: int) -> list[tuple[str, str, bytes]]:
    """(family, file name, bytes), deterministic for a seed."""
    rnd = random.Random(seed)
    real = _real()
    docx = next(v for k, v in real.items() if k.endswith("docx"))
    cases: list[tuple[str, str, bytes]] = []

    def add(family: str, name: str, data: bytes) -> None:
        cases.append((family, name, data))

    for i in range(30):  # random bytes under every extension
        n = rnd.choice((1, 2, 3, 7, 64, 513, 4096, 20000))
        data = bytes(rnd.randrange(256) for _ in range(n))
        for ext in EXTENSIONS:
            add("random-bytes", f"r{i}{ext}", data)
    alphabet = "政府信息公开年度报告申请件条一二三四五六七八九十0123456789\t\n\r 、，。（）|-<>&;#x\x00\x01\ufeff\u200b"
    for i in range(60):  # random text in random encodings
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 3000)))
        enc = rnd.choice(("utf-8", "gb18030", "utf-16", "utf-16-le", "utf-32", "big5"))
        add("random-text", f"t{i}{rnd.choice(EXTENSIONS)}", text.encode(enc, errors="ignore"))
    for name, data in real.items():  # truncations
        ext = "." + name.rsplit(".", 1)[1]
        for k in range(20):
            cut = rnd.randrange(1, len(data))
            add("truncated", f"cut{k}-{name}", data[:cut])
            if k < 3:
                add("truncated", f"cut{k}-{name}{rnd.choice(EXTENSIONS)}", data[:cut])
        for ext2 in EXTENSIONS:  # the right bytes under a wrong name
            add("misnamed", f"{name}{ext2}", data)
    texts = {k: v for k, v in real.items() if not k.endswith("docx")}
    for name, data in texts.items():  # byte and line mutations
        for k in range(25):
            b = bytearray(data)
            for _ in range(rnd.choice((1, 5, 50, 500))):
                b[rnd.randrange(len(b))] = rnd.randrange(256)
            add("byte-flip", f"flip{k}-{name}", bytes(b))
        lines = data.split(b"\n")
        for k in range(15):
            ls = list(lines)
            op = rnd.randrange(4)
            for _ in range(rnd.randrange(1, 40)):
                j = rnd.randrange(len(ls))
                if op == 0:
                    del ls[j]
                elif op == 1:
                    ls.insert(j, ls[rnd.randrange(len(ls))])
                elif op == 2:
                    ls[j] = re.sub(rb"\d+", lambda m: str(rnd.choice((0, 7, 10 ** rnd.randrange(1, 40)))).encode(), ls[j])
                else:
                    ls[j] = ls[j] + b"\t" * rnd.randrange(1, 9)
                if not ls:
                    break
            add("line-mutation", f"lines{k}-{name}", b"\n".join(ls))
    wuhai = real["wuhai.txt"].decode("utf-8")
    from hostile_drafts import with_row

    for k in range(40):  # glued digit runs of every length in a table-三 row
        n = rnd.choice((8, 12, 20, 30, 45, 60, 100, 200, 400))
        run = "".join(rnd.choice("0123456789") for _ in range(n))
        cells = [run] if k % 2 else [run[: n // 2], run[n // 2:]]
        label = rnd.choice(("本年新收", "上年结转", "予以公开", "总计", "结转下年度"))
        try:
            add("glued-digits", f"glued{k}.txt", with_row(cells, label).encode())
        except StopIteration:
            add("glued-digits", f"glued{k}.txt", (wuhai + "\n\t" + run + "\n").encode())
    for digits in (20, 309, 400, 4301, 20000, 200000):  # very long numbers, lines
        add("long-number", f"cell{digits}.txt", with_row(["9" * digits, "1", "0", "0", "0", "0", "2"]).encode())
        add("long-number", f"prose{digits}.txt", (wuhai + f"\n本年度收到申请{'8' * digits}件。\n").encode())
        add("long-number", f"title{digits}.txt", wuhai.replace("2023", "2" * digits, 1).encode())
        add("long-number", f"html{digits}.html",
            f"<html><body><h1>2023年报告</h1><table><tr><td>一、本年新收</td><td>{'5' * digits}</td></tr></table></body></html>".encode())
    for size in (10 ** 5, 10 ** 6, 4 * 10 ** 6):
        add("long-line", f"line{size}.txt", (wuhai + "\n" + "政" * size).encode())
        add("long-line", f"line{size}.md", ("# 2023年报告\n" + "|" * size).encode())
        add("long-line", f"digits{size}.txt", (wuhai + "\n" + "1" * size).encode())
    add("long-line", "many-lines.txt", (wuhai + "\n" + "\n".join("一件" for _ in range(30000))).encode())
    add("long-line", "many-tabs.txt", (wuhai + "\n" + "\n".join("\t1" for _ in range(30000))).encode())
    # zip bombs and broken zips
    add("zip", "ratio.docx", _zip({"word/document.xml": b"<a>" + b" " * (30 * 1024 * 1024) + b"</a>",
                                   "[Content_Types].xml": b"<Types/>"}))
    add("zip", "entries.docx", _zip({f"p{i}.xml": b"<a/>" for i in range(2500)}))
    add("zip", "nested.docx", _zip({"word/document.xml": _zip({"a.xml": b"<a/>" * 100000})}))
    add("zip", "traversal.docx", _zip({"../../etc/passwd": b"x", "word/document.xml": b"<a/>"}))
    add("zip", "stored-garbage.docx", _zip({"word/document.xml": bytes(rnd.randrange(256) for _ in range(5000))},
                                           zipfile.ZIP_STORED))
    add("zip", "xlsx.docx", _zip({"xl/workbook.xml": b"<workbook/>", "[Content_Types].xml": b"<Types/>"}))
    add("zip", "empty.zip.docx", _zip({}))
    declared = bytearray(_zip({"word/document.xml": b"<a/>"}))
    declared[22:26] = (2 ** 32 - 1).to_bytes(4, "little")  # absurd declared size in the local header
    add("zip", "declared.docx", bytes(declared))
    add("zip", "encrypted-flag.docx", bytes(b if i != 6 else b | 1 for i, b in enumerate(_zip({"word/document.xml": b"<a/>"}))))
    # XML / HTML entity bombs, also hidden in other encodings and names
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
              + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
              b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>")
    external = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                b"<w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>")
    parts = _docx_parts(docx)
    for label, bomb in (("laughs", laughs), ("external", external)):
        for enc in ("utf-8", "utf-16", "utf-16-le", "utf-32"):
            body = bomb.decode().replace('version="1.0"', f'version="1.0" encoding="{enc}"', 1).encode(enc)
            add("xml-bomb", f"{label}-{enc}.docx", _zip({**parts, "word/document.xml": body}))
            add("xml-bomb", f"{label}-{enc}-styles.docx", _zip({**parts, "word/styles.xml": body}))
        add("xml-bomb", f"{label}.html", bomb)
        add("xml-bomb", f"{label}.txt", bomb)
        add("xml-bomb", f"{label}.xhtml.html", b"<?xml version='1.0'?>" + bomb.split(b"?>", 1)[1])
    add("html", "deep.html", b"<html><body>" + b"<div>" * 20000 + b"2023" + b"</div>" * 20000 + b"</body></html>")
    add("html", "wide.html", b"<html><body><table>" + b"<tr>" + b"<td>1</td>" * 60000 + b"</tr></table></body></html>")
    add("html", "spans.html", b"<table>" + b'<tr><td rowspan="100000" colspan="100000">1</td></tr>' * 50 + b"</table>")
    add("html", "many-tables.html", b"<html><body>" + b"<table><tr><td>1</td><td>2</td></tr></table>" * 20000 + b"</body></html>")
    add("html", "charset-lie.html", b'<meta charset="utf-32">' + wuhai.encode("gb18030"))
    add("html", "charset-unknown.html", b'<meta charset="x-nonsense">' + wuhai.encode("utf-8"))
    for k in range(60):  # mutated .docx parts, rezipped (the container stays valid)
        p = dict(parts)
        name = rnd.choice([n for n in p if n.endswith((".xml", ".rels"))])
        b = bytearray(p[name])
        op = rnd.randrange(4)
        if op == 0:
            for _ in range(rnd.choice((1, 10, 100))):
                b[rnd.randrange(len(b))] = rnd.randrange(32, 127)
        elif op == 1:
            del b[rnd.randrange(len(b)):]
        elif op == 2:
            b = bytearray(re.sub(rb'w:val="\d+"', lambda _m: b'w:val="%d"' % rnd.choice((0, -1, 10 ** 9, 64, 65)), bytes(b)))
        else:
            b = bytearray(re.sub(rb"<w:t>[^<]*</w:t>", lambda _m: b"<w:t>" + b"9" * rnd.choice((1, 400, 5000)) + b"</w:t>",
                                 bytes(b), count=rnd.randrange(1, 50)))
        p[name] = bytes(b)
        add("docx-part", f"part{k}.docx", _zip(p))
    for k in range(20):  # raw byte flips in the container
        b = bytearray(docx)
        for _ in range(rnd.choice((1, 3, 30))):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        add("docx-bytes", f"bytes{k}.docx", bytes(b))
    return cases


class _Tracebacks(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.levelno >= logging.INFO:
            self.records.append(f"{record.name}: {record.getMessage()}")


def run(seed: int) -> dict:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft > MEMORY_CAP:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, hard))
    from reviewer.pipeline import ReviewOptions, review_bytes

    cases = generate(seed)
    handler = _Tracebacks()
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.DEBUG)
    stderr, sys.stderr = sys.stderr, io.StringIO()
    options = ReviewOptions(use_llm=False)
    codes: dict[str, int] = {}
    escaped, internal, named, times = [], [], [], []
    started = time.perf_counter()
    try:
        for family, name, data in cases:
            t = time.perf_counter()
            try:
                review = review_bytes(data, name, options)
            except BaseException as exc:  # noqa: BLE001 - counted, the campaign goes on
                if isinstance(exc, KeyboardInterrupt):
                    raise
                escaped.append(f"{family}/{name}: {type(exc).__name__}")
                continue
            took = time.perf_counter() - t
            times.append((round(took, 2), f"{family}/{name}"))
            if took > 5:  # progress for whoever watches a slow run
                print(f"slow: {took:.1f} s {family}/{name}", file=stderr, flush=True)
            code = review.error.code if review.error else "ok"
            codes[code] = codes.get(code, 0) + 1
            if code.startswith(("review.internal", "internal")):
                internal.append(f"{family}/{name}")
            if review.error and CLASS_NAME.search(review.error.message):
                named.append(f"{family}/{name}: {review.error.message}")
    finally:
        printed, sys.stderr = sys.stderr.getvalue(), stderr
    return {"inputs": len(cases), "families": sorted({c[0] for c in cases}), "codes": codes,
            "escaped": escaped, "internal_errors": internal, "messages_with_class_names": named,
            "tracebacks_logged": handler.records, "traceback_printed": "Traceback" in printed,
            "seconds": round(time.perf_counter() - started, 1), "slowest": sorted(times, reverse=True)[:8],
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=11)
    print(json.dumps(run(ap.parse_args().seed), ensure_ascii=False))

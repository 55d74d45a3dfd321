"""Markdown tables from a run_all.py results dict (what docs/benchmarks.md shows)."""

from __future__ import annotations

MB = 1e6


def _table(head: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def crawl_tables(crawl: dict) -> list[str]:
    t = crawl["throughput"]
    rows = [[f"{i + 1}. {r['kind']}", r["pages"], f"{r['elapsed_s']:.1f}", f"{r['pages_per_s']:.0f}",
             f"{r['cpu_s']:.1f}", f"{r['pages_per_cpu_s']:.0f}", f"{r['peak_rss_mb']:.0f}"]
            for i, r in enumerate(t["runs"])]
    server = crawl["server"]
    out = [f"### Crawl throughput ({crawl['site_pages']:,}-page generated site, alternating runs)",
           _table(["run", "pages", "crawl s", "pages/s", "CPU s", "pages per CPU s", "peak RSS MB"], rows),
           f"**archive / bare = {t['ratio']:.2f}** in pages/s (mean of runs; best run against best "
           f"run {t['ratio_best']:.2f}; in pages per CPU second {t['ratio_cpu']:.2f}); "
           f"target >= 0.50, goal 0.80. The site's server answered "
           f"{server['requests_per_s']:.0f} pages/s to a Python keep-alive client "
           f"({server['requests_per_s'] / t['bare_pages_per_s']:.0f}x the bare spider's rate)."]
    if "ratio_tuned" in t:
        out.append(f"Against the bare spider with the one engine setting the archive changes "
                   f"(`CONCURRENT_ITEMS = {t['tuned_items']}`, \"bare-tuned\"): **{t['ratio_tuned']:.2f}** "
                   f"in pages/s, {t['ratio_tuned_cpu']:.2f} in pages per CPU second.")
    p = crawl["profile"]
    out += [f"### Where the archive crawl's time goes (cProfile, {p['pages']:,} pages, "
            f"{p['total_s']:.1f} s profiled)",
            _table(["stage", "seconds", "share"],
                   [[s["stage"], f"{s['seconds']:.2f}", f"{s['share']:.0%}"] for s in p["stages"]]),
            "Top project functions by cumulative time (the full listings are in the .txt):",
            _table(["function", "calls", "cumulative s", "share"],
                   [[f"`{f['function']}`", f["calls"], f"{f['cumulative_s']:.2f}", f"{f['share']:.0%}"]
                    for f in p["top_project_cumulative"][:12]])]
    return out


def recrawl_table(crawl: dict) -> str:
    r = crawl["recrawl"]
    first = r["first"]
    rows = [["first (full)", "", f"{first['server_bytes'] / MB:.1f}", "1.000",
             f"{first['archive_bytes'] / MB:.1f}", "1.000", ""]]
    for label in ("unchanged", "changed"):
        x, c = r[label], r[label]["crawl"]
        counts = (f"{c['pages_new']} new, {c['pages_changed']} changed, {c['pages_unchanged']} "
                  f"unchanged, {c['not_modified']} not modified")
        rows.append([f"re-crawl, {label}", x["pages_changed_on_site"], f"{x['server_bytes'] / MB:.2f}",
                     f"{x['bytes_fraction']:.3f}", f"{x['archive_growth'] / MB:.2f}",
                     f"{x['growth_fraction']:.3f}", counts])
    growth = r["unchanged"].get("growth_by_table", {})
    where = ", ".join(f"{k} {v / 1e3:,.0f} kB" for k, v in growth.items() if v > 0)
    return "### Re-crawl cost\n\n" + _table(
        ["crawl", "pages changed on site", "MB sent by server", "fraction of first",
         "archive growth MB", "fraction of first", "archive says"], rows) + \
        "\n\nTargets: unchanged re-crawl under 0.05 of the bytes and under 0.02 growth; " \
        "10% changed: growth close to 0.10." + \
        (f" The unchanged re-crawl's growth by table: {where}." if where else "")


def storage_table(crawl: dict) -> str:
    s = crawl["storage"]
    rows = [["raw HTML per page", f"{s['raw_bytes_per_page']:,.0f}", "1.00"],
            ["compressed capture per page (zstd, site dictionary; zlib 9 before issue 16)", f"{s['capture_bytes'] / s['captures']:,.0f}",
             f"{s['capture_to_raw']:.2f}"],
            ["whole archive per page version", f"{s['bytes_per_version']:,.0f}", f"{s['archive_to_raw']:.2f}"]]
    rows += [[f"&nbsp;&nbsp;of which {name}", f"{size:,.0f}", f"{size / s['raw_bytes_per_page']:.2f}"]
             for name, size in s["by_table"].items()]
    return f"### Storage ({s['versions']:,} versions after the first crawl)\n\n" + \
        _table(["bytes", "per version", "vs raw HTML"], rows)


def memory_table(memory: dict) -> str:
    rows, sizes = [], sorted(memory, key=int)
    for pages in sizes:
        m = memory[pages]
        rows.append([f"{int(pages):,}", f"{m['archive']:.0f}",
                     f"{m['archive_tree']:.0f}" if m.get("archive_tree") else "",
                     f"{m['bare']:.0f}" if m.get("bare") else ""])
    text = "### Memory (peak RSS of the crawl process, MB)\n\n" + _table(
        ["site pages", "archive crawl", "archive crawl + extraction worker", "bare spider"], rows)
    if len(sizes) >= 2:
        lo, hi = memory[sizes[0]], memory[sizes[-1]]
        per_k = (hi["archive"] - lo["archive"]) / ((int(sizes[-1]) - int(sizes[0])) / 1000)
        text += f"\n\nArchive crawl growth: {per_k:.2f} MB per 1,000 more pages"
        if lo.get("bare") and hi.get("bare"):
            bare_k = (hi["bare"] - lo["bare"]) / ((int(sizes[-1]) - int(sizes[0])) / 1000)
            text += f" (bare spider: {bare_k:.2f} MB per 1,000 pages)."
    return text


def query_tables(query: dict) -> list[str]:
    m = query["measure"]
    rows = [[name.replace("_", " "), f"{v['median_ms']:.1f}", f"{v['p95_ms']:.1f}", v["calls"],
             f"{v['rows_median']:.0f}"] for name, v in m["latency"].items()]
    exports = []
    for target, pair in m["exports"].items():
        for label, e in (("condition-archive export", pair["project"]),
                         ("Datasette `?_stream=on`", pair["datasette"])):
            done = "all" if e["complete"] else f"cut at {e['seconds']:.0f} s"
            exports.append([target, label, f"{e['rows']:,} ({done})", f"{e['bytes'] / MB:.1f}",
                            f"{e['seconds']:.1f}", f"{e['rows'] / e['seconds']:,.0f}",
                            f"{e['peak_rss_mb']:.0f}"])
    build = query["build"]
    head = (f"### Query scale ({build['articles']:,} articles, {build['centers']:,} centers, two crawls; "
            f"{m['archive_mb']:.0f} MB archive written through Archive.record_page in "
            f"{build['seconds']:.0f} s)")
    if build.get("first_tenth_pages_per_s"):
        head += (f"\n\nWrite rate of the first crawl through record_page: "
                 f"{build['first_tenth_pages_per_s']:.0f} pages/s over its first tenth, "
                 f"{build['last_tenth_pages_per_s']:.0f} pages/s over its last tenth.")
    return [head, _table(["Datasette JSON API (in-process)", "median ms", "p95 ms", "calls", "rows"], rows),
            _table(["CSV export", "by", "rows", "MB", "seconds", "rows/s", "peak RSS MB"], exports)]


def extraction_table(ext: dict) -> str:
    rows = [[r["extractor"], f"{r['f1']:.3f}", f"{r['pages_per_s']:.0f}",
             f"{r['pages_per_s'] / ext['trafilatura_per_s']:.2f}"] for r in ext["summary"]]
    full = ext.get("full")
    if full:
        rows.append(["project, every field (`extract_page`)", "", f"{full['project_extract_page_per_s']:.0f}",
                     f"{full['ratio']:.2f} (vs trafilatura with metadata, "
                     f"{full['trafilatura_with_metadata_per_s']:.0f}/s)"])
    return (f"### Extraction ({ext['pages']} pages of extraction-bench, one CPU)\n"
            + "\n" + _table(["extractor", "F1", "pages/s", "speed vs trafilatura"], rows))


def markdown(results: dict) -> str:
    parts = []
    if "extraction" in results:
        parts.append(extraction_table(results["extraction"]))
    if "crawl" in results:
        parts += crawl_tables(results["crawl"])
        parts += [recrawl_table(results["crawl"]), storage_table(results["crawl"])]
    if "memory" in results:
        parts.append(memory_table(results["memory"]))
    if "query" in results:
        parts += query_tables(results["query"])
    return "\n\n".join(parts) + "\n"

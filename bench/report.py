#!/usr/bin/python3
"""Merges the outputs of `make bench` into results.json and prints one table.

    /usr/bin/python3 bench/report.py BUILD_DIR/bench

Reads nlp.json, ner.json, annotator.json (Google Benchmark, medians of the
repetitions) and e2e.json (korpus-bench-e2e) from that directory; writes
results.json beside them. Ratios compare with baselines measured in the
same process (ICU) or the same run (the echo service). Standard library
only (Debian's /usr/bin/python3).
"""
import json
import os
import platform
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def medians(gbench):
    """{run_name: row} of the median aggregates (or single runs)."""
    rows = {}
    for row in gbench.get("benchmarks", []):
        name = row.get("run_name", row["name"])
        if row.get("run_type") == "aggregate" and row.get("aggregate_name") != "median":
            continue
        rows[name] = row
    return rows


def rate(row):
    return row.get("tokens_per_second") or row.get("items_per_second") or 0.0


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kb = 0
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gb": round(mem_kb / 1048576, 1),
            "kernel": platform.release()}


def read_text(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return ""


def main(out_dir):
    nlp = medians(load(os.path.join(out_dir, "nlp.json")))
    ner = medians(load(os.path.join(out_dir, "ner.json")))
    annotator = medians(load(os.path.join(out_dir, "annotator.json")))
    e2e = load(os.path.join(out_dir, "e2e.json"))

    icu_gsd = rate(nlp.get("BM_IcuWordBreakIterator", {}))
    icu_corpus = rate(annotator.get("BM_IcuWordBreakIterator", {}))
    stages = [
        ("tokenize", nlp, "BM_Tokenize", icu_gsd, "GSD test"),
        ("sentence split (rules)", nlp, "BM_SplitSentencesRules", icu_gsd, "GSD test"),
        ("sentence split (model)", nlp, "BM_SplitSentencesModel", icu_gsd, "GSD test"),
        ("tag (UPOS+STTS)", nlp, "BM_Tag", icu_gsd, "GSD test"),
        ("lemmatize", nlp, "BM_Lemmatize", icu_gsd, "GSD test"),
        ("morphology", nlp, "BM_Features", icu_gsd, "GSD test"),
        ("NER (given POS)", ner, "BM_NerTag", icu_gsd, "GermEval test"),
        ("POS + NER", ner, "BM_PosAndNerTag", icu_gsd, "GermEval test"),
        ("Analyze without NER", nlp, "BM_PipelineAnalyze", icu_gsd, "GSD test"),
        ("Analyze with NER", annotator, "BM_AnalyzeWithNer", icu_corpus, "bench corpus"),
        ("whole annotator (+ message)", annotator, "BM_AnnotatorPipeline", icu_corpus,
         "bench corpus"),
        ("ICU word BreakIterator", nlp, "BM_IcuWordBreakIterator", icu_gsd, "GSD test"),
        ("ICU word BreakIterator", annotator, "BM_IcuWordBreakIterator", icu_corpus,
         "bench corpus"),
    ]
    results = {"machine": machine(),
               "load_average_before": read_text(os.path.join(out_dir, "loadavg_before.txt")),
               "load_average_after": read_text(os.path.join(out_dir, "loadavg_after.txt")),
               "wall_time": read_text(os.path.join(out_dir, "wall_time.txt")),
               "nlp": [], "e2e": {}, "serving": {}, "memory_mb": {}, "growth": [], "goals": []}
    lines = []
    out = lines.append
    m = results["machine"]
    out(f"korpus benchmarks: {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB; "
        f"load average before {results['load_average_before']}; medians")
    out("")
    out(f"{'NLP, one core':34} {'text':14} {'tokens/s':>12} {'ours/ICU':>9}")
    for label, rows, name, icu, text in stages:
        row = rows.get(name)
        if row is None:
            continue
        value = rate(row)
        ratio = value / icu if icu else 0
        results["nlp"].append({"stage": label, "benchmark": name, "text": text,
                               "tokens_per_second": value, "ratio_vs_icu": ratio})
        out(f"  {label:32} {text:14} {value:12,.0f} {ratio:9.2f}")

    out("")
    e1 = e2e["e2e_1_annotator"]
    growth = e2e.get("growth", [])
    out(f"{'End to end (gateway>ingest>annotator>storage)':52} {'articles/s':>11} {'tokens/s':>10}")
    out(f"  {'1 annotator, ' + str(e1['articles']) + ' articles, ' + str(e2e['streams']) + ' streams':50} "
        f"{e1['articles_per_second']:11.1f} {e1['tokens_per_second']:10,.0f}")
    results["e2e"]["one_annotator"] = e1
    two = next((g for g in growth if g["documents"] >= e2e["articles"]), None)
    if two is not None:
        label = (f"{e2e['growth_annotators']} annotators, first {two['documents']} articles")
        out(f"  {label:50} {two['cumulative_articles_per_second']:11.1f} "
            f"{two['cumulative_tokens_per_second']:10,.0f}")
        results["e2e"]["n_annotators"] = {
            "annotators": e2e["growth_annotators"], "articles": two["documents"],
            "articles_per_second": two["cumulative_articles_per_second"],
            "tokens_per_second": two["cumulative_tokens_per_second"]}
    rt = e2e["round_trip"]
    results["e2e"]["round_trip"] = rt
    out(f"  single article round trip ({rt['articles']} sequential calls): "
        f"p50 {rt['p50_ms']:.1f} ms, p99 {rt['p99_ms']:.1f} ms")

    out("")
    s = e2e["serving"]
    echo = s["echo"]
    serving_label = (f"Serving, {e2e['concurrency']} in flight over {e2e.get('channels', 1)} "
                     f"connections, {s['corpus_documents']} docs")
    out(f"{serving_label:40}"
        f" {'QPS':>8} {'p50 ms':>8} {'p99 ms':>8} {'p999 ms':>8} {'ours/echo':>9}")
    for key, label in (("get_document_basic", "GetDocument (BASIC view)"),
                       ("get_document_full", "GetDocument (FULL view)"),
                       ("search", "Search (1 word, 10 hits)"),
                       ("echo", "echo (same bootstrap)"),
                       ("echo_relay", "echo behind a blocking relay"),
                       ("echo_relay_async", "echo behind a callback relay")):
        if key not in s:
            continue
        r = s[key]
        ratio = r["qps"] / echo["qps"] if echo["qps"] else 0
        results["serving"][key] = dict(r, ratio_vs_echo=ratio)
        errors = f"  {r['errors']} errors" if r.get("errors") else ""
        out(f"  {label:38} {r['qps']:8,.0f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} "
            f"{r['p999_ms']:8.2f} {ratio:9.2f}{errors}")

    # Where the CPU goes: milliseconds of CPU per article or call, by process.
    cpu_rows = [("ingest, per article", e2e.get("e2e_1_annotator_cpu_ms")),
                ("GetDocument BASIC, per call", s.get("get_document_basic_cpu_ms")),
                ("GetDocument FULL, per call", s.get("get_document_full_cpu_ms")),
                ("Search, per call", s.get("search_cpu_ms")),
                ("echo, per call", s.get("echo_cpu_ms")),
                ("echo via blocking relay", s.get("echo_relay_cpu_ms")),
                ("echo via callback relay", s.get("echo_relay_async_cpu_ms"))]
    names = ["gateway", "ingest", "annotator", "storage", "relay", "echo", "client"]
    out("")
    out(f"{'CPU ms by process':30}" + "".join(f"{n:>10}" for n in names))
    # (relay: the echo relay standing in for the gateway)
    results["cpu_ms"] = {}
    for label, row in cpu_rows:
        if not row:
            continue
        results["cpu_ms"][label] = {k: v for k, v in row.items() if k != "per"}
        out(f"  {label:28}" + "".join(
            f"{row[n]:10.3f}" if n in row else f"{'':10}" for n in names))

    out("")
    out(f"{'Memory (MB)':20} {'peak (VmHWM)':>13} {'idle after start':>17} {'idle after run':>15}")
    for name, kb in e2e["memory_kb"].items():
        entry = {k: round(v / 1024, 1) for k, v in kb.items()}
        results["memory_mb"][name] = entry
        out(f"  {name:18} {entry['peak']:13.1f} {entry['rest_after_start']:17.1f} "
            f"{entry['rest_after_run']:15.1f}")

    if growth:
        out("")
        out(f"Growth ({e2e['growth_annotators']} annotators; cumulative corpus)")
        out(f"  {'':37}{'Search, ' + str(e2e['concurrency']) + ' in flight':>26}"
            f"{'Search, 1 in flight':>24}")
        out(f"  {'documents':>9} {'step art/s':>10} {'cum. art/s':>10} {'cum. s':>7} "
            f"{'QPS':>8} {'p50 ms':>8} {'p99 ms':>8} {'QPS':>7} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'Get QPS':>8}")
        for g in growth:
            step = g["ingest_step"]
            one = g.get("search_one_in_flight", {"qps": 0, "p50_ms": 0, "p99_ms": 0})
            results["growth"].append(g)
            out(f"  {g['documents']:9} {step['articles_per_second']:10.1f} "
                f"{g['cumulative_articles_per_second']:10.1f} {g['cumulative_ingest_seconds']:7.1f} "
                f"{g['search']['qps']:8,.0f} {g['search']['p50_ms']:8.2f} "
                f"{g['search']['p99_ms']:8.2f} {one['qps']:7,.0f} {one['p50_ms']:8.2f} "
                f"{one['p99_ms']:8.2f} {g['get_document_basic']['qps']:8,.0f}")

    # The figures to reach.
    goals = []
    whole = next((n for n in results["nlp"] if n["benchmark"] == "BM_AnnotatorPipeline"), None)
    if whole:
        goals.append(("annotator full pipeline, one core", ">= 100,000 tokens/s",
                      f"{whole['tokens_per_second']:,.0f} tokens/s",
                      whole["tokens_per_second"] >= 100000))
    goals.append(("end to end, one annotator", ">= 50 articles/s",
                  f"{e1['articles_per_second']:.1f} articles/s", e1["articles_per_second"] >= 50))
    get_ratio = results["serving"]["get_document_basic"]["ratio_vs_echo"]
    goals.append(("GetDocument QPS / echo QPS", ">= 0.50", f"{get_ratio:.2f}", get_ratio >= 0.5))
    at_10k = next((g for g in growth if g["documents"] >= 10000), None)
    if at_10k:
        # Both readings of "Search p99": the search itself (one call in
        # flight) and under the closed-loop load (where queueing dominates).
        one = at_10k.get("search_one_in_flight")
        if one:
            goals.append((f"Search p99 at {at_10k['documents']} docs, 1 in flight", "<= 20 ms",
                          f"{one['p99_ms']:.1f} ms", one["p99_ms"] <= 20))
        p99 = at_10k["search"]["p99_ms"]
        goals.append((f"Search p99 at {at_10k['documents']} docs, {e2e['concurrency']} in flight",
                      "<= 20 ms", f"{p99:.1f} ms", p99 <= 20))
    for name in ("gateway", "ingest", "storage"):
        rest = results["memory_mb"].get(name, {}).get("rest_after_run")
        if rest is not None:
            goals.append((f"{name} memory at rest (after the run)", "<= 100 MB", f"{rest:.1f} MB",
                          rest <= 100))
    out("")
    out(f"{'Goal':44} {'target':>20} {'measured':>20}  met")
    for name, target, measured, met in goals:
        results["goals"].append({"goal": name, "target": target, "measured": measured, "met": met})
        out(f"  {name:42} {target:>20} {measured:>20}  {'yes' if met else 'NO'}")
    if results["wall_time"]:
        out("")
        out(f"wall time {results['wall_time']} s; load average after "
            f"{results['load_average_after']}")

    with open(os.path.join(out_dir, "results.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print("\n".join(lines))
    print(f"\nwritten: {os.path.join(out_dir, 'results.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/bench"))

#!/usr/bin/env bash
# Side-by-side benchmark: `kgraph build` against the tools a user would pick instead
# (spaCy EntityRuler, flashtext, pyahocorasick + NetworkX) and against the raw aho-corasick
# limit (kg-limit), on the same generated corpus and dictionaries, in one run.
#
#   scripts/bench.sh [PHASE]...      PHASE: side (default), scale, graph, all
#
#   side   corpora of SMALL_MB and MB megabytes; seed and large dictionaries; kgraph with
#          1 and 2 threads (its default matching; like-for-like with --keep-repeats
#          --keep-furniture; and GraphML only, without the CSV directory and its
#          per-mention mentions.csv); kg-limit count --dfa and graph --dfa with 1 and 2 threads;
#          pyahocorasick and flashtext at both sizes; spaCy at sizes <= SPACY_MB only
#          (it runs at about 1 MB/s with seed and 0.3 MB/s with large).
#   scale  kgraph (2 threads) at MB and BIG_MB megabytes: time and peak memory ratios.
#          The BIG_MB corpus (about 1 GB for 1000) is deleted afterwards (KEEP=1 keeps it).
#   graph  graph-heavy corpora over the large dictionary: sentences that each list
#          10 random places, sized for EDGES distinct co-occurrence edges (default
#          500000 and 1000000), to measure the graph, metrics and writers at size.
#
# Environment: MB=100 SMALL_MB=10 SPACY_MB=10 BIG_MB=1000 REPS=3 (kgraph and the limit;
# medians) SCALE_REPS=3 (the scale phase; medians) PEER_REPS=1 EDGES="500000 1000000" WORK=/tmp/kgbench (scratch, outside the
# repository) SHARED=<repo>/../shared/bench (read only; copied into WORK).
#
# Prints a Markdown table (also saved with the raw runs as JSON in $WORK/results/).
# MB/s = article text bytes / process wall time from /usr/bin/time (start-up, dictionary
# load, automaton build, scan, graph, analysis and every output file included), for every
# tool alike. Each run records the 1-minute load average when it started.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$REPO/../shared/bench}
WORK=${WORK:-/tmp/kgbench}
export MB=${MB:-100} SMALL_MB=${SMALL_MB:-10} SPACY_MB=${SPACY_MB:-10} BIG_MB=${BIG_MB:-1000}
export REPS=${REPS:-3} PEER_REPS=${PEER_REPS:-1} EDGES=${EDGES:-"500000 1000000"} KEEP=${KEEP:-0}
PHASES=${*:-side}
[ "$PHASES" = all ] && PHASES="side scale graph"

[ -d "$SHARED" ] || { echo "bench: $SHARED not found (set SHARED=)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed (apt-get install time)" >&2; exit 2; }
mkdir -p "$WORK"
case "$WORK" in "$REPO"|"$REPO"/*) echo "bench: WORK must be outside the repository" >&2; exit 2 ;; esac

# The shared folder may be read-only: work on a copy (setup.sh writes its venv, text and
# limit build beside itself). make_corpus.py reads the seed articles from ../seeds.
if [ ! -x "$WORK/bench/setup.sh" ]; then
  cp -r "$SHARED" "$WORK/bench"
  chmod -R u+w "$WORK/bench"
fi
[ -d "$WORK/seeds" ] || cp -r "$REPO/seeds" "$WORK/seeds"
echo "bench: setting up peers and limit in $WORK/bench (venv, text, kg-limit)" >&2
(cd "$WORK/bench" && ./setup.sh >/dev/null)

# kgraph ids allow letters, digits, '-', '_' and '.': the shared dictionaries use
# 'type:name' ids, so the copies used here read 'type.name'. Their types (country,
# person, agreement, event, organisation, place) are all built in.
mkdir -p "$WORK/dicts"
for d in seed large; do
  sed '2,$ s/^\([^:,]*\):/\1./' "$WORK/bench/dicts/$d.csv" >"$WORK/dicts/$d.csv"
done

echo "bench: cargo build --release" >&2
(cd "$REPO" && cargo build --release -q)
export KGRAPH="$REPO/target/release/kgraph" WORK PHASES REPO

exec "$WORK/bench/.venv/bin/python" - <<'PYEOF'
import json, os, random, re, shutil, statistics, subprocess, sys, time, datetime, platform

W = os.environ["WORK"]; B = os.path.join(W, "bench"); KG = os.environ["KGRAPH"]
PY = os.path.join(B, ".venv", "bin", "python"); LIMIT = os.path.join(B, "limit", "target", "release", "kg-limit")
MB, SMALL, SPACY_MB, BIG = (float(os.environ[k]) for k in ("MB", "SMALL_MB", "SPACY_MB", "BIG_MB"))
REPS, PEER_REPS = int(os.environ["REPS"]), int(os.environ["PEER_REPS"])
PHASES = os.environ["PHASES"].split()
DICTS = {d: os.path.join(W, "dicts", d + ".csv") for d in ("seed", "large")}
OUT = os.path.join(W, "out"); RES = os.path.join(W, "results")
os.makedirs(OUT, exist_ok=True); os.makedirs(RES, exist_ok=True)
stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
log = lambda *a: print(*a, file=sys.stderr, flush=True)

def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": cpu, "mem_gib": round(mem / 2**20, 1), "os": platform.platform(), "rustc": rustc}

def load1():
    return float(open("/proc/loadavg").read().split()[0])

def corpus(mb):
    d = os.path.join(W, "corpora", "%g" % mb); path = os.path.join(d, "corpus.jsonl")
    if not os.path.exists(path):
        log("bench: generating %g MB corpus" % mb)
        subprocess.run([PY, os.path.join(B, "make_corpus.py"), "--mb", str(mb), "--out", d, "--no-txt"], check=True,
                       stderr=subprocess.DEVNULL)
    meta = path + ".bytes"
    if not os.path.exists(meta):
        n = docs = 0
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    n += len(json.loads(line)["text"].encode("utf-8")); docs += 1
        json.dump({"bytes": n, "docs": docs}, open(meta, "w"))
    return path, json.load(open(meta))

def timed(cmd):
    l1 = load1()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("failed (%d): %s\n%s" % (p.returncode, " ".join(cmd), p.stderr[-3000:]))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    w = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    wall = int(w.group(1) or 0) * 3600 + int(w.group(2)) * 60 + float(w.group(3))
    cpu = float(re.search(r"User time \(seconds\): ([\d.]+)", p.stderr).group(1)) + \
          float(re.search(r"System time \(seconds\): ([\d.]+)", p.stderr).group(1))
    return p.stdout, {"wall_s": wall, "cpu_s": round(cpu, 2), "rss_mib": round(rss / 1024, 1), "load1": l1}

def kgraph_counts(outdir):
    """Mentions (sum of nodes.csv Mentions) and co-occurrence edges (edges.csv rows)."""
    import csv
    with open(os.path.join(outdir, "csv", "nodes.csv"), encoding="utf-8", newline="") as f:
        r = csv.DictReader(f); nodes = mentions = 0
        for row in r:
            nodes += 1; mentions += int(row["Mentions"])
    with open(os.path.join(outdir, "csv", "edges.csv"), encoding="utf-8", newline="") as f:
        kinds = [row["Kind"] for row in csv.DictReader(f)]
    return {"mentions": mentions, "edges": kinds.count("cooccurrence"), "relation_edges": kinds.count("relation"),
            "nodes": nodes}

runs = []
def run(tool, dname, cpath, cmeta, threads, reps, extra=None, csv_out=True):
    """One tool x dictionary x corpus, `reps` times; keeps the median wall time."""
    rs = []
    for r in range(reps):
        tag = "%s-%s-t%d" % (tool, dname, threads); od = os.path.join(OUT, tag)
        shutil.rmtree(od, ignore_errors=True); os.makedirs(od)
        dpath = DICTS[dname] if not tool.startswith(("spacy", "flashtext", "pyahocorasick")) else \
            os.path.join(B, "dicts", dname + ".csv")
        if tool.startswith("kgraph"):
            cmd = [KG, "build", cpath, "--no-default-dict", "-d", dpath, "-o", os.path.join(od, "g.graphml"),
                   "-q", "--threads", str(threads)] + (["-o", os.path.join(od, "csv") + "/"] if csv_out else []) + (extra or [])
        elif tool.startswith("limit"):
            mode = tool.split("-")[1]
            cmd = [LIMIT, mode, dpath, cpath, "--dfa", "--threads", str(threads)]
            if mode == "graph":
                cmd += ["--graphml", os.path.join(od, "g.graphml")]
        else:
            cmd = [PY, os.path.join(B, "peers", "peer_%s.py" % tool), dpath, cpath, "--graphml", os.path.join(od, "g.graphml")]
        out, t = timed(cmd)
        if tool.startswith("kgraph"):
            t.update(kgraph_counts(od) if csv_out else {"mentions": None, "edges": None})
        else:
            j = json.loads([l for l in out.splitlines() if l.startswith("{")][-1])
            t.update({"mentions": j["mentions"], "edges": j["edges"], "build_s": j.get("build_s")})
        t.update({"tool": tool, "dict": dname, "mb": cmeta["bytes"] / 1e6, "threads": threads, "rep": r,
                  "mb_per_s": cmeta["bytes"] / 1e6 / t["wall_s"],
                  "mb_per_cpu_s": cmeta["bytes"] / 1e6 / max(t["cpu_s"], 0.01), "cmd": " ".join(os.path.basename(c) if c.startswith(W) else c for c in cmd)})
        runs.append(t); rs.append(t)
        log("  %-16s %-5s t%d  %7.2f s  %8.2f MB/s  %7.1f MiB  mentions=%-9s edges=%-8s load=%.2f" % (
            tool, dname, threads, t["wall_s"], t["mb_per_s"], t["rss_mib"], t["mentions"], t["edges"], t["load1"]))
        shutil.rmtree(od, ignore_errors=True)
    med = sorted(rs, key=lambda x: x["wall_s"])[len(rs) // 2]
    return dict(med, reps=reps, rss_mib=max(x["rss_mib"] for x in rs), load1=statistics.median(x["load1"] for x in rs))

def fmt(x, p=2):
    return "-" if x is None else ("%.*f" % (p, x))

md = []
M = machine()
md.append("Machine: %d CPUs (%s), %.1f GiB, %s, %s. Run %s." % (M["nproc"], M["cpu"], M["mem_gib"], M["os"], M["rustc"], stamp))

def side():
    sizes = sorted({SMALL, MB})
    summary = []
    for mb in sizes:
        cpath, cmeta = corpus(mb)
        log("bench: side by side on %g MB (%d docs, %d text bytes)" % (mb, cmeta["docs"], cmeta["bytes"]))
        for dname in ("seed", "large"):
            S = {}
            # kgraph with an empty corpus: start-up + dictionary load + automaton build.
            empty = os.path.join(W, "corpora", "empty.jsonl"); open(empty, "w").close()
            S["kgraph-startup"] = run("kgraph", dname, empty, {"bytes": 1, "docs": 0}, 1, REPS)
            for th in (1, 2):
                S["kgraph-t%d" % th] = run("kgraph", dname, cpath, cmeta, th, REPS)
                S["kgraph-lfl-t%d" % th] = run("kgraph-lfl", dname, cpath, cmeta, th, REPS,
                                               ["--keep-repeats", "--keep-furniture"])
                # GraphML only: no CSV directory, so no per-mention mentions.csv / evidence.csv.
                S["kgraph-gml-t%d" % th] = run("kgraph-gml", dname, cpath, cmeta, th, REPS, csv_out=False)
                S["limit-count-t%d" % th] = run("limit-count", dname, cpath, cmeta, th, REPS)
                S["limit-graph-t%d" % th] = run("limit-graph", dname, cpath, cmeta, th, REPS)
            for peer in ("pyahocorasick", "flashtext") + (("spacy",) if mb <= SPACY_MB else ()):
                S[peer] = run(peer, dname, cpath, cmeta, 1, PEER_REPS)
            summary.append((mb, dname, S))
    return summary

def side_tables(summary):
    md.append("\n### Throughput, memory and counts\n")
    md.append("| MB | dict | tool | threads | reps | MB/s | MB per CPU-s | wall s | CPU s | peak RSS MiB | mentions | edges | load1 |")
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for mb, dname, S in summary:
        for k, r in S.items():
            if k == "kgraph-startup":
                continue
            md.append("| %g | %s | %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %.2f |" % (
                mb, dname, r["tool"], r["threads"], r["reps"], fmt(r["mb_per_s"]), fmt(r["mb_per_cpu_s"]), fmt(r["wall_s"]),
                fmt(r["cpu_s"]), fmt(r["rss_mib"], 0),
                "-" if r["mentions"] is None else r["mentions"], "-" if r["edges"] is None else r["edges"], r["load1"]))
    md.append("\n### Ratios (kgraph MB/s over the other's MB/s; > 1 means kgraph is faster)\n")
    md.append("Each cell: wall-clock ratio, then in brackets the ratio of MB per CPU-second (user + system time of all "
              "threads), which a busy machine disturbs much less. t2 / t1 is wall-clock only.\n")
    md.append("| MB | dict | kgraph | threads | MB/s | / limit count --dfa (same threads) | / limit graph --dfa (same threads) "
              "| / pyahocorasick | / flashtext | / spaCy | t2 / t1 | RSS / spaCy RSS | startup s (load + build) |")
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for mb, dname, S in summary:
        sp = S.get("spacy")
        if sp is None:  # spaCy ran on the smaller corpus only: compare with that run
            sp = next((s.get("spacy") for m2, d2, s in summary if d2 == dname and s.get("spacy")), None)
        for variant in ("kgraph", "kgraph-lfl", "kgraph-gml"):
            for th in (1, 2):
                k = S["%s-t%d" % (variant, th)]
                def ratio(o):
                    if o is None:
                        return "-"
                    return "%.2f (%.2f)" % (k["mb_per_s"] / o["mb_per_s"], k["mb_per_cpu_s"] / o["mb_per_cpu_s"])
                md.append("| %g | %s | %s | %d | %s | %s | %s | %s | %s | %s%s | %s | %s | %s |" % (
                    mb, dname, {"kgraph": "default", "kgraph-lfl": "like-for-like", "kgraph-gml": "GraphML only"}[variant], th,
                    fmt(k["mb_per_s"]),
                    ratio(S["limit-count-t%d" % th]), ratio(S["limit-graph-t%d" % th]),
                    ratio(S["pyahocorasick"]), ratio(S["flashtext"]), ratio(sp),
                    "" if sp is None or sp["mb"] == k["mb"] else " (spaCy at %g MB)" % round(sp["mb"]),
                    fmt(S["%s-t2" % variant]["mb_per_s"] / S["%s-t1" % variant]["mb_per_s"]) if th == 2 else "",
                    fmt(None if sp is None else k["rss_mib"] / sp["rss_mib"]),
                    fmt(S["kgraph-startup"]["wall_s"])))

# One run per size moved the time ratio by a tenth and more from run to run on this kind of
# machine: the scale phase takes medians too.
SCALE_REPS = int(os.environ.get("SCALE_REPS", "3"))

def scale():
    res = []
    for mb in (MB, BIG):
        cpath, cmeta = corpus(mb)
        log("bench: scaling, %g MB (%d docs)" % (mb, cmeta["docs"]))
        for dname in ("seed", "large"):
            res.append((mb, dname, run("kgraph", dname, cpath, cmeta, 2, SCALE_REPS)))
        if mb == BIG and os.environ.get("KEEP") != "1":
            shutil.rmtree(os.path.dirname(cpath))
    md.append("\n### Scaling with corpus size (kgraph, 2 threads, median wall time of %d runs, highest peak RSS)\n" % SCALE_REPS)
    md.append("| dict | MB | wall s | MB/s | peak RSS MiB | time / (%g x %g MB time) | RSS / %g MB RSS | load1 |" % (BIG / MB, MB, MB))
    md.append("|---|---|---|---|---|---|---|---|")
    for dname in ("seed", "large"):
        base = next(r for m, d, r in res if d == dname and m == MB)
        for m, d, r in res:
            if d == dname:
                md.append("| %s | %g | %s | %s | %s | %s | %s | %.2f |" % (d, m, fmt(r["wall_s"]), fmt(r["mb_per_s"]), fmt(r["rss_mib"], 0),
                          fmt(r["wall_s"] / (base["wall_s"] * m / MB)), fmt(r["rss_mib"] / base["rss_mib"]), r["load1"]))

def graph_corpus(target):
    """Sentences that each list 10 random places of the large dictionary (labels that are
    one or two capitalised words, owned by one entity), until `target` distinct pairs."""
    import csv
    d = os.path.join(W, "corpora", "graph-%d" % target); path = os.path.join(d, "corpus.jsonl")
    if os.path.exists(path):
        return path, json.load(open(path + ".meta"))
    owners = {}
    rows = list(csv.DictReader(open(DICTS["large"], encoding="utf-8", newline="")))
    for r in rows:
        for s in [r["label"]] + (r["aliases"].split("|") if r["aliases"] else []):
            for v in {s, s.upper(), s.title(), s.lower()}:
                owners[v] = owners.get(v, 0) + 1
    pat = re.compile(r"^[A-Z][a-z]{3,}( [A-Z][a-z]{3,})?$")
    names = sorted({r["label"] for r in rows if r["type"] == "place" and pat.match(r["label"]) and owners[r["label"]] == 1
                    and not any(w in owners for w in r["label"].split() if w != r["label"])})
    rng = random.Random(target)
    verbs = ["met in", "signed a trade pact in", "sent envoys to", "held talks in", "reported floods near"]
    pairs, docs, n, total = set(), [], 0, 0
    os.makedirs(d, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        while len(pairs) < target:
            sents = []
            for _ in range(12):
                pick = rng.sample(range(len(names)), 10)
                for i in range(10):
                    for j in range(i + 1, 10):
                        a, b = pick[i], pick[j]
                        pairs.add((a, b) if a < b else (b, a))
                sents.append("Delegates from %s and %s %s %s on Tuesday." % (
                    ", ".join(names[i] for i in pick[:8]), names[pick[8]], rng.choice(verbs), names[pick[9]]))
            text = "Regional round-up %d\n\n" % n + "\n\n".join(" ".join(sents[k:k + 3]) for k in range(0, 12, 3)) + "\n"
            f.write(json.dumps({"id": "g%07d" % n, "date": "2020-%02d-%02d" % (n % 12 + 1, n % 28 + 1), "text": text}) + "\n")
            total += len(text.encode()); n += 1
    meta = {"bytes": total, "docs": n, "names": len(names), "generated_pairs": len(pairs)}
    json.dump(meta, open(path + ".meta", "w"))
    return path, meta

def graph():
    md.append("\n### Graph-heavy corpora (large dictionary; each sentence lists 10 random places)\n")
    empty = os.path.join(W, "corpora", "empty.jsonl"); open(empty, "w").close()
    st = run("kgraph", "large", empty, {"bytes": 1, "docs": 0}, 1, 1)
    md.append("kgraph start-up with the large dictionary (empty corpus): %s s, %s MiB; the marginal columns subtract it "
              "(the limit's start-up is not measured separately, so its marginal columns are left empty).\n" % (fmt(st["wall_s"]), fmt(st["rss_mib"], 0)))
    md.append("| target edges | docs | MB | tool | threads | wall s | peak RSS MiB | nodes | edges | s per M edges | RSS bytes per edge "
              "| marginal s per M edges | marginal RSS bytes per edge | load1 |")
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for target in [int(x) for x in os.environ["EDGES"].split()]:
        cpath, cmeta = graph_corpus(target)
        log("bench: graph-heavy, %d target edges (%d docs, %d names)" % (target, cmeta["docs"], cmeta["names"]))
        for tool, th in (("kgraph", 1), ("kgraph", 2), ("limit-graph", 1)):
            r = run(tool, "large", cpath, cmeta, th, 1)
            kg = tool == "kgraph"
            md.append("| %d | %d | %.1f | %s | %d | %s | %s | %s | %d | %s | %s | %s | %s | %.2f |" % (
                target, cmeta["docs"], cmeta["bytes"] / 1e6, tool, th, fmt(r["wall_s"]), fmt(r["rss_mib"], 0),
                r.get("nodes", "-"), r["edges"], fmt(r["wall_s"] / (r["edges"] / 1e6)),
                fmt(r["rss_mib"] * 2**20 / r["edges"], 0),
                fmt((r["wall_s"] - st["wall_s"]) / (r["edges"] / 1e6)) if kg else "-",
                fmt((r["rss_mib"] - st["rss_mib"]) * 2**20 / r["edges"], 0) if kg else "-", r["load1"]))
        shutil.rmtree(os.path.dirname(cpath)) if os.environ.get("KEEP") != "1" else None

for ph in PHASES:
    if ph == "side":
        side_tables(side())
    elif ph == "scale":
        scale()
    elif ph == "graph":
        graph()
    else:
        raise SystemExit("unknown phase %r (side, scale, graph, all)" % ph)

report = "\n".join(md) + "\n"
print(report)
open(os.path.join(RES, "bench-%s.md" % stamp), "w").write(report)
json.dump({"machine": M, "env": {k: os.environ[k] for k in ("MB", "SMALL_MB", "SPACY_MB", "BIG_MB", "REPS", "PEER_REPS", "EDGES")},
           "runs": runs}, open(os.path.join(RES, "bench-%s.json" % stamp), "w"), indent=1)
log("bench: wrote %s/bench-%s.{md,json}" % (RES, stamp))
PYEOF

"""The end-to-end benchmark of the npcsurv command line (issue 14).

Run it as `cargo xtask e2e [OPTIONS]` (or `python3 xtask/scripts/e2e.py`).
Python's standard library only; pandas and lifelines are needed only for
--peers, in a virtualenv that --install-peers creates.

1. CSV: `npcsurv km`, `npcsurv logrank --group` and `npcsurv cox` with six
   covariates (Efron ties) on a --rows-row CSV (time in whole days, event,
   group, x1..x5), beside pandas.read_csv + lifelines (KaplanMeierFitter,
   multivariate_logrank_test by group, CoxPHFitter on the same six covariates)
   with --peers.
2. Scale: `npcsurv km`, `npcsurv logrank --group` and `npcsurv cox` with two
   covariates on Parquet files of each --scale size (time, event, group, x1,
   x2), each beside polars alone reading the same columns from the same file
   (the reader crate's `polars_read` example).

Every command is timed as a whole process, best of --runs: its wall time and
its peak resident memory (ru_maxrss from os.wait4). The data are written by the
reader crate's `bench_data` example (deterministic; files already written are
kept). The tables are printed in Markdown and written to DIR/e2e.md, the raw
figures to DIR/e2e.json.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SCALE = "100000,1000000,10000000,100000000"
CSV_COVARIATES = ["group", "x1", "x2", "x3", "x4", "x5"]
SCALE_COVARIATES = ["x1", "x2"]
# Files of at least this many rows are run --big-runs times.
BIG = 100_000_000


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="cargo xtask e2e",
        description="End-to-end benchmark of npcsurv km, logrank and cox on large CSV "
        "and Parquet files, beside polars alone and (with --peers) pandas + lifelines.",
    )
    p.add_argument("--out", type=Path,
                   help="directory for the data and the results (default: e2e in cargo's "
                   "target directory)")
    p.add_argument("--rows", type=int, default=1_000_000,
                   help="rows of the CSV of the comparison with lifelines (default: 1000000)")
    p.add_argument("--scale", default=DEFAULT_SCALE,
                   help=f"rows of the Parquet files, comma-separated (default: {DEFAULT_SCALE})")
    p.add_argument("--runs", type=int, default=3, help="best of this many runs (default: 3)")
    p.add_argument("--big-runs", type=int, default=1,
                   help="runs of each command on Parquet files of 10^8 rows or more "
                   "(default: 1)")
    p.add_argument("--skip-csv", action="store_true", help="leave out the CSV comparison")
    p.add_argument("--skip-scale", action="store_true", help="leave out the Parquet scale table")
    p.add_argument("--peers", action="store_true",
                   help="also run pandas + lifelines on the CSV (needs --python with both)")
    p.add_argument("--python", type=Path,
                   help="the Python of the peers (default: DIR/venv/bin/python)")
    p.add_argument("--install-peers", action="store_true",
                   help="create the virtualenv DIR/venv with pandas and lifelines 0.30 "
                   "(implies --peers)")
    args = p.parse_args(argv)
    try:
        args.scale = [int(n) for n in args.scale.split(",") if n]
    except ValueError:
        p.error(f"--scale: not a list of row counts: {args.scale}")
    if args.runs < 1 or args.big_runs < 1 or args.rows < 1 or any(n < 1 for n in args.scale):
        p.error("--runs, --big-runs, --rows and --scale must be positive")
    args.out = (args.out or target_directory() / "e2e").resolve()
    if args.python is None:
        args.python = args.out / "venv" / "bin" / "python"
    args.peers = args.peers or args.install_peers
    return args


# ---------------------------------------------------------------- the machine


def machine():
    """CPU model, cores, memory, date and rustc version, for the tables' header."""
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True,
                           cwd=ROOT, check=True).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024**2, 1),
        "date": datetime.datetime.now().astimezone().isoformat(timespec="minutes"),
        "rustc": rustc,
        "os": platform.platform(),
    }


# ------------------------------------------------------------------ building


def cargo(*args):
    """Runs cargo in the workspace, failing loudly."""
    command = [os.environ.get("CARGO", "cargo"), *args]
    print("$", " ".join(command), file=sys.stderr, flush=True)
    subprocess.run(command, cwd=ROOT, check=True)


def target_directory():
    """Cargo's target directory (CARGO_TARGET_DIR or the workspace's target/)."""
    metadata = subprocess.run(
        [os.environ.get("CARGO", "cargo"), "metadata", "--format-version", "1", "--no-deps"],
        cwd=ROOT, capture_output=True, text=True, check=True)
    return Path(json.loads(metadata.stdout)["target_directory"])


def build():
    """Builds npcsurv and the reader's examples in release mode; returns the binaries.

    Two builds: the examples pull in the reader's dev-dependencies (polars with
    more features), which must not change the npcsurv binary being measured."""
    cargo("build", "--release", "--quiet", "-p", "npcsurv")
    cargo("build", "--release", "--quiet", "-p", "surv-reader",
          "--example", "polars_read", "--example", "bench_data")
    release = target_directory() / "release"
    return {
        "npcsurv": release / "npcsurv",
        "polars_read": release / "examples" / "polars_read",
        "bench_data": release / "examples" / "bench_data",
    }


def install_peers(out):
    """Creates out/venv with pandas and lifelines 0.30 (the latest if 0.30 is gone)."""
    venv = out / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    if subprocess.run([*pip, "pandas", "lifelines==0.30.*"]).returncode != 0:
        print("lifelines 0.30 is not available; installing the latest", file=sys.stderr)
        subprocess.run([*pip, "pandas", "lifelines"], check=True)
    return venv / "bin" / "python"


# ----------------------------------------------------------------- measuring


def run_once(command, stdout_path):
    """Runs `command` as its own process: (wall seconds, peak RSS in MB).

    Its standard output goes to `stdout_path`, its standard error beside it; a
    failure stops the benchmark with that error."""
    error_path = Path(f"{stdout_path}.err")
    with open(stdout_path, "wb") as out, open(error_path, "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen([str(c) for c in command], stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = error_path.read_text(errors="replace")[-4000:]
        sys.exit(f"error: `{' '.join(map(str, command))}` failed "
                 f"(exit {process.returncode}):\n{error}")
    # ru_maxrss is in kilobytes on Linux.
    return wall, usage.ru_maxrss / 1024


def measure(name, command, runs, logs, on_run=None):
    """Best of `runs`: the fastest wall time, the largest peak RSS, every run kept.

    `on_run(stdout_path)` is called after each run (to read what it printed)."""
    stdout_path = logs / f"{name}.out"
    walls, rss = [], []
    for _ in range(runs):
        wall, peak = run_once(command, stdout_path)
        walls.append(wall)
        rss.append(peak)
        if on_run:
            on_run(stdout_path)
    print(f"  {name}: {min(walls):.3f} s, {max(rss):.0f} MB", file=sys.stderr, flush=True)
    return {
        "command": " ".join(map(str, command)),
        "wall_s": min(walls),
        "rss_mb": max(rss),
        "walls_s": walls,
        "rss_runs_mb": rss,
        "stdout": str(stdout_path),
    }


def last_json(path):
    """The last line of a command's standard output, as JSON (the peer's one line)."""
    return json.loads(Path(path).read_text().strip().splitlines()[-1])


def generate(binaries, fmt, rows, path):
    subprocess.run([str(binaries["bench_data"]), fmt, str(rows), str(path)], check=True,
                   stdout=sys.stderr)


# ---------------------------------------------------------------- the tables


def npcsurv_commands(npcsurv, path, covariates):
    """The three commands, each with the columns it reads."""
    common = [path, "--time", "time", "--event", "event", "--format", "json"]
    return {
        "km": ([npcsurv, "km", *common], ["time", "event"]),
        "logrank": ([npcsurv, "logrank", *common, "--group", "group"],
                    ["time", "event", "group"]),
        "cox": ([npcsurv, "cox", *common, "--covariates", ",".join(covariates)],
                ["time", "event", *covariates]),
    }


def csv_comparison(args, binaries, logs):
    path = args.out / f"cohort_{args.rows}.csv"
    generate(binaries, "csv", args.rows, path)
    print(f"CSV, {args.rows} rows:", file=sys.stderr)
    results = {"file": str(path), "rows": args.rows, "size_mb": path.stat().st_size / 1e6,
               "commands": {}}
    all_columns = ["time", "event", "group", "x1", "x2", "x3", "x4", "x5"]
    results["polars_read"] = measure(
        "csv_polars_read",
        [binaries["polars_read"], path, "--columns", ",".join(all_columns), "--runs", "1"],
        args.runs, logs)
    peer = ROOT / "xtask" / "scripts" / "lifelines_peer.py"
    commands = npcsurv_commands(binaries["npcsurv"], path, CSV_COVARIATES)
    for task, (command, _) in commands.items():
        ours = measure(f"csv_{task}", command, args.runs, logs)
        ours["key"] = npcsurv_key(task, json.loads(Path(ours["stdout"]).read_text()))
        entry = {"npcsurv": ours}
        if args.peers:
            entry["peer"] = measure_peer(args, peer, task, path, logs)
        results["commands"][task] = entry
    return results


def measure_peer(args, peer, task, path, logs):
    """The peer's whole process, best of runs, and its own read + fit seconds."""
    inner = []
    result = measure(f"csv_{task}_peer", [args.python, peer, task, path], args.runs, logs,
                     on_run=lambda out: inner.append(last_json(out)))
    result["runs"] = inner
    result["read_fit_s"] = min(r["read_s"] + r["fit_s"] for r in inner)
    result["key"] = inner[-1]["key"]
    result["versions"] = inner[-1]["versions"]
    return result


def npcsurv_key(task, document):
    """The number of npcsurv's output that the peer's key is checked against."""
    if task == "km":
        return {"median": document["curves"][0]["median"]}
    if task == "logrank":
        return {"chisq": document["chisq"]}
    return {"coef": {c["name"]: c["coef"] for c in document["coefficients"]}}


def scale_table(args, binaries, logs):
    results = []
    for rows in args.scale:
        path = args.out / f"scale_{rows}.parquet"
        generate(binaries, "parquet", rows, path)
        print(f"Parquet, {rows} rows:", file=sys.stderr)
        entry = {"rows": rows, "file": str(path), "size_mb": path.stat().st_size / 1e6,
                 "commands": {}}
        commands = npcsurv_commands(binaries["npcsurv"], path, SCALE_COVARIATES)
        runs = args.big_runs if rows >= BIG else args.runs
        entry["runs"] = runs
        for task, (command, columns) in commands.items():
            polars = measure(
                f"scale_{rows}_{task}_polars",
                [binaries["polars_read"], path, "--columns", ",".join(columns), "--runs", "1"],
                runs, logs)
            npcsurv = measure(f"scale_{rows}_{task}", command, runs, logs)
            entry["commands"][task] = {"columns": columns, "polars_read": polars,
                                       "npcsurv": npcsurv}
        results.append(entry)
    return results


# --------------------------------------------------------------- formatting


def significant(x):
    """x to 3 significant digits, trailing zeros kept (4.00, 52.1, 133, 1234)."""
    x = float(f"{x:.3g}")
    return f"{x:.0f}" if x >= 100 else f"{x:#.3g}"


def seconds(s):
    s = float(f"{s:.3g}")
    return f"{significant(s)} s" if s >= 1 else f"{significant(s * 1000)} ms"


def mb(x):
    return f"{x:,.0f} MB"


def ratio(a, b):
    return significant(a / b)


def rows_label(n):
    exponent = len(str(n)) - 1
    return f"10^{exponent}" if n == 10**exponent else f"{n:,}"


LABELS = {
    "km": "`npcsurv km`",
    "logrank": "`npcsurv logrank --group`",
    "cox": "`npcsurv cox`, {} covariates",
}


def label(task, covariates):
    return LABELS[task].format(len(covariates))


def csv_markdown(results, peers):
    lines = [
        f"CSV, {rows_label(results['rows'])} rows ({results['size_mb']:.0f} MB; time in whole "
        "days, event, group, x1..x5); each command a whole process (npcsurv with "
        "`--format json`), best of the runs for time, the largest of the runs for peak RSS.",
        "",
        "| command | npcsurv wall | npcsurv RSS | peer wall (whole process) | peer read+fit "
        "| peer RSS | ratio (whole process) | ratio (read+fit) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for task, entry in results["commands"].items():
        ours = entry["npcsurv"]
        cells = [label(task, CSV_COVARIATES), seconds(ours["wall_s"]), mb(ours["rss_mb"])]
        peer = entry.get("peer")
        if peer:
            cells += [seconds(peer["wall_s"]), seconds(peer["read_fit_s"]), mb(peer["rss_mb"]),
                      ratio(peer["wall_s"], ours["wall_s"]),
                      ratio(peer["read_fit_s"], ours["wall_s"])]
        else:
            cells += ["–"] * 5
        lines.append("| " + " | ".join(cells) + " |")
    polars = results["polars_read"]
    lines += [
        "",
        f"polars alone reading all 8 columns of the file: {seconds(polars['wall_s'])}, "
        f"{mb(polars['rss_mb'])}.",
    ]
    if peers:
        versions = next(iter(results["commands"].values()))["peer"]["versions"]
        lines += [
            "",
            f"The peer: pandas {versions['pandas']} `read_csv` (the columns used) + lifelines "
            f"{versions['lifelines']} (`KaplanMeierFitter`, `multivariate_logrank_test`, "
            "`CoxPHFitter`, Efron ties). Ratios are the peer's time over npcsurv's whole "
            "process; read+fit leaves out Python's start-up and imports.",
            "",
            "Sanity check, npcsurv | lifelines: " + "; ".join(
                check(task, entry) for task, entry in results["commands"].items()) + ".",
        ]
    return "\n".join(lines)


def check(task, entry):
    ours, theirs = entry["npcsurv"]["key"], entry["peer"]["key"]
    if task == "km":
        return f"median {ours['median']} | {theirs['median']}"
    if task == "logrank":
        return f"log-rank χ² {ours['chisq']:.6g} | {theirs['chisq']:.6g}"
    differences = [abs(ours["coef"][n] - theirs["coef"][n]) for n in CSV_COVARIATES]
    return f"Cox coefficients differ by at most {max(differences):.2g}"


def scale_markdown(results):
    lines = [
        "Parquet (time, event, group, x1, x2): each command beside polars alone reading the "
        "same columns from the same file (`polars_read --columns`: the file read in place, "
        "only the columns asked for decoded, as npcsurv reads it), each a whole process, best of the runs for "
        "time, the largest of the runs for peak RSS; ratios are npcsurv over polars. "
        f"Files of {rows_label(BIG)} rows or more are run --big-runs times (see the JSON's "
        "`runs`).",
        "",
        "| rows | file | command | polars read | polars RSS | npcsurv | npcsurv RSS "
        "| wall ratio | RSS ratio |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for entry in results:
        for task, c in entry["commands"].items():
            polars, ours = c["polars_read"], c["npcsurv"]
            lines.append("| " + " | ".join([
                rows_label(entry["rows"]), mb(entry["size_mb"]), label(task, SCALE_COVARIATES),
                seconds(polars["wall_s"]), mb(polars["rss_mb"]),
                seconds(ours["wall_s"]), mb(ours["rss_mb"]),
                ratio(ours["wall_s"], polars["wall_s"]), ratio(ours["rss_mb"], polars["rss_mb"]),
            ]) + " |")
    return "\n".join(lines)


def header(m, runs):
    return (f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB memory; "
            f"{m['date']}; {m['rustc']}; best of {runs} runs.")


def main(argv):
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    logs = args.out / "logs"
    logs.mkdir(exist_ok=True)
    if args.install_peers:
        args.python = install_peers(args.out)
    if args.peers and not args.skip_csv and not args.python.exists():
        sys.exit(f"error: no Python at {args.python} for the peers; "
                 "give --python or --install-peers")
    binaries = build()
    report = {"machine": machine(), "runs": args.runs}
    sections = [header(report["machine"], args.runs)]
    if not args.skip_csv:
        report["csv"] = csv_comparison(args, binaries, logs)
        sections.append(csv_markdown(report["csv"], args.peers))
    if not args.skip_scale:
        report["scale"] = scale_table(args, binaries, logs)
        sections.append(scale_markdown(report["scale"]))
    markdown = "\n\n".join(sections) + "\n"
    (args.out / "e2e.md").write_text(markdown)
    (args.out / "e2e.json").write_text(json.dumps(report, indent=2) + "\n")
    print(markdown)
    print(f"wrote {args.out / 'e2e.md'} and {args.out / 'e2e.json'}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])

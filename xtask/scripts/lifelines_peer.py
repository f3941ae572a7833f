"""The peer of `cargo xtask e2e`: pandas + lifelines on the benchmark's CSV.

    python lifelines_peer.py km|logrank|cox FILE

Run as its own process by e2e.py with a Python that has pandas and lifelines.
Reads the file with pandas.read_csv (only the columns the task uses, as npcsurv
parses only the columns it uses), fits, and prints one JSON line: the seconds
spent importing pandas and lifelines, reading and fitting (measured in
process), and the key numbers of the fit, for a sanity check against npcsurv.
"""

import json
import sys
import time

start = time.perf_counter()
import lifelines  # noqa: E402
import pandas as pd  # noqa: E402
from lifelines import CoxPHFitter, KaplanMeierFitter  # noqa: E402
from lifelines.statistics import multivariate_logrank_test  # noqa: E402

COVARIATES = ["group", "x1", "x2", "x3", "x4", "x5"]
COLUMNS = {
    "km": ["time", "event"],
    "logrank": ["time", "event", "group"],
    "cox": ["time", "event"] + COVARIATES,
}


def km(df):
    fit = KaplanMeierFitter().fit(df["time"], df["event"])
    return {"median": float(fit.median_survival_time_)}


def logrank(df):
    test = multivariate_logrank_test(df["time"], df["group"], df["event"])
    return {"chisq": float(test.test_statistic)}


def cox(df):
    fit = CoxPHFitter().fit(df, duration_col="time", event_col="event")
    return {"coef": {name: float(fit.params_[name]) for name in COVARIATES}}


def main():
    task, path = sys.argv[1], sys.argv[2]
    fitters = {"km": km, "logrank": logrank, "cox": cox}
    if task not in fitters:
        sys.exit(f"unknown task {task!r}: expected km, logrank or cox")
    imported = time.perf_counter()
    df = pd.read_csv(path, usecols=COLUMNS[task])
    read = time.perf_counter()
    key = fitters[task](df)
    fitted = time.perf_counter()
    print(
        json.dumps(
            {
                "task": task,
                "rows": len(df),
                "import_s": imported - start,
                "read_s": read - imported,
                "fit_s": fitted - read,
                "key": key,
                "versions": {"pandas": pd.__version__, "lifelines": lifelines.__version__},
            }
        )
    )


if __name__ == "__main__":
    main()

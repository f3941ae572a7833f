# Times R's survival on the engine benchmark's 10^6-row cohorts, for the
# README's comparison with `cargo xtask bench`.
#
#   cargo xtask bench -- --max 1000000 --write-csv DIR
#   Rscript xtask/scripts/r_timings.R DIR [ROWS]
#
# Each fit is what the benchmark times: the Kaplan-Meier curve with its
# intervals (survfit), the log-rank test by group (survdiff), and the Cox
# model with 6 covariates, Efron ties, concordance included (coxph). Median
# elapsed seconds of 5 runs (3 for coxph); reading the CSV is not timed.
suppressPackageStartupMessages(library(survival))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: Rscript r_timings.R DIR [ROWS]")
dir <- args[1]
rows <- if (length(args) >= 2) args[2] else "1000000"

elapsed <- function(runs, f) {
  times <- vapply(seq_len(runs), function(i) system.time(f())[["elapsed"]], 0)
  median(times)
}

cat(sprintf("R %s, survival %s\n\n", getRversion(), packageVersion("survival")))
cat("| data | survfit (s) | survdiff (s) | coxph (s) |\n|---|---:|---:|---:|\n")
for (name in c("whole_days", "continuous")) {
  d <- read.csv(file.path(dir, sprintf("%s_%s.csv", name, rows)))
  km <- elapsed(5, function() survfit(Surv(time, status) ~ 1, data = d))
  lr <- elapsed(5, function() survdiff(Surv(time, status) ~ group, data = d))
  cox <- "—"
  if (name == "whole_days") {
    x <- read.csv(file.path(dir, sprintf("cox_%s.csv", rows)))
    cox <- sprintf("%.2f", elapsed(3, function() {
      coxph(Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + x6, data = x, ties = "efron")
    }))
  }
  cat(sprintf("| %s | %.2f | %.2f | %s |\n", name, km, lr, cox))
}

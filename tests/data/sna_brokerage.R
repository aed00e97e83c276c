# Reference Gould–Fernandez brokerage scores from R's sna::brokerage.
#
# Writes tests/data/sna_brokerage.json: for each fixed graph, its arcs, the
# group of every vertex and everything sna::brokerage returns (raw, expected,
# standard deviation and z-score of every role, per vertex, per group and for
# the whole graph). tests/test_brokerage.py checks kg.analysis.brokerage against the
# JSON without R, and re-runs this script with Rscript to check that the JSON
# is what the installed sna computes.
#
#   Rscript tests/data/sna_brokerage.R [OUT.json]      (default: stdout)
#
# Needs Debian's r-base-core and r-cran-sna (.ci/run installs them). The
# graphs: the example of sna's own help page (?brokerage: rgraph(15),
# cl <- rep(1:3, 5)) drawn with a fixed seed; an undirected graph with a
# singleton group (standard deviations of 0, z-scores NaN); a sparse directed
# graph with reciprocated ties and five groups of unequal size; and a small
# hand-drawn triple-helix graph with named vertices and string groups.

suppressMessages(library(sna))

# NaN and ±Infinity as the literals Python's json module reads.
num <- function(x) {
  if (is.nan(x)) return("NaN")
  if (is.infinite(x)) return(if (x > 0) "Infinity" else "-Infinity")
  sprintf("%.17g", x)
}
vec <- function(x) paste0("[", paste(vapply(x, num, ""), collapse = ", "), "]")
mat <- function(m) paste0("[", paste(apply(m, 1, vec), collapse = ",\n      "), "]")
str <- function(x) paste0("[", paste0('"', x, '"', collapse = ", "), "]")

case <- function(name, g, cl, directed, labels = NULL) {
  b <- brokerage(g, cl)
  N <- nrow(g)
  if (is.null(labels)) labels <- as.character(seq_len(N) - 1)
  arcs <- which(g != 0, arr.ind = TRUE)
  arcs <- arcs[order(arcs[, 1], arcs[, 2]), , drop = FALSE]
  if (!directed) arcs <- arcs[arcs[, 1] < arcs[, 2], , drop = FALSE]
  edges <- paste0("[", paste(apply(arcs, 1, function(a)
    paste0('["', labels[a[1]], '", "', labels[a[2]], '"]')), collapse = ", "), "]")
  paste0(
    '  "', name, '": {\n',
    '    "directed": ', tolower(directed), ',\n',
    '    "nodes": ', str(labels), ',\n',
    '    "groups": ', str(as.character(cl)), ',\n',
    '    "edges": ', edges, ',\n',
    '    "columns": ', str(colnames(b$raw.nli)), ',\n',
    '    "raw_nli": ', mat(b$raw.nli), ',\n',
    '    "exp_nli": ', mat(b$exp.nli), ',\n',
    '    "sd_nli": ', mat(b$sd.nli), ',\n',
    '    "z_nli": ', mat(b$z.nli), ',\n',
    '    "clid": ', str(as.character(b$clid)), ',\n',
    '    "exp_grp": ', mat(b$exp.grp), ',\n',
    '    "sd_grp": ', mat(b$sd.grp), ',\n',
    '    "raw_gli": ', vec(b$raw.gli), ',\n',
    '    "exp_gli": ', vec(b$exp.gli), ',\n',
    '    "sd_gli": ', vec(b$sd.gli), ',\n',
    '    "z_gli": ', vec(b$z.gli), '\n',
    '  }')
}

cases <- character()

# 1. The example of ?brokerage, with a seed so it can be reproduced.
set.seed(1989)
g <- rgraph(15)
cases <- c(cases, case("sna_help_example", g, rep(1:3, 5), TRUE))

# 2. Undirected, four groups, one of them a single vertex.
set.seed(7)
g <- rgraph(12, mode = "graph", tprob = 0.3)
cases <- c(cases, case("undirected_singleton_group", g,
                       c(1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4), FALSE))

# 3. Sparse directed graph, reciprocated ties, five groups of unequal size.
set.seed(42)
g <- rgraph(40, tprob = 0.08)
g[cbind(1:10, 11:20)] <- 1
g[cbind(11:20, 1:10)] <- 1
cases <- c(cases, case("sparse_directed_five_groups", g,
                       rep(c("a", "b", "c", "d", "e"), c(10, 15, 5, 9, 1)), TRUE))

# 4. A hand-drawn triple-helix network with named vertices.
labels <- c("uni", "dept", "tto", "firm1", "firm2", "park", "gov", "lab")
cl <- c("university", "university", "intermediary", "industry", "industry",
        "government", "government", "intermediary")
g <- matrix(0, 8, 8, dimnames = list(labels, labels))
arc <- function(g, a, b) { g[a, b] <- 1; g }
for (p in list(c("dept", "uni"), c("uni", "tto"), c("tto", "uni"),
               c("tto", "firm1"), c("tto", "firm2"), c("firm1", "firm2"),
               c("park", "tto"), c("gov", "park"), c("lab", "dept"),
               c("lab", "firm1"), c("firm2", "park"), c("dept", "tto")))
  g <- arc(g, p[1], p[2])
cases <- c(cases, case("triple_helix_named", g, cl, TRUE, labels))

json <- paste0('{\n"sna_version": "', as.character(packageVersion("sna")),
               '",\n"cases": {\n', paste(cases, collapse = ",\n"), "\n}\n}\n")
args <- commandArgs(trailingOnly = TRUE)
if (length(args) >= 1) writeLines(json, args[1], sep = "") else cat(json)

//! Result schema, aggregation, baselines and plots. Populated by the
//! harness issue.

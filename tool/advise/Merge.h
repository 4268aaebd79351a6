//===--- Merge.h - concur-advise merge --------------------------*- C++ -*-===//
//
// Combines the databases of a sharded run. A sharded run has two phases,
// each of which runs on N machines in parallel:
//
//  1. Each shard analyses its slice of the units into its own database;
//     `merge` combines them and links the whole program. Units whose checks
//     looked up facts from other shards now have stale findings.
//  2. Each shard re-checks its own stale units against the merged database
//     (--recheck-into), writing only their findings; `merge` puts them into
//     a copy of the merged database, which then holds what a single run
//     would have.
//
// Both merges check that their inputs fit: one version, one project, every
// shard once.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_MERGE_H
#define CONCUR_TOOL_ADVISE_MERGE_H

#include "Options.h"

namespace concur::advise {

/// Runs `concur-advise merge`: summaries databases into a linked one, or a
/// linked one and the findings its shards re-checked into a final one.
/// Returns the exit status.
int runMerge(const MergeOptions &Opts);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_MERGE_H

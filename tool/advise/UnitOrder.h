//===--- UnitOrder.h - The order in which units are analysed ----*- C++ -*-===//
//
// Each unit's checks see the facts of the units analysed before it (see
// IncrementalLinker), and a unit that saw everything it uses is not parsed a
// second time after linking. So units are analysed callees first. Which unit
// calls into which is guessed before any is parsed, from a raw lexing of the
// main files: a name used in one file and defined in another.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_UNITORDER_H
#define CONCUR_TOOL_ADVISE_UNITORDER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace concur::advise {

struct UnitPlan {
  /// The units, those they call into first as far as cycles allow.
  std::vector<std::string> Order;
  /// For each unit of Order, the positions of the units before it that it
  /// calls into: those should be done before it starts.
  std::vector<std::vector<unsigned>> Needs;
  /// For each unit of Order, the positions of all the units it calls into.
  std::vector<std::vector<unsigned>> Calls;
};

/// Plans \p Units (main files); a file that cannot be read needs nothing.
UnitPlan planUnits(llvm::ArrayRef<std::string> Units);

/// The names of the functions defined in \p Source (outside other functions'
/// bodies), and the names it calls or passes as arguments. Exposed for
/// tests.
void scanNames(llvm::StringRef Source, std::vector<std::string> &Defined,
               std::vector<std::string> &Used);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_UNITORDER_H

//===--- Baseline.cpp - Accepted findings ---------------------------------===//

#include "Baseline.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include <map>

using namespace llvm;

namespace concur::advise {

Error writeBaseline(const Report &R, StringRef Path) {
  json::Array Entries;
  for (const FindingRecord &F : R.Findings)
    Entries.push_back(json::Object{{"fingerprint", F.fingerprint()},
                                   {"check", F.Check},
                                   {"file", F.At.File},
                                   {"line", F.At.Line},
                                   {"function", F.Function},
                                   {"message", F.Message}});
  std::error_code EC;
  raw_fd_ostream OS(Path, EC);
  if (EC)
    return createStringError(EC, "cannot write baseline '%s': %s",
                             Path.str().c_str(), EC.message().c_str());
  OS << formatv("{0:2}",
                json::Value(json::Object{{"schema", "concur-advise-baseline/1"},
                                         {"findings", std::move(Entries)}}))
     << "\n";
  return Error::success();
}

Error applyBaseline(Report &R, StringRef Path) {
  auto Buffer = MemoryBuffer::getFile(Path);
  if (!Buffer)
    return createStringError(Buffer.getError(), "cannot read baseline '%s': %s",
                             Path.str().c_str(),
                             Buffer.getError().message().c_str());
  return applyBaselineText(R, (*Buffer)->getBuffer(), Path);
}

Error applyBaselineText(Report &R, StringRef Text, StringRef Path) {
  Expected<json::Value> V = json::parse(Text);
  if (!V)
    return createStringError(
        inconvertibleErrorCode(), "baseline '%s' is not valid JSON: %s",
        Path.str().c_str(), toString(V.takeError()).c_str());
  const json::Object *Top = V->getAsObject();
  const json::Array *Entries = Top ? Top->getArray("findings") : nullptr;
  if (!Top || Top->getString("schema") != "concur-advise-baseline/1" ||
      !Entries)
    return createStringError(inconvertibleErrorCode(),
                             "'%s' is not a concur-advise baseline (expected "
                             "schema concur-advise-baseline/1)",
                             Path.str().c_str());
  std::map<std::string, unsigned> Accepted;
  for (const json::Value &E : *Entries)
    if (const json::Object *O = E.getAsObject())
      if (std::optional<StringRef> Fp = O->getString("fingerprint"))
        ++Accepted[Fp->str()];
  std::vector<FindingRecord> Kept;
  for (FindingRecord &F : R.Findings) {
    auto It = Accepted.find(F.fingerprint());
    if (It != Accepted.end() && It->second > 0) {
      --It->second;
      ++R.Hidden;
      continue;
    }
    Kept.push_back(std::move(F));
  }
  R.Findings = std::move(Kept);
  return Error::success();
}

} // namespace concur::advise

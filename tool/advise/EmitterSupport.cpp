//===--- EmitterSupport.cpp - What several emitters share -----------------===//

#include "EmitterSupport.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace concur::advise {

std::string fileUri(StringRef Path) {
  std::string Out = "file://";
  for (char C : Path) {
    if (isAlnum(C) || StringRef("/-_.~").contains(C))
      Out += C;
    else
      Out += "%" + utohexstr(uint8_t(C), /*LowerCase=*/false, 2);
  }
  return Out;
}

std::string sourceLine(StringRef File, unsigned Line) {
  auto Buffer = MemoryBuffer::getFile(File);
  if (!Buffer)
    return "";
  StringRef Text = (*Buffer)->getBuffer();
  for (unsigned I = 1; I < Line && !Text.empty(); ++I)
    Text = Text.split('\n').second;
  return Text.split('\n').first.rtrim("\r").str();
}

std::vector<std::pair<unsigned, std::string>>
sourceExcerpt(StringRef File, unsigned From, unsigned To) {
  std::vector<std::pair<unsigned, std::string>> Out;
  auto Buffer = MemoryBuffer::getFile(File);
  if (!Buffer)
    return Out;
  StringRef Text = (*Buffer)->getBuffer();
  for (unsigned I = 1; !Text.empty() && I <= To; ++I) {
    auto [Line, Rest] = Text.split('\n');
    if (I >= From)
      Out.push_back({I, Line.rtrim("\r").str()});
    Text = Rest;
  }
  return Out;
}

FunctionCounts countFunctions(const Report &R) {
  FunctionCounts Counts;
  for (const FunctionRecord &F : R.Functions) {
    ++Counts.ByClass[toString(F.S.Class.Class).str()];
    ++Counts.ByModel[F.Model];
    ++Counts.ByCallersModel[F.CallersModel];
  }
  return Counts;
}

llvm::json::Object measuredObject(const MeasuredRecord &M) {
  llvm::json::Object OffCpu;
  for (const auto &[Reason, Ms] : M.OffCpuByReason)
    OffCpu[Reason] = Ms;
  return llvm::json::Object{
      {"class", M.Class},         {"confidence", M.Confidence},
      {"joined_by", M.JoinedBy},  {"off_cpu_by_reason", std::move(OffCpu)},
      {"off_cpu_ms", M.OffCpuMs}, {"on_cpu_ms", M.OnCpuMs},
      {"overrides", M.Overrides}, {"static_class", M.StaticClass}};
}

} // namespace concur::advise

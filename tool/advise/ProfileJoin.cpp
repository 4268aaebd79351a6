//===--- ProfileJoin.cpp - A run's measurements beside the advice ---------===//

#include "ProfileJoin.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include <algorithm>

using namespace llvm;

namespace concur::advise {

Expected<std::vector<ProfiledFunction>> loadProfile(StringRef Path) {
  auto Fail = [&](const Twine &Why) {
    return createStringError("cannot read the profile '" + Path + "': " + Why);
  };
  auto Buffer = MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buffer)
    return Fail(Buffer.getError().message());
  Expected<json::Value> Root = json::parse((*Buffer)->getBuffer());
  if (!Root)
    return Fail(toString(Root.takeError()));
  const json::Object *Top = Root->getAsObject();
  if (!Top || Top->getString("schema") != StringRef("concur-profile/1"))
    return Fail("not a concur-profile/1 file (written by concur-profile)");
  const json::Array *Functions = Top->getArray("functions");
  if (!Functions)
    return Fail("no \"functions\" array");
  std::vector<ProfiledFunction> Out;
  for (const json::Value &V : *Functions) {
    const json::Object *F = V.getAsObject();
    const json::Object *Measured = F ? F->getObject("measured") : nullptr;
    if (!F || !Measured || !F->getString("symbol") || !F->getString("file") ||
        !F->getInteger("line") || !Measured->getString("class"))
      return Fail("function " + Twine(Out.size()) +
                  " lacks symbol, file, line or measured.class");
    ProfiledFunction P;
    P.Symbol = F->getString("symbol")->str();
    P.File = F->getString("file")->str();
    P.Line = unsigned(*F->getInteger("line"));
    P.Class = Measured->getString("class")->str();
    P.Confidence = Measured->getNumber("confidence").value_or(0);
    P.OnCpuMs = F->getNumber("on_cpu_ms").value_or(0);
    P.OffCpuMs = F->getNumber("off_cpu_ms").value_or(0);
    P.Samples = F->getInteger("on_cpu_samples").value_or(0) +
                F->getInteger("off_cpu_samples").value_or(0);
    if (const json::Object *Reasons = F->getObject("off_cpu_by_reason"))
      for (const auto &[Reason, Ms] : *Reasons)
        P.OffCpuByReason[Reason.str()] = Ms.getAsNumber().value_or(0);
    if (const json::Object *Via = F->getObject("off_cpu_via"))
      for (const auto &[Name, Ms] : *Via)
        P.OffCpuVia[Name.str()] = Ms.getAsNumber().value_or(0);
    Out.push_back(std::move(P));
  }
  return Out;
}

/// "ns::f(int) const" -> "ns::f": the qualified name the analysis uses.
static StringRef qualifiedName(StringRef Symbol) {
  if (!Symbol.ends_with(")") && !Symbol.ends_with("const"))
    return Symbol;
  int Depth = 0;
  for (size_t I = Symbol.size(); I-- > 0;) {
    if (Symbol[I] == ')')
      ++Depth;
    else if (Symbol[I] == '(' && --Depth == 0)
      return Symbol.take_front(I);
  }
  return Symbol;
}

/// What the run says about a function, in one line.
static std::string describe(const ProfiledFunction &P) {
  double Total = P.OnCpuMs + P.OffCpuMs;
  std::string Out =
      formatv("{0:f1} ms on-CPU, {1:f1} ms off-CPU", P.OnCpuMs, P.OffCpuMs)
          .str();
  if (Total > 0 && P.OffCpuMs > 0 && !P.OffCpuByReason.empty()) {
    auto Top = std::max_element(
        P.OffCpuByReason.begin(), P.OffCpuByReason.end(),
        [](const auto &A, const auto &B) { return A.second < B.second; });
    Out += formatv(" ({0:f0}% of its time blocked in {1}",
                   100 * Top->second / Total, Top->first)
               .str();
    auto Via = std::max_element(
        P.OffCpuVia.begin(), P.OffCpuVia.end(),
        [](const auto &A, const auto &B) { return A.second < B.second; });
    if (Via != P.OffCpuVia.end() && !Via->first.empty() &&
        Via->first != Top->first)
      Out += " via " + Via->first;
    Out += ")";
  }
  return Out;
}

void joinProfile(Report &R, ArrayRef<ProfiledFunction> Profile,
                 const JoinOptions &Opts) {
  // By file and line of the definition; by qualified name when it is
  // unique in the profile. Of two entries for one function (the same
  // source in two programs), the one with more samples.
  std::map<std::pair<std::string, unsigned>, const ProfiledFunction *> ByLine;
  std::map<std::string, const ProfiledFunction *> ByName;
  std::map<std::string, unsigned> NameCount;
  for (const ProfiledFunction &P : Profile) {
    if (!P.File.empty() && P.Line) {
      const ProfiledFunction *&Slot = ByLine[{P.File, P.Line}];
      if (!Slot || Slot->Samples < P.Samples)
        Slot = &P;
    }
    std::string Name = qualifiedName(P.Symbol).str();
    ByName[Name] = &P;
    ++NameCount[Name];
  }
  for (FunctionRecord &F : R.Functions) {
    const ProfiledFunction *P = nullptr;
    std::string JoinedBy = "file:line";
    auto Line = ByLine.find({F.S.File, F.S.Line});
    if (Line != ByLine.end()) {
      P = Line->second;
    } else if (NameCount[F.S.QualifiedName] == 1) {
      P = ByName[F.S.QualifiedName];
      JoinedBy = "name";
    }
    if (!P)
      continue;
    MeasuredRecord M;
    M.Class = P->Class;
    M.Confidence = P->Confidence;
    M.OnCpuMs = P->OnCpuMs;
    M.OffCpuMs = P->OffCpuMs;
    M.OffCpuByReason = P->OffCpuByReason;
    M.JoinedBy = JoinedBy;
    M.StaticClass = toString(F.S.Class.Class).str();
    // A static 'trivial' is about one call; the run sums every call, so a
    // cheap function called often is not a disagreement.
    bool Disagrees = M.Class != M.StaticClass && M.StaticClass != "trivial" &&
                     M.Confidence >= ConfidentMeasurement;
    if (Disagrees && Opts.Overrides) {
      for (unsigned C = 0; C < 4; ++C)
        if (toString(WorkloadClass(C)) == M.Class)
          F.S.Class.Class = WorkloadClass(C);
      M.Overrides = true;
    }
    if (Disagrees && Opts.Findings) {
      FindingRecord Finding;
      Finding.Check = "concur-profile-disagrees";
      Finding.Severity = "remark";
      Finding.At = {F.S.File, F.S.Line, F.S.Column};
      Finding.Function = F.S.QualifiedName;
      Finding.Message =
          formatv("static class of '{0}': {1}; measured in the run: {2}, {3} "
                  "(confidence {4:f2})",
                  F.S.QualifiedName, M.StaticClass, M.Class, describe(*P),
                  M.Confidence)
              .str();
      if (M.Overrides)
        Finding.Notes.push_back(
            {Finding.At, "the measured class replaces the static one "
                         "(--profile-overrides): the row for calling '" +
                             F.S.QualifiedName +
                             "' concurrently follows the run"});
      R.Findings.push_back(std::move(Finding));
    }
    F.Measured = std::move(M);
  }
  // Findings stay ordered by file, line, column and check.
  std::stable_sort(R.Findings.begin(), R.Findings.end(),
                   [](const FindingRecord &A, const FindingRecord &B) {
                     return std::tie(A.At.File, A.At.Line, A.At.Column,
                                     A.Check) < std::tie(B.At.File, B.At.Line,
                                                         B.At.Column, B.Check);
                   });
}

} // namespace concur::advise

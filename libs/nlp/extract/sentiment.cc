#include "libs/nlp/extract/sentiment.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/nlp/model_io.h"
#include "libs/nlp/string_compat.h"
#include "libs/nlp/unicode_util.h"

namespace korpus::nlp {
namespace {

// Negators the lexicon lists only in another form, or not at all.
constexpr std::string_view kNegators[] = {
    "nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals",
    "nichts", "ohne", "kaum", "weder", "keineswegs", "keinesfalls", "nirgends", "niemand",
};

// SHI entries of germanlex that are not negators in news text.
constexpr std::string_view kNotNegators[] = {"einzigartig", "korrigierbare", "weniger"};

template <size_t N>
bool In(const std::string_view (&list)[N], std::string_view word) {
  return std::find(std::begin(list), std::end(list), word) != std::end(list);
}

bool EndsClause(std::string_view lower) {
  return lower == "," || lower == ";" || lower == ":" || lower == "." || lower == "!" ||
         lower == "?" || lower == "aber" || lower == "doch" || lower == "sondern" ||
         lower == "jedoch" || lower == "–" || lower == "-";
}

SentimentLabel LabelOf(double score, double band) {
  if (score > band) return SentimentLabel::kPositive;
  if (score < -band) return SentimentLabel::kNegative;
  return SentimentLabel::kNeutral;
}

// Priority of a germanlex qualifier when a word is listed twice.
int Rank(SentimentLexicon::Kind kind) {
  switch (kind) {
    case SentimentLexicon::Kind::kPolar: return 3;
    case SentimentLexicon::Kind::kIntensifier: return 2;
    case SentimentLexicon::Kind::kShifter: return 1;
  }
  return 0;
}

}  // namespace

std::string_view SentimentLabelName(SentimentLabel label) {
  switch (label) {
    case SentimentLabel::kNegative: return "negative";
    case SentimentLabel::kNeutral: return "neutral";
    case SentimentLabel::kPositive: return "positive";
  }
  return "unknown";
}

absl::StatusOr<SentimentLexicon> SentimentLexicon::FromGermanlexCsv(std::string_view csv) {
  SentimentLexicon lexicon;
  // std::map: a deterministic order for conflicts and for Save().
  std::map<std::string, std::vector<Entry>> seen;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(ToAbsl(csv), '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.substr(0, 2) == "%%" || line_number == 1) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
    if (fields.size() != 4 || fields[0].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("germanlex line ", line_number, " has ", fields.size(),
                       " fields; expected word,qualifier,polarity_strength,pos"));
    }
    Entry entry;
    entry.verb = fields[3] == "verben" || fields[3] == "verb";
    float strength = 0;
    const bool has_strength = absl::SimpleAtof(fields[2], &strength);
    if (fields[1] == "POS" || fields[1] == "NEG") {
      if (!has_strength || strength <= 0) strength = 0.5f;
      strength = std::min(strength, 1.0f);
      entry.kind = Kind::kPolar;
      entry.value = fields[1] == "POS" ? strength : -strength;
    } else if (fields[1] == "INT") {
      if (!has_strength || strength <= 0) continue;
      entry.kind = Kind::kIntensifier;
      entry.value = strength;
    } else if (fields[1] == "SHI") {
      entry.kind = Kind::kShifter;
    } else {
      continue;  // NEU and stray qualifiers
    }
    seen[LowercaseUtf8(ToStd(fields[0]))].push_back(entry);
  }
  for (auto& [word, entries] : seen) {
    Entry best = entries[0];
    bool conflict = false;
    for (const Entry& e : entries) {
      if (e.kind == Kind::kPolar && best.kind == Kind::kPolar &&
          (e.value > 0) != (best.value > 0)) {
        conflict = true;
      }
      if (Rank(e.kind) > Rank(best.kind) ||
          (e.kind == best.kind && std::abs(e.value) > std::abs(best.value))) {
        best = e;
      }
    }
    if (!conflict) lexicon.entries_.emplace(word, best);
  }
  return lexicon;
}

absl::Status SentimentLexicon::Save(const std::string& path) const {
  std::vector<std::pair<std::string, Entry>> sorted(entries_.begin(), entries_.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  ModelWriter writer(kMagic, kVersion);
  writer.U32(static_cast<uint32_t>(sorted.size()));
  for (const auto& [word, entry] : sorted) {
    writer.Str(word);
    writer.U8(static_cast<uint8_t>(entry.kind) | (entry.verb ? 0x80 : 0));
    writer.F32(entry.value);
  }
  return writer.WriteTo(path);
}

absl::StatusOr<SentimentLexicon> SentimentLexicon::Load(const std::string& path) {
  absl::StatusOr<ModelReader> reader = ModelReader::Open(path, kMagic, kVersion);
  if (!reader.ok()) return reader.status();
  SentimentLexicon lexicon;
  uint32_t count = 0;
  if (!reader->U32(count) || count > 10'000'000) return reader->Corrupt();
  lexicon.entries_.reserve(count);
  for (uint32_t k = 0; k < count; ++k) {
    std::string word;
    uint8_t kind = 0;
    Entry entry;
    if (!reader->Str(word) || !reader->U8(kind) || !reader->F32(entry.value)) {
      return reader->Corrupt();
    }
    entry.verb = (kind & 0x80) != 0;
    kind &= 0x7F;
    if (kind > 2 || !std::isfinite(entry.value)) return reader->Corrupt();
    entry.kind = static_cast<Kind>(kind);
    lexicon.entries_.emplace(std::move(word), entry);
  }
  if (!reader->AtEnd()) return reader->Corrupt();
  return lexicon;
}

const SentimentLexicon::Entry* SentimentLexicon::Find(std::string_view lower) const {
  auto it = entries_.find(ToAbsl(lower));
  return it == entries_.end() ? nullptr : &it->second;
}

DocumentSentiment AnalyzeSentiment(std::string_view text, const AnalyzedText& analysis,
                                   const SentimentLexicon& lexicon,
                                   const SentimentOptions& options) {
  DocumentSentiment result;
  result.sentences.reserve(analysis.sentences.size());
  const bool has_words = analysis.token_words.size() == analysis.tokens.size() + 1;
  double document_sum = 0;
  int polar_sentences = 0;

  struct Contribution {
    double value;
    bool verb;
  };
  std::vector<Contribution> clause;  // polar words of the current clause
  for (const Sentence& sentence : analysis.sentences) {
    double sum = 0;
    int polar = 0;
    clause.clear();
    int negate_left = 0;         // words still under a preceding negator
    double multiplier = 1;       // pending intensifier
    int multiplier_left = 0;
    double magnitude = 0;
    auto close_clause = [&] {
      for (const Contribution& c : clause) {
        sum += c.value;
        magnitude += std::abs(c.value);
      }
      clause.clear();
      negate_left = 0;
      multiplier_left = 0;
    };
    const uint32_t first_word = has_words ? analysis.token_words[sentence.first_token] : 0;
    const uint32_t end_word =
        has_words ? analysis.token_words[sentence.first_token + sentence.token_count] : 0;
    for (uint32_t w = first_word; w < end_word; ++w) {
      const Word& word = analysis.words[w];
      const std::string form = LowercaseUtf8(word.form);
      if (EndsClause(form)) {
        close_clause();
        continue;
      }
      if (word.upos == "PROPN") continue;  // names are not opinions
      const std::string lemma =
          (word.lemma.empty() || word.lemma == "_") ? form : LowercaseUtf8(word.lemma);
      const SentimentLexicon::Entry* entry = lexicon.Find(lemma);
      if (entry == nullptr && lemma != form) entry = lexicon.Find(form);
      const bool negator =
          In(kNegators, lemma) || In(kNegators, form) ||
          (entry != nullptr && entry->kind == SentimentLexicon::Kind::kShifter && !entry->verb &&
           !In(kNotNegators, lemma));
      if (negator) {
        if (!options.negation) continue;
        // "nicht nur", "nicht zuletzt": no negation.
        if (form == "nicht" && w + 1 < end_word) {
          const std::string& next = analysis.words[w + 1].form;
          if (next == "nur" || next == "zuletzt" || next == "minder") continue;
        }
        // "Wir mögen das nicht": a polar verb before the negator.
        if (!clause.empty() && clause.back().verb) {
          clause.back().value = -clause.back().value;
        } else {
          negate_left = 4;
        }
        continue;
      }
      if (entry == nullptr) {
        if (negate_left > 0) --negate_left;
        if (multiplier_left > 0) --multiplier_left;
        continue;
      }
      switch (entry->kind) {
        case SentimentLexicon::Kind::kShifter:
          // A shifting verb: "Die Krise ist beendet".
          if (options.negation) {
            for (Contribution& c : clause) c.value = -c.value;
          }
          break;
        case SentimentLexicon::Kind::kIntensifier:
          if (options.intensifiers) {
            multiplier = std::clamp(static_cast<double>(entry->value), 0.5, 2.0);
            multiplier_left = 2;
          }
          break;
        case SentimentLexicon::Kind::kPolar: {
          double value = entry->value;
          if (multiplier_left > 0) value *= multiplier;
          if (negate_left > 0) value = -value;
          clause.push_back(Contribution{value, word.upos == "VERB"});
          ++polar;
          multiplier_left = 0;
          break;
        }
      }
      if (negate_left > 0) --negate_left;
    }
    close_clause();
    Sentiment s;
    s.score = std::tanh(sum);
    s.label = LabelOf(s.score, options.neutral_band);
    s.polar_words = polar;
    s.magnitude = magnitude;
    result.sentences.push_back(s);
    if (polar > 0) {
      document_sum += s.score;
      ++polar_sentences;
    }
    result.document.polar_words += polar;
    result.document.magnitude += magnitude;
  }
  result.document.score = polar_sentences > 0 ? document_sum / polar_sentences : 0;
  result.document.label = LabelOf(result.document.score, options.neutral_band);
  (void)text;
  return result;
}

}  // namespace korpus::nlp

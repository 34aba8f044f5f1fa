#include "libs/nlp/ud_eval.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/nlp/string_compat.h"

namespace korpus::nlp {
namespace {

struct Span {
  size_t start = 0;
  size_t end = 0;  // one past the last character
};

struct EvalWord {
  Span span;  // for a word in a multiword token: the span of the whole token
  bool is_multiword = false;
  const ConlluRow* row = nullptr;
  std::string lowered_form;
  std::string universal_feats;
};

struct Representation {
  std::string characters;
  std::vector<Span> tokens;
  std::vector<Span> sentences;
  std::vector<EvalWord> words;
};

constexpr std::string_view kUniversalFeatures[] = {
    "PronType", "NumType", "Poss",  "Reflex", "Foreign", "Abbr",   "Gender",
    "Animacy",  "Number",  "Case",  "Definite", "Degree", "VerbForm", "Mood",
    "Tense",    "Aspect",  "Voice", "Evident", "Polarity", "Person", "Polite"};

std::string UniversalFeats(const std::string& feats) {
  std::vector<absl::string_view> kept;
  for (absl::string_view feat : absl::StrSplit(feats, '|')) {
    std::string_view name = ToStd(feat.substr(0, feat.find('=')));
    if (std::find(std::begin(kUniversalFeatures), std::end(kUniversalFeatures), name) !=
        std::end(kUniversalFeatures)) {
      kept.push_back(feat);
    }
  }
  std::sort(kept.begin(), kept.end());
  return absl::StrJoin(kept, "|");
}

// Removes Unicode space separators (Zs); optionally lower-cases.
std::string CleanForm(std::string_view form, bool lower) {
  std::string out;
  out.reserve(form.size());
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(form.size());
  const auto* bytes = reinterpret_cast<const uint8_t*>(form.data());
  while (i < n) {
    const int32_t start = i;
    UChar32 cp;
    U8_NEXT(bytes, i, n, cp);
    if (cp < 0) {
      out.append(form.substr(start, i - start));
      continue;
    }
    if (u_charType(cp) == U_SPACE_SEPARATOR) continue;
    if (lower) cp = u_tolower(cp);
    char buffer[4];
    int32_t length = 0;
    U8_APPEND_UNSAFE(buffer, length, cp);
    out.append(buffer, length);
  }
  return out;
}

absl::StatusOr<Representation> Build(const std::vector<ConlluSentence>& sentences,
                                     std::string_view which) {
  Representation rep;
  for (const ConlluSentence& sentence : sentences) {
    const size_t sentence_start = rep.characters.size();
    int covered_until = 0;
    Span multiword_span;
    for (const ConlluRow& row : sentence.rows) {
      if (row.type == ConlluRow::Type::kEmptyNode) continue;
      const bool inside_multiword = row.type == ConlluRow::Type::kWord && row.first <= covered_until;
      if (!inside_multiword) {
        std::string form = CleanForm(row.form, /*lower=*/false);
        if (form.empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat(ToAbsl(which), " sentence ", sentence.sent_id, ": empty FORM"));
        }
        Span span{rep.characters.size(), rep.characters.size() + form.size()};
        rep.characters += form;
        rep.tokens.push_back(span);
        if (row.type == ConlluRow::Type::kMultiwordToken) {
          covered_until = row.last;
          multiword_span = span;
          continue;
        }
        rep.words.push_back(EvalWord{span, false, &row, CleanForm(row.form, true),
                                     UniversalFeats(row.feats)});
      } else {
        rep.words.push_back(EvalWord{multiword_span, true, &row, CleanForm(row.form, true),
                                     UniversalFeats(row.feats)});
      }
    }
    if (rep.characters.size() > sentence_start) {
      rep.sentences.push_back(Span{sentence_start, rep.characters.size()});
    }
  }
  return rep;
}

UdScore SpansScore(const std::vector<Span>& gold, const std::vector<Span>& system) {
  UdScore score;
  score.gold_total = static_cast<int64_t>(gold.size());
  score.system_total = static_cast<int64_t>(system.size());
  size_t g = 0, s = 0;
  while (g < gold.size() && s < system.size()) {
    if (system[s].start < gold[g].start) {
      ++s;
    } else if (gold[g].start < system[s].start) {
      ++g;
    } else {
      score.correct += gold[g].end == system[s].end;
      ++g;
      ++s;
    }
  }
  return score;
}

using AlignedPairs = std::vector<std::pair<const EvalWord*, const EvalWord*>>;  // gold, system

// True when word i lies past the end of the current multiword span.
bool BeyondEnd(const std::vector<EvalWord>& words, size_t i, size_t span_end) {
  if (i >= words.size()) return true;
  if (words[i].is_multiword) return words[i].span.start >= span_end;
  return words[i].span.end > span_end;
}

size_t ExtendEnd(const EvalWord& word, size_t span_end) {
  return word.is_multiword && word.span.end > span_end ? word.span.end : span_end;
}

AlignedPairs AlignWords(const std::vector<EvalWord>& gold, const std::vector<EvalWord>& system) {
  AlignedPairs aligned;
  size_t gi = 0, si = 0;
  while (gi < gold.size() && si < system.size()) {
    if (!gold[gi].is_multiword && !system[si].is_multiword) {
      if (gold[gi].span.start == system[si].span.start &&
          gold[gi].span.end == system[si].span.end) {
        aligned.emplace_back(&gold[gi], &system[si]);
        ++gi;
        ++si;
      } else if (gold[gi].span.start <= system[si].span.start) {
        ++gi;
      } else {
        ++si;
      }
      continue;
    }
    // Find the multiword span [gs, gi) x [ss, si).
    size_t span_end;
    if (gold[gi].is_multiword) {
      span_end = gold[gi].span.end;
      if (!system[si].is_multiword && system[si].span.start < gold[gi].span.start) ++si;
    } else {
      span_end = system[si].span.end;
      if (!gold[gi].is_multiword && gold[gi].span.start < system[si].span.start) ++gi;
    }
    const size_t gs = gi, ss = si;
    while (!BeyondEnd(gold, gi, span_end) || !BeyondEnd(system, si, span_end)) {
      if (gi < gold.size() &&
          (si >= system.size() || gold[gi].span.start <= system[si].span.start)) {
        span_end = ExtendEnd(gold[gi], span_end);
        ++gi;
      } else {
        span_end = ExtendEnd(system[si], span_end);
        ++si;
      }
    }
    if (gi == gs || si == ss) continue;
    // LCS over lower-cased forms; lcs[g][s] covers gold[gs+g..gi) x system[ss+s..si).
    const size_t rows = gi - gs, cols = si - ss;
    std::vector<int> lcs((rows + 1) * (cols + 1), 0);
    auto at = [&](size_t g, size_t s) -> int& { return lcs[g * (cols + 1) + s]; };
    for (size_t g = rows; g-- > 0;) {
      for (size_t s = cols; s-- > 0;) {
        int best = gold[gs + g].lowered_form == system[ss + s].lowered_form ? 1 + at(g + 1, s + 1)
                                                                             : 0;
        best = std::max({best, at(g + 1, s), at(g, s + 1)});
        at(g, s) = best;
      }
    }
    size_t g = 0, s = 0;
    while (g < rows && s < cols) {
      if (gold[gs + g].lowered_form == system[ss + s].lowered_form) {
        aligned.emplace_back(&gold[gs + g], &system[ss + s]);
        ++g;
        ++s;
      } else if (at(g, s) == at(g + 1, s)) {
        ++g;
      } else {
        ++s;
      }
    }
  }
  return aligned;
}

template <typename Agree>
UdScore AlignmentScore(const Representation& gold, const Representation& system,
                       const AlignedPairs& aligned, Agree agree) {
  UdScore score;
  score.gold_total = static_cast<int64_t>(gold.words.size());
  score.system_total = static_cast<int64_t>(system.words.size());
  score.aligned_total = static_cast<int64_t>(aligned.size());
  for (const auto& [g, s] : aligned) score.correct += agree(*g, *s) ? 1 : 0;
  return score;
}

}  // namespace

absl::StatusOr<UdEvaluation> EvaluateUd(const std::vector<ConlluSentence>& gold_sentences,
                                        const std::vector<ConlluSentence>& system_sentences) {
  absl::StatusOr<Representation> gold = Build(gold_sentences, "gold");
  if (!gold.ok()) return gold.status();
  absl::StatusOr<Representation> system = Build(system_sentences, "system");
  if (!system.ok()) return system.status();
  if (gold->characters != system->characters) {
    size_t k = 0;
    while (k < gold->characters.size() && k < system->characters.size() &&
           gold->characters[k] == system->characters[k]) {
      ++k;
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "gold and system text differ at character byte ", k, ": gold '",
        gold->characters.substr(k, 20), "' system '", system->characters.substr(k, 20), "'"));
  }
  const AlignedPairs aligned = AlignWords(gold->words, system->words);
  UdEvaluation result;
  result.tokens = SpansScore(gold->tokens, system->tokens);
  result.sentences = SpansScore(gold->sentences, system->sentences);
  result.words = AlignmentScore(*gold, *system, aligned, [](auto&, auto&) { return true; });
  result.upos = AlignmentScore(*gold, *system, aligned, [](const EvalWord& g, const EvalWord& s) {
    return g.row->upos == s.row->upos;
  });
  result.xpos = AlignmentScore(*gold, *system, aligned, [](const EvalWord& g, const EvalWord& s) {
    return g.row->xpos == s.row->xpos;
  });
  result.ufeats = AlignmentScore(*gold, *system, aligned,
                                 [](const EvalWord& g, const EvalWord& s) {
                                   return g.universal_feats == s.universal_feats;
                                 });
  result.all_tags = AlignmentScore(*gold, *system, aligned,
                                   [](const EvalWord& g, const EvalWord& s) {
                                     return g.row->upos == s.row->upos &&
                                            g.row->xpos == s.row->xpos &&
                                            g.universal_feats == s.universal_feats;
                                   });
  result.lemmas = AlignmentScore(*gold, *system, aligned,
                                 [](const EvalWord& g, const EvalWord& s) {
                                   return g.row->lemma == "_" || g.row->lemma == s.row->lemma;
                                 });
  return result;
}

namespace {
struct NamedScore {
  const char* name;
  const UdScore* score;
  bool word_based;
};
std::vector<NamedScore> Named(const UdEvaluation& e) {
  return {{"Tokens", &e.tokens, false}, {"Sentences", &e.sentences, false},
          {"Words", &e.words, false},   {"UPOS", &e.upos, true},
          {"XPOS", &e.xpos, true},      {"UFeats", &e.ufeats, true},
          {"AllTags", &e.all_tags, true}, {"Lemmas", &e.lemmas, true}};
}
}  // namespace

std::string FormatUdTable(const UdEvaluation& evaluation) {
  std::string out =
      "Metric     | Precision |    Recall |  F1 Score | AligndAcc\n"
      "-----------+-----------+-----------+-----------+-----------\n";
  for (const NamedScore& n : Named(evaluation)) {
    absl::StrAppendFormat(&out, "%-11s|%10.2f |%10.2f |%10.2f |", n.name,
                          100 * n.score->Precision(), 100 * n.score->Recall(),
                          100 * n.score->F1());
    if (n.word_based) absl::StrAppendFormat(&out, "%10.2f", 100 * n.score->AlignedAccuracy());
    out += '\n';
  }
  return out;
}

std::string FormatUdJson(const UdEvaluation& evaluation) {
  std::vector<std::string> parts;
  for (const NamedScore& n : Named(evaluation)) {
    std::string part = absl::StrFormat(
        "\"%s\": {\"precision\": %.4f, \"recall\": %.4f, \"f1\": %.4f, \"gold\": %d, "
        "\"system\": %d, \"correct\": %d",
        n.name, 100 * n.score->Precision(), 100 * n.score->Recall(), 100 * n.score->F1(),
        n.score->gold_total, n.score->system_total, n.score->correct);
    if (n.word_based) {
      absl::StrAppendFormat(&part, ", \"aligned_accuracy\": %.4f",
                            100 * n.score->AlignedAccuracy());
    }
    part += "}";
    parts.push_back(std::move(part));
  }
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}

}  // namespace korpus::nlp

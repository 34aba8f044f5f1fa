#include "libs/ingest/language_identifier.h"

// compact_lang_det.h uses FILE without including <cstdio>.
#include <cstdio>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>  // CLD2::UNKNOWN_ENCODING
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <climits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace korpus::ingest {
namespace {

// CLD2's code for a language: ISO 639-1 where there is one ("de", "en"),
// "un" for UNKNOWN_LANGUAGE, which becomes "und" (BCP-47's undetermined).
std::string Cld2Tag(CLD2::Language language) {
  if (language == CLD2::UNKNOWN_LANGUAGE) return kUndeterminedLanguage;
  const char* code = CLD2::LanguageCode(language);
  if (code == nullptr || *code == '\0' || std::string_view(code) == "un") {
    return kUndeterminedLanguage;
  }
  return code;
}

// "English" for "en"; the tag itself when ICU has no name for it.
std::string EnglishName(const std::string& tag) {
  icu::UnicodeString name;
  icu::Locale(tag.c_str()).getDisplayLanguage(icu::Locale::getEnglish(), name);
  std::string utf8;
  name.toUTF8String(utf8);
  if (utf8.empty() || utf8 == tag) return tag;
  return utf8;
}

bool IsAccepted(const std::string& tag, const LanguagePolicy& policy) {
  return std::find(policy.accepted.begin(), policy.accepted.end(), tag) != policy.accepted.end();
}

}  // namespace

LanguageGuess Cld2LanguageIdentifier::Identify(std::string_view text) const {
  LanguageGuess guess;
  // Offsets are int in CLD2; the normaliser's limit (1 GiB) keeps texts
  // below INT_MAX, the cap keeps this function safe on its own.
  const int length = static_cast<int>(std::min<size_t>(text.size(), INT_MAX));
  CLD2::CLDHints hints{nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  CLD2::Language top3[3];
  int percent3[3] = {0, 0, 0};
  double normalized_score3[3];
  int text_bytes = 0;
  bool reliable = false;
  int valid_prefix_bytes = 0;
  // The checking variant: on invalid UTF-8 it answers UNKNOWN_LANGUAGE
  // instead of reading out of bounds.
  const CLD2::Language language = CLD2::ExtDetectLanguageSummaryCheckUTF8(
      text.data(), length, /*is_plain_text=*/true, &hints, /*flags=*/0, top3, percent3,
      normalized_score3, /*resultchunkvector=*/nullptr, &text_bytes, &reliable,
      &valid_prefix_bytes);
  guess.language = Cld2Tag(language);
  guess.letter_bytes = text_bytes;
  guess.reliable = reliable && guess.language != kUndeterminedLanguage;
  for (int k = 0; k < 3; ++k) {
    const std::string tag = Cld2Tag(top3[k]);
    if (tag == kUndeterminedLanguage || percent3[k] <= 0) continue;
    guess.shares.push_back(LanguageShare{tag, percent3[k]});
  }
  return guess;
}

absl::Status ValidateLanguagePolicy(const LanguagePolicy& policy) {
  if (policy.accepted.empty()) {
    return absl::InvalidArgumentError("accepted_languages must name at least one language");
  }
  for (const std::string& tag : policy.accepted) {
    if (tag.empty()) return absl::InvalidArgumentError("accepted_languages has an empty tag");
  }
  if (policy.min_letter_bytes < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("min_letter_bytes must not be negative, not ", policy.min_letter_bytes));
  }
  if (policy.min_accepted_percent < 0 || policy.min_accepted_percent > 100) {
    return absl::InvalidArgumentError(absl::StrCat(
        "min_accepted_percent must be between 0 and 100, not ", policy.min_accepted_percent));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> DecideLanguage(const LanguageGuess& guess,
                                           const LanguagePolicy& policy) {
  int accepted_percent = 0;
  const LanguageShare* largest_accepted = nullptr;
  for (const LanguageShare& share : guess.shares) {
    if (!IsAccepted(share.language, policy)) continue;
    accepted_percent += share.percent;
    if (largest_accepted == nullptr || share.percent > largest_accepted->percent) {
      largest_accepted = &share;
    }
  }
  const bool language_accepted = IsAccepted(guess.language, policy);
  const bool refuse = guess.reliable && guess.letter_bytes >= policy.min_letter_bytes &&
                      !language_accepted && accepted_percent < policy.min_accepted_percent;
  if (!refuse) {
    if (language_accepted) return guess.language;
    if (largest_accepted != nullptr) return largest_accepted->language;
    return policy.accepted.front();
  }

  int percent = 0;
  for (const LanguageShare& share : guess.shares) {
    if (share.language == guess.language) percent = share.percent;
  }
  const std::string accepted_list = absl::StrJoin(policy.accepted, ",");
  const std::string accepts =
      policy.accepted.size() == 1
          ? absl::StrCat(EnglishName(policy.accepted.front()), " articles only")
          : absl::StrCat("articles in ", accepted_list, " only");
  return absl::InvalidArgumentError(absl::StrCat(
      "RawArticle.content is in ", EnglishName(guess.language), " (", guess.language, ", ",
      percent, "% of ", guess.letter_bytes, " bytes of letters); korpus accepts ", accepts,
      " (--accepted_languages=", accepted_list, ")"));
}

}  // namespace korpus::ingest

#include "libs/nlp/ner_gazetteer.h"

#include <algorithm>
#include <utility>

namespace korpus::nlp {
namespace {

uint64_t PhraseHash(const std::vector<std::string_view>& words, size_t first, size_t count) {
  uint64_t hash = StableHash(words[first]);
  for (size_t k = 1; k < count; ++k) hash = StableHash(words[first + k], StableHash(" ", hash));
  return hash;
}

}  // namespace

void NerGazetteer::AddWord(std::string_view form, uint32_t bits) {
  if (form.empty() || bits == 0) return;
  words_[std::string(form)] |= bits;
}

void NerGazetteer::AddAlias(std::string_view form, std::string_view canonical) {
  if (form.empty() || canonical.empty()) return;
  aliases_.try_emplace(std::string(form), std::string(canonical));
}

void NerGazetteer::AddPhrase(const std::vector<std::string>& words, uint32_t bits) {
  if (words.size() < 2 || words.size() > kMaxPhraseWords || bits == 0) return;
  const std::vector<std::string_view> views(words.begin(), words.end());
  phrases_[PhraseHash(views, 0, views.size())] |= bits;
  uint8_t& longest = phrase_starts_[words[0]];
  longest = std::max<uint8_t>(longest, static_cast<uint8_t>(words.size()));
}

void NerGazetteer::PhraseBits(const std::vector<std::string_view>& words,
                              std::vector<uint32_t>& begin, std::vector<uint32_t>& inside) const {
  begin.assign(words.size(), 0);
  inside.assign(words.size(), 0);
  if (phrases_.empty()) return;
  for (size_t i = 0; i < words.size(); ++i) {
    auto start = phrase_starts_.find(absl::string_view(words[i].data(), words[i].size()));
    if (start == phrase_starts_.end()) continue;
    const size_t longest = std::min<size_t>(start->second, words.size() - i);
    for (size_t count = longest; count >= 2; --count) {
      auto it = phrases_.find(PhraseHash(words, i, count));
      if (it == phrases_.end()) continue;
      begin[i] |= it->second;
      for (size_t k = 1; k < count; ++k) inside[i + k] |= it->second;
      break;
    }
  }
}

void NerGazetteer::Write(ModelWriter& writer) const {
  std::vector<std::pair<std::string, uint32_t>> words(words_.begin(), words_.end());
  std::sort(words.begin(), words.end());
  writer.U32(static_cast<uint32_t>(words.size()));
  for (const auto& [form, bits] : words) {
    writer.Str(form);
    writer.U32(bits);
  }
  std::vector<std::pair<uint64_t, uint32_t>> phrases(phrases_.begin(), phrases_.end());
  std::sort(phrases.begin(), phrases.end());
  writer.U32(static_cast<uint32_t>(phrases.size()));
  for (const auto& [hash, bits] : phrases) {
    writer.U64(hash);
    writer.U32(bits);
  }
  std::vector<std::pair<std::string, uint8_t>> starts(phrase_starts_.begin(),
                                                      phrase_starts_.end());
  std::sort(starts.begin(), starts.end());
  writer.U32(static_cast<uint32_t>(starts.size()));
  for (const auto& [form, longest] : starts) {
    writer.Str(form);
    writer.U8(longest);
  }
  std::vector<std::pair<std::string, std::string>> aliases(aliases_.begin(), aliases_.end());
  std::sort(aliases.begin(), aliases.end());
  writer.U32(static_cast<uint32_t>(aliases.size()));
  for (const auto& [form, canonical] : aliases) {
    writer.Str(form);
    writer.Str(canonical);
  }
}

bool NerGazetteer::Read(ModelReader& reader) {
  words_.clear();
  phrases_.clear();
  phrase_starts_.clear();
  aliases_.clear();
  uint32_t count;
  if (!reader.U32(count)) return false;
  words_.reserve(count);
  std::string form;
  for (uint32_t k = 0; k < count; ++k) {
    uint32_t bits;
    if (!reader.Str(form) || !reader.U32(bits)) return false;
    words_.emplace(form, bits);
  }
  if (!reader.U32(count)) return false;
  phrases_.reserve(count);
  for (uint32_t k = 0; k < count; ++k) {
    uint64_t hash;
    uint32_t bits;
    if (!reader.U64(hash) || !reader.U32(bits)) return false;
    phrases_.emplace(hash, bits);
  }
  if (!reader.U32(count)) return false;
  for (uint32_t k = 0; k < count; ++k) {
    uint8_t longest;
    if (!reader.Str(form) || !reader.U8(longest) || longest < 2 ||
        longest > kMaxPhraseWords) {
      return false;
    }
    phrase_starts_.emplace(form, longest);
  }
  if (!reader.U32(count)) return false;
  aliases_.reserve(count);
  std::string canonical;
  for (uint32_t k = 0; k < count; ++k) {
    if (!reader.Str(form) || !reader.Str(canonical)) return false;
    aliases_.emplace(form, canonical);
  }
  return true;
}

}  // namespace korpus::nlp

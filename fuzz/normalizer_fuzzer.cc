// The ingest normaliser on arbitrary bytes, as text and as HTML: it must
// never crash, hang or return a document that breaks its own contract.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "fuzz/fuzz_check.h"
#include "libs/ingest/normalizer.h"

namespace {

// The production normaliser (CLD2, boilerplate removal), or one that keeps
// every paragraph and takes every text for German.
const korpus::ingest::Normalizer* MakeNormalizer(bool production) {
  korpus::ingest::NormalizerOptions options;
  options.max_article_bytes = 64 << 10;  // Keeps single runs fast.
  options.remove_boilerplate = production;
  std::shared_ptr<const korpus::ingest::LanguageIdentifier> language;
  if (!production) language = std::make_shared<korpus::ingest::FixedLanguageIdentifier>();
  return new korpus::ingest::Normalizer(
      *korpus::ingest::Normalizer::Create(options, std::move(language)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const korpus::ingest::Normalizer* normalizer = MakeNormalizer(true);
  static const korpus::ingest::Normalizer* keeping_all = MakeNormalizer(false);
  if (size == 0) return 0;
  korpus::v1::RawArticle article;
  // The first byte picks the format, the rest is the content.
  article.set_format(data[0] % 2 == 0 ? korpus::v1::CONTENT_FORMAT_TEXT
                                      : korpus::v1::CONTENT_FORMAT_HTML);
  article.set_content(reinterpret_cast<const char*>(data + 1), size - 1);

  absl::StatusOr<korpus::v1::Document> document = normalizer->Normalize(article);
  if (!document.ok()) {
    FUZZ_CHECK(document.status().code() == absl::StatusCode::kInvalidArgument ||
               document.status().code() == absl::StatusCode::kResourceExhausted);
    return 0;
  }
  FUZZ_CHECK(!document->text().empty());
  FUZZ_CHECK(korpus::fuzz::IsValidUtf8(document->text()));
  FUZZ_CHECK(document->id().size() == 25 && document->id()[0] == 'd');
  int32_t previous_end = 0;
  for (const korpus::v1::Paragraph& paragraph : document->paragraphs()) {
    FUZZ_CHECK(paragraph.begin() >= previous_end);
    FUZZ_CHECK(paragraph.begin() < paragraph.end());
    FUZZ_CHECK(paragraph.end() <= document->char_count());
    previous_end = paragraph.end();
  }
  // Without boilerplate removal normalisation is idempotent: the normalised
  // text, normalised again as text, is the same document. (With it, not
  // always: link density counts only in HTML, and whether the first
  // paragraph is a title changes the decisions; see docs/RELIABILITY.md,
  // Fuzzing.) Language identification only refuses, so it is left out.
  absl::StatusOr<korpus::v1::Document> kept_all = keeping_all->Normalize(article);
  FUZZ_CHECK(kept_all.ok());
  korpus::v1::RawArticle again;
  again.set_content(kept_all->text());
  absl::StatusOr<korpus::v1::Document> renormalized = keeping_all->Normalize(again);
  FUZZ_CHECK(renormalized.ok());
  FUZZ_CHECK(renormalized->text() == kept_all->text());
  FUZZ_CHECK(renormalized->id() == kept_all->id());
  return 0;
}

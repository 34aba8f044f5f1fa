// The ingest normaliser on arbitrary bytes, as text and as HTML: it must
// never crash, hang or return a document that breaks its own contract.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "libs/ingest/normalizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const korpus::ingest::Normalizer* normalizer = [] {
    korpus::ingest::NormalizerOptions options;
    options.max_article_bytes = 64 << 10;  // Keeps single runs fast.
    return new korpus::ingest::Normalizer(*korpus::ingest::Normalizer::Create(options));
  }();
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
  // Idempotent: the normalised text, normalised again, is the same document.
  korpus::v1::RawArticle again;
  again.set_content(document->text());
  absl::StatusOr<korpus::v1::Document> renormalized = normalizer->Normalize(again);
  FUZZ_CHECK(renormalized.ok());
  FUZZ_CHECK(renormalized->text() == document->text());
  return 0;
}

// Validation and normalisation of raw articles: RawArticle -> Document.
// Pure C++ (no gRPC): services/ingest is a thin adapter around it.
//
//   absl::StatusOr<ingest::Normalizer> normalizer = ingest::Normalizer::Create({});
//   absl::StatusOr<v1::Document> document = normalizer->Normalize(article);
//
// What Normalize does, in order:
// 1. Size: content over `max_article_bytes` is RESOURCE_EXHAUSTED, checked
//    before anything else is read.
// 2. Validation (INVALID_ARGUMENT, naming the field and the byte offset):
//    content, title, source_uri and metadata must be valid UTF-8 without NUL or other
//    binary control characters (see ValidateUtf8Text); metadata has at most
//    `max_metadata_entries` entries, non-empty keys of at most
//    `max_metadata_key_bytes` and values of at most `max_metadata_value_bytes`.
// 3. Structure: CONTENT_FORMAT_HTML goes through ExtractHtmlText (tags,
//    scripts, navigation dropped; block elements become paragraphs).
//    Text (TEXT and UNSPECIFIED) is split into lines (LF, CRLF, CR, VT, FF,
//    U+0085, U+2028; U+2029 counts as a blank line), and the layout decided
//    by inspection. Hard-wrapped text (a blank line between two non-blank
//    lines, and at least 90% of the lines followed by a non-blank line at
//    most 100 code points long): blank lines separate paragraphs and the
//    lines of a paragraph are joined by a space. Anything else, e.g. files
//    with one line per paragraph (with or without stray blank lines): every
//    non-blank line is a paragraph.
// 4. Characters, per paragraph (CleanParagraph): zero-width characters, BOM
//    and soft hyphens deleted, ligatures spelt out, NFC, white space runs
//    folded to one space, trimmed. No paragraph left: INVALID_ARGUMENT
//    "RawArticle.content is empty after whitespace folding".
// 5. Title: RawArticle.title if non-empty after cleaning (an HTML <h1> or a
//    first text paragraph equal to it is then dropped, so that it is not
//    repeated; a different <h1> becomes a HEADING); for HTML the first <h1>,
//    else <title>; for text, and HTML with neither, the first paragraph if
//    it looks like a title (see LooksLikeTitle) and others follow; else no
//    title.
// 6. Kinds: the title is the first paragraph, PARAGRAPH_KIND_TITLE. HTML
//    h2-h6 (and h1s after the first) are HEADING. In text, a paragraph with
//    a body paragraph before it and any paragraph after it is a HEADING if
//    it LooksLikeHeading. Everything else is BODY.
// 6b. Boilerplate (when remove_boilerplate): ClassifyBoilerplate
//    (boilerplate.h) decides per paragraph; removed paragraphs leave the
//    text and are reported in NormalizedArticle::removed. FindFaq marks FAQ
//    questions and answers among the kept paragraphs
//    (NormalizedArticle::faq; the Paragraph kinds stay HEADING/BODY until
//    document.proto has FAQ kinds).
// 7. Document: text = paragraphs joined by "\n\n"; paragraph spans and
//    char_count in code points; content_hash = hex SHA-256 of text (which
//    begins with the title); id = "d" + its first 24 hex digits, so the
//    same normalised content gets the same id whatever its source_uri,
//    metadata or format; source_uri, published_at and metadata copied.
// 8. Language: the LanguageIdentifier's guess on the text, judged by
//    DecideLanguage (language_identifier.h) under options.language: an
//    article reliably in a language that is not accepted is INVALID_ARGUMENT
//    ("RawArticle.content is in English (en, 98% of 512 bytes of letters);
//    korpus accepts German articles only ..."); short, undetermined and
//    mixed texts are accepted. Document.language is the decided tag.
#ifndef KORPUS_LIBS_INGEST_NORMALIZER_H_
#define KORPUS_LIBS_INGEST_NORMALIZER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "korpus/v1/document.pb.h"
#include "libs/ingest/boilerplate.h"
#include "libs/ingest/language_identifier.h"

namespace korpus::ingest {

struct NormalizerOptions {
  // Largest RawArticle.content accepted, in bytes. Default 1 MiB (1048576),
  // far above any news article, small enough to bound the work per call.
  // The ingest server's --max_article_bytes.
  size_t max_article_bytes = 1 << 20;
  // Most entries RawArticle.metadata may have. Default 64 (as document.proto
  // promises).
  size_t max_metadata_entries = 64;
  // Longest metadata key, in bytes. Default 256.
  size_t max_metadata_key_bytes = 256;
  // Largest metadata value, in bytes. Default 4 KiB.
  size_t max_metadata_value_bytes = 4 << 10;
  // A first paragraph of text input longer than this many code points is
  // never taken as the title. Default 200.
  size_t max_title_chars = 200;
  // A text paragraph longer than this many code points is never taken as a
  // heading. Default 120.
  size_t max_heading_chars = 120;
  // Remove page furniture from the text (step 6b). Default true.
  bool remove_boilerplate = true;
  BoilerplateOptions boilerplate;
  // Accepted languages and when to refuse (step 8). Default: German only.
  LanguagePolicy language;
};

// A paragraph removed as boilerplate: not in Document.text, kept here so that
// the raw record can hold it (proposed: Document.removed).
struct RemovedBlock {
  std::string text;        // cleaned paragraph text
  v1::ParagraphKind kind;  // what it would have been
  uint32_t signals = 0;    // BoilerplateSignal bits
  int32_t points = 0;
  // Index into Document.paragraphs of the paragraph it stood before
  // (paragraphs_size() when it stood at the end).
  int32_t position = 0;
};

// Normalize()'s document plus what was removed and the FAQ structure.
struct NormalizedArticle {
  v1::Document document;
  std::vector<RemovedBlock> removed;
  // One per Document.paragraphs entry.
  std::vector<FaqRole> faq;
};

// True for a short (<= max_chars code points) paragraph that does not end
// in sentence punctuation (. ! ? … : ; ,), ignoring closing quotes and
// brackets after it: "Nvidia-CEO trifft Trump" yes, "Das ist gut." no.
bool LooksLikeTitle(std::string_view paragraph, size_t max_chars);

// Thread-safe: Normalize is const and may be called concurrently.
class Normalizer {
 public:
  // INVALID_ARGUMENT if an option is zero or options.language is invalid
  // (ValidateLanguagePolicy). `language` defaults to Cld2LanguageIdentifier.
  // `boilerplate_model` (optional) holds paragraph fingerprints counted
  // over the stored corpus.
  static absl::StatusOr<Normalizer> Create(
      const NormalizerOptions& options,
      std::shared_ptr<const LanguageIdentifier> language = nullptr,
      std::shared_ptr<const BoilerplateModel> boilerplate_model = nullptr);

  // The normalised document (id, title, text, paragraphs, language, hash,
  // char_count, source_uri, published_at, metadata; nothing else set), or
  // RESOURCE_EXHAUSTED (content over max_article_bytes) or INVALID_ARGUMENT
  // (invalid UTF-8, binary, empty, bad metadata, a language not accepted)
  // with a message naming the field, e.g. "RawArticle.content is not valid
  // UTF-8 at byte 17".
  absl::StatusOr<v1::Document> Normalize(const v1::RawArticle& article) const;

  // The same, with the removed boilerplate and the FAQ roles.
  absl::StatusOr<NormalizedArticle> NormalizeArticle(const v1::RawArticle& article) const;

  const NormalizerOptions& options() const { return options_; }

 private:
  Normalizer(const NormalizerOptions& options, std::shared_ptr<const LanguageIdentifier> language,
             std::shared_ptr<const BoilerplateModel> boilerplate_model);

  NormalizerOptions options_;
  std::shared_ptr<const LanguageIdentifier> language_;
  std::shared_ptr<const BoilerplateModel> boilerplate_model_;
};

}  // namespace korpus::ingest

#endif  // KORPUS_LIBS_INGEST_NORMALIZER_H_

// korpus-ingest: serves korpus.v1.IngestService, the validation and
// normalisation of raw articles (see libs/ingest/normalizer.h).
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "libs/ingest/language_identifier.h"
#include "libs/ingest/normalizer.h"
#include "libs/server/process.h"
#include "libs/server/server.h"
#include "services/ingest/ingest_service.h"

ABSL_FLAG(int64_t, max_article_bytes, 1 << 20,
          "Largest RawArticle.content accepted, in bytes; larger articles are refused with "
          "RESOURCE_EXHAUSTED. Must be below --max_message_bytes so that oversized articles "
          "reach the validator and get a clear message (env KORPUS_MAX_ARTICLE_BYTES).");

ABSL_FLAG(std::vector<std::string>, accepted_languages, {"de"},
          "Comma-separated language tags (ISO 639-1 as CLD2 names them, e.g. de,en) of the "
          "articles accepted; an article reliably identified as another language is refused "
          "with INVALID_ARGUMENT. Short, undetermined and mixed texts are always accepted (see "
          "libs/ingest/language_identifier.h). The annotator's models are German "
          "(env KORPUS_ACCEPTED_LANGUAGES).");

int main(int argc, char** argv) {
  korpus::InitProcess(
      argc, argv,
      {.name = "ingest",
       .description =
           "korpus-ingest serves korpus.v1.IngestService (default address 127.0.0.1:50052): "
           "it validates raw articles (UTF-8, no binary data, size and metadata limits, the "
           "language: German by default), strips HTML, normalises the text (NFC, white space, paragraphs, title) and returns the "
           "document with its content-derived id. Stateless; stores nothing."});

  const korpus::ServerOptions server_options =
      korpus::ServerOptionsFromFlags("ingest", "127.0.0.1:50052");
  const int64_t max_article_bytes = absl::GetFlag(FLAGS_max_article_bytes);
  // The request carries the article plus a little framing and metadata;
  // keep 64 KiB of headroom so the article limit, not the transport's, applies.
  constexpr int64_t kHeadroom = 64 << 10;
  if (max_article_bytes <= 0 || max_article_bytes + kHeadroom > server_options.max_message_bytes) {
    std::fprintf(stderr,
                 "korpus-ingest: --max_article_bytes=%lld must be positive and at least 64 KiB "
                 "below --max_message_bytes=%d\n",
                 static_cast<long long>(max_article_bytes), server_options.max_message_bytes);
    return 2;
  }
  korpus::ingest::NormalizerOptions options;
  options.max_article_bytes = static_cast<size_t>(max_article_bytes);
  options.language.accepted = absl::GetFlag(FLAGS_accepted_languages);
  absl::StatusOr<korpus::ingest::Normalizer> normalizer = korpus::ingest::Normalizer::Create(
      options, std::make_shared<korpus::ingest::Cld2LanguageIdentifier>());
  if (!normalizer.ok()) {
    std::fprintf(stderr, "korpus-ingest: %s\n", std::string(normalizer.status().message()).c_str());
    return 2;
  }

  korpus::IngestServiceImpl service(*std::move(normalizer));
  return korpus::ServeUntilSignalled(server_options,
                                     {{&service, korpus::v1::IngestService::service_full_name()}});
}

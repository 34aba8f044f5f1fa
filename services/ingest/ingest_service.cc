#include "services/ingest/ingest_service.h"

#include <utility>

#include "libs/server/grpc_status.h"
#include "libs/server/logging.h"
#include "spdlog/spdlog.h"

namespace korpus {

IngestServiceImpl::IngestServiceImpl(ingest::Normalizer normalizer)
    : normalizer_(std::move(normalizer)) {}

grpc::Status IngestServiceImpl::NormalizeArticle(grpc::ServerContext* context,
                                                 const v1::NormalizeArticleRequest* request,
                                                 v1::NormalizeArticleResponse* response) {
  const v1::RawArticle& article = request->article();
  absl::StatusOr<ingest::NormalizedArticle> normalized = normalizer_.NormalizeArticle(article);
  if (!normalized.ok()) {
    // The caller handles (and logs) the error; this records the rejection
    // with sizes only, never the content.
    spdlog::debug("rejected article source_uri={} bytes={}: {}", article.source_uri(),
                  article.content().size(), normalized.status());
    return ToGrpcStatus(normalized.status());
  }
  v1::Document& document = normalized->document;
  // FAQ structure and removed furniture travel with the document, so that
  // storage keeps what the annotated text leaves out.
  for (size_t i = 0; i < normalized->faq.size() && i < static_cast<size_t>(document.paragraphs_size());
       ++i) {
    if (normalized->faq[i] == ingest::FaqRole::kQuestion) {
      document.mutable_paragraphs(static_cast<int>(i))->set_kind(v1::PARAGRAPH_KIND_FAQ_QUESTION);
    } else if (normalized->faq[i] == ingest::FaqRole::kAnswer) {
      document.mutable_paragraphs(static_cast<int>(i))->set_kind(v1::PARAGRAPH_KIND_FAQ_ANSWER);
    }
  }
  for (const ingest::RemovedBlock& block : normalized->removed) {
    v1::RemovedBlock* out = document.add_removed();
    out->set_text(block.text);
    out->set_kind(block.kind);
    out->set_position(block.position);
    // Signal bit k of the library is enum value k + 1.
    for (int bit = 0; bit < 32; ++bit) {
      if ((block.signals & (1u << bit)) != 0 && v1::BoilerplateSignal_IsValid(bit + 1)) {
        out->add_signals(static_cast<v1::BoilerplateSignal>(bit + 1));
      }
    }
  }
  spdlog::debug("normalised article id={} bytes={} chars={} paragraphs={} removed={}",
                document.id(), article.content().size(), document.char_count(),
                document.paragraphs_size(), document.removed_size());
  *response->mutable_document() = std::move(document);
  return grpc::Status::OK;
}

}  // namespace korpus

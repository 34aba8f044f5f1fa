// Moving a whole corpus between stores (korpusctl export | korpusctl
// import): every document in DOCUMENT_VIEW_FULL, oldest first, and back in
// through Store::Import, which keeps ids, ingestion times and annotations.
#ifndef KORPUS_LIBS_STORE_TRANSFER_H_
#define KORPUS_LIBS_STORE_TRANSFER_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "korpus/v1/document.pb.h"
#include "libs/store/store.h"

namespace korpus::store {

// Calls `on_document` with every document of `store` in DOCUMENT_VIEW_FULL,
// in ingestion order, reading `page_size` documents at a time. Documents
// stored during the walk are included if they come after the current page.
// Stops early, with CANCELLED, when `on_document` returns false; otherwise
// returns the first error of the store.
absl::Status ExportDocuments(Store& store,
                             const std::function<bool(const v1::Document&)>& on_document,
                             int page_size = 100);

// Tallies of an import.
struct ImportCounts {
  int64_t created = 0;
  int64_t duplicates = 0;
};

// Imports the documents `next_document` yields (until it returns false)
// with Store::Import, counting new ones and ones whose id was already
// stored. Stops at the first error, which names the document by position
// (from 0) and id; the documents before it are stored, so importing the
// same input again is safe.
absl::Status ImportDocuments(Store& store,
                             const std::function<bool(v1::Document&)>& next_document,
                             ImportCounts& counts);

}  // namespace korpus::store

#endif  // KORPUS_LIBS_STORE_TRANSFER_H_

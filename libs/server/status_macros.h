// Early-return helpers for absl::Status and absl::StatusOr, which this
// Abseil release (20220623) does not ship.
//
//   KORPUS_RETURN_IF_ERROR(store.Put(doc));
//   KORPUS_ASSIGN_OR_RETURN(Document doc, store.Get(id));
#ifndef KORPUS_LIBS_SERVER_STATUS_MACROS_H_
#define KORPUS_LIBS_SERVER_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define KORPUS_RETURN_IF_ERROR(expr)                    \
  do {                                                  \
    if (absl::Status korpus_status_ = (expr);           \
        !korpus_status_.ok()) {                         \
      return korpus_status_;                            \
    }                                                   \
  } while (false)

#define KORPUS_STATUS_CONCAT_INNER_(a, b) a##b
#define KORPUS_STATUS_CONCAT_(a, b) KORPUS_STATUS_CONCAT_INNER_(a, b)

#define KORPUS_ASSIGN_OR_RETURN(lhs, expr) \
  KORPUS_ASSIGN_OR_RETURN_IMPL_(KORPUS_STATUS_CONCAT_(korpus_statusor_, __LINE__), lhs, expr)

#define KORPUS_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = *std::move(statusor)

#endif  // KORPUS_LIBS_SERVER_STATUS_MACROS_H_

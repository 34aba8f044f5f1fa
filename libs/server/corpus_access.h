// The role each korpus.v1.CorpusService RPC requires (see access_control.h):
// reader may query, writer may also add documents, admin may also delete
// and re-annotate. A new RPC is denied to every token until it gets its line
// in corpus_access.cc; tests/unit/server checks that every RPC of the
// service has one, and tests/e2e/auth_e2e_test.cc calls each with every role.
#ifndef KORPUS_LIBS_SERVER_CORPUS_ACCESS_H_
#define KORPUS_LIBS_SERVER_CORPUS_ACCESS_H_

#include "libs/server/access_control.h"

namespace korpus {

// Full method name ("/korpus.v1.CorpusService/Search") -> required role.
const MethodRoles& CorpusServiceRoles();

}  // namespace korpus

#endif  // KORPUS_LIBS_SERVER_CORPUS_ACCESS_H_

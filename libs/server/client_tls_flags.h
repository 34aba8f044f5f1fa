// The client-side TLS flags, for programs that call korpus servers (the
// gateway towards its backends, korpusctl): --tls_ca_file,
// --tls_client_cert_file, --tls_client_key_file, --tls_server_name. Link
// korpus_client_tls_flags only into programs that make such calls.
#ifndef KORPUS_LIBS_SERVER_CLIENT_TLS_FLAGS_H_
#define KORPUS_LIBS_SERVER_CLIENT_TLS_FLAGS_H_

#include "libs/server/tls.h"

namespace korpus {

// The files named by the flags; load them with LoadClientTls().
ClientTlsFiles ClientTlsFilesFromFlags();

}  // namespace korpus

#endif  // KORPUS_LIBS_SERVER_CLIENT_TLS_FLAGS_H_

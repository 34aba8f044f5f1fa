// FUZZ_CHECK: an invariant of the code under test. A violation prints the
// condition and aborts, which libFuzzer records as a crash with its input.
#ifndef KORPUS_FUZZ_FUZZ_CHECK_H_
#define KORPUS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                       \
  do {                                                                              \
    if (!(condition)) {                                                             \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,     \
                   #condition);                                                     \
      std::abort();                                                                 \
    }                                                                               \
  } while (false)

#endif  // KORPUS_FUZZ_FUZZ_CHECK_H_

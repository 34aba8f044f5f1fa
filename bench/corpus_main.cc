// korpus-bench-corpus: writes a synthetic benchmark corpus of real German
// sentences (bench/corpus_generator.h) as JSONL on stdout, one article per
// line, as `korpusctl ingest` reads it:
//
//   korpus-bench-corpus --articles=2000 --seed=1 > corpus.jsonl
//   build/tools/korpusctl/korpusctl ingest corpus.jsonl
//
// With --query_words=N it prints the N query words benchmarks search for
// instead, one per line.
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "bench/corpus_generator.h"

ABSL_FLAG(int64_t, articles, 100, "Number of articles.");
ABSL_FLAG(uint64_t, seed, 1, "Seed; article i depends only on (seed, i).");
ABSL_FLAG(int64_t, first, 0, "Index of the first article (to continue a corpus).");
ABSL_FLAG(int, tokens, 600, "Tokens per article, at least (whole sentences are added).");
ABSL_FLAG(std::string, data_dir, KORPUS_SHARED_DATA_DIR,
          "Directory with ud-german-gsd/ and germeval2014/.");
ABSL_FLAG(int, query_words, 0, "If positive, print this many query words instead of articles.");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes a benchmark corpus of German articles as JSONL on stdout.\n"
      "  korpus-bench-corpus --articles=N --seed=S > corpus.jsonl");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_articles) < 0 || absl::GetFlag(FLAGS_first) < 0) {
    std::fprintf(stderr, "korpus-bench-corpus: --articles and --first must not be negative\n");
    return 2;
  }
  absl::StatusOr<korpus::bench::CorpusGenerator> generator = korpus::bench::CorpusGenerator::Load(
      {.data_dir = absl::GetFlag(FLAGS_data_dir),
       .target_tokens = absl::GetFlag(FLAGS_tokens),
       .seed = absl::GetFlag(FLAGS_seed)});
  if (!generator.ok()) {
    std::fprintf(stderr, "korpus-bench-corpus: %s\n", std::string(generator.status().message()).c_str());
    return 1;
  }
  std::ios::sync_with_stdio(false);
  if (const int words = absl::GetFlag(FLAGS_query_words); words > 0) {
    for (const std::string& word : generator->QueryWords(words)) std::cout << word << '\n';
    return std::cout.good() ? 0 : 1;
  }
  const int64_t first = absl::GetFlag(FLAGS_first);
  for (int64_t i = first; i < first + absl::GetFlag(FLAGS_articles); ++i) {
    std::cout << korpus::bench::ArticleToJsonLine(generator->Generate(i)) << '\n';
  }
  std::cout.flush();
  return std::cout.good() ? 0 : 1;
}

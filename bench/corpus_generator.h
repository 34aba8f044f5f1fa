// Synthetic news corpora for benchmarks, made of real German sentences:
// the `# text` lines of UD German GSD (dev and test) and the sentences of
// GermEval 2014 (dev and test, detokenized), from ../shared/data. Each
// article is a title line and paragraphs of whole sentences, about
// `target_tokens` tokens long. Article i depends only on (seed, i), so a
// corpus of N articles is a prefix of one of 4N, and every title carries
// the article's number, so no two articles of one seed share an id.
//
//   absl::StatusOr<CorpusGenerator> generator = CorpusGenerator::Load({.data_dir = dir});
//   Article article = generator->Generate(17);
//
// The sentences are not news and do not form a story: the corpus has the
// vocabulary, sentence lengths and token mix of German text, not its
// discourse. Thread-safe once loaded (Generate is const).
#ifndef KORPUS_BENCH_CORPUS_GENERATOR_H_
#define KORPUS_BENCH_CORPUS_GENERATOR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace korpus::bench {

struct CorpusOptions {
  // Directory holding ud-german-gsd/ and germeval2014/ (../shared/data).
  // A relative path is looked up from the working directory and its
  // parents (see LocatePath).
  std::string data_dir = "../shared/data";
  // Articles are filled with whole sentences until they have at least this
  // many tokens (gold tokens of the source treebanks). Default 600.
  int target_tokens = 600;
  // Different seeds give different corpora. Default 1.
  uint64_t seed = 1;
};

// One sentence of the pool with its number of gold tokens.
struct PoolSentence {
  std::string text;
  int tokens = 0;
};

struct Article {
  int64_t index = 0;
  std::string title;
  // The title, a blank line, then paragraphs (3 to 6 sentences each)
  // separated by blank lines: plain text as RawArticle.content takes it.
  std::string content;
  // Gold tokens of the body sentences plus whitespace-separated words of
  // the title; korpus's tokenizer counts within a few per cent of this.
  int tokens = 0;
  // "bench://corpus/<seed>/<index>".
  std::string source_uri;
};

class CorpusGenerator {
 public:
  // NOT_FOUND if the data files are missing, INVALID_ARGUMENT for
  // target_tokens < 1.
  static absl::StatusOr<CorpusGenerator> Load(const CorpusOptions& options);

  Article Generate(int64_t index) const;

  // The `count` most frequent capitalised words (at least five letters,
  // not sentence-initial) of the sentence pool, most frequent first:
  // nouns and names a reader would search for ("Prozent", "Regierung").
  // They occur in many articles, which makes them the harder queries.
  std::vector<std::string> QueryWords(int count) const;

  const std::vector<PoolSentence>& sentences() const { return sentences_; }

 private:
  CorpusGenerator(CorpusOptions options, std::vector<PoolSentence> sentences)
      : options_(std::move(options)), sentences_(std::move(sentences)) {}

  CorpusOptions options_;
  std::vector<PoolSentence> sentences_;
};

// The article as one JSON object on one line, as `korpusctl ingest` reads
// .jsonl: {"title": ..., "content": ..., "source_uri": ...}. (The title is
// also the content's first line; the explicit field only makes it
// certain.)
std::string ArticleToJsonLine(const Article& article);

// `path` itself if absolute or present; else the first parent of the
// working directory under which it exists; else `path` unchanged.
std::string LocatePath(const std::string& path);

// GermEval's tokens joined with spaces where the original text had them
// (none before , . : ; ! ? ) and closing quotes, none after ( and opening
// quotes). Straight double quotes alternate between opening and closing.
std::string Detokenize(const std::vector<std::string_view>& tokens);

}  // namespace korpus::bench

#endif  // KORPUS_BENCH_CORPUS_GENERATOR_H_

#include "libs/nlp/annotate_cli.h"

#include <unicode/utf8.h>

#include <filesystem>
#include <istream>
#include <iterator>
#include <ostream>

#include "absl/strings/str_cat.h"
#include "libs/nlp/analysis_format.h"
#include "libs/nlp/conllu.h"
#include "libs/nlp/pipeline.h"

namespace korpus::nlp {
namespace {

absl::Status CheckUtf8(const std::string& text, const std::string& source) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(text.size());
  while (i < n) {
    const int32_t start = i;
    UChar32 cp;
    U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), i, n, cp);
    if (cp < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, " is not valid UTF-8 at byte ", start));
    }
  }
  return absl::OkStatus();
}

absl::Status AnnotateText(const Pipeline& pipeline, const std::string& text,
                          const std::string& id_prefix, const AnnotateOptions& options,
                          std::ostream& out) {
  const AnalyzedText analysis = pipeline.Analyze(text);
  switch (options.output) {
    case AnnotateOutput::kConllu: {
      std::string conllu;
      for (const ConlluSentence& s : ToConllu(text, analysis, id_prefix)) AppendConllu(s, conllu);
      out << conllu;
      break;
    }
    case AnnotateOutput::kJson:
      out << ToJson(text, analysis, pipeline.model_name(), pipeline.model_version()) << "\n";
      break;
    case AnnotateOutput::kTable:
      out << ToTable(text, analysis);
      break;
  }
  return absl::OkStatus();
}

absl::Status AnnotateConllu(const Pipeline& pipeline, const std::string& content,
                            const AnnotateOptions& options, std::ostream& out) {
  absl::StatusOr<std::vector<ConlluSentence>> sentences = ParseConllu(content);
  if (!sentences.ok()) return sentences.status();
  std::vector<std::string_view> forms;
  for (ConlluSentence& sentence : *sentences) {
    const std::vector<size_t> word_rows = sentence.WordRows();
    forms.clear();
    for (size_t r : word_rows) forms.push_back(sentence.rows[r].form);
    const std::vector<Pipeline::WordTags> tags = pipeline.TagWords(forms);
    for (size_t k = 0; k < word_rows.size(); ++k) {
      ConlluRow& row = sentence.rows[word_rows[k]];
      row.upos = std::string(tags[k].upos);
      row.xpos = std::string(tags[k].xpos);
      row.feats = std::string(tags[k].feats);
      row.lemma = tags[k].lemma;
    }
    if (sentence.text.empty()) sentence.text = sentence.TextFromTokens();
  }
  if (options.output == AnnotateOutput::kConllu) {
    std::string conllu;
    for (const ConlluSentence& s : *sentences) AppendConllu(s, conllu);
    out << conllu;
    return absl::OkStatus();
  }
  // JSON and table for pre-tokenised input: words only (no offsets).
  std::string text = options.output == AnnotateOutput::kJson ? "{\"model\":{\"name\":" : "";
  if (options.output == AnnotateOutput::kJson) {
    AppendJsonString(pipeline.model_name(), text);
    text += ",\"version\":";
    AppendJsonString(pipeline.model_version(), text);
    text += "},\"sentences\":[";
  }
  for (size_t s = 0; s < sentences->size(); ++s) {
    const ConlluSentence& sentence = (*sentences)[s];
    if (options.output == AnnotateOutput::kTable) {
      if (s > 0) text += "\n";
      for (size_t r : sentence.WordRows()) {
        const ConlluRow& row = sentence.rows[r];
        absl::StrAppend(&text, row.id, "\t", row.form, "\t", row.lemma, "\t", row.upos, "\t",
                        row.xpos, "\n");
      }
      continue;
    }
    if (s > 0) text += ',';
    text += "{\"sent_id\":";
    AppendJsonString(sentence.sent_id, text);
    text += ",\"text\":";
    AppendJsonString(sentence.text, text);
    text += ",\"words\":[";
    bool first = true;
    for (size_t r : sentence.WordRows()) {
      const ConlluRow& row = sentence.rows[r];
      text += first ? "{\"form\":" : ",{\"form\":";
      first = false;
      AppendJsonString(row.form, text);
      text += ",\"lemma\":";
      AppendJsonString(row.lemma, text);
      text += ",\"upos\":";
      AppendJsonString(row.upos, text);
      text += ",\"xpos\":";
      AppendJsonString(row.xpos, text);
      text += '}';
    }
    text += "]}";
  }
  if (options.output == AnnotateOutput::kJson) text += "]}\n";
  out << text;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AnnotateOutput> ParseAnnotateOutput(const std::string& name) {
  if (name == "conllu") return AnnotateOutput::kConllu;
  if (name == "json") return AnnotateOutput::kJson;
  if (name == "table") return AnnotateOutput::kTable;
  return absl::InvalidArgumentError(
      absl::StrCat("--format must be conllu, json or table, not '", name, "'"));
}

absl::StatusOr<AnnotateInput> ParseAnnotateInput(const std::string& name) {
  if (name == "text") return AnnotateInput::kText;
  if (name == "conllu") return AnnotateInput::kConllu;
  return absl::InvalidArgumentError(
      absl::StrCat("--input_format must be text or conllu, not '", name, "'"));
}

absl::Status RunAnnotate(const AnnotateOptions& options, std::istream& in, std::ostream& out) {
  absl::StatusOr<std::unique_ptr<Pipeline>> pipeline =
      Pipeline::Load(PipelineOptions{.model_dir = options.model_dir});
  if (!pipeline.ok()) return pipeline.status();

  struct Document {
    std::string source;
    std::string id_prefix;
    std::string content;
  };
  std::vector<Document> documents;
  if (options.input_files.empty()) {
    documents.push_back({"standard input", "s",
                         std::string(std::istreambuf_iterator<char>(in), {})});
  } else {
    for (const std::string& path : options.input_files) {
      absl::StatusOr<std::string> content = ReadFileToString(path);
      if (!content.ok()) return content.status();
      documents.push_back({path, std::filesystem::path(path).stem().string() + "-s",
                           *std::move(content)});
    }
  }
  for (const Document& document : documents) {
    if (absl::Status status = CheckUtf8(document.content, document.source); !status.ok()) {
      return status;
    }
    absl::Status status =
        options.input == AnnotateInput::kConllu
            ? AnnotateConllu(**pipeline, document.content, options, out)
            : AnnotateText(**pipeline, document.content, document.id_prefix, options, out);
    if (!status.ok()) return status;
  }
  if (!out) return absl::UnavailableError("cannot write the output");
  return absl::OkStatus();
}

}  // namespace korpus::nlp

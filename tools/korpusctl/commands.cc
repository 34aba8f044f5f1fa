#include "tools/korpusctl/commands.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "libs/clients/channel.h"
#include "libs/clients/corpus_client.h"
#include "libs/nlp/annotate_cli.h"
#include "libs/nlp/ner_cli.h"
#include "tools/korpusctl/article_reader.h"
#include "tools/korpusctl/document_stream.h"

namespace korpus::ctl {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// What a command handler works with: its arguments, the options, and a
// client of the gateway that connects only when first used (so that
// offline commands never need a gateway).
class Invocation {
 public:
  Invocation(std::vector<std::string> args, const Options& options)
      : args(std::move(args)), options(options) {}

  const std::vector<std::string> args;
  const Options& options;
  std::ostream& out = std::cout;
  std::ostream& err = std::cerr;

  const CorpusClient& client() {
    if (client_ == nullptr) {
      channel_ = MakeChannel(options.gateway,
                             {.tls = options.tls, .bearer_token = options.token});
      client_ = std::make_unique<CorpusClient>(channel_);
    }
    return *client_;
  }

  CallOptions call() const { return CallOptions{.timeout = options.timeout}; }

  // Prints "korpusctl: CODE: message" on stderr and returns the exit code
  // of a failed command.
  int Fail(const absl::Status& status) {
    absl::string_view message = status.message();
    std::string text(message);
    if (absl::IsUnavailable(status) && channel_ != nullptr &&
        channel_->GetState(/*try_to_connect=*/false) != GRPC_CHANNEL_READY) {
      // Not connected: the gateway itself is down, rather than a backend
      // behind it (whose outage the gateway reports over a live channel).
      absl::ConsumePrefix(&message, "gateway: ");
      text = absl::StrCat("gateway is unavailable at ", options.gateway, ": ",
                          std::string(message));
    } else if (absl::IsDeadlineExceeded(status)) {
      absl::StrAppend(&text, " (--timeout=", absl::FormatDuration(options.timeout), ")");
    }
    err << "korpusctl: " << absl::StatusCodeToString(status.code()) << ": " << text << std::endl;
    return kExitFailed;
  }

  // One JSON object on one line.
  void PrintJson(const google::protobuf::Message& message) {
    google::protobuf::util::JsonPrintOptions json_options;
    json_options.preserve_proto_field_names = true;
    // Zero counts and index 0 are printed too, so that every object of a
    // kind has the same keys for scripts.
    json_options.always_print_primitive_fields = true;
    std::string json;
    if (auto status = google::protobuf::util::MessageToJsonString(message, &json, json_options);
        !status.ok()) {
      err << "korpusctl: cannot print JSON: " << status.ToString() << std::endl;
      return;
    }
    out << json << std::endl;
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<CorpusClient> client_;
};

using Handler = int (*)(Invocation&);

struct Command {
  absl::string_view name;
  // Arguments after the name, for help and usage errors.
  absl::string_view usage;
  absl::string_view summary;
  int min_args;
  int max_args;  // -1: no limit.
  Handler run;
};

int RunIngest(Invocation& invocation);
int RunGet(Invocation& invocation);
int RunList(Invocation& invocation);
int RunSearch(Invocation& invocation);
int RunStats(Invocation& invocation);
int RunHelp(Invocation& invocation);
int RunAnnotateOffline(Invocation& invocation);
int RunNerOffline(Invocation& invocation);
int RunExport(Invocation& invocation);
int RunImport(Invocation& invocation);
int RunEntities(Invocation& invocation);
int RunEntity(Invocation& invocation);
int RunQuotes(Invocation& invocation);
int RunTimeline(Invocation& invocation);
int RunStories(Invocation& invocation);
int RunStory(Invocation& invocation);
int RunDelete(Invocation& invocation);
int RunReannotate(Invocation& invocation);
int RunCooccurrences(Invocation& invocation);
int RunWatch(Invocation& invocation);

// The commands. Commands that need no gateway (such as an offline
// `annotate FILE...` running libs/nlp in-process) are added here the same
// way: they simply never call Invocation::client().
constexpr Command kCommands[] = {
    {"ingest", "PATH...",
     "Normalise, annotate and store articles, streamed through the gateway. PATH is a .txt, "
     ".html/.htm or .jsonl file, a directory (its files of those kinds, sorted by name), or - "
     "for standard input (read as --stdin_format). JSONL keys: content (or text), format, "
     "title, source_uri, published_at (RFC 3339), metadata. Exit code 1 if any article was "
     "rejected or the stream failed.",
     1, -1, RunIngest},
    {"get", "ID [--view=basic|text|full]", "Show one document (default view: full).", 1, 1,
     RunGet},
    {"list",
     "[--entity=ID...] [--entity_type=PER|ORG|LOC|OTH...] [--story=ID] "
     "[--from=YYYY[-MM[-DD]]] [--to=...] [--source=PREFIX] "
     "[--page_size=N] [--page_token=T] [--all]",
     "List documents in ingestion order, one page (or --all pages); with --entity (repeated "
     "or comma-separated), only those that mention every one of these entities; with "
     "--entity_type, those mentioning an entity of one of these types; with --story, those "
     "of the story.",
     0, 0, RunList},
    {"search",
     "QUERY... [--entity=ID...] [--entity_type=PER|ORG|LOC|OTH...] [--story=ID] "
     "[--from=YYYY[-MM[-DD]]] [--to=...] [--source=PREFIX] "
     "[--months] [--top_entities=N] [--page_size=N] [--page_token=T] [--all]",
     "Full-text search; the arguments are joined into one query: words (all must occur), "
     "\"phrases\", OR, NOT, (groups), prefix* (docs/QUERY.md). --entity (repeated or comma-separated) keeps only documents that also mention "
     "every one of these entities. --months and --top_entities count all matches per month "
     "and the entities most of them mention.",
     1, -1, RunSearch},
    {"watch",
     "QUERY... [--entity=ID...] [--source=PREFIX] [--cursor=C | --from_now] [--count=N]",
     "A saved-search alert: prints each document matching the query (search's language and "
     "--entity/--source filters) as it becomes searchable, one line each: id, title and the "
     "cursor to resume after it with --cursor (nothing is missed or repeated). Without "
     "--cursor or --from_now it starts with the matching documents already stored. Runs "
     "until --count documents, an interruption or the gateway's shutdown (then resume); "
     "--timeout does not apply.",
     1, -1, RunWatch},
    {"entities",
     "[--type=PER|ORG|LOC|OTH] [--order=documents|salience|mentions] [--prefix=NAME] "
     "[--page_size=N] [--page_token=T] [--all]",
     "The named entities of the corpus (people, organisations, places, other names), each "
     "with its id, type, number of documents and mentions, total salience, canonical name and "
     "most frequent other names. Ordered by documents (default), total salience or mentions; "
     "--type and --prefix (case-insensitive start of the name) filter.",
     0, 0, RunEntities},
    {"entity", "ID [--page_size=N] [--page_token=T] [--all]",
     "One entity: its names, counts and salience, and the documents that mention it, most "
     "salient first (one page, or --all pages).",
     1, 1, RunEntity},
    {"cooccurrences", "ENTITY_ID [--type=PER|ORG|LOC|OTH] [--page_size=N] [--page_token=T] "
     "[--all]",
     "The entities that appear in the same documents as ENTITY_ID, most shared documents "
     "first, each with the number of shared documents and a few of them (newest first); "
     "--type keeps companions of one type.",
     1, 1, RunCooccurrences},
    {"stories", "[--min_documents=N] [--entity=ID] [--page_size=N] [--page_token=T] [--all]",
     "Stories: documents that report the same event, grouped as they were stored. Most "
     "recently active first, each with its id, number of documents, last document time, "
     "label, main entities and first documents; --min_documents=2 hides single articles, "
     "--entity keeps stories with a document that mentions it.",
     0, 0, RunStories},
    {"story", "ID", "One story: its label, main entities and all its documents, in the "
     "order they joined, with the similarity each joined with.",
     1, 1, RunStory},
    {"quotes",
     "[--speaker=ID] [--doc=ID] [--text=WORDS] [--terms] [--page_size=N] [--page_token=T] "
     "[--all]",
     "Quotations with their speakers, newest document first: document, speaker (the entity's "
     "name, or the words naming the speaker), how the speaker was found, kind and the quoted "
     "text. --speaker (an entity id), --doc and --text (every word, whole words) filter; "
     "--terms also lists quoted terms.",
     0, 0, RunQuotes},
    {"timeline",
     "[--entity=ID] [--doc=ID] [--from=YYYY[-MM[-DD]]] [--to=...] [--unresolved] "
     "[--page_size=N] [--page_token=T] [--all]",
     "Dated events: the dates the documents mention, by the period they mean, each with its "
     "words, document and the entities of its sentence. --entity keeps dates in sentences "
     "that mention it; --from/--to keep dates overlapping the range; --unresolved adds the "
     "dates that could not be resolved, last.",
     0, 0, RunTimeline},
    {"delete", "ID...",
     "Delete documents (role admin) with everything derived from them: annotations, search "
     "entries, entity links and counts, quotes, timeline events, keyword statistics and story "
     "membership. Exit code 1 if any id failed (NOT_FOUND for an unknown or deleted one); the "
     "others are deleted all the same.",
     1, -1, RunDelete},
    {"reannotate",
     "[--all | --state=pending|annotated|failed | --entity=ID | --query=QUERY | ID...]",
     "Queue documents for annotation again with the current annotator (role admin), e.g. "
     "after a model upgrade: every document (--all), those in a state, those mentioning an "
     "entity, those a search query finds (at most 1000), or the given ids (selectors other "
     "than --all combine: all must hold). Their "
     "annotations are removed and they become PENDING at once; the gateway's reconciler "
     "annotates them in the background (watch `korpusctl stats`).",
     0, -1, RunReannotate},
    {"stats", "", "Corpus-wide counts.", 0, 0, RunStats},
    {"export", "[--format=jsonl|binary]",
     "Write the whole corpus to standard output: every document with its text, annotations "
     "and ingestion time, in ingestion order; jsonl (default) is one JSON Document per line, "
     "binary is length-delimited protobuf. --timeout bounds the whole export.",
     0, 0, RunExport},
    {"import", "[FILE|-] [--format=jsonl|binary]",
     "Store documents written by export (from FILE, or standard input), keeping their ids, "
     "annotations and ingestion times; ids already stored are skipped, so importing again is "
     "safe. E.g. korpusctl export | korpusctl --gateway=OTHER import. --timeout bounds the "
     "whole import.",
     0, 1, RunImport},
    {"annotate", "[FILE...] [--format=conllu|json|table] [--input=text|conllu]",
     "Offline, no gateway needed: run the German NLP pipeline (models from --model_dir) over "
     "the files, or standard input, and print tokens, sentences, lemmas and tags. "
     "--input=conllu tags pre-tokenised CoNLL-U.",
     0, -1, RunAnnotateOffline},
    {"ner", "[FILE...]",
     "Offline: tag pre-tokenised GermEval 2014 / CoNLL token files (or standard input) with "
     "the NER model and append the predicted BIO tag as a new last column, next to the gold "
     "one, so any tagged corpus can be scored.",
     0, -1, RunNerOffline},
    {"help", "", "Show this list.", 0, 0, RunHelp},
};

const Command* FindCommand(absl::string_view name) {
  for (const Command& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

int UsageError(Invocation& invocation, const Command& command, absl::string_view problem) {
  invocation.err << "korpusctl: " << problem << "\nusage: korpusctl " << command.name
                 << (command.usage.empty() ? "" : " ") << command.usage << std::endl;
  return kExitUsage;
}

// "INGEST_OUTCOME_CREATED" -> "CREATED", "DOCUMENT_STATE_ANNOTATED" ->
// "annotated" (with `lower`).
std::string ShortName(const std::string& name, absl::string_view prefix, bool lower) {
  absl::string_view rest(name);
  absl::ConsumePrefix(&rest, prefix);
  std::string result(rest);
  if (lower) std::transform(result.begin(), result.end(), result.begin(), ::tolower);
  return result;
}

std::string StateName(v1::DocumentState state) {
  return ShortName(v1::DocumentState_Name(state), "DOCUMENT_STATE_", true);
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp, bool full) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "-";
  if (full) return google::protobuf::util::TimeUtil::ToString(timestamp);
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(timestamp.seconds()),
                          absl::UTCTimeZone());
}

// Prints rows as columns separated by two spaces, each as wide as its widest
// cell; the last column is not padded. Columns in `right_aligned` are
// aligned right (numbers).
// Width of a cell in characters (code points), so that "Köln" pads like
// "Koln".
size_t Width(absl::string_view text) {
  size_t width = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  }
  return width;
}

void PrintTable(std::ostream& out, const std::vector<std::vector<std::string>>& rows,
                const std::vector<bool>& right_aligned) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Width(row[i]));
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += "  ";
      const bool last = i + 1 == row.size();
      const std::string padding(widths[i] - Width(row[i]), ' ');
      const bool right = i < right_aligned.size() && right_aligned[i];
      if (right) line += padding;
      line += row[i];
      if (!right && !last) line += padding;
    }
    out << line << "\n";
  }
  out.flush();
}

// --- ingest ---

// Fixed widths, because rows are printed as results arrive.
std::string IngestRow(absl::string_view outcome, absl::string_view id, absl::string_view sentences,
                      absl::string_view tokens, absl::string_view title) {
  return absl::StrFormat("%-9s  %-25s  %9s  %6s  %s", outcome, id, sentences, tokens, title);
}

int RunIngest(Invocation& invocation) {
  absl::StatusOr<InputFormat> stdin_format = ParseInputFormat(invocation.options.stdin_format);
  if (!stdin_format.ok()) {
    return UsageError(invocation, *FindCommand("ingest"),
                      absl::StrCat("--stdin_format: ", std::string(stdin_format.status().message())));
  }
  absl::StatusOr<ArticleReader> reader = ArticleReader::Open(invocation.args, *stdin_format);
  if (!reader.ok()) return invocation.Fail(reader.status());

  // Shared between this thread (reading and sending) and the thread that
  // receives results.
  std::mutex mutex;
  std::vector<std::string> labels;  // By stream index.
  int unreadable = 0, created = 0, duplicates = 0, rejected = 0;
  const bool json = invocation.options.json;
  if (!json) {
    invocation.out << IngestRow("OUTCOME", "ID", "SENTENCES", "TOKENS", "TITLE") << std::endl;
  }

  auto next_article = [&](v1::RawArticle& article) {
    while (true) {
      std::string label;
      absl::StatusOr<bool> more = reader->Next(article, label);
      std::lock_guard<std::mutex> lock(mutex);
      if (!more.ok()) {
        ++unreadable;
        invocation.err << "korpusctl: " << label << ": " << more.status().message() << std::endl;
        continue;
      }
      if (!*more) return false;
      labels.push_back(std::move(label));
      return true;
    }
  };
  auto on_result = [&](const v1::IngestResult& result) {
    std::lock_guard<std::mutex> lock(mutex);
    switch (result.outcome()) {
      case v1::INGEST_OUTCOME_CREATED: ++created; break;
      case v1::INGEST_OUTCOME_DUPLICATE: ++duplicates; break;
      default: ++rejected; break;
    }
    if (json) {
      invocation.PrintJson(result);
      return;
    }
    const std::string outcome = ShortName(IngestOutcome_Name(result.outcome()), "INGEST_OUTCOME_", false);
    if (result.outcome() == v1::INGEST_OUTCOME_REJECTED) {
      const std::string& label =
          result.index() >= 0 && static_cast<size_t>(result.index()) < labels.size()
              ? labels[result.index()]
              : "?";
      invocation.out << IngestRow(outcome, "-", "-", "-",
                                  absl::StrCat(label, ": ",
                                               absl::StatusCodeToString(static_cast<absl::StatusCode>(
                                                   result.error().code())),
                                               ": ", result.error().message()))
                     << std::endl;
    } else {
      invocation.out << IngestRow(outcome, result.document_id(),
                                  absl::StrCat(result.sentence_count()),
                                  absl::StrCat(result.token_count()), result.title())
                     << std::endl;
    }
  };

  const absl::Status status =
      invocation.client().StreamIngestDocuments(next_article, on_result, invocation.call());

  const int sent = static_cast<int>(labels.size());
  const int answered = created + duplicates + rejected;
  if (!json) {
    std::string summary = absl::StrCat(answered, " article", answered == 1 ? "" : "s", ": ",
                                       created, " created, ", duplicates, " duplicate",
                                       duplicates == 1 ? "" : "s", ", ", rejected, " rejected");
    if (unreadable > 0) absl::StrAppend(&summary, ", ", unreadable, " unreadable");
    invocation.out << summary << std::endl;
  }
  if (!status.ok()) {
    if (sent > answered) {
      invocation.err << "korpusctl: " << sent - answered
                     << " article(s) got no result; ingesting them again is safe"
                     << std::endl;
    }
    return invocation.Fail(status);
  }
  if (sent == 0 && unreadable == 0) {
    invocation.err << "korpusctl: no articles found in " << absl::StrJoin(invocation.args, " ")
                   << " (files must end in .txt, .html, .htm or .jsonl)" << std::endl;
    return kExitFailed;
  }
  return rejected == 0 && unreadable == 0 ? kExitOk : kExitFailed;
}

// --- entity types ---

// ENTITY_TYPE_PERSON <-> "PER", as GermEval and `annotate` name them.
constexpr std::pair<v1::EntityType, absl::string_view> kEntityTypeNames[] = {
    {v1::ENTITY_TYPE_PERSON, "PER"},
    {v1::ENTITY_TYPE_ORGANIZATION, "ORG"},
    {v1::ENTITY_TYPE_LOCATION, "LOC"},
    {v1::ENTITY_TYPE_OTHER, "OTH"},
};

std::string EntityTypeName(v1::EntityType type) {
  for (const auto& [value, name] : kEntityTypeNames) {
    if (value == type) return std::string(name);
  }
  return "-";
}

absl::StatusOr<v1::EntityType> ParseEntityType(const std::string& text) {
  if (text.empty()) return v1::ENTITY_TYPE_UNSPECIFIED;
  const std::string upper = absl::AsciiStrToUpper(text);
  for (const auto& [value, name] : kEntityTypeNames) {
    if (name == upper) return value;
  }
  return absl::InvalidArgumentError(absl::StrCat("--type=", text, " is not PER, ORG, LOC or OTH"));
}

absl::StatusOr<v1::EntityOrder> ParseEntityOrder(const std::string& text) {
  if (text == "documents" || text.empty()) return v1::ENTITY_ORDER_DOCUMENT_COUNT;
  if (text == "salience") return v1::ENTITY_ORDER_SALIENCE;
  if (text == "mentions") return v1::ENTITY_ORDER_MENTION_COUNT;
  return absl::InvalidArgumentError(
      absl::StrCat("--order=", text, " is not documents, salience or mentions"));
}

// --- get ---

int RunGet(Invocation& invocation) {
  v1::GetDocumentRequest request;
  request.set_id(invocation.args[0]);
  const std::string& view = invocation.options.view;
  if (view == "basic") {
    request.set_view(v1::DOCUMENT_VIEW_BASIC);
  } else if (view == "text") {
    request.set_view(v1::DOCUMENT_VIEW_TEXT);
  } else if (view == "full") {
    request.set_view(v1::DOCUMENT_VIEW_FULL);
  } else {
    return UsageError(invocation, *FindCommand("get"),
                      absl::StrCat("--view=", view, " is not basic, text or full"));
  }
  absl::StatusOr<v1::Document> document = invocation.client().GetDocument(request, invocation.call());
  if (!document.ok()) return invocation.Fail(document.status());
  if (invocation.options.json) {
    invocation.PrintJson(*document);
    return kExitOk;
  }

  std::vector<std::vector<std::string>> fields = {
      {"id:", document->id()},
      {"title:", document->title()},
      {"state:", StateName(document->state())},
  };
  if (!document->state_reason().empty()) fields.push_back({"reason:", document->state_reason()});
  fields.push_back({"language:", document->language()});
  if (!document->source_uri().empty()) fields.push_back({"source:", document->source_uri()});
  if (document->has_published_at()) {
    fields.push_back({"published:", FormatTimestamp(document->published_at(), true)});
  }
  fields.push_back({"ingested:", FormatTimestamp(document->ingested_at(), true)});
  fields.push_back({"size:", absl::StrCat(document->char_count(), " characters, ",
                                          document->sentence_count(), " sentences, ",
                                          document->token_count(), " tokens")});
  if (!document->metadata().empty()) {
    std::vector<std::string> pairs;
    for (const auto& [key, value] : document->metadata()) pairs.push_back(absl::StrCat(key, "=", value));
    std::sort(pairs.begin(), pairs.end());
    fields.push_back({"metadata:", absl::StrJoin(pairs, ", ")});
  }
  const v1::Annotations& annotations = document->annotations();
  if (document->has_annotations()) {
    fields.push_back({"model:", absl::StrCat(annotations.model_name(), " ",
                                             annotations.model_version())});
  }
  PrintTable(invocation.out, fields, {});

  if (!document->text().empty()) invocation.out << "\n" << document->text() << "\n";
  if (annotations.sentences_size() > 0) {
    // One line per sentence, its tokens separated by " | ".
    invocation.out << "\nsentences (tokens separated by |):\n";
    for (int i = 0; i < annotations.sentences_size(); ++i) {
      const v1::Sentence& sentence = annotations.sentences(i);
      std::vector<std::string> tokens;
      for (int t = sentence.first_token();
           t < sentence.first_token() + sentence.token_count() && t < annotations.tokens_size();
           ++t) {
        tokens.push_back(annotations.tokens(t).text());
      }
      invocation.out << absl::StrFormat("%4d  %s\n", i + 1, absl::StrJoin(tokens, " | "));
    }
  }
  if (annotations.entities_size() > 0) {
    // Their ids are what `korpusctl entity` and --entity take.
    invocation.out << "\nentities (most salient first):\n";
    std::vector<std::vector<std::string>> rows = {
        {"ENTITY", "TYPE", "SALIENCE", "MENTIONS", "NAME", "ALIASES"}};
    for (const v1::DocumentEntity& entity : annotations.entities()) {
      rows.push_back({entity.entity_id(), EntityTypeName(entity.type()),
                      absl::StrFormat("%.2f", entity.salience()),
                      absl::StrCat(entity.mentions_size()), entity.canonical_name(),
                      entity.aliases().empty() ? "-" : absl::StrJoin(entity.aliases(), ", ")});
    }
    PrintTable(invocation.out, rows, {false, false, true, true, false, false});
  }
  invocation.out.flush();
  return kExitOk;
}

// --- list, search ---

absl::Status CheckPaging(const Options& options) {
  if (options.page_size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--page_size must not be negative, got ", options.page_size));
  }
  return absl::OkStatus();
}

// --from / --to / --source of list and search: published_at in
// [start of --from, end of --to] (the whole year, month or day given, UTC)
// and source_uri starting with --source.
absl::StatusOr<v1::CalendarDate> ParseCalendarDate(const std::string& text,
                                                   absl::string_view flag);

template <typename Request>
absl::Status SetDocumentFilters(const Options& options, Request& request) {
  absl::StatusOr<v1::CalendarDate> from = ParseCalendarDate(options.from, "from");
  if (!from.ok()) return from.status();
  absl::StatusOr<v1::CalendarDate> to = ParseCalendarDate(options.to, "to");
  if (!to.ok()) return to.status();
  auto set = [](absl::CivilDay day, google::protobuf::Timestamp& timestamp) {
    timestamp.set_seconds(absl::ToUnixSeconds(absl::FromCivil(day, absl::UTCTimeZone())));
  };
  if (!options.from.empty()) {
    set(absl::CivilDay(from->year(), std::max(from->month(), 1), std::max(from->day(), 1)),
        *request.mutable_published_after());
  }
  if (!options.to.empty()) {
    // The first day after the period --to names.
    absl::CivilDay end;
    if (to->month() == 0) {
      end = absl::CivilDay(absl::CivilYear(to->year()) + 1);
    } else if (to->day() == 0) {
      end = absl::CivilDay(absl::CivilMonth(to->year(), to->month()) + 1);
    } else {
      end = absl::CivilDay(to->year(), to->month(), to->day()) + 1;
    }
    set(end, *request.mutable_published_before());
  }
  request.set_source_prefix(options.source_prefix);
  for (const std::string& text : options.entity_types) {
    absl::StatusOr<v1::EntityType> type = ParseEntityType(text);
    if (!type.ok() || *type == v1::ENTITY_TYPE_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat("--entity_type=", text, " is not PER, ORG, LOC or OTH"));
    }
    request.add_entity_types(*type);
  }
  request.set_story_id(options.story_id);
  return absl::OkStatus();
}

int RunList(Invocation& invocation) {
  if (absl::Status status = CheckPaging(invocation.options); !status.ok()) {
    return UsageError(invocation, *FindCommand("list"), status.message());
  }
  v1::ListDocumentsRequest request;
  request.set_page_size(invocation.options.page_size);
  request.set_page_token(invocation.options.page_token);
  for (const std::string& id : invocation.options.entity_ids) request.add_entity_ids(id);
  if (absl::Status status = SetDocumentFilters(invocation.options, request); !status.ok()) {
    return UsageError(invocation, *FindCommand("list"), status.message());
  }
  std::vector<std::vector<std::string>> rows = {
      {"ID", "INGESTED", "STATE", "SENTENCES", "TOKENS", "TITLE"}};
  std::string next_page_token;
  do {
    absl::StatusOr<v1::ListDocumentsResponse> page =
        invocation.client().ListDocuments(request, invocation.call());
    if (!page.ok()) return invocation.Fail(page.status());
    if (invocation.options.json) invocation.PrintJson(*page);
    for (const v1::Document& document : page->documents()) {
      rows.push_back({document.id(), FormatTimestamp(document.ingested_at(), false),
                      StateName(document.state()), absl::StrCat(document.sentence_count()),
                      absl::StrCat(document.token_count()), document.title()});
    }
    next_page_token = page->next_page_token();
    request.set_page_token(next_page_token);
  } while (invocation.options.all && !next_page_token.empty());

  if (!invocation.options.json) {
    PrintTable(invocation.out, rows, {false, false, false, true, true, false});
    if (!next_page_token.empty()) {
      invocation.out << "more: korpusctl list --page_token=" << next_page_token
                     << (invocation.options.entity_ids.empty() ? "" : " (same --entity)")
                     << " (or --all)" << std::endl;
    }
  }
  return kExitOk;
}

int RunSearch(Invocation& invocation) {
  if (absl::Status status = CheckPaging(invocation.options); !status.ok()) {
    return UsageError(invocation, *FindCommand("search"), status.message());
  }
  v1::SearchRequest request;
  request.set_query(absl::StrJoin(invocation.args, " "));
  request.set_page_size(invocation.options.page_size);
  request.set_page_token(invocation.options.page_token);
  for (const std::string& id : invocation.options.entity_ids) request.add_entity_ids(id);
  if (absl::Status status = SetDocumentFilters(invocation.options, request); !status.ok()) {
    return UsageError(invocation, *FindCommand("search"), status.message());
  }
  // The facets cover all matches: asked for with the first page only.
  request.set_documents_per_month(invocation.options.months);
  request.set_top_entities(invocation.options.top_entities);
  std::vector<v1::SearchHit> hits;
  std::vector<v1::MonthCount> months;
  std::vector<v1::EntityCount> top_entities;
  int64_t total = 0;
  std::string next_page_token;
  do {
    absl::StatusOr<v1::SearchResponse> page = invocation.client().Search(request, invocation.call());
    if (!page.ok()) return invocation.Fail(page.status());
    if (invocation.options.json) invocation.PrintJson(*page);
    request.set_documents_per_month(false);
    request.set_top_entities(0);
    months.insert(months.end(), page->documents_per_month().begin(),
                  page->documents_per_month().end());
    top_entities.insert(top_entities.end(), page->top_entities().begin(),
                        page->top_entities().end());
    hits.insert(hits.end(), page->hits().begin(), page->hits().end());
    total = page->total_size();
    next_page_token = page->next_page_token();
    request.set_page_token(next_page_token);
  } while (invocation.options.all && !next_page_token.empty());
  if (invocation.options.json) return kExitOk;

  invocation.out << total << " matching document" << (total == 1 ? "" : "s") << "\n";
  for (const v1::MonthCount& month : months) {
    invocation.out << absl::StrFormat("  %04d-%02d  %d\n", month.year(), month.month(),
                                      month.document_count());
  }
  if (!top_entities.empty()) {
    std::vector<std::vector<std::string>> rows = {{"  DOCUMENTS", "ENTITY", "TYPE", "NAME"}};
    for (const v1::EntityCount& entity : top_entities) {
      rows.push_back({absl::StrCat("  ", entity.document_count()), entity.entity_id(),
                      EntityTypeName(entity.type()), entity.canonical_name()});
    }
    PrintTable(invocation.out, rows, {true, false, false, false});
  }
  if (hits.empty()) {
    invocation.out.flush();
    return kExitOk;
  }
  // Each hit's snippet goes on its own line under the row, indented.
  size_t id_width = 2;
  for (const v1::SearchHit& hit : hits) id_width = std::max(id_width, hit.document().id().size());
  invocation.out << absl::StrFormat("%7s  %-*s  %s\n", "SCORE", id_width, "ID", "TITLE");
  for (const v1::SearchHit& hit : hits) {
    invocation.out << absl::StrFormat("%7.2f  %-*s  %s\n", hit.score(), id_width,
                                      hit.document().id(), hit.document().title());
    if (!hit.snippet().empty()) {
      // The snippet may span paragraphs; it is shown on one line.
      std::vector<absl::string_view> words =
          absl::StrSplit(hit.snippet(), absl::ByAnyChar(" \n\t"), absl::SkipEmpty());
      invocation.out << "         " << absl::StrJoin(words, " ") << "\n";
    }
  }
  if (!next_page_token.empty()) {
    const bool filtered = !invocation.options.entity_ids.empty();
    invocation.out << "more: korpusctl search --page_token=" << next_page_token << " (same query"
                   << (filtered ? " and --entity" : "") << "; or --all)\n";
  }
  invocation.out.flush();
  return kExitOk;
}

// --- watch ---

int RunWatch(Invocation& invocation) {
  const Options& options = invocation.options;
  if (!options.cursor.empty() && options.from_now) {
    return UsageError(invocation, *FindCommand("watch"),
                      "--cursor and --from_now exclude each other");
  }
  if (options.count < 0) {
    return UsageError(invocation, *FindCommand("watch"),
                      absl::StrCat("--count must not be negative, got ", options.count));
  }
  v1::WatchRequest request;
  request.set_query(absl::StrJoin(invocation.args, " "));
  for (const std::string& id : options.entity_ids) request.add_entity_ids(id);
  request.set_source_prefix(options.source_prefix);
  request.set_cursor(options.cursor);
  request.set_start_from_now(options.from_now);
  int received = 0;
  std::string last_cursor = options.cursor;
  // Each line is flushed at once: a watch is read as it runs.
  const absl::Status status = invocation.client().Watch(
      request,
      [&](const v1::WatchEvent& event) {
        if (options.json) {
          invocation.PrintJson(event);
        } else {
          invocation.out << event.document().id() << "\t" << event.document().title()
                         << "\tcursor=" << event.cursor() << std::endl;
        }
        last_cursor = event.cursor();
        return options.count == 0 || ++received < options.count;
      },
      CallOptions{.timeout = absl::InfiniteDuration()});
  if (options.count > 0 && received >= options.count) return kExitOk;
  if (!status.ok()) return invocation.Fail(status);
  invocation.err << "korpusctl: the gateway ended the watch"
                 << (last_cursor.empty() ? ""
                                         : absl::StrCat("; resume with --cursor=", last_cursor))
                 << std::endl;
  return kExitOk;
}

// --- entities, entity ---

std::string AliasList(const v1::Entity& entity, bool with_counts) {
  std::vector<std::string> names;
  for (const v1::EntityAlias& alias : entity.aliases()) {
    names.push_back(with_counts ? absl::StrCat(alias.name(), " (", alias.document_count(), ")")
                                : alias.name());
  }
  return names.empty() ? "-" : absl::StrJoin(names, ", ");
}

int RunEntities(Invocation& invocation) {
  const Command& command = *FindCommand("entities");
  if (absl::Status status = CheckPaging(invocation.options); !status.ok()) {
    return UsageError(invocation, command, status.message());
  }
  absl::StatusOr<v1::EntityType> type = ParseEntityType(invocation.options.entity_type);
  if (!type.ok()) return UsageError(invocation, command, type.status().message());
  absl::StatusOr<v1::EntityOrder> order = ParseEntityOrder(invocation.options.entity_order);
  if (!order.ok()) return UsageError(invocation, command, order.status().message());

  v1::ListEntitiesRequest request;
  request.set_type(*type);
  request.set_order_by(*order);
  request.set_name_prefix(invocation.options.name_prefix);
  request.set_page_size(invocation.options.page_size);
  request.set_page_token(invocation.options.page_token);
  std::vector<std::vector<std::string>> rows = {
      {"ID", "TYPE", "DOCUMENTS", "MENTIONS", "SALIENCE", "NAME", "ALIASES"}};
  int64_t total = 0;
  std::string next_page_token;
  do {
    absl::StatusOr<v1::ListEntitiesResponse> page =
        invocation.client().ListEntities(request, invocation.call());
    if (!page.ok()) return invocation.Fail(page.status());
    if (invocation.options.json) invocation.PrintJson(*page);
    for (const v1::Entity& entity : page->entities()) {
      rows.push_back({entity.entity_id(), EntityTypeName(entity.type()),
                      absl::StrCat(entity.document_count()), absl::StrCat(entity.mention_count()),
                      absl::StrFormat("%.2f", entity.total_salience()), entity.canonical_name(),
                      AliasList(entity, false)});
    }
    total = page->total_size();
    next_page_token = page->next_page_token();
    request.set_page_token(next_page_token);
  } while (invocation.options.all && !next_page_token.empty());
  if (invocation.options.json) return kExitOk;

  invocation.out << total << " entit" << (total == 1 ? "y" : "ies") << "\n";
  if (rows.size() > 1) PrintTable(invocation.out, rows, {false, false, true, true, true, false});
  if (!next_page_token.empty()) {
    invocation.out << "more: korpusctl entities --page_token=" << next_page_token
                   << " (same --type, --order and --prefix; or --all)" << std::endl;
  }
  invocation.out.flush();
  return kExitOk;
}

int RunEntity(Invocation& invocation) {
  if (absl::Status status = CheckPaging(invocation.options); !status.ok()) {
    return UsageError(invocation, *FindCommand("entity"), status.message());
  }
  v1::GetEntityRequest request;
  request.set_entity_id(invocation.args[0]);
  request.set_page_size(invocation.options.page_size);
  request.set_page_token(invocation.options.page_token);
  v1::Entity entity;
  std::string next_page_token;
  do {
    absl::StatusOr<v1::Entity> page = invocation.client().GetEntity(request, invocation.call());
    if (!page.ok()) return invocation.Fail(page.status());
    if (invocation.options.json) invocation.PrintJson(*page);
    if (entity.entity_id().empty()) {
      entity = *page;
    } else {
      entity.mutable_documents()->MergeFrom(page->documents());
    }
    next_page_token = page->documents_next_page_token();
    request.set_page_token(next_page_token);
  } while (invocation.options.all && !next_page_token.empty());
  if (invocation.options.json) return kExitOk;

  PrintTable(invocation.out,
             {{"id:", entity.entity_id()},
              {"name:", entity.canonical_name()},
              {"type:", EntityTypeName(entity.type())},
              {"documents:", absl::StrCat(entity.document_count())},
              {"mentions:", absl::StrCat(entity.mention_count())},
              {"salience:", absl::StrFormat("total %.2f, mean %.2f, max %.2f",
                                            entity.total_salience(), entity.mean_salience(),
                                            entity.max_salience())},
              {"aliases:", AliasList(entity, true)}},
             {});
  if (entity.documents_size() > 0) {
    std::vector<std::vector<std::string>> rows = {{"DOCUMENT", "SALIENCE", "MENTIONS", "TITLE"}};
    for (const v1::EntityDocument& document : entity.documents()) {
      rows.push_back({document.document_id(), absl::StrFormat("%.2f", document.salience()),
                      absl::StrCat(document.mention_count()), document.title()});
    }
    invocation.out << "\n";
    PrintTable(invocation.out, rows, {false, true, true, false});
  }
  if (!next_page_token.empty()) {
    invocation.out << "more: korpusctl entity " << entity.entity_id()
                   << " --page_token=" << next_page_token << " (or --all)" << std::endl;
  }
  invocation.out.flush();
  return kExitOk;
}

int RunCooccurrences(Invocation& invocation) {
  const Command& command = *FindCommand("cooccurrences");
  if (absl::Status status = CheckPaging(invocation.options); !status.ok()) {
    return UsageError(invocation, command, status.message());
  }
  absl::StatusOr<v1::EntityType> type = ParseEntityType(invocation.options.entity_type);
  if (!type.ok()) return UsageError(invocation, command, type.status().message());
  v1::ListCooccurrencesRequest request;
  request.set_entity_id(invocation.args[0]);
  request.set_type(*type);
  request.set_page_size(invocation.options.page_size);
  request.set_page_token(invocation.options.page_token);
  v1::EntityCount entity;
  int64_t total = 0;
  std::vector<std::vector<std::string>> rows = {
      {"DOCUMENTS", "ENTITY", "TYPE", "NAME", "EXAMPLES"}};
  std::string next_page_token;
  do {
    absl::StatusOr<v1::ListCooccurrencesResponse> page =
        invocation.client().ListCooccurrences(request, invocation.call());
    if (!page.ok()) return invocation.Fail(page.status());
    if (invocation.options.json) invocation.PrintJson(*page);
    entity = page->entity();
    total = page->total_size();
    for (const v1::Cooccurrence& cooccurrence : page->cooccurrences()) {
      const v1::EntityCount& other = cooccurrence.entity();
      rows.push_back({absl::StrCat(other.document_count()), other.entity_id(),
                      EntityTypeName(other.type()), other.canonical_name(),
                      absl::StrJoin(cooccurrence.example_document_ids(), ", ")});
    }
    next_page_token = page->next_page_token();
    request.set_page_token(next_page_token);
  } while (invocation.options.all && !next_page_token.empty());
  if (invocation.options.json) return kExitOk;

  invocation.out << entity.canonical_name() << " (" << EntityTypeName(entity.type()) << ", "
                 << entity.document_count() << " document"
                 << (entity.document_count() == 1 ? "" : "s") << ") appears with " << total
                 << " entit" << (total == 1 ? "y" : "ies") << "\n";
  if (rows.size() > 1) PrintTable(invocation.out, rows, {true, false, false, false, false});
  if (!next_page_token.empty()) {
    invocation.out << "more: korpusctl cooccurrences " << entity.entity_id()
                   << " --page_token=" << next_page_token << " (same --type; or --all)"
                   << std::endl;
  }
  invocation.out.flush();
  return kExitOk;
}

// --- quotes, timeline ---

// `text` cut to at most `limit` code points, with "…" when cut; line breaks
// become spaces.
std::string Clip(const std::string& text, size_t limit) {
  std::string out;
  size_t code_points = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) {
      if (code_points == limit) return absl::StrCat(out, "…");
      ++code_points;
    }
    out += c == '\n' ? ' ' : text[i];
  }
  return out;
}

int RunQuotes(Invocation& invocation) {
  const Command& command = *FindCommand("quotes");
  if (absl::Status status = CheckPaging(invocation.options); !status.ok()) {
    return UsageError(invocation, command, status.message());
  }
  v1::ListQuotesRequest request;
  request.set_speaker_entity_id(invocation.options.speaker);
  request.set_document_id(invocation.options.document_id);
  request.set_text(invocation.options.quote_text);
  request.set_include_terms(invocation.options.include_terms);
  request.set_page_size(invocation.options.page_size);
  request.set_page_token(invocation.options.page_token);
  std::vector<std::vector<std::string>> rows = {
      {"DOCUMENT", "#", "SPEAKER", "FOUND BY", "KIND", "QUOTE"}};
  int64_t total = 0;
  std::string next_page_token;
  do {
    absl::StatusOr<v1::ListQuotesResponse> page =
        invocation.client().ListQuotes(request, invocation.call());
    if (!page.ok()) return invocation.Fail(page.status());
    if (invocation.options.json) invocation.PrintJson(*page);
    for (const v1::QuoteRecord& quote : page->quotes()) {
      std::string speaker = quote.speaker_name().empty() ? "-" : quote.speaker_name();
      std::string found = ShortName(
          v1::SpeakerResolution_Name(quote.quote().speaker_resolution()), "SPEAKER_RESOLUTION_",
          true);
      if (found == "unspecified") found = "-";
      if (!quote.quote().cue_lemma().empty()) absl::StrAppend(&found, " (", quote.quote().cue_lemma(), ")");
      rows.push_back({quote.document_id(), absl::StrCat(quote.quote_index()), Clip(speaker, 28),
                      found, ShortName(v1::QuoteKind_Name(quote.quote().kind()), "QUOTE_KIND_", true),
                      absl::StrCat("„", Clip(quote.text(), 70), "“")});
    }
    total = page->total_size();
    next_page_token = page->next_page_token();
    request.set_page_token(next_page_token);
  } while (invocation.options.all && !next_page_token.empty());
  if (invocation.options.json) return kExitOk;

  invocation.out << total << " quote" << (total == 1 ? "" : "s") << "\n";
  if (rows.size() > 1) PrintTable(invocation.out, rows, {false, true, false, false, false, false});
  if (!next_page_token.empty()) {
    invocation.out << "more: korpusctl quotes --page_token=" << next_page_token
                   << " (same --speaker, --doc, --text and --terms; or --all)" << std::endl;
  }
  invocation.out.flush();
  return kExitOk;
}

// "2025", "2025-02" or "2025-02-01" (a missing part is 0); empty: unset.
absl::StatusOr<v1::CalendarDate> ParseCalendarDate(const std::string& text,
                                                   absl::string_view flag) {
  v1::CalendarDate date;
  if (text.empty()) return date;
  const std::vector<std::string> parts = absl::StrSplit(text, '-');
  int values[3] = {0, 0, 0};
  bool ok = parts.size() <= 3 && parts[0].size() == 4;
  for (size_t i = 0; ok && i < parts.size(); ++i) {
    ok = !parts[i].empty() && absl::SimpleAtoi(parts[i], &values[i]) && values[i] > 0;
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " must be YYYY, YYYY-MM or YYYY-MM-DD, got '", text, "'"));
  }
  date.set_year(values[0]);
  date.set_month(values[1]);
  date.set_day(values[2]);
  return date;
}

std::string FormatCalendarDate(const v1::CalendarDate& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

int RunTimeline(Invocation& invocation) {
  const Command& command = *FindCommand("timeline");
  if (absl::Status status = CheckPaging(invocation.options); !status.ok()) {
    return UsageError(invocation, command, status.message());
  }
  if (invocation.options.entity_ids.size() > 1) {
    return UsageError(invocation, command, "timeline takes at most one --entity");
  }
  absl::StatusOr<v1::CalendarDate> from = ParseCalendarDate(invocation.options.from, "from");
  if (!from.ok()) return UsageError(invocation, command, from.status().message());
  absl::StatusOr<v1::CalendarDate> to = ParseCalendarDate(invocation.options.to, "to");
  if (!to.ok()) return UsageError(invocation, command, to.status().message());
  v1::GetTimelineRequest request;
  if (!invocation.options.entity_ids.empty()) {
    request.set_entity_id(invocation.options.entity_ids[0]);
  }
  request.set_document_id(invocation.options.document_id);
  *request.mutable_from() = *from;
  *request.mutable_to() = *to;
  request.set_include_unresolved(invocation.options.include_unresolved);
  request.set_page_size(invocation.options.page_size);
  request.set_page_token(invocation.options.page_token);
  std::vector<std::vector<std::string>> rows = {
      {"WHEN", "GRAIN", "TEXT", "DOCUMENT", "ENTITIES"}};
  int64_t total = 0;
  std::string next_page_token;
  do {
    absl::StatusOr<v1::GetTimelineResponse> page =
        invocation.client().GetTimeline(request, invocation.call());
    if (!page.ok()) return invocation.Fail(page.status());
    if (invocation.options.json) invocation.PrintJson(*page);
    for (const v1::TimelineEvent& event : page->events()) {
      const v1::DateMention& date = event.date();
      std::string when = "unresolved";
      if (date.resolved()) {
        when = FormatCalendarDate(date.start());
        if (FormatCalendarDate(date.end_date()) != when) {
          absl::StrAppend(&when, "..", FormatCalendarDate(date.end_date()));
        }
      }
      std::vector<std::string> entities;
      for (const v1::StoryEntity& entity : event.entities()) {
        entities.push_back(entity.canonical_name());
      }
      rows.push_back(
          {when, ShortName(v1::DateGranularity_Name(date.granularity()), "DATE_GRANULARITY_", true),
           Clip(event.text(), 32), event.document_id(),
           entities.empty() ? "-" : Clip(absl::StrJoin(entities, ", "), 60)});
    }
    total = page->total_size();
    next_page_token = page->next_page_token();
    request.set_page_token(next_page_token);
  } while (invocation.options.all && !next_page_token.empty());
  if (invocation.options.json) return kExitOk;

  invocation.out << total << " event" << (total == 1 ? "" : "s") << "\n";
  if (rows.size() > 1) PrintTable(invocation.out, rows, {});
  if (!next_page_token.empty()) {
    invocation.out << "more: korpusctl timeline --page_token=" << next_page_token
                   << " (same --entity, --doc, --from, --to and --unresolved; or --all)"
                   << std::endl;
  }
  invocation.out.flush();
  return kExitOk;
}

// --- stories, story ---

std::string MainEntityList(const v1::Story& story) {
  std::vector<std::string> names;
  for (const v1::StoryEntity& entity : story.main_entities()) {
    names.push_back(entity.canonical_name());
  }
  return names.empty() ? "-" : absl::StrJoin(names, ", ");
}

int RunStories(Invocation& invocation) {
  const Command& command = *FindCommand("stories");
  if (absl::Status status = CheckPaging(invocation.options); !status.ok()) {
    return UsageError(invocation, command, status.message());
  }
  if (invocation.options.entity_ids.size() > 1) {
    return UsageError(invocation, command, "stories takes at most one --entity");
  }
  if (invocation.options.min_documents < 0) {
    return UsageError(invocation, command, "--min_documents must not be negative");
  }
  v1::ListStoriesRequest request;
  request.set_min_documents(invocation.options.min_documents);
  if (!invocation.options.entity_ids.empty()) {
    request.set_entity_id(invocation.options.entity_ids[0]);
  }
  request.set_page_size(invocation.options.page_size);
  request.set_page_token(invocation.options.page_token);
  std::vector<std::vector<std::string>> rows = {
      {"STORY", "DOCUMENTS", "LAST", "LABEL", "MAIN ENTITIES", "FIRST DOCUMENTS"}};
  int64_t total = 0;
  std::string next_page_token;
  do {
    absl::StatusOr<v1::ListStoriesResponse> page =
        invocation.client().ListStories(request, invocation.call());
    if (!page.ok()) return invocation.Fail(page.status());
    if (invocation.options.json) invocation.PrintJson(*page);
    for (const v1::Story& story : page->stories()) {
      std::vector<std::string> documents;
      for (const v1::StoryDocument& document : story.documents()) {
        documents.push_back(document.document_id());
      }
      rows.push_back({story.story_id(), absl::StrCat(story.document_count()),
                      FormatTimestamp(story.last_seen(), false), story.label(),
                      MainEntityList(story), absl::StrJoin(documents, " ")});
    }
    total = page->total_size();
    next_page_token = page->next_page_token();
    request.set_page_token(next_page_token);
  } while (invocation.options.all && !next_page_token.empty());
  if (invocation.options.json) return kExitOk;

  invocation.out << total << " stor" << (total == 1 ? "y" : "ies") << "\n";
  if (rows.size() > 1) PrintTable(invocation.out, rows, {false, true, false, false, false, false});
  if (!next_page_token.empty()) {
    invocation.out << "more: korpusctl stories --page_token=" << next_page_token
                   << " (same --min_documents and --entity; or --all)" << std::endl;
  }
  invocation.out.flush();
  return kExitOk;
}

int RunStory(Invocation& invocation) {
  v1::GetStoryRequest request;
  request.set_story_id(invocation.args[0]);
  absl::StatusOr<v1::Story> story = invocation.client().GetStory(request, invocation.call());
  if (!story.ok()) return invocation.Fail(story.status());
  if (invocation.options.json) {
    invocation.PrintJson(*story);
    return kExitOk;
  }
  std::vector<std::string> entities;
  for (const v1::StoryEntity& entity : story->main_entities()) {
    entities.push_back(absl::StrFormat("%s (%s, %s, %.2f)", entity.canonical_name(),
                                       EntityTypeName(entity.type()), entity.entity_id(),
                                       entity.weight()));
  }
  PrintTable(invocation.out,
             {{"id:", story->story_id()},
              {"label:", story->label()},
              {"documents:", absl::StrCat(story->document_count())},
              {"first seen:", FormatTimestamp(story->first_seen(), true)},
              {"last seen:", FormatTimestamp(story->last_seen(), true)},
              {"main entities:", entities.empty() ? "-" : absl::StrJoin(entities, "; ")}},
             {});
  std::vector<std::vector<std::string>> rows = {{"DOCUMENT", "SIMILARITY", "PUBLISHED", "TITLE"}};
  for (const v1::StoryDocument& document : story->documents()) {
    rows.push_back({document.document_id(), absl::StrFormat("%.2f", document.similarity()),
                    document.has_published_at() ? FormatTimestamp(document.published_at(), false)
                                                : "-",
                    document.title()});
  }
  invocation.out << "\n";
  PrintTable(invocation.out, rows, {false, true, false, false});
  invocation.out.flush();
  return kExitOk;
}

// --- stats, help ---

int RunAnnotateOffline(Invocation& invocation) {
  nlp::AnnotateOptions annotate;
  annotate.model_dir = invocation.options.model_dir;
  annotate.input_files = invocation.args;
  absl::StatusOr<nlp::AnnotateOutput> output = nlp::ParseAnnotateOutput(
      invocation.options.json ? "json" : invocation.options.annotate_format);
  if (!output.ok()) {
    invocation.err << "korpusctl: " << output.status().message() << std::endl;
    return kExitUsage;
  }
  absl::StatusOr<nlp::AnnotateInput> input =
      nlp::ParseAnnotateInput(invocation.options.annotate_input);
  if (!input.ok()) {
    invocation.err << "korpusctl: " << input.status().message() << std::endl;
    return kExitUsage;
  }
  annotate.output = *output;
  annotate.input = *input;
  if (absl::Status status = nlp::RunAnnotate(annotate, std::cin, invocation.out); !status.ok()) {
    return invocation.Fail(status);
  }
  return kExitOk;
}

int RunNerOffline(Invocation& invocation) {
  nlp::NerOptions ner;
  ner.model_dir = invocation.options.model_dir;
  ner.input_files = invocation.args;
  if (absl::Status status = nlp::RunNer(ner, std::cin, invocation.out); !status.ok()) {
    return invocation.Fail(status);
  }
  return kExitOk;
}

// "12 (PER 3, ORG 4, LOC 5, OTH 0)".
std::string EntitiesByType(const v1::CorpusStats& stats) {
  std::vector<std::string> parts;
  for (const v1::EntityTypeCount& entry : stats.entities_by_type()) {
    parts.push_back(absl::StrCat(EntityTypeName(entry.type()), " ", entry.entity_count()));
  }
  return absl::StrCat(stats.entity_count(), " (", absl::StrJoin(parts, ", "), ")");
}

int RunStats(Invocation& invocation) {
  absl::StatusOr<v1::CorpusStats> stats = invocation.client().GetStats(invocation.call());
  if (!stats.ok()) return invocation.Fail(stats.status());
  if (invocation.options.json) {
    invocation.PrintJson(*stats);
    return kExitOk;
  }
  PrintTable(invocation.out,
             {{"documents:", absl::StrCat(stats->document_count(), " (", stats->annotated_count(),
                                          " annotated, ", stats->pending_count(), " pending, ",
                                          stats->failed_count(), " failed)")},
              {"sentences:", absl::StrCat(stats->sentence_count())},
              {"tokens:", absl::StrCat(stats->token_count())},
              {"characters:", absl::StrCat(stats->char_count())},
              {"last ingested:", FormatTimestamp(stats->last_ingested_at(), true)},
              {"ingested:", absl::StrCat(stats->ingested_last_hour(), " in the last hour, ",
                                         stats->ingested_last_day(), " in the last 24 hours")},
              {"entities:", EntitiesByType(*stats)}},
             {});
  return kExitOk;
}

// --- delete, reannotate ---

int RunDelete(Invocation& invocation) {
  std::vector<std::vector<std::string>> rows = {{"ID", "RESULT", "TITLE"}};
  int exit_code = kExitOk;
  for (const std::string& id : invocation.args) {
    v1::DeleteDocumentRequest request;
    request.set_id(id);
    absl::StatusOr<v1::DeleteDocumentResponse> deleted =
        invocation.client().DeleteDocument(request, invocation.call());
    if (!deleted.ok()) {
      exit_code = invocation.Fail(deleted.status());
      if (!invocation.options.json) {
        rows.push_back({id, absl::StatusCodeToString(deleted.status().code()), ""});
      }
      continue;
    }
    if (invocation.options.json) {
      invocation.PrintJson(*deleted);
    } else {
      rows.push_back({id, "deleted", deleted->document().title()});
    }
  }
  if (!invocation.options.json) PrintTable(invocation.out, rows, {});
  return exit_code;
}

int RunReannotate(Invocation& invocation) {
  const Command& command = *FindCommand("reannotate");
  const Options& options = invocation.options;
  v1::ReannotateDocumentsRequest request;
  request.set_all(options.all);
  for (const std::string& id : invocation.args) request.add_ids(id);
  if (!options.state.empty()) {
    v1::DocumentState state = v1::DOCUMENT_STATE_UNSPECIFIED;
    if (!v1::DocumentState_Parse(absl::StrCat("DOCUMENT_STATE_", absl::AsciiStrToUpper(options.state)),
                                 &state) ||
        state == v1::DOCUMENT_STATE_UNSPECIFIED) {
      return UsageError(invocation, command,
                        absl::StrCat("--state=", options.state,
                                     " is not pending, annotated or failed"));
    }
    request.set_state(state);
  }
  if (options.entity_ids.size() > 1) {
    return UsageError(invocation, command, "--entity takes one entity id here");
  }
  if (!options.entity_ids.empty()) request.set_entity_id(options.entity_ids[0]);
  request.set_query(options.reannotate_query);
  const bool selective = !invocation.args.empty() || !options.state.empty() ||
                         !options.entity_ids.empty() || !options.reannotate_query.empty();
  if (options.all == selective) {
    return UsageError(invocation, command,
                      options.all
                          ? "--all cannot be combined with ids, --state, --entity or --query"
                          : "select documents: --all, --state, --entity, --query or ids");
  }
  absl::StatusOr<v1::ReannotateDocumentsResponse> queued =
      invocation.client().ReannotateDocuments(request, invocation.call());
  if (!queued.ok()) return invocation.Fail(queued.status());
  if (options.json) {
    invocation.PrintJson(*queued);
    return kExitOk;
  }
  PrintTable(invocation.out,
             {{"queued:", absl::StrCat(queued->queued_count(),
                                       " documents (PENDING until the reconciler annotates "
                                       "them)")}},
             {});
  return kExitOk;
}

// --- export, import ---

int RunExport(Invocation& invocation) {
  absl::StatusOr<DocumentFormat> format = ParseDocumentFormat(invocation.options.transfer_format);
  if (!format.ok()) return UsageError(invocation, *FindCommand("export"), format.status().message());
  int64_t count = 0;
  absl::Status write_status;
  const absl::Status status = invocation.client().ExportDocuments(
      [&](const v1::Document& document) {
        write_status = WriteDocument(document, *format, invocation.out);
        if (write_status.ok() && !invocation.out.good()) {
          write_status = absl::UnavailableError("cannot write to standard output");
        }
        ++count;
        return write_status.ok();
      },
      invocation.call());
  invocation.out.flush();
  if (!write_status.ok()) return invocation.Fail(write_status);
  if (!status.ok()) return invocation.Fail(status);
  invocation.err << "korpusctl: exported " << count << " document" << (count == 1 ? "" : "s")
                 << std::endl;
  return kExitOk;
}

int RunImport(Invocation& invocation) {
  absl::StatusOr<DocumentFormat> format = ParseDocumentFormat(invocation.options.transfer_format);
  if (!format.ok()) return UsageError(invocation, *FindCommand("import"), format.status().message());
  const std::string path = invocation.args.empty() ? "-" : invocation.args[0];
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      return invocation.Fail(absl::NotFoundError(absl::StrCat("cannot open ", path)));
    }
  }
  DocumentReader reader(path == "-" ? std::cin : file, *format);
  absl::Status read_status;
  const absl::StatusOr<v1::ImportDocumentsResponse> response = invocation.client().ImportDocuments(
      [&](v1::Document& document) {
        absl::StatusOr<bool> more = reader.Next(document);
        if (!more.ok()) read_status = more.status();
        return more.ok() && *more;
      },
      invocation.call());
  if (!read_status.ok()) {
    // The documents before the bad input were sent; whether they were
    // stored depends on the call, which ended normally.
    return invocation.Fail(absl::Status(read_status.code(),
                                        absl::StrCat(path == "-" ? "standard input" : path, ": ",
                                                     read_status.message())));
  }
  if (!response.ok()) return invocation.Fail(response.status());
  if (invocation.options.json) {
    invocation.PrintJson(*response);
    return kExitOk;
  }
  const int64_t total = response->created_count() + response->duplicate_count();
  invocation.out << total << " document" << (total == 1 ? "" : "s") << ": "
                 << response->created_count() << " created, " << response->duplicate_count()
                 << " duplicate" << (response->duplicate_count() == 1 ? "" : "s") << std::endl;
  return kExitOk;
}

int RunHelp(Invocation& invocation) {
  invocation.out << "Commands:\n" << CommandsHelp() << std::flush;
  return kExitOk;
}

}  // namespace

std::vector<std::string> RepeatedFlagValues(const std::vector<std::string>& args,
                                            const std::string& name) {
  std::vector<std::string> values;
  auto add = [&values](absl::string_view value) {
    for (absl::string_view id : absl::StrSplit(value, ',', absl::SkipEmpty())) {
      values.emplace_back(id);
    }
  };
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg == "--") break;
    if (!absl::ConsumePrefix(&arg, "--") && !absl::ConsumePrefix(&arg, "-")) continue;
    if (!absl::ConsumePrefix(&arg, name)) continue;
    if (absl::ConsumePrefix(&arg, "=")) {
      add(arg);
    } else if (arg.empty() && i + 1 < args.size()) {
      add(args[++i]);
    }
  }
  return values;
}

std::string CommandsHelp() {
  constexpr size_t kWidth = 80;
  constexpr absl::string_view kIndent = "      ";
  std::string help;
  for (const Command& command : kCommands) {
    absl::StrAppend(&help, "  ", command.name, command.usage.empty() ? "" : " ", command.usage,
                    "\n");
    // The summary, wrapped at word boundaries.
    std::string line(kIndent);
    for (absl::string_view word : absl::StrSplit(command.summary, ' ', absl::SkipEmpty())) {
      if (line.size() > kIndent.size() && line.size() + 1 + word.size() > kWidth) {
        absl::StrAppend(&help, line, "\n");
        line = std::string(kIndent);
      }
      if (line.size() > kIndent.size()) line += ' ';
      absl::StrAppend(&line, word);
    }
    absl::StrAppend(&help, line, "\n");
  }
  return help;
}

int Run(const std::vector<std::string>& args, const Options& options) {
  if (args.empty()) {
    std::cerr << "korpusctl: no command given\n\nCommands:\n"
              << CommandsHelp() << "\nSee korpusctl --help for the flags." << std::endl;
    return kExitUsage;
  }
  const Command* command = FindCommand(args[0]);
  if (command == nullptr) {
    std::cerr << "korpusctl: unknown command \"" << args[0] << "\"\n\nCommands:\n"
              << CommandsHelp() << std::flush;
    return kExitUsage;
  }
  Invocation invocation(std::vector<std::string>(args.begin() + 1, args.end()), options);
  const int count = static_cast<int>(invocation.args.size());
  if (count < command->min_args) {
    return UsageError(invocation, *command, "missing argument");
  }
  if (command->max_args >= 0 && count > command->max_args) {
    return UsageError(invocation, *command,
                      absl::StrCat("unexpected argument \"", invocation.args[command->max_args], "\""));
  }
  return command->run(invocation);
}

}  // namespace korpus::ctl
